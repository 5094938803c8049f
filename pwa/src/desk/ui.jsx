// Small pieces every desk screen uses: loading a resource, showing the server's error in words, a reason dialog,
// a stale-edit comparison. Screens keep their own layout; these keep behaviour the same everywhere.
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { t } from '../lib/i18n.js';

/** const {data, error, loading, reload} = useLoad(() => desk.api('GET', '/x', {muni}), [muni]) */
export function useLoad(fetcher, deps) {
  const [state, setState] = useState({ data: null, error: null, loading: true });
  const generation = useRef(0);
  const reload = useCallback(() => {
    const mine = ++generation.current;
    setState((old) => ({ ...old, loading: true, error: null }));
    return fetcher().then(
      (data) => { if (mine === generation.current) setState({ data, error: null, loading: false }); return data; },
      (error) => { if (mine === generation.current) setState((old) => ({ ...old, error, loading: false })); },
    );
  }, deps);
  useEffect(() => { reload(); }, [reload]);
  return { ...state, reload };
}

const SIGNED_OUT = ['auth_required', 'token_expired', 'token_revoked', 'token_invalid']; // not login_failed

/** The server's message (already in the reader's language), or a network message; details name the fields.
 * labels: {field: its label on screen}, so that two «cannot be empty» say which field each is about. */
export function ErrorBox({ error, onRetry, labels }) {
  if (!error) return null;
  // A session that ended mid-form (401): say in words that what was typed is still here, and how to go on.
  const signedOut = error.status === 401 && SIGNED_OUT.includes(error.code);
  // an id edited by hand in the address reaches no API route: the API's words would confuse; say it of the desk
  const message = error.code === 'network' ? t('desk_error_network') : signedOut ? t('desk_error_signed_out')
    : error.code === 'route_not_found' ? t('desk_not_found') : error.message;
  return (
    <div class="problem" role="alert">
      <p>{message}</p>
      {signedOut && <p><a href="/mesa/entrar" target="_blank" rel="noopener">{t('desk_error_sign_in_again')}</a></p>}
      {error.details && error.details.length > 0 && (
        <ul>{error.details.map((d) => <li>{labels && labels[d.field] ? `${labels[d.field]}: ` : ''}{d.message || d.msg || JSON.stringify(d)}</li>)}</ul>
      )}
      {onRetry && error.status !== 404 && <button type="button" onClick={onRetry}>{t('desk_retry')}</button>}
    </div>
  );
}

export function Loading() {
  return <p class="muted" aria-busy="true">{t('desk_loading')}</p>;
}

/** A modal dialog (the native <dialog>, so focus and Escape work as people expect). */
export function Dialog({ title, open, onClose, children }) {
  const ref = useRef(null);
  useEffect(() => {
    const node = ref.current;
    if (!node) return;
    if (open && !node.open) node.showModal();
    if (!open && node.open) node.close();
  }, [open]);
  return (
    <dialog ref={ref} aria-label={title} onClose={onClose} class="desk-dialog">
      <h2>{title}</h2>
      {children}
    </dialog>
  );
}

/**
 * A 409 on a stale edit: what the person sent beside what is saved now, field by field, in words.
 * rows: [[label, mine, theirs], ...] (the screen builds them from its form and the server's current record).
 */
export function StaleComparison({ rows, onReload }) {
  return (
    <div class="stale" role="alert">
      <h3>{t('desk_stale_title')}</h3>
      <table>
        <thead><tr><th scope="col"></th><th scope="col">{t('desk_stale_yours')}</th><th scope="col">{t('desk_stale_theirs')}</th></tr></thead>
        <tbody>
          {rows.map(([label, mine, theirs]) => (
            <tr class={String(mine) !== String(theirs) ? 'differs' : undefined}>
              <th scope="row">{label}</th><td>{mine ?? '—'}</td><td>{theirs ?? '—'}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button type="button" onClick={onReload}>{t('desk_stale_reload')}</button>
    </div>
  );
}

/** Download a CSV answer of the API as a file (the session's cookie goes with it). */
export async function downloadCsv(desk, path, options, filename) {
  const response = await desk.api('GET', path, { ...options, raw: true, headers: { Accept: 'text/csv' } });
  const blob = await response.blob();
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = filename;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 1000);
}
