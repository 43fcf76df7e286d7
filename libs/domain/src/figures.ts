import { independenceKey } from './confirmation';
import { addSource, type LadderSource } from './corroboration';
import { compact } from './projection.util';
import type { Source } from './report.schema';

/** Released counts per party, e.g. `{ "UA": 1000, "RU": 1000 }`. */
export type ReleasedBy = Record<string, number>;

/**
 * A live confirmed report carrying figures: an `exchange.phase.completed` (with `phase`) or an
 * `exchange.completed` total (without).
 */
export interface FigureReport {
  eventId: string;
  source: Source;
  releasedBy: ReleasedBy;
  phase?: number;
  date?: string;
}

/** Two or more sources giving one figure different values (contract §7.3). */
export interface Dispute {
  /** `phase.<n>.<P>` (phase n released by P) or `released.<P>` (a completion total for P). */
  fact: string;
  /** Each distinct value with the sources and reports giving it, lowest value first. */
  values: Array<{ value: number; sources: LadderSource[]; eventIds: string[] }>;
  /** The value the view uses: the lowest, so a disputed figure is never overstated. */
  shown: number;
}

/** Fact → independence key → the value that source gives now: all a dispute depends on. */
export type FigureTable = Record<string, Record<string, number>>;

/** The view's figures, resolved from the live confirmed reports. */
export interface ResolvedFigures {
  /** Per party: the larger of the sum of its phase figures and its total figure. */
  released: ReleasedBy;
  phases: Array<{ phase: number; releasedBy: ReleasedBy; date?: string; eventId: string }>;
  disputes: Dispute[];
  /** The reports behind `released`, in log order. */
  evidence: string[];
}

/** The facts a report carries, each with its value. */
export function factsOf(report: Pick<FigureReport, 'releasedBy' | 'phase'>): Array<[fact: string, value: number]> {
  const prefix = report.phase === undefined ? 'released' : `phase.${report.phase}`;
  return Object.entries(report.releasedBy).map(([party, value]) => [`${prefix}.${party}`, value]);
}

/**
 * The table after one more report: for each fact it carries, its source's value replaces what
 * the same independence key gave before (a correction). Returns `table` itself when nothing changes.
 */
export function withFigures(table: FigureTable, report: Pick<FigureReport, 'releasedBy' | 'phase' | 'source'>): FigureTable {
  const key = independenceKey(report.source);
  // Copied once, at the first fact that changes: a table holds every phase's facts.
  let out: FigureTable | undefined;
  for (const [fact, value] of factsOf(report)) {
    if ((out ?? table)[fact]?.[key] === value) continue;
    out ??= { ...table };
    out[fact] = { ...out[fact], [key]: value };
  }
  return out ?? table;
}

/** Whether some fact has two or more distinct values among its sources. */
export function isDisputed(table: FigureTable): boolean {
  return Object.values(table).some((byKey) => new Set(Object.values(byKey)).size > 1);
}

interface Candidate {
  value: number;
  eventId: string;
  source: Source;
  order: number;
}

/**
 * Resolves `released`, the phases and the disputes from the live confirmed figure reports, in log
 * order. Each fact keeps one candidate per independence key (the latest); distinct values make a
 * dispute and the lowest is shown. `released` is resolved per party, so a total naming only one
 * party never erases another's figure.
 */
export function resolveFigures(reports: readonly FigureReport[]): ResolvedFigures {
  const candidates = new Map<string, Map<string, Candidate>>();
  reports.forEach((report, order) => {
    const key = independenceKey(report.source);
    for (const [fact, value] of factsOf(report)) {
      const byKey = candidates.get(fact) ?? candidates.set(fact, new Map()).get(fact)!;
      byKey.delete(key);
      byKey.set(key, { value, eventId: report.eventId, source: report.source, order });
    }
  });
  const shown = (fact: string) => Math.min(...[...candidates.get(fact)!.values()].map((c) => c.value));

  const disputes: Dispute[] = [];
  for (const fact of [...candidates.keys()].sort(compareFacts)) {
    const byValue = new Map<number, Candidate[]>();
    for (const c of [...candidates.get(fact)!.values()].sort((a, b) => a.order - b.order)) {
      byValue.set(c.value, [...(byValue.get(c.value) ?? []), c]);
    }
    if (byValue.size < 2) continue;
    const values = [...byValue.entries()]
      .sort(([a], [b]) => a - b)
      .map(([value, cs]) => ({ value, sources: distinctSources(cs.map((c) => c.source)), eventIds: cs.map((c) => c.eventId) }));
    disputes.push({ fact, values, shown: values[0]!.value });
  }

  const phaseNumbers = [...new Set(reports.flatMap((r) => (r.phase === undefined ? [] : [r.phase])))].sort((a, b) => a - b);
  const phases = phaseNumbers.map((phase) => {
    const own = reports.filter((r) => r.phase === phase);
    const releasedBy: ReleasedBy = {};
    for (const party of [...new Set(own.flatMap((r) => Object.keys(r.releasedBy)))].sort()) releasedBy[party] = shown(`phase.${phase}.${party}`);
    const dated = own.filter((r) => r.date !== undefined);
    return compact({ phase, releasedBy, date: dated[dated.length - 1]?.date, eventId: own[own.length - 1]!.eventId });
  });

  const released: ReleasedBy = {};
  const used = new Set<string>();
  const parties = [...new Set(reports.flatMap((r) => Object.keys(r.releasedBy)))].sort();
  for (const party of parties) {
    const phaseFacts = phaseNumbers.map((n) => `phase.${n}.${party}`).filter((f) => candidates.has(f));
    const summed = phaseFacts.length > 0 ? phaseFacts.reduce((sum, f) => sum + shown(f), 0) : undefined;
    const total = candidates.has(`released.${party}`) ? shown(`released.${party}`) : undefined;
    // On a tie the phases stay, as they carry more detail.
    const facts = total !== undefined && (summed === undefined || total > summed) ? [`released.${party}`] : phaseFacts;
    released[party] = Math.max(summed ?? 0, total ?? 0);
    for (const fact of facts) for (const c of candidates.get(fact)!.values()) used.add(c.eventId);
  }
  const evidence = [...new Set(reports.map((r) => r.eventId))].filter((id) => used.has(id));
  return { released, phases, disputes, evidence };
}

/** Orders facts: `phase.<n>.<P>` by phase number then party, before `released.<P>` by party. */
export function compareFacts(a: string, b: string): number {
  const [ka, na, pa] = parts(a);
  const [kb, nb, pb] = parts(b);
  return ka - kb || na - nb || (pa < pb ? -1 : pa > pb ? 1 : 0);
}

function parts(fact: string): [number, number, string] {
  const p = fact.split('.');
  return p[0] === 'phase' ? [0, Number(p[1]), p[2]!] : [1, 0, p[1]!];
}

function distinctSources(sources: readonly Source[]): LadderSource[] {
  const out: LadderSource[] = [];
  for (const s of sources) addSource(out, s);
  return out;
}
