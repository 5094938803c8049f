// /mesa/admin/formularios/:id: a checklist's draft version in an editor. Questions (text in Spanish and English,
// kind, required, options, range, "show only when an earlier question is X", help line), reordered, previewed
// exactly as the committee member's phone shows them (the field app's own Question component), saved as the draft
// (PUT …/versions/{n}) and published (POST …/publish, irreversible: confirmed first). The server's problems show
// beside the question they name. docs/inspections.md, "The checklist editor".
import { useEffect, useState } from 'preact/hooks';
import { addTexts, formatDate, t } from '../../lib/i18n.js';
import { Link } from '../../shell/hooks.jsx';
import { Question as FieldQuestion, visible } from '../../screens/committee.jsx';
import { Dialog, ErrorBox, Loading, useLoad } from '../ui.jsx';
import texts from '../texts/admin.js';
import { AdminNav } from './index.jsx';
import { Notice, QUESTION_KINDS, questionKindLabel } from './common.jsx';
import {
  CHOICE_KINDS, blankOption, blankQuestion, conditionTargets, defaultValue, fromServer, problemsByQuestion,
  renameQuestion, slugify, toServer, uniqueId,
} from './form_model.js';
import { newestPublished } from './forms.jsx';

addTexts(texts);

function valueWords(target, value) {
  if (!target) return String(value);
  if (target.kind === 'yes_no') return value ? t('admin_yes') : t('admin_no');
  const option = target.options.find((o) => o.key === value);
  return option ? option.label : String(value);
}

function ConditionEditor({ item, index, items, change }) {
  const targets = conditionTargets(items, index);
  const prefix = `ed-${item._key}`;
  const on = Boolean(item.show_if);
  const target = on ? items.find((other) => other.id === item.show_if.question) : null;
  const setOn = (checked) => {
    if (!checked) change({ show_if: null });
    else if (targets.length) {
      const last = targets[targets.length - 1];
      change({ show_if: { question: last.id, equals: defaultValue(last) } });
    }
  };
  const chooseTarget = (id) => {
    const chosen = items.find((other) => other.id === id);
    change({ show_if: { question: id, equals: defaultValue(chosen) } });
  };
  const setValue = (equals) => change({ show_if: { ...item.show_if, equals } });
  let valueControl = null;
  if (on && target) {
    const id = `${prefix}-cond-value`;
    const label = <label for={id}>{t('admin_editor_condition_value')}</label>;
    if (target.kind === 'yes_no') {
      valueControl = <>{label}<select id={id} value={item.show_if.equals ? 'true' : 'false'} onChange={(e) => setValue(e.currentTarget.value === 'true')}>
        <option value="true">{t('admin_yes')}</option><option value="false">{t('admin_no')}</option></select></>;
    } else if (CHOICE_KINDS.includes(target.kind)) {
      valueControl = <>{label}<select id={id} value={item.show_if.equals} onChange={(e) => setValue(e.currentTarget.value)}>
        {target.options.map((o) => <option value={o.key}>{o.label || o.key}</option>)}</select></>;
    } else if (target.kind === 'number') {
      valueControl = <>{label}<input id={id} type="number" value={item.show_if.equals} onInput={(e) => setValue(Number(e.currentTarget.value))} /></>;
    } else {
      valueControl = <>{label}<input id={id} type={target.kind === 'date' ? 'date' : 'text'} value={item.show_if.equals} onInput={(e) => setValue(e.currentTarget.value)} /></>;
    }
  }
  return (
    <div class="condition">
      <label class="check" for={`${prefix}-cond`}>
        <input id={`${prefix}-cond`} type="checkbox" checked={on} disabled={!on && !targets.length}
          onChange={(e) => setOn(e.currentTarget.checked)} aria-describedby={targets.length ? undefined : `${prefix}-cond-none`} />
        {' '}{t('admin_editor_condition')}
      </label>
      {!targets.length && !on && <p id={`${prefix}-cond-none`} class="help">{t('admin_editor_condition_none')}</p>}
      {on && (
        <div class="condition-fields">
          <label for={`${prefix}-cond-question`}>{t('admin_editor_condition_question')}</label>
          <select id={`${prefix}-cond-question`} value={item.show_if.question} onChange={(e) => chooseTarget(e.currentTarget.value)}>
            {!targets.some((other) => other.id === item.show_if.question) && (
              <option value={item.show_if.question}>{target ? target.text : item.show_if.question}</option>
            )}
            {targets.map((other) => <option value={other.id}>{other.text || other.id}</option>)}
          </select>
          {valueControl}
          {target && <p class="help">{t('admin_editor_condition_summary', { question: target.text, value: valueWords(target, item.show_if.equals) })}</p>}
        </div>
      )}
    </div>
  );
}

function OptionsEditor({ item, change }) {
  const prefix = `ed-${item._key}`;
  const setOption = (key, patch) => change({
    options: item.options.map((o) => {
      if (o._key !== key) return o;
      const next = { ...o, ...patch };
      if ('label' in patch && o._auto) next.key = slugify(patch.label, o.key);
      if ('key' in patch) next._auto = false;
      return next;
    }),
  });
  return (
    <fieldset class="options">
      <legend>{t('admin_editor_options')}</legend>
      <ol>
        {item.options.map((o, i) => (
          <li class="option-row">
            <span>
              <label for={`${prefix}-opt-${o._key}-label`}>{t('admin_editor_option_label', { n: i + 1 })}</label>
              <input id={`${prefix}-opt-${o._key}-label`} required value={o.label} onInput={(e) => setOption(o._key, { label: e.currentTarget.value })} />
            </span>
            <span>
              <label for={`${prefix}-opt-${o._key}-label-en`}>{t('admin_editor_option_label_en', { n: i + 1 })}</label>
              <input id={`${prefix}-opt-${o._key}-label-en`} lang="en" value={o.label_en} onInput={(e) => setOption(o._key, { label_en: e.currentTarget.value })} />
            </span>
            <span>
              <label for={`${prefix}-opt-${o._key}-key`}>{t('admin_editor_option_key', { n: i + 1 })}</label>
              <input id={`${prefix}-opt-${o._key}-key`} value={o.key} onInput={(e) => setOption(o._key, { key: e.currentTarget.value })} />
            </span>
            <button type="button" onClick={() => change({ options: item.options.filter((x) => x._key !== o._key) })}>
              {t('admin_editor_option_remove', { n: i + 1 })}
            </button>
          </li>
        ))}
      </ol>
      <button type="button" onClick={() => change({ options: [...item.options, blankOption(item)] })}>{t('admin_editor_option_add')}</button>
    </fieldset>
  );
}

function QuestionEditor({ item, index, items, count, change, move, remove, problems, rename }) {
  const prefix = `ed-${item._key}`;
  const n = index + 1;
  const set = (name) => (e) => change({ [name]: e.currentTarget.value });
  const setText = (e) => {
    const value = e.currentTarget.value;
    if (item._auto) {
      const id = uniqueId(slugify(value), items, item._key);
      rename(id, { text: value, _auto: true });
    } else change({ text: value });
  };
  return (
    <li class={problems ? 'card question-editor has-problems' : 'card question-editor'} data-question={item.id}>
      <fieldset>
        <legend>{t('admin_editor_question_n', { n })}{item.text ? `: ${item.text}` : ''}</legend>
        {problems && (
          <ul class="problem" role="alert" id={`${prefix}-problems`}>{problems.map((message) => <li>{message}</li>)}</ul>
        )}
        <div class="grid-2">
          <span>
            <label for={`${prefix}-text`}>{t('admin_editor_text')}</label>
            <textarea id={`${prefix}-text`} rows="2" required maxLength={1000} value={item.text} onInput={setText}
              aria-describedby={problems ? `${prefix}-problems` : undefined} />
          </span>
          <span>
            <label for={`${prefix}-text-en`}>{t('admin_editor_text_en')} {t('admin_optional')}</label>
            <textarea id={`${prefix}-text-en`} rows="2" lang="en" maxLength={1000} value={item.text_en} onInput={set('text_en')} />
          </span>
          <span>
            <label for={`${prefix}-kind`}>{t('admin_editor_kind')}</label>
            <select id={`${prefix}-kind`} value={item.kind} onChange={(e) => {
              const kind = e.currentTarget.value;
              const patch = { kind };
              if (CHOICE_KINDS.includes(kind) && !item.options.length) patch.options = [blankOption(item), { ...blankOption({ options: [1] }) }];
              change(patch);
            }}>
              {QUESTION_KINDS.map((kind) => <option value={kind}>{questionKindLabel(kind)}</option>)}
            </select>
          </span>
          <span>
            <label for={`${prefix}-id`}>{t('admin_editor_id')}</label>
            <input id={`${prefix}-id`} required pattern="[a-z0-9][a-z0-9_\-]{0,63}" value={item.id}
              onInput={(e) => rename(e.currentTarget.value)} aria-describedby={`${prefix}-id-help`} />
            <p id={`${prefix}-id-help`} class="help">{t('admin_editor_id_help')}</p>
          </span>
        </div>
        <label class="check" for={`${prefix}-required`}>
          <input id={`${prefix}-required`} type="checkbox" checked={item.required} onChange={(e) => change({ required: e.currentTarget.checked })} />
          {' '}{t('admin_editor_required')}
        </label>
        {CHOICE_KINDS.includes(item.kind) && <OptionsEditor item={item} change={change} />}
        {item.kind === 'number' && (
          <div class="grid-2">
            <span>
              <label for={`${prefix}-min`}>{t('admin_editor_min')} {t('admin_optional')}</label>
              <input id={`${prefix}-min`} type="number" value={item.min} onInput={set('min')} />
            </span>
            <span>
              <label for={`${prefix}-max`}>{t('admin_editor_max')} {t('admin_optional')}</label>
              <input id={`${prefix}-max`} type="number" value={item.max} onInput={set('max')} />
            </span>
          </div>
        )}
        <ConditionEditor item={item} index={index} items={items} change={change} />
        <div class="grid-2">
          <span>
            <label for={`${prefix}-help`}>{t('admin_editor_help')} {t('admin_optional')}</label>
            <input id={`${prefix}-help`} maxLength={1000} value={item.help} onInput={set('help')} />
          </span>
          <span>
            <label for={`${prefix}-help-en`}>{t('admin_editor_help_en')} {t('admin_optional')}</label>
            <input id={`${prefix}-help-en`} lang="en" maxLength={1000} value={item.help_en} onInput={set('help_en')} />
          </span>
        </div>
        <div class="toolbar">
          <button type="button" disabled={index === 0} onClick={() => move(-1)}>{t('admin_editor_up', { n })}</button>
          <button type="button" disabled={index === count - 1} onClick={() => move(1)}>{t('admin_editor_down', { n })}</button>
          <button type="button" onClick={remove}>{t('admin_editor_remove', { n })}</button>
        </div>
      </fieldset>
    </li>
  );
}

/** The questions as the committee member's phone shows them, with answers kept here so conditions can be tried. */
export function Preview({ questions }) {
  const [answers, setAnswers] = useState({});
  const shown = visible(questions, answers);
  return (
    <section class="form-preview card" aria-labelledby="preview-title">
      <h2 id="preview-title">{t('admin_editor_preview')}</h2>
      <p class="help">{t('admin_editor_preview_help')}</p>
      <div class="preview-phone">
        {questions.filter((q) => shown.has(q.id)).map((q) => (
          <FieldQuestion q={{ ...q, text: q.text || t('admin_editor_preview_empty'), options: q.options || [] }}
            value={answers[q.id]} addPhoto={async () => null}
            set={(value) => setAnswers((old) => ({ ...old, [q.id]: value }))} />
        ))}
      </div>
    </section>
  );
}

export default function FormEditor({ desk, params }) {
  const { data: template, error, loading, reload } = useLoad(() => desk.muniApi('GET', `/forms/${params.id}`), [desk.muni, params.id]);
  const [items, setItems] = useState(null);
  const [dirty, setDirty] = useState(false);
  const [problems, setProblems] = useState({ general: [] });
  const [failure, setFailure] = useState(null);
  const [notice, setNotice] = useState('');
  const [busy, setBusy] = useState(false);
  const [confirming, setConfirming] = useState(false);
  const draft = template && template.versions.find((v) => !v.published_at);
  const newest = template && newestPublished(template);

  useEffect(() => { if (draft) { setItems(fromServer(draft.questions)); setDirty(false); } else setItems(null); }, [template]);
  useEffect(() => {
    if (!dirty) return undefined;
    const warn = (event) => { event.preventDefault(); event.returnValue = ''; };
    addEventListener('beforeunload', warn);
    return () => removeEventListener('beforeunload', warn);
  }, [dirty]);

  const update = (next) => { setItems(next); setDirty(true); };
  const change = (key) => (patch) => update(items.map((item) => (item._key === key ? { ...item, ...patch } : item)));
  const rename = (key) => (id, patch) => update(renameQuestion(items, key, id).map((item) => (item._key === key && patch ? { ...item, ...patch } : item)));
  const move = (index) => (delta) => {
    const next = [...items];
    const [taken] = next.splice(index, 1);
    next.splice(index + delta, 0, taken);
    update(next);
  };
  const remove = (key) => () => update(items.filter((item) => item._key !== key));
  const add = () => update([...items, blankQuestion(items, t('admin_editor_new_question'))]);

  const save = async () => {
    setFailure(null);
    setProblems({ general: [] });
    setBusy(true);
    try {
      await desk.muniApi('PUT', `/forms/${template.id}/versions/${draft.version}`, { body: { questions: toServer(items) } });
      setDirty(false);
      setNotice(t('admin_editor_saved', { n: draft.version }));
      return true;
    } catch (problem) {
      if (problem.status === 422 && problem.details && problem.details.length) {
        const found = problemsByQuestion(problem.details, items);
        setProblems(found);
        setFailure({ code: problem.code, message: t('admin_editor_problems'), details: found.general.map((message) => ({ message })) });
      } else setFailure(problem);
      return false;
    } finally { setBusy(false); }
  };
  const publish = async () => {
    setConfirming(false);
    if (!(await save())) return;
    setBusy(true);
    try {
      await desk.muniApi('POST', `/forms/${template.id}/versions/${draft.version}/publish`);
      setNotice(t('admin_editor_published', { n: draft.version }));
      reload();
    } catch (problem) { setFailure(problem); } finally { setBusy(false); }
  };
  const startDraft = async () => {
    setFailure(null);
    try {
      await desk.muniApi('POST', `/forms/${template.id}/versions`, { body: { questions: newest.questions } });
      setNotice('');
      reload();
    } catch (problem) { setFailure(problem); }
  };

  const shownVersion = draft || newest;
  return (
    <section class="admin form-editor" aria-labelledby="editor-title">
      <h1 id="editor-title" tabIndex={-1}>
        {template && shownVersion ? t('admin_editor_title', { title: template.title, n: shownVersion.version }) : t('admin_section_forms')}
      </h1>
      <AdminNav current="formularios" />
      <p><Link href="/mesa/admin/formularios">{t('admin_editor_back')}</Link></p>
      <Notice text={notice} />
      <ErrorBox error={error || failure} onRetry={error ? reload : undefined} />
      {loading && !template && <Loading />}
      {template && !draft && newest && (
        <>
          <p>{t('admin_editor_status_published', { date: formatDate(newest.published_at) })} {t('admin_editor_no_draft', { n: newest.version })}</p>
          <button type="button" class="primary" onClick={startDraft}>
            {t('admin_editor_start_draft', { n: newest.version + 1, m: newest.version })}
          </button>
          <Preview questions={newest.questions} key={newest.id} />
        </>
      )}
      {template && draft && items && (
        <div class="editor-layout">
          <div class="editor-main">
            <p>{t('admin_editor_status_draft')} {dirty && <strong>{t('admin_editor_unsaved')}</strong>}</p>
            <h2>{t('admin_editor_questions')} <span class="muted">({t('admin_editor_question_count', { n: items.length })})</span></h2>
            <ol class="question-list">
              {items.map((item, index) => (
                <QuestionEditor key={item._key} item={item} index={index} items={items} count={items.length}
                  change={change(item._key)} rename={rename(item._key)} move={move(index)} remove={remove(item._key)}
                  problems={problems[item._key]} />
              ))}
            </ol>
            <button type="button" onClick={add}>{t('admin_editor_add')}</button>
            <div class="toolbar editor-actions">
              <button type="button" disabled={busy} onClick={save}>{busy ? t('admin_saving') : t('admin_editor_save')}</button>
              <button type="button" class="primary" disabled={busy} onClick={() => setConfirming(true)}>
                {t('admin_editor_publish', { n: draft.version })}
              </button>
            </div>
          </div>
          <Preview questions={toServer(items)} />
        </div>
      )}
      {draft && (
        <Dialog title={t('admin_editor_publish_title', { n: draft.version })} open={confirming} onClose={() => setConfirming(false)}>
          <p>{t('admin_editor_publish_warning')}</p>
          <div class="toolbar">
            <button type="button" class="primary" onClick={publish}>{t('admin_editor_publish_confirm')}</button>
            <button type="button" onClick={() => setConfirming(false)}>{t('desk_cancel')}</button>
          </div>
        </Dialog>
      )}
    </section>
  );
}
