// Pieces the committee screen's sections share: a labelled field with "(opcional)", a photo field that uploads the
// scan when picked, a hook that sends a change and keeps its error, a checklist of members, words only for screen
// readers, and the states in which a committee no longer changes.
import { useState } from 'preact/hooks';
import { t } from '../lib/i18n.js';
import { ErrorBox } from './ui.jsx';
import { uploadPhoto } from './committees_words.js';

export const CLOSED = ['concluded', 'dissolved'];

export function hidden(text) {
  return <span class="visually-hidden"> {text}</span>;
}

export function Field({ id, label, required, children }) {
  return (
    <>
      <label for={id}>{label}{required ? ' *' : <span class="muted"> {t('cmt_optional')}</span>}</label>
      {children}
    </>
  );
}

/** A file input that uploads the scan at once and keeps its photo id. */
export function PhotoField({ desk, id, label, required, onPhoto }) {
  const [state, setState] = useState(null); // null | 'uploading' | 'ready' | ApiError
  const pick = async (event) => {
    const file = event.currentTarget.files?.[0];
    onPhoto(null);
    if (!file) { setState(null); return; }
    setState('uploading');
    try {
      onPhoto(await uploadPhoto(desk, file));
      setState('ready');
    } catch (error) {
      setState(error);
    }
  };
  return (
    <Field id={id} label={label} required={required}>
      <input id={id} type="file" accept="image/*" onChange={pick} />
      {state === 'uploading' && <p class="muted" role="status">{t('cmt_photo_uploading')}</p>}
      {state === 'ready' && <p class="help" role="status">{t('cmt_photo_ready')}</p>}
      {state && typeof state === 'object' && <ErrorBox error={state} />}
    </Field>
  );
}

/** Sends a change; a 409 stale_version gets the saved record to compare. */
export function useSend() {
  const [error, setError] = useState(null);
  const [busy, setBusy] = useState(false);
  const send = async (work) => {
    setBusy(true);
    setError(null);
    try {
      return await work();
    } catch (failure) {
      setError(failure);
      return undefined;
    } finally {
      setBusy(false);
    }
  };
  return { error, busy, send, clear: () => setError(null) };
}

export function MemberChecks({ legend, members, chosen, setChosen }) {
  return (
    <fieldset>
      <legend>{legend}</legend>
      {members.map((m) => (
        <label class="check"><input type="checkbox" checked={chosen.includes(m.id)}
          onChange={(e) => setChosen(e.currentTarget.checked ? [...chosen, m.id] : chosen.filter((x) => x !== m.id))} /> {m.full_name}</label>
      ))}
    </fieldset>
  );
}
