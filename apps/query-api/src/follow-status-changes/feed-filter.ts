import { CHANGE_FIELDS, ChangeField, SUBJECT_KINDS, SUBJECT_PATTERN, SubjectKind, ValidationIssue } from '@newsledger/domain';

/** The kinds of change a follower may pick (`field`): the domain's. */
export const FEED_FIELDS = CHANGE_FIELDS;
export type FeedField = ChangeField;

/** Which changes a follower wants; an absent list means "any". Shared by SSE and webhooks. */
export interface FeedFilter {
  subject?: readonly string[];
  kind?: readonly SubjectKind[];
  field?: readonly FeedField[];
}

/** What a filter is matched against. */
export interface FilterableChange {
  subject: string;
  kind: string;
  field: string;
}

const MAX_VALUES = 100;

/** `"a,b"`, `["a","b"]` or `["a,b"]` → `["a","b"]`; undefined stays undefined. */
function values(v: unknown): string[] | undefined | null {
  if (v === undefined || v === null) return undefined;
  const raw = Array.isArray(v) ? v : [v];
  if (!raw.every((x) => typeof x === 'string')) return null;
  const out = [...new Set((raw as string[]).flatMap((x) => x.split(',')).map((x) => x.trim()).filter(Boolean))];
  return out.length === 0 ? undefined : out;
}

/**
 * Reads a filter from query parameters or a JSON body: each of `subject`, `kind`, `field` is a
 * string (comma-separated values allowed) or a list of strings.
 */
export function parseFeedFilter(input: { subject?: unknown; kind?: unknown; field?: unknown }): { ok: true; filter: FeedFilter } | { ok: false; issues: ValidationIssue[] } {
  const issues: ValidationIssue[] = [];
  const filter: { subject?: string[]; kind?: SubjectKind[]; field?: FeedField[] } = {};
  const read = (name: 'subject' | 'kind' | 'field', valid: (s: string) => boolean, expected: string): string[] | undefined => {
    const v = values(input[name]);
    if (v === null) {
      issues.push({ path: name, message: 'must be a string or a list of strings' });
      return undefined;
    }
    if (v && v.length > MAX_VALUES) issues.push({ path: name, message: `at most ${MAX_VALUES} values` });
    for (const bad of (v ?? []).filter((x) => !valid(x))) issues.push({ path: name, message: `"${bad}" is not ${expected}` });
    return v;
  };
  const subject = read('subject', (s) => SUBJECT_PATTERN.test(s), 'a subject such as exchange/ua-ru-2025-05-1000');
  const kind = read('kind', (s) => (SUBJECT_KINDS as readonly string[]).includes(s), `one of ${SUBJECT_KINDS.join(', ')}`);
  const field = read('field', (s) => (FEED_FIELDS as readonly string[]).includes(s), `one of ${FEED_FIELDS.join(', ')}`);
  if (issues.length > 0) return { ok: false, issues };
  if (subject) filter.subject = subject;
  if (kind) filter.kind = kind as SubjectKind[];
  if (field) filter.field = field as FeedField[];
  return { ok: true, filter };
}

/** True when the change passes every list of the filter. */
export function matchesFilter(f: FeedFilter, c: FilterableChange): boolean {
  return (
    (f.subject === undefined || f.subject.includes(c.subject)) &&
    (f.kind === undefined || (f.kind as readonly string[]).includes(c.kind)) &&
    (f.field === undefined || (f.field as readonly string[]).includes(c.field))
  );
}

/**
 * The filter as SQL conditions on `status_changes`, numbering its parameters after `params`
 * (which it extends).
 */
export function filterSql(f: FeedFilter, params: unknown[]): string {
  const where: string[] = [];
  for (const column of ['subject', 'kind', 'field'] as const) {
    const list = f[column];
    if (list === undefined) continue;
    params.push(list);
    where.push(`${column} = ANY($${params.length}::text[])`);
  }
  return where.map((w) => ` AND ${w}`).join('');
}
