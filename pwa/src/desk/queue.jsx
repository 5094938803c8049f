// The comptroller's queue (/mesa/quejas): overdue first, then due soon; filters as a form reflected in the URL (a
// view can be bookmarked or shared), counts per state as chips, a table on a laptop and cards on a phone, search by
// folio or text, keyset "load more", bulk moves with a reason and a result per complaint, and keyboard shortcuts
// (? lists them). Opening a row goes to /mesa/quejas/{id}. docs/pwa.md, "The desk" › "Queue".
import { useEffect, useRef, useState } from 'preact/hooks';
import { addTexts, formatDay, language, t } from '../lib/i18n.js';
import { Link } from '../shell/hooks.jsx';
import { Dialog, ErrorBox, Loading, useLoad } from './ui.jsx';
import {
  SHORTCUTS, apiQuery, dueBadge, fromForm, movesFor, readFilters, shortcut, toggleState, writeSearch,
} from './queue_model.js';
import texts from './texts/queue.js';

addTexts(texts);

const BASE = '/mesa/quejas';

function useSearch() {
  const [search, setSearch] = useState(location.search);
  useEffect(() => {
    const sync = () => setSearch(location.search);
    window.addEventListener('popstate', sync);
    window.addEventListener('vigia:navigate', sync);
    return () => { window.removeEventListener('popstate', sync); window.removeEventListener('vigia:navigate', sync); };
  }, []);
  return search;
}

function Due({ item }) {
  const badge = dueBadge(item);
  if (!badge) return <span class="muted">{t('queue_paused')}</span>;
  const text = badge.tone === 'overdue' ? t('queue_overdue', { n: badge.days })
    : badge.tone === 'soon' ? (badge.days === 0 ? t('queue_due_today') : t('queue_due_in', { n: badge.days }))
      : t('queue_days_left', { n: badge.days });
  return (
    <span>
      <time datetime={item.due_on}>{formatDay(item.due_on)}</time>{' '}
      <span class={'badge ' + (badge.tone === 'ok' ? '' : badge.tone)}>{text}</span>
    </span>
  );
}

function Options({ words, value }) {
  return words.map((word) => <option value={word.code} selected={value === word.code}>{word.label}</option>);
}

function Filters({ filters, words, lists, onApply, onClear, searchRef }) {
  const submit = (event) => { event.preventDefault(); onApply(fromForm(new FormData(event.currentTarget))); };
  const one = (key) => filters[key][0] || '';
  return (
    <form class="queue-filters" role="search" aria-label={t('queue_filters')} onSubmit={submit}>
      <div class="queue-search">
        <label>{t('queue_search')}
          <input ref={searchRef} type="search" name="q" defaultValue={filters.q} aria-describedby="queue-search-hint" />
        </label>
        <p id="queue-search-hint" class="muted small">{t('queue_search_hint')}</p>
      </div>
      <div class="toolbar">
        <div class="field"><label for="queue-f-1">{t('queue_state')}</label>
          <select id="queue-f-1" name="state">
            <option value="">{t('queue_state_default')}</option>
            <Options words={words.states} value={one('state')} />
          </select>
        </div>
        <div class="field"><label for="queue-f-2">{t('queue_kind')}</label>
          <select id="queue-f-2" name="kind"><option value="">{t('queue_any')}</option><Options words={words.kinds} value={one('kind')} /></select>
        </div>
        <div class="field"><label for="queue-f-3">{t('queue_category')}</label>
          <select id="queue-f-3" name="category">
            <option value="">{t('queue_any')}</option>
            {lists.categories.map((c) => <option value={c.service_code} selected={one('category') === c.service_code}>{c.name}</option>)}
          </select>
        </div>
        <div class="field"><label for="queue-f-4">{t('queue_zone')}</label>
          <select id="queue-f-4" name="zone">
            <option value="">{t('queue_any')}</option>
            {lists.zones.map((z) => <option value={z.code} selected={one('zone') === z.code}>{z.name}</option>)}
          </select>
        </div>
        <div class="field"><label for="queue-f-5">{t('queue_work')}</label>
          <select id="queue-f-5" name="work_id">
            <option value="">{t('queue_any')}</option>
            {lists.works.map((w) => <option value={w.id} selected={filters.work_id === w.id}>{w.identifier ? `${w.identifier} · ${w.title}` : w.title}</option>)}
          </select>
        </div>
        <div class="field"><label for="queue-f-6">{t('queue_assignee')}</label>
          <select id="queue-f-6" name="assignee">
            <option value="">{t('queue_any')}</option>
            <option value="me" selected={filters.assignee === 'me'}>{t('queue_me')}</option>
            <option value="unassigned" selected={filters.assignee === 'unassigned'}>{t('queue_unassigned')}</option>
            {lists.staff.map((u) => <option value={u.id} selected={filters.assignee === u.id}>{u.full_name}</option>)}
          </select>
        </div>
        <div class="field"><label for="queue-f-7">{t('queue_anonymous')}</label>
          <select id="queue-f-7" name="anonymous">
            <option value="">{t('queue_any')}</option>
            <option value="true" selected={filters.anonymous === 'true'}>{t('queue_anonymous_yes')}</option>
            <option value="false" selected={filters.anonymous === 'false'}>{t('queue_anonymous_no')}</option>
          </select>
        </div>
        <div class="field"><label for="queue-f-8">{t('queue_order')}</label>
          <select id="queue-f-8" name="order">
            <option value="due">{t('queue_order_due')}</option>
            <option value="-received" selected={filters.order === '-received'}>{t('queue_order_received_desc')}</option>
            <option value="received" selected={filters.order === 'received'}>{t('queue_order_received')}</option>
            <option value="priority" selected={filters.order === 'priority'}>{t('queue_order_priority')}</option>
          </select>
        </div>
      </div>
      <label class="check"><input type="checkbox" name="include_closed" defaultChecked={filters.include_closed === 'true'} /> {t('queue_include_closed')}</label>
      <div class="toolbar">
        <button type="submit">{t('queue_apply')}</button>
        <button type="button" class="secondary" onClick={onClear}>{t('queue_clear')}</button>
      </div>
    </form>
  );
}

function Chips({ counts, filters, words, onChoose }) {
  if (!counts) return null;
  const open = words.states.filter((s) => s.open).reduce((sum, s) => sum + (counts[s.code] || 0), 0);
  return (
    <div class="queue-chips" role="group" aria-label={t('queue_counts')}>
      <button type="button" class="chip" aria-pressed={filters.state.length === 0 ? 'true' : 'false'}
              onClick={() => onChoose(null)}>{t('queue_chip_open')} <strong>{open}</strong></button>
      {words.states.map((state) => (
        <button type="button" class="chip" aria-pressed={filters.state.includes(state.code) ? 'true' : 'false'}
                onClick={() => onChoose(state.code)}>{state.label} <strong>{counts[state.code] || 0}</strong></button>
      ))}
    </div>
  );
}

function MoveDialog({ desk, open, rows, words, onClose, onDone }) {
  const moves = movesFor(words, rows);
  const [code, setCode] = useState('');
  const [templates, setTemplates] = useState([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState(null);
  const move = moves.find((m) => m.code === code) || moves[0];
  useEffect(() => { if (open) { setCode(''); setError(null); } }, [open]);
  useEffect(() => {
    if (!open || !move) return;
    desk.muniApi('GET', '/complaints/templates', { query: { state: move.to_state } }).then(setTemplates, () => setTemplates([]));
  }, [open, move && move.code]);
  const submit = async (event) => {
    event.preventDefault();
    const data = new FormData(event.currentTarget);
    const transition = { to: move.to_state, reason: String(data.get('reason') || '').trim() };
    for (const key of ['public_answer', 'template_id', 'outcome', 'referred_to']) {
      const value = String(data.get(key) || '').trim();
      if (value) transition[key] = value;
    }
    if (data.get('extension_days')) transition.extension_days = Number(data.get('extension_days'));
    setBusy(true);
    setError(null);
    try {
      const results = await desk.muniApi('POST', '/complaints/bulk-transitions', { body: { ids: rows.map((r) => r.id), transition } });
      onDone(results.map((result) => {
        const row = rows.find((r) => r.id === result.id) || { folio: result.id };
        const state = result.ok ? (words.states.find((s) => s.code === result.state) || {}).label : '';
        return result.ok ? { ok: true, text: t('queue_result_ok', { folio: row.folio, state }) }
          : { ok: false, text: t('queue_result_failed', { folio: row.folio, message: result.error.message }) };
      }));
    } catch (failure) {
      setError(failure);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Dialog title={t('queue_move_title', { n: rows.length })} open={open} onClose={onClose}>
      {moves.length === 0 ? <p>{t('queue_move_none')}</p> : (
        <form onSubmit={submit} class="queue-move">
          <div class="field"><label for="queue-f-9">{t('queue_move')}</label>
            <select id="queue-f-9" name="move" value={move.code} onChange={(e) => setCode(e.currentTarget.value)}>
              {moves.map((m) => <option value={m.code}>{m.label} ({t('queue_move_can', { can: m.can, n: rows.length })})</option>)}
            </select>
          </div>
          <label>{t('desk_reason')} {t('desk_required')}
            <textarea name="reason" required minLength={3} rows={2} aria-describedby="queue-reason-hint" />
          </label>
          <p id="queue-reason-hint" class="muted small">{t('queue_reason_hint')}</p>
          {templates.length > 0 && (
            <div class="field"><label for="queue-f-10">{t('queue_template')}</label>
              <select id="queue-f-10" name="template_id">
                <option value="">{t('queue_template_none')}</option>
                {templates.map((tpl) => <option value={tpl.id}>{tpl.title}</option>)}
              </select>
            </div>
          )}
          <label>{move.public_answer === 'required' ? t('queue_public_answer_required') : t('queue_public_answer')}
            <textarea name="public_answer" rows={3} />
          </label>
          {move.fields.includes('outcome') && (
            <div class="field"><label for="queue-f-11">{t('queue_outcome')}</label>
              <select id="queue-f-11" name="outcome" required>{words.outcomes.map((o) => <option value={o.code}>{o.label}</option>)}</select>
            </div>
          )}
          {move.fields.includes('referred_to') && <label>{t('queue_referred_to')}<input name="referred_to" required /></label>}
          {move.fields.includes('extension_days') && <label>{t('queue_extension_days')}<input name="extension_days" type="number" min="1" max="60" /></label>}
          <ErrorBox error={error} />
          <div class="toolbar">
            <button type="submit" disabled={busy}>{busy ? t('queue_working') : t('queue_do_move')}</button>
            <button type="button" class="secondary" onClick={onClose}>{t('desk_cancel')}</button>
          </div>
        </form>
      )}
      {moves.length === 0 && <button type="button" onClick={onClose}>{t('desk_close')}</button>}
    </Dialog>
  );
}

function Shortcuts({ open, onClose }) {
  const said = { next: 'queue_key_next', previous: 'queue_key_previous', open: 'queue_key_open', select: 'queue_key_select',
    search: 'queue_key_search', move: 'queue_key_move', assign: 'queue_key_assign', clear: 'queue_key_clear', help: 'queue_key_help' };
  const keys = SHORTCUTS.filter(([key]) => key !== 'o');
  return (
    <Dialog title={t('queue_shortcuts')} open={open} onClose={onClose}>
      <dl class="queue-keys">
        {keys.map(([key, action]) => [<dt><kbd>{key === 'Escape' ? 'Esc' : key}</kbd></dt>, <dd>{t(said[action])}</dd>])}
      </dl>
      <p class="muted small">{t('queue_keys_note')}</p>
      <button type="button" onClick={onClose}>{t('desk_close')}</button>
    </Dialog>
  );
}

export default function Queue({ desk }) {
  const search = useSearch();
  const filters = readFilters(search);
  const lang = language();
  const words = useLoad(() => desk.api('GET', '/complaints/vocabulary'), [lang]);
  const lists = useLoad(async () => {
    const quiet = (promise, fallback) => promise.catch(() => fallback);
    const [categories, zones, works, users] = await Promise.all([
      quiet(desk.muniApi('GET', '/complaints/categories'), []),
      quiet(desk.muniApi('GET', '/zones'), { features: [] }),
      quiet(desk.muniApi('GET', '/works', { query: { limit: 200, order: 'identifier' } }), { items: [] }),
      quiet(desk.muniApi('GET', '/users'), []),
    ]);
    return {
      categories,
      zones: (zones.features || []).map((f) => f.properties).filter((p) => p && p.code),
      works: works.items || [],
      staff: users.filter((u) => u.roles.some((g) => g.role === 'comptroller' || g.role === 'admin')),
    };
  }, [desk.muni, lang]);
  const [page, setPage] = useState({ items: [], total: 0, counts: null, next: null });
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState(null);
  const [current, setCurrent] = useState(-1);
  const [selected, setSelected] = useState(() => new Set());
  const [dialog, setDialog] = useState(null); // 'move' | 'help'
  const [results, setResults] = useState(null);
  const searchRef = useRef(null);
  const tableRef = useRef(null);
  const generation = useRef(0);

  const load = (more = false) => {
    const mine = ++generation.current;
    setLoading(true);
    setError(null);
    return desk.muniApi('GET', '/complaints', { query: apiQuery(filters, { cursor: more ? page.next : null }) }).then(
      (data) => {
        if (mine !== generation.current) return;
        setPage((old) => (more
          ? { ...old, items: [...old.items, ...data.items], next: data.next_cursor }
          : { items: data.items, total: data.total, counts: data.counts, next: data.next_cursor }));
        if (!more) { setCurrent(-1); setSelected(new Set()); }
        setLoading(false);
      },
      (failure) => { if (mine === generation.current) { setError(failure); setLoading(false); } },
    );
  };
  useEffect(() => { load(false); }, [search, desk.muni, lang]);

  const apply = (next) => desk.navigate(BASE + writeSearch({ ...filters, ...next, cursor: undefined }));
  const rows = page.items;
  const chosen = rows.filter((row) => selected.has(row.id));
  const toggle = (id) => setSelected((old) => { const next = new Set(old); if (next.has(id)) next.delete(id); else next.add(id); return next; });
  const focusRow = (index) => {
    const link = tableRef.current?.querySelectorAll('a.queue-open')[index];
    if (link) link.focus();
  };

  const assignToMe = async () => {
    if (!chosen.length) return;
    const said = [];
    for (const row of chosen) {
      try {
        await desk.muniApi('PATCH', `/complaints/${row.id}`, { body: { version: row.version, assignee_id: desk.me.id } });
        said.push({ ok: true, text: t('queue_assigned_ok', { folio: row.folio }) });
      } catch (failure) {
        said.push({ ok: false, text: t('queue_result_failed', { folio: row.folio, message: failure.message }) });
      }
    }
    setResults(said);
    load(false);
  };

  // The latest state for the key handler, registered once: a key pressed before effects run again must not see
  // an older row or selection.
  const live = useRef({});
  live.current = { rows, current, chosen, dialog, assignToMe };
  useEffect(() => {
    const onKey = (event) => {
      const now = live.current;
      if (now.dialog) return;
      const action = shortcut(event);
      if (!action) return;
      const onLink = event.target && (event.target.tagName === 'A' || event.target.tagName === 'BUTTON');
      if (action === 'open' && onLink) return; // the focused link or button does it
      event.preventDefault();
      const last = now.rows.length - 1;
      const go = (index) => { now.current = index; setCurrent(index); focusRow(index); };
      if (action === 'next' && now.rows.length) go(Math.min(now.current + 1, last));
      if (action === 'previous' && now.rows.length) go(Math.max(now.current - 1, 0));
      if (action === 'open' && now.rows[now.current]) desk.navigate(`${BASE}/${now.rows[now.current].id}`);
      if (action === 'select' && now.rows[now.current]) toggle(now.rows[now.current].id);
      if (action === 'search') searchRef.current?.focus();
      if (action === 'move' && now.chosen.length) setDialog('move');
      if (action === 'assign') now.assignToMe();
      if (action === 'clear') setSelected(new Set());
      if (action === 'help') setDialog('help');
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, []);

  if (words.error) return <ErrorBox error={words.error} onRetry={words.reload} />;
  if (!words.data) return <Loading />;
  const vocabulary = words.data;
  const allShown = rows.length > 0 && rows.every((row) => selected.has(row.id));

  return (
    <section class="queue">
      <h1 tabIndex={-1}>{t('queue_title')}</h1>
      <p class="muted small">{t('queue_shortcuts_hint')}{' '}
        <button type="button" class="link" onClick={() => setDialog('help')}>{t('queue_shortcuts')}</button></p>
      <Filters filters={filters} words={vocabulary} lists={lists.data || { categories: [], zones: [], works: [], staff: [] }}
               onApply={apply} onClear={() => desk.navigate(BASE)} searchRef={searchRef} key={search} />
      <Chips counts={page.counts} filters={filters} words={vocabulary}
             onChoose={(code) => apply(code ? toggleState(filters, code) : { state: [] })} />
      <ErrorBox error={error} onRetry={() => load(false)} />
      <p role="status" class="queue-total">{loading && !rows.length ? t('desk_loading') : t('queue_total', { n: page.total })}</p>
      {results && (
        <div class="queue-results" role="status">
          <h2>{t('queue_results')}</h2>
          <ul>{results.map((r) => <li class={r.ok ? 'ok' : 'failed'}>{r.text}</li>)}</ul>
        </div>
      )}
      {chosen.length > 0 && (
        <div class="queue-bulk toolbar" role="region" aria-label={t('queue_selected', { n: chosen.length })}>
          <strong>{t('queue_selected', { n: chosen.length })}</strong>
          <button type="button" onClick={() => setDialog('move')}>{t('queue_move_selected')}</button>
          <button type="button" class="secondary" onClick={assignToMe}>{t('queue_assign_selected')}</button>
          <button type="button" class="link" onClick={() => setSelected(new Set())}>{t('queue_clear_selection')}</button>
        </div>
      )}
      {rows.length === 0 && !loading && !error ? <p>{t('queue_empty')}</p> : (
        <div class="table-wrap" ref={tableRef}>
          <table class="queue-table">
            <thead>
              <tr>
                <th scope="col"><input type="checkbox" aria-label={t('queue_select_all')} checked={allShown}
                                       onChange={() => setSelected(allShown ? new Set() : new Set(rows.map((r) => r.id)))} /></th>
                <th scope="col">{t('queue_folio')}</th>
                <th scope="col">{t('queue_category')}</th>
                <th scope="col">{t('queue_kind')}</th>
                <th scope="col">{t('queue_state')}</th>
                <th scope="col">{t('queue_due')}</th>
                <th scope="col">{t('queue_zone')}</th>
                <th scope="col">{t('queue_assignee')}</th>
                <th scope="col">{t('queue_priority')}</th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row, index) => (
                <tr class={(index === current ? 'current ' : '') + (selected.has(row.id) ? 'chosen' : '')}
                    data-overdue={row.overdue ? 'true' : undefined}>
                  <td><input type="checkbox" aria-label={t('queue_select_row', { folio: row.folio })}
                             checked={selected.has(row.id)} onChange={() => toggle(row.id)} /></td>
                  <td data-label={t('queue_folio')}>
                    <Link class="queue-open" href={`${BASE}/${row.id}`} onFocus={() => { live.current.current = index; setCurrent(index); }}>{row.folio}</Link>
                  </td>
                  <td data-label={t('queue_category')}>{row.category_name}</td>
                  <td data-label={t('queue_kind')}>{row.kind_label}</td>
                  <td data-label={t('queue_state')}>{row.state_label}</td>
                  <td data-label={t('queue_due')}><Due item={row} /></td>
                  <td data-label={t('queue_zone')}>{row.zone || t('queue_no_zone')}</td>
                  <td data-label={t('queue_assignee')}>{row.assignee_name || t('queue_unassigned')}</td>
                  <td data-label={t('queue_priority')}>{row.priority_label}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {rows.length > 0 && <p class="muted small">{t('queue_showing', { shown: rows.length, total: page.total })}</p>}
      {page.next && <button type="button" onClick={() => load(true)} disabled={loading}>{t('queue_load_more')}</button>}
      <MoveDialog desk={desk} open={dialog === 'move'} rows={chosen} words={vocabulary} onClose={() => setDialog(null)}
                  onDone={(said) => { setDialog(null); setResults(said); load(false); }} />
      <Shortcuts open={dialog === 'help'} onClose={() => setDialog(null)} />
    </section>
  );
}
