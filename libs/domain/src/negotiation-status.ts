/**
 * @packageDocumentation
 * Where a negotiation stands (contract §4): the whole rule. The live view, the bounded summary the
 * projector keeps and the explanation all derive `status` from {@link negotiationStatusFrom}.
 *
 * | latest live non-denied `negotiation.status.reported` | a live report of a held round | `status`    |
 * |-------------------------------------------------------|-------------------------------|-------------|
 * | `stalled`                                             | either                        | `stalled`   |
 * | `collapsed`                                           | either                        | `collapsed` |
 * | `concluded`                                           | either                        | `concluded` |
 * | `resumed`                                             | either                        | `active`    |
 * | none                                                  | yes                           | `active`    |
 * | none                                                  | no                            | `scheduled` |
 */
import type { NegotiationStatusReport } from './event.catalogue';

/** Where a negotiation stands. */
export const NEGOTIATION_STATUSES = ['scheduled', 'active', 'stalled', 'collapsed', 'concluded'] as const;
/** One of {@link NEGOTIATION_STATUSES}. */
export type NegotiationStatus = (typeof NEGOTIATION_STATUSES)[number];

const STATUS_OF_REPORT: Readonly<Record<NegotiationStatusReport, NegotiationStatus>> = {
  stalled: 'stalled',
  collapsed: 'collapsed',
  concluded: 'concluded',
  resumed: 'active',
};

/**
 * The negotiation status rule: what the latest live non-denied status report says (`resumed` is
 * `active` again); before any, `active` once a round is held, else `scheduled`.
 */
export function negotiationStatusFrom(latestReport: NegotiationStatusReport | undefined, held: boolean): NegotiationStatus {
  if (latestReport) return STATUS_OF_REPORT[latestReport];
  return held ? 'active' : 'scheduled';
}
