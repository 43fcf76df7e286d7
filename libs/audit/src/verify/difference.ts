/** One way a stored value disagrees with the replay of the log. */
export interface Difference {
  subject: string;
  /** A path into the view (`status`, `claims[2].confirmation`), a stored column (`row.status`), or the event index (`events[<id>].retractedBy`). */
  field: string;
  /** The stored value; null when there is none. */
  stored: unknown;
  /** What the replay gives; null when there is none. */
  replayed: unknown;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Every leaf at which `stored` and `replayed` differ, as paths under `field`: objects key by key
 * (key order ignored, as JSONB ignores it), arrays index by index, anything else by value.
 */
export function diffValues(subject: string, field: string, stored: unknown, replayed: unknown, out: Difference[] = []): Difference[] {
  if (isPlainObject(stored) && isPlainObject(replayed)) {
    const keys = [...new Set([...Object.keys(stored), ...Object.keys(replayed)])].sort();
    for (const k of keys) {
      const path = field ? `${field}.${k}` : k;
      diffValues(subject, path, stored[k] ?? null, replayed[k] ?? null, out);
    }
    return out;
  }
  if (Array.isArray(stored) && Array.isArray(replayed)) {
    for (let i = 0; i < Math.max(stored.length, replayed.length); i++) {
      diffValues(subject, `${field}[${i}]`, i < stored.length ? stored[i] : null, i < replayed.length ? replayed[i] : null, out);
    }
    return out;
  }
  if (stored !== replayed) out.push({ subject, field, stored, replayed });
  return out;
}
