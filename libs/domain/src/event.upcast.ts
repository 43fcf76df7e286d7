import { currentVersionOf, EVENT_VERSIONS, isEventType } from './event.catalogue';
import { DomainError } from './domain.error';

/** The data an event was recorded with, when that was an earlier version of its type than the current one. */
export interface RecordedAs {
  version: number;
  /** As it is on the log, and as `export` shows it. */
  data: unknown;
}

type Versioned = keyof typeof EVENT_VERSIONS;
type Data = Record<string, unknown>;

/**
 * Each step from one version of a type's data to the next, by the version it starts from. A step
 * loses nothing, so what the reducers read says what was recorded.
 */
const STEPS: { [T in Versioned]: Record<number, (data: Data) => Data> } = {
  'negotiation.round.announced': {
    // The one agenda string becomes the one item of the list: nothing is split on guesswork.
    1: ({ agenda, ...rest }) => (agenda === undefined ? rest : { ...rest, agenda: [agenda] }),
  },
};

/**
 * The event as the reducers read it: its data brought from `version`, the version it was recorded
 * in, up to its type's current one, step by step, with what was recorded kept in `recordedAs`. An
 * event already current is returned as it is. The one upcaster: the log decoder and every read of
 * the event index call it, so the projector, as-of reads, explanations, rebuild, verify and replay
 * fold the same events. `export` and `history` show the event as recorded instead.
 *
 * @throws DomainError `unknown_version` when the type has no such version (a log written by a newer release)
 */
export function upcast<E extends { type: string; data: unknown }>(event: E, version: number): E & { recordedAs?: RecordedAs } {
  const current = isEventType(event.type) ? currentVersionOf(event.type) : 1;
  if (version === current) return event;
  if (!Number.isInteger(version) || version < 1 || version > current) {
    throw new DomainError('unknown_version', `${event.type} has no version ${version}; this release reads versions 1 to ${current}`, {
      type: event.type,
      version,
    });
  }
  const steps = STEPS[event.type as Versioned];
  let data = event.data as Data;
  for (let v = version; v < current; v++) data = steps[v]!(data);
  return { ...event, data, recordedAs: { version, data: event.data } };
}
