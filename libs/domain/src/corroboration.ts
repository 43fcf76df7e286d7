import { countsAsReported, independenceKey, officialPartyOf } from './confirmation';
import { EXCHANGE_STATUSES, stagesSupportedBy, type ExchangeStatus } from './exchange.lifecycle';
import { compact, sortedUnique } from './projection.util';
import type { Confirmation } from './event.catalogue';
import type { Source } from './report.schema';

/**
 * How well-founded a stage of an exchange is (contract §7.2), weakest first. The desk's
 * `confirmation` says what the desk believes; the level says who actually said so.
 *
 * | level           | the reports supporting the stage include                                               |
 * |-----------------|-----------------------------------------------------------------------------------------|
 * | `all-parties`   | an official statement of every party, when the exchange has two or more                  |
 * | `one-party`     | an official statement of a party or of a mediator (a code in `mediators`)                |
 * | `multi-source`  | two or more independence keys, at least one of them not `unnamed`                        |
 * | `single-source` | a report whose source kind is not `unnamed`                                              |
 * | `unattributed`  | only `unnamed` sources                                                                   |
 */
export const CORROBORATION_LEVELS = ['unattributed', 'single-source', 'multi-source', 'one-party', 'all-parties'] as const;
/** One of {@link CORROBORATION_LEVELS}. */
export type CorroborationLevel = (typeof CORROBORATION_LEVELS)[number];

/** A source as the ladder lists it. */
export type LadderSource = Pick<Source, 'name' | 'kind' | 'party'>;

/** What a status-stating report brings to the ladder: an exchange claim. */
export interface LadderClaim {
  eventId: string;
  status: ExchangeStatus;
  confirmation: Confirmation;
  source: Source;
  /** Set on claims from `exchange.phase.completed`, which state `underway` without being its own event. */
  phase?: number;
}

/**
 * Everything a stage's level depends on, folded report by report and bounded whatever the number
 * of reports: the parties that made official statements, the first two independence keys (two
 * are all the ladder ever counts) and whether any source is named.
 */
export interface StageBasis {
  officialParties: string[];
  keys: string[];
  named: boolean;
}

/** Who the exchange's sides and mediators are, for the two party levels. */
export interface LadderContext {
  parties: readonly string[];
  mediators: readonly string[];
}

/** One stage's entry in the view's `corroboration`. */
export interface StageCorroboration {
  /** Null when live reports only deny the stage. */
  level: CorroborationLevel | null;
  /** Distinct sources of the supporting reports, in log order. */
  sources: LadderSource[];
  /** Sorted codes of the parties whose official statements support the stage. */
  officialParties: string[];
  /** Distinct sources of the live denials of the stage's own event type, in log order. */
  deniedBy: LadderSource[];
  /** True when a live report denies the stage. */
  contested: boolean;
  /** The supporting and denying reports, in log order. */
  eventIds: string[];
}

/** Per stage that a live report supports or denies, in lifecycle order. */
export type Corroboration = Partial<Record<ExchangeStatus, StageCorroboration>>;

/** The basis of a stage nothing supports yet. */
export const EMPTY_BASIS: StageBasis = Object.freeze({ officialParties: [], keys: [], named: false }) as StageBasis;

/** The stages a claim supports (not denied: itself and every lower rank) and the one it denies (denied, of its own event type). */
export function ladderRoleOf(claim: Pick<LadderClaim, 'status' | 'confirmation' | 'phase'>): { supports: readonly ExchangeStatus[]; denies: ExchangeStatus | null } {
  if (countsAsReported(claim.confirmation)) return { supports: stagesSupportedBy(claim.status), denies: null };
  return { supports: [], denies: claim.phase === undefined ? claim.status : null };
}

/** The basis after one more supporting report from `source`. Returns `basis` itself when nothing changes. */
export function withSupport(basis: StageBasis, source: Source): StageBasis {
  const party = officialPartyOf(source);
  const key = independenceKey(source);
  const named = basis.named || source.kind !== 'unnamed';
  const addParty = party !== null && !basis.officialParties.includes(party);
  const addKey = basis.keys.length < 2 && !basis.keys.includes(key);
  if (!addParty && !addKey && named === basis.named) return basis;
  return {
    officialParties: addParty ? sortedUnique([...basis.officialParties, party]) : basis.officialParties,
    keys: addKey ? [...basis.keys, key] : basis.keys,
    named,
  };
}

/** The ladder's rule: the first level whose condition the supporting reports meet; null without support. */
export function levelOf(basis: StageBasis | undefined, context: LadderContext): CorroborationLevel | null {
  if (!basis || basis.keys.length === 0) return null;
  const official = basis.officialParties;
  if (context.parties.length >= 2 && context.parties.every((p) => official.includes(p))) return 'all-parties';
  if (official.some((p) => context.parties.includes(p) || context.mediators.includes(p))) return 'one-party';
  if (basis.keys.length >= 2 && basis.named) return 'multi-source';
  if (basis.named) return 'single-source';
  return 'unattributed';
}

/** The bases of every supported stage, from live claims in log order: what the bounded summary keeps. */
export function ladderBasesOf(claims: readonly LadderClaim[], from: Partial<Record<ExchangeStatus, StageBasis>> = {}): Partial<Record<ExchangeStatus, StageBasis>> {
  let bases = from;
  for (const claim of claims) {
    for (const stage of ladderRoleOf(claim).supports) {
      const before = bases[stage] ?? EMPTY_BASIS;
      const after = withSupport(before, claim.source);
      if (after !== before) bases = { ...bases, [stage]: after };
    }
  }
  return bases;
}

/**
 * The view's `corroboration`: for every stage a live claim supports or denies, its level and the
 * sources behind it. `claims` are the exchange's live claims in log order (denied ones included).
 */
export function corroborationOf(claims: readonly LadderClaim[], context: LadderContext): Corroboration {
  const entries = new Map<ExchangeStatus, { basis: StageBasis; sources: LadderSource[]; deniedBy: LadderSource[]; eventIds: string[] }>();
  const entry = (stage: ExchangeStatus) =>
    entries.get(stage) ?? entries.set(stage, { basis: EMPTY_BASIS, sources: [], deniedBy: [], eventIds: [] }).get(stage)!;
  for (const claim of claims) {
    const { supports, denies } = ladderRoleOf(claim);
    for (const stage of supports) {
      const e = entry(stage);
      e.basis = withSupport(e.basis, claim.source);
      addSource(e.sources, claim.source);
      e.eventIds.push(claim.eventId);
    }
    if (denies) {
      const e = entry(denies);
      addSource(e.deniedBy, claim.source);
      e.eventIds.push(claim.eventId);
    }
  }
  const out: Corroboration = {};
  for (const stage of EXCHANGE_STATUSES) {
    const e = entries.get(stage);
    if (!e) continue;
    out[stage] = {
      level: levelOf(e.basis, context),
      sources: e.sources,
      officialParties: e.basis.officialParties,
      deniedBy: e.deniedBy,
      contested: e.deniedBy.length > 0,
      eventIds: e.eventIds,
    };
  }
  return out;
}

/** Appends `source` as the ladder lists it, unless an equal one is there already. */
export function addSource(list: LadderSource[], source: Source): void {
  const s = compact({ name: source.name, kind: source.kind, party: source.party });
  if (!list.some((x) => x.name === s.name && x.kind === s.kind && x.party === s.party)) list.push(s);
}
