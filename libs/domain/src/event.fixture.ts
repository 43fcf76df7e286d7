// Builders for the domain's own specs; not exported from index.ts.
import type { ExchangeView } from './exchange.projection';
import type { Confirmation, EventType } from './event.catalogue';
import type { EventData, RecordedEvent, Source } from './report.schema';
import { replay, toView } from './subject.projection';

/** Sources the stories of the specs cite (the swaps of May 2025 and of 30 December 2024). */
export const SOURCES = {
  ruMod: { name: 'Russian Ministry of Defence', kind: 'official', party: 'RU' },
  uaHq: { name: 'Coordination Headquarters for the Treatment of POWs', kind: 'government', party: 'UA' },
  reutersTass: { name: 'Reuters', kind: 'agency', via: 'TASS' },
} as const satisfies Record<string, Source>;

/** The view of an exchange's events, replayed from nothing. */
export function exchangeViewOf(subject: string, events: readonly RecordedEvent[]): ExchangeView {
  const view = toView(replay(subject, events));
  if (view.kind !== 'exchange') throw new Error('expected an exchange view');
  return view;
}

/** Options of one recorded event; everything has a sensible default. */
export interface EventOptions {
  id?: string;
  confirmation?: Confirmation;
  source?: Source;
  occurredAt?: string;
  note?: string;
}

const MINUTE = 60_000;

/**
 * Records events of one subject with ids `<prefix>-1`, `<prefix>-2`, …, a recordedAt one minute
 * apart from `start` and consecutive offsets, so tests read as "given these reports".
 */
export function recorder(subject: string, start = '2025-05-23T08:00:00.000Z') {
  let count = 0;
  const prefix = subject.split('/')[1];
  return function record<T extends EventType>(type: T, data: EventData<T>, options: EventOptions = {}): RecordedEvent {
    const n = count++;
    const event = {
      id: options.id ?? `${prefix}-${n + 1}`,
      type,
      subject,
      ...(options.occurredAt === undefined ? {} : { occurredAt: options.occurredAt }),
      source: options.source ?? { name: 'Test wire', kind: 'agency' },
      confirmation: options.confirmation ?? 'confirmed',
      data,
      ...(options.note === undefined ? {} : { note: options.note }),
      recordedAt: new Date(Date.parse(start) + n * MINUTE).toISOString(),
      ingestor: 'test-desk',
      position: { partition: 0, offset: String(n) },
    };
    return event as unknown as RecordedEvent;
  };
}

/** A {@link recorder} of `subject` made afresh before each test, so every test's ids and offsets start again. */
export function freshRecorder(subject: string): ReturnType<typeof recorder> {
  let current = recorder(subject);
  beforeEach(() => {
    current = recorder(subject);
  });
  return (type, data, options) => current(type, data, options);
}

/** Recursively freezes a value so a mutating reducer throws in strict mode. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}
