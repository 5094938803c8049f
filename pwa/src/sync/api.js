// The one way the app talks to the server: JSON in, JSON or the one error shape out. No UI here.

export class ApiError extends Error {
  constructor(status, code, message, details = []) {
    super(message || code);
    this.status = status;
    this.code = code;
    this.details = details;
  }
}

export class NetworkError extends Error {
  constructor(cause) {
    super('network');
    this.code = 'network';
    this.cause = cause;
  }
}

/** request(env, 'POST', '/api/v1/sync/push', {body, session}) -> parsed JSON (or null for 204). */
export async function request(env, method, path, { body, session, headers = {}, signal } = {}) {
  const all = { Accept: 'application/json', 'Accept-Language': env.language(), ...headers };
  if (body !== undefined) all['Content-Type'] = 'application/json';
  if (session) {
    all.Authorization = `Bearer ${session.token}`;
    all['Vigia-Device'] = session.device_id;
  }
  let response;
  try {
    response = await env.fetch(env.base + path, {
      method,
      headers: all,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: 'no-store',
      credentials: 'omit',
      signal,
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (response.status === 204) return { data: null, status: 204 };
  let data = null;
  try {
    data = await response.json();
  } catch {
    data = null;
  }
  if (!response.ok) {
    const error = data && data.error;
    if (error && error.code) throw new ApiError(response.status, error.code, error.message, error.details || []);
    throw new ApiError(response.status, 'http_' + response.status, `HTTP ${response.status}`);
  }
  return { data, status: response.status };
}
