import { toCloudEvent } from '@newsledger/event-log';
import { Report } from '@newsledger/domain';

const SOURCES = [
  { name: 'Reuters', kind: 'agency' },
  { name: 'Ukrainian military source', kind: 'official' },
  { name: 'Donald Trump', kind: 'social' },
  { name: 'Local media', kind: 'media' },
] as const;
const CONFIRMATIONS = ['confirmed', 'reported', 'claimed', 'unconfirmed'] as const;

/**
 * The `i`-th report of a run over `subjects` exchanges, round-robin, so each subject gets the
 * story in order: agreed, then a cycle of underway, details, phases released and claims of
 * completion. Every report is valid and about 350 bytes as JSON, like a wire report.
 */
export function benchReport(run: string, i: number, subjects: number): Report {
  const s = i % subjects;
  const k = Math.floor(i / subjects);
  const subject = `exchange/${run}-${s}`;
  const source = SOURCES[(i >> 2) % SOURCES.length];
  const confirmation = CONFIRMATIONS[i % CONFIRMATIONS.length];
  const occurredAt = new Date(Date.UTC(2025, 4, 1) + k * 3_600_000).toISOString();
  const base = { id: `${run}-${i}`, subject, source: { ...source }, confirmation, occurredAt };
  if (k === 0) return { ...base, confirmation: 'confirmed', type: 'exchange.agreed', data: { parties: ['UA', 'RU'], releasedBy: { UA: 1000, RU: 1000 } } } as Report;
  switch (k % 4) {
    case 1:
      return { ...base, type: 'exchange.underway', data: { location: 'Belarus–Ukraine border', expectedDays: 3 } } as Report;
    case 2:
      return { ...base, type: 'exchange.phase.completed', data: { phase: 1 + (k % 1000), releasedBy: { UA: 10, RU: 10 } } } as Report;
    case 3:
      return { ...base, type: 'exchange.details.reported', data: { location: `checkpoint ${k % 13}`, mediators: ['AE'] } } as Report;
    default:
      return { ...base, type: 'exchange.completed', data: {} } as Report;
  }
}

/** The same report as the ingest API would append it, as a Kafka message. */
export function benchMessage(run: string, i: number, subjects: number, recordedAt: string): { key: string; value: string } {
  const report = benchReport(run, i, subjects);
  return { key: report.subject, value: JSON.stringify(toCloudEvent(report, { ingestor: 'bench', recordedAt })) };
}
