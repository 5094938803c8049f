// The catalogue of the chosen language. Spanish first; English on request (kept in IndexedDB's meta store).
import es from './texts/es.js';
import en from './texts/en.js';

const catalogues = { es, en };
let current = es;

/**
 * addTexts({es: {...}, en: {...}}): texts of a screen loaded on demand (the desk's screens keep theirs beside them,
 * so the field app's first screen does not carry them). A key already there is an error: two screens, one key.
 */
export function addTexts(texts) {
  for (const lang of Object.keys(catalogues)) {
    for (const [key, text] of Object.entries(texts[lang] || {})) {
      if (key in catalogues[lang] && catalogues[lang][key] !== text) throw new Error(`text key used twice: ${key}`);
      catalogues[lang][key] = text;
    }
  }
}

export function setLanguage(lang) {
  current = catalogues[lang] || es;
  if (typeof document !== 'undefined') document.documentElement.lang = current.lang;
  return current.lang;
}

export function language() {
  return current.lang;
}

/**
 * t('photos_progress', {k: 1, n: 2}) -> 'Foto 1 de 2 enviada'. `{n:apoyo|apoyos}` is the singular when n is 1,
 * else the plural (the number itself goes in its own `{n}`), as in the server's messages.
 */
export function t(key, vars) {
  const text = current[key] ?? es[key] ?? key;
  if (!vars) return text;
  return text.replace(/\{(\w+)(?::([^{}|]*)\|([^{}]*))?\}/g, (_, name, one, many) => {
    if (one !== undefined) return Number(vars[name]) === 1 ? one : many;
    return vars[name] ?? '';
  });
}

export function formatBytes(n) {
  if (n == null) return '?';
  const units = ['B', 'KB', 'MB', 'GB'];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i += 1; }
  return `${n.toFixed(i ? 1 : 0)} ${units[i]}`;
}

export function formatDate(value) {
  if (!value) return '';
  const date = new Date(value);
  return new Intl.DateTimeFormat(current.lang === 'es' ? 'es-MX' : 'en', { dateStyle: 'medium', timeStyle: 'short' }).format(date);
}

export function formatDay(value) {
  if (!value) return '';
  return new Intl.DateTimeFormat(current.lang === 'es' ? 'es-MX' : 'en', { dateStyle: 'medium', timeZone: 'UTC' })
    .format(new Date(value + 'T00:00:00Z'));
}
