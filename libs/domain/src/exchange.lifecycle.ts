/** Where an exchange stands. The first four are ranked; the last two only come from their own events. */
export const EXCHANGE_STATUSES = ['proposed', 'agreed', 'underway', 'completed', 'suspended', 'cancelled'] as const;
/** One of {@link EXCHANGE_STATUSES}. */
export type ExchangeStatus = (typeof EXCHANGE_STATUSES)[number];

/** The lifecycle ranks `proposed < agreed < underway < completed`; halts rank nowhere. */
export const STATUS_RANK: Readonly<Record<ExchangeStatus, number>> = {
  proposed: 1,
  agreed: 2,
  underway: 3,
  completed: 4,
  suspended: 0,
  cancelled: 0,
};

/** Statuses that override the ranked one until the exchange moves on. */
export const HALTS: ReadonlySet<ExchangeStatus> = new Set(['suspended', 'cancelled']);

/** Statuses whose report moves an exchange on past a halt. */
export const MOVES_ON: ReadonlySet<ExchangeStatus> = new Set(['underway', 'completed']);

/**
 * The stages a report stating `status` supports (contract §7.2): that stage and every lower-ranked
 * one ("completed" also says it was under way, agreed and proposed); a halt supports only itself.
 */
export function stagesSupportedBy(status: ExchangeStatus): readonly ExchangeStatus[] {
  return SUPPORTED[status];
}

// Asked for every claim of every report the projector applies: worked out once per status.
const SUPPORTED: Readonly<Record<ExchangeStatus, readonly ExchangeStatus[]>> = Object.fromEntries(
  EXCHANGE_STATUSES.map((status) => [
    status,
    Object.freeze(HALTS.has(status) ? [status] : EXCHANGE_STATUSES.filter((s) => !HALTS.has(s) && STATUS_RANK[s] <= STATUS_RANK[status])),
  ]),
) as Record<ExchangeStatus, readonly ExchangeStatus[]>;
