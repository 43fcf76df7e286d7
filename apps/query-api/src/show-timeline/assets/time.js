// Time on the page: one UTC format for every moment, typed moments read back, and the address
// (#<subject>[@<moment>][;valid=<date>], or #dead-letters). Pure functions, tested by jest
// (apps/query-api/src/show-timeline/page-modules.spec.ts) on this very file.

const DATE = /^(\d{4})-(\d\d)-(\d\d)$/;
const SUBJECT = /^((?:exchange|negotiation)\/[a-z0-9][a-z0-9-]{1,79})(?:@([^;]+))?(?:;valid=([^;]+))?$/;

/** "2025-05-23 08:01:00 UTC", with milliseconds only when there are some. */
export function fmtInstant(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso);
  const s = d.toISOString();
  const ms = s.slice(19, 23);
  return `${s.slice(0, 10)} ${s.slice(11, 19)}${ms === '.000' ? '' : ms} UTC`;
}

/** A real calendar date written YYYY-MM-DD (2025-02-30 is not one). */
export function isDate(value) {
  const m = DATE.exec(String(value));
  if (!m) return false;
  const d = new Date(`${m[1]}-${m[2]}-${m[3]}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.getUTCDate() === Number(m[3]);
}

/**
 * A typed moment, as the API is asked for it: a date alone stays a date (the API reads it as that
 * day's end, UTC, and says so); "2025-05-23 10:00:00 UTC", the ISO form, with or without Z,
 * become an ISO instant. Null when it is neither.
 */
export function parseMoment(text) {
  let v = String(text || '').trim().replace(/\s*UTC$/i, '');
  if (isDate(v)) return v;
  v = v.replace(' ', 'T');
  if (!/^\d{4}-\d\d-\d\dT\d\d:\d\d/.test(v) || !isDate(v.slice(0, 10))) return null;
  if (!/(Z|[+-]\d\d:?\d\d)$/i.test(v)) v = `${v}Z`;
  const t = Date.parse(v);
  return Number.isNaN(t) ? null : new Date(t).toISOString();
}

/** A moment as shown: an instant in the UTC format, a date as "2025-05-23 (end of day, UTC)". */
export function fmtMoment(moment) {
  return isDate(moment) ? `${moment} (end of day, UTC)` : fmtInstant(moment);
}

/**
 * What the address names: `{ view: 'story', subject, asOf, validAt }`, `{ view: 'dead-letters' }`
 * or `{ view: 'none' }`. An as-of moment that is not one is dropped (the story now), not guessed.
 */
export function parseHash(hash) {
  let raw;
  try {
    raw = decodeURIComponent(String(hash || '').replace(/^#/, ''));
  } catch {
    return { view: 'none' };
  }
  if (raw === 'dead-letters') return { view: 'dead-letters' };
  const match = SUBJECT.exec(raw);
  if (!match) return { view: 'none' };
  const asOf = match[2] ? parseMoment(match[2]) : null;
  const validAt = match[3] && isDate(match[3]) ? match[3] : null;
  return { view: 'story', subject: match[1], asOf, validAt };
}

/** The shareable address of a story as shown. */
export function formatHash(subject, asOf, validAt) {
  return `#${subject}${asOf ? `@${asOf}` : ''}${validAt ? `;valid=${validAt}` : ''}`;
}
