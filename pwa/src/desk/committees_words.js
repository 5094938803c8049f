// What both committee screens share: the committees' words from the server (states, kinds, roles, sexes, agreement
// statuses and the lifecycle's steps with what each needs: GET /api/v1/committees/vocabulary, in the reader's
// language), today's date in the municipality, and small formatting helpers.
import { language } from '../lib/i18n.js';

const cache = new Map(); // language -> Promise of the vocabulary

/** The vocabulary in the current language (asked once per language). */
export function vocabulary(desk) {
  const lang = language();
  if (!cache.has(lang)) {
    const asked = desk.api('GET', '/committees/vocabulary');
    asked.catch(() => cache.delete(lang));
    cache.set(lang, asked);
  }
  return cache.get(lang);
}

/** The label of a code in one of the vocabulary's lists (never the code, unless the server does not know it). */
export function word(words, list, code) {
  const found = words && words[list] && words[list].find((item) => item.code === code);
  return found ? found.label : code;
}

/** Today as YYYY-MM-DD in the municipality's time zone (the server refuses dates after it). */
export function todayIn(desk) {
  const muni = (desk.municipalities || []).find((m) => m.code === desk.muni);
  const zone = (muni && muni.timezone) || undefined;
  const parts = new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' })
    .formatToParts(new Date());
  const get = (type) => parts.find((p) => p.type === type).value;
  return `${get('year')}-${get('month')}-${get('day')}`;
}

/** 0.4567 -> '46 %' (es) or '46%' (en); null -> null. */
export function percent(share) {
  if (share === null || share === undefined) return null;
  return new Intl.NumberFormat(language() === 'es' ? 'es-MX' : 'en', { style: 'percent', maximumFractionDigits: 0 })
    .format(share);
}

/** Upload a file through /photos (a scan of a document); answers the photo's id. */
export async function uploadPhoto(desk, file) {
  const photo = await desk.muniApi('POST', '/photos', { body: file, headers: { 'Content-Type': file.type || 'image/jpeg' } });
  return photo.id;
}
