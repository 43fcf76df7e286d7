import type { z } from 'zod';

// Zod's defaults ("Invalid input: expected string, received undefined") are written for
// programmers; these are read by the people typing reports, so each says what to send.

type RawIssue = z.core.$ZodRawIssue;

function plural(n: number | bigint, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

/** A required field that is absent: a type check (or an enum's value check) on undefined. */
function isMissing(issue: RawIssue): boolean {
  return issue.input === undefined && (issue.code === 'invalid_type' || issue.code === 'invalid_value');
}

/** Messages for size checks, shared by every field. */
function sizeMessage(issue: RawIssue): string | undefined {
  if (issue.code === 'too_small') {
    const min = issue.minimum;
    if (issue.origin === 'string') return min === 1 ? 'must not be empty' : `must be at least ${plural(min, 'character')} long`;
    if (issue.origin === 'array') return `must list at least ${plural(min, 'item')}`;
    return issue.inclusive === false ? `must be greater than ${min}` : `must be ${min} or more`;
  }
  if (issue.code === 'too_big') {
    const max = issue.maximum;
    if (issue.origin === 'string') {
      const length = typeof issue.input === 'string' ? ` (this one has ${issue.input.length})` : '';
      return `must be at most ${plural(max, 'character')} long${length}`;
    }
    if (issue.origin === 'array') return `must list at most ${plural(max, 'item')}`;
    return issue.inclusive === false ? `must be less than ${max}` : `must be ${max} or less`;
  }
  return undefined;
}

/**
 * The fallback for every issue a field has no own words for; pass it to `safeParse`.
 * Returning undefined leaves zod's default.
 */
export function reportErrorMap(issue: RawIssue): string | undefined {
  if (isMissing(issue)) return 'is required';
  const size = sizeMessage(issue);
  if (size) return size;
  if (issue.code === 'invalid_value') return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
  if (issue.code === 'invalid_type') return `must be ${issue.expected === 'int' ? 'a whole number' : `of type ${issue.expected}`}`;
  return undefined;
}

/**
 * Error parameters for a field: "is required: <what>" when absent, "must be <what>" when wrong.
 * Size issues keep their own precise wording; structural issues (unknown keys) fall through.
 */
export function expecting(what: string) {
  return {
    error: (issue: RawIssue): string | undefined => {
      if (isMissing(issue)) return `is required: ${what}`;
      const size = sizeMessage(issue);
      if (size) return size;
      if (issue.code === 'unrecognized_keys' || issue.code === 'invalid_key' || issue.code === 'custom') return undefined;
      return `must be ${what}`;
    },
  };
}
