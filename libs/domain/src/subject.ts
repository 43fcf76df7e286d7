import { DomainError } from './domain.error';

/** The two kinds of story a report can be about. */
export const SUBJECT_KINDS = ['negotiation', 'exchange'] as const;

/** `negotiation` or `exchange`. */
export type SubjectKind = (typeof SUBJECT_KINDS)[number];

/** The id part of a subject: lower-case letters, digits and dashes, 2-80 characters. */
export const SUBJECT_ID_PATTERN = /^[a-z0-9][a-z0-9-]{1,79}$/;

/** A whole subject, `negotiation/<id>` or `exchange/<id>`. */
export const SUBJECT_PATTERN = /^(negotiation|exchange)\/([a-z0-9][a-z0-9-]{1,79})$/;

/** A subject split into its kind and id. */
export interface ParsedSubject {
  kind: SubjectKind;
  id: string;
}

/** Splits a subject, or returns null when it is not one. */
export function tryParseSubject(subject: string): ParsedSubject | null {
  const match = SUBJECT_PATTERN.exec(subject);
  if (!match) return null;
  return { kind: match[1] as SubjectKind, id: match[2] };
}

/**
 * Splits `exchange/<id>` or `negotiation/<id>` into kind and id.
 *
 * @throws DomainError `invalid_subject` when the string is not a subject.
 */
export function parseSubject(subject: string): ParsedSubject {
  const parsed = tryParseSubject(subject);
  if (!parsed) {
    throw new DomainError(
      'invalid_subject',
      `"${subject}" is not a subject; expected "negotiation/<id>" or "exchange/<id>" with <id> matching ${SUBJECT_ID_PATTERN.source}`,
      { subject },
    );
  }
  return parsed;
}

/**
 * The id of a subject already checked (a state's, a summary's or a decoded event's own): what
 * follows the kind, without matching the pattern again, as the reducers ask it for every report.
 */
export function subjectIdOf(subject: string): string {
  return subject.slice(subject.indexOf('/') + 1);
}

/** The kind of a subject already checked (see {@link subjectIdOf}). */
export function subjectKindOf(subject: string): SubjectKind {
  return subject.slice(0, subject.indexOf('/')) as SubjectKind;
}

/**
 * Builds a subject from its kind and id.
 *
 * @throws DomainError `invalid_subject` when the id does not match {@link SUBJECT_ID_PATTERN}.
 */
export function subjectOf(kind: SubjectKind, id: string): string {
  return `${parseSubject(`${kind}/${id}`).kind}/${id}`;
}
