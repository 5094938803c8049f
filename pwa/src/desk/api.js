// The desk's one way to the server: the browser session's cookie (HttpOnly, never read here) and, on every
// request that changes something, the CSRF token the server gave at sign-in (cookie `vigia_csrf`, sent back in the
// `X-CSRF-Token` header). Answers: JSON, or the one error shape thrown as ApiError. docs/api.md, "Browser sessions".
import { ApiError, NetworkError } from '../sync/api.js';
import { language } from '../lib/i18n.js';

export const CSRF_COOKIE = 'vigia_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

export function csrfToken() {
  const found = document.cookie.split('; ').find((part) => part.startsWith(CSRF_COOKIE + '='));
  return found ? decodeURIComponent(found.slice(CSRF_COOKIE.length + 1)) : '';
}

function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === undefined || value === null || value === '') continue;
    for (const one of Array.isArray(value) ? value : [value]) params.append(key, String(one));
  }
  const text = params.toString();
  return text ? `${path}${path.includes('?') ? '&' : '?'}${text}` : path;
}

/**
 * api('GET', '/complaints', {muni: '10005', query: {state: 'received'}}) -> parsed JSON (null for 204).
 * A path starting with '/' is under /api/v1; `muni` puts it under /api/v1/municipalities/{muni}.
 * {raw: true} gives the Response (CSV downloads); {body} is JSON unless it is FormData or a Blob.
 */
export async function api(method, path, { muni, query, body, headers = {}, raw = false, signal } = {}) {
  const base = muni ? `/api/v1/municipalities/${muni}` : '/api/v1';
  const all = { Accept: 'application/json', 'Accept-Language': language(), ...headers };
  if (method !== 'GET' && method !== 'HEAD') all[CSRF_HEADER] = csrfToken();
  let payload;
  if (body instanceof FormData || body instanceof Blob) payload = body;
  else if (body !== undefined) { payload = JSON.stringify(body); all['Content-Type'] = 'application/json'; }
  let response;
  try {
    response = await fetch(withQuery(base + path, query), {
      method, headers: all, body: payload, credentials: 'same-origin', cache: 'no-store', signal,
    });
  } catch (error) {
    throw new NetworkError(error);
  }
  if (raw && response.ok) return response;
  if (response.status === 204) return null;
  let data = null;
  try { data = await response.json(); } catch { data = null; }
  if (!response.ok) {
    const error = data && data.error;
    if (error && error.code) throw new ApiError(response.status, error.code, error.message, error.details || []);
    throw new ApiError(response.status, 'http_' + response.status, `HTTP ${response.status}`);
  }
  return data;
}

export { ApiError, withQuery };
