/**
 * How sure a view is, in words: one rule for the timeline page and the CLI. Never overstate:
 * "confirmed by" only when a stage rests on official statements (contract §7.2 `all-parties`,
 * `one-party`); a stage the desk confirmed on other sources is "reported by" them, and a status
 * only reported is "claimed by" them.
 */

/** What the wording reads of a stage's `corroboration` entry. */
export interface LadderWords {
  level: string | null;
  sources?: readonly { name: string }[];
  officialParties?: readonly string[];
  deniedBy?: readonly { name: string }[];
  contested?: boolean;
}

/** What the wording reads of a dispute. */
export interface DisputeWords {
  fact: string;
  shown: number;
  values: readonly { value: number; sources: readonly { name: string; kind: string; party?: string }[] }[];
}

/** The wording's functions. */
export interface HowSureWording {
  /** "Under way" for "underway"; an unknown status keeps its own word, capitalised. */
  statusWord(status: string | null | undefined): string;
  /** "Ukraine" for "UA"; a code the stories do not name is shown as it is. */
  partyName(code: string): string;
  /** "A", "A and B", "A, B and C". */
  joinNames(names: readonly string[]): string;
  /** Who a stage rests on: "both parties", "one party (UA)", "two sources (A and B)", "one named source (X)", "unnamed sources only"; null when nothing supports it. */
  levelWords(corroboration: LadderWords | null | undefined, parties?: readonly string[]): string | null;
  /**
   * A status in words with how sure it is: "Under way, confirmed by both parties", "Under way,
   * reported by two sources (…)", "Completed, claimed by one named source (Donald Trump)"; a denial
   * of the stage follows.
   */
  badgeWords(status: string | null | undefined, how: 'confirmed' | 'reported', corroboration: LadderWords | null | undefined, parties?: readonly string[]): string;
  /** What a disputed fact is about: "Released by Russia" for `released.RU`, "Phase 1 released by Ukraine" for `phase.1.UA`. */
  factWords(fact: string): string;
  /** "Ukraine said 189; Russia said 150, shown: 150": each value with who gave it, the highest first, then the one shown. */
  disputeWords(dispute: DisputeWords, format?: (n: number) => string): string;
}

/**
 * Makes the wording. Self-contained (it reads nothing outside its own body), so the timeline page's
 * `wording.js` is made from this function's source, as its feed parser is made from SseParser's.
 */
export function howSureWording(): HowSureWording {
  const STATUS_WORDS: Record<string, string> = {
    proposed: 'Proposed',
    agreed: 'Agreed',
    underway: 'Under way',
    completed: 'Completed',
    suspended: 'Suspended',
    cancelled: 'Cancelled',
    scheduled: 'Scheduled',
    active: 'Active',
    stalled: 'Stalled',
    collapsed: 'Collapsed',
    concluded: 'Concluded',
  };
  /** The sides the stories name, for sentences. */
  const PARTY_NAMES: Record<string, string> = {
    UA: 'Ukraine', RU: 'Russia', US: 'the United States', AE: 'the UAE', TR: 'Turkey', IT: 'Italy', VA: 'the Vatican', QA: 'Qatar', SA: 'Saudi Arabia', BY: 'Belarus',
  };
  const COUNTS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

  const statusWord = (status: string | null | undefined): string => (!status ? '' : STATUS_WORDS[status] ?? `${status[0].toUpperCase()}${status.slice(1)}`);
  const partyName = (code: string): string => PARTY_NAMES[code] ?? code;
  const joinNames = (names: readonly string[]): string =>
    names.length <= 1 ? names.join('') : `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
  const count = (n: number) => (n < COUNTS.length ? COUNTS[n] : String(n));
  const sourceNames = (sources: readonly { name: string }[] | undefined) => [...new Set((sources ?? []).map((s) => s.name))];

  function levelWords(corroboration: LadderWords | null | undefined, parties?: readonly string[]): string | null {
    if (!corroboration || !corroboration.level) return null;
    const officials = corroboration.officialParties ?? [];
    const names = sourceNames(corroboration.sources);
    switch (corroboration.level) {
      case 'all-parties':
        return (parties ?? officials).length === 2 ? 'both parties' : `all ${count(officials.length)} parties (${joinNames(officials)})`;
      case 'one-party':
        return `one party (${joinNames(officials)})`;
      case 'multi-source':
        return `${count(names.length)} sources (${joinNames(names)})`;
      case 'single-source':
        return `one named source (${joinNames(names)})`;
      case 'unattributed':
        return 'unnamed sources only';
      default:
        return corroboration.level;
    }
  }

  function badgeWords(status: string | null | undefined, how: 'confirmed' | 'reported', corroboration: LadderWords | null | undefined, parties?: readonly string[]): string {
    const official = corroboration?.level === 'all-parties' || corroboration?.level === 'one-party';
    const verb = how !== 'confirmed' ? 'claimed' : official ? 'confirmed' : 'reported';
    const who = levelWords(corroboration, parties);
    let text = `${statusWord(status)}, ${who ? `${verb} by ${who}` : how === 'confirmed' ? 'confirmed' : 'only reported'}`;
    if (corroboration?.contested) {
      const deniers = sourceNames(corroboration.deniedBy);
      text += `; denied by ${deniers.length ? joinNames(deniers) : 'a source'}`;
    }
    return text;
  }

  /** Who gave a disputed value: the side an official source speaks for, else the sources' names. */
  function givers(sources: DisputeWords['values'][number]['sources'] | undefined): string {
    const names: string[] = [];
    for (const s of sources ?? []) {
      const name = s.party && (s.kind === 'official' || s.kind === 'government') ? partyName(s.party) : s.name;
      if (!names.includes(name)) names.push(name);
    }
    return joinNames(names);
  }

  function factWords(fact: string): string {
    const parts = String(fact).split('.');
    if (parts[0] === 'released' && parts.length === 2) return `Released by ${partyName(parts[1])}`;
    if (parts[0] === 'phase' && parts.length === 3) return `Phase ${parts[1]} released by ${partyName(parts[2])}`;
    return String(fact);
  }

  function disputeWords(dispute: DisputeWords, format: (n: number) => string = String): string {
    const values = [...(dispute.values ?? [])].sort((a, b) => b.value - a.value);
    const said = values.map((v) => `${givers(v.sources)} said ${format(v.value)}`).join('; ');
    return `${said}, shown: ${format(dispute.shown)}`;
  }

  return { statusWord, partyName, joinNames, levelWords, badgeWords, factWords, disputeWords };
}

/** The wording's functions, made once. */
export const { statusWord, partyName, joinNames, levelWords, badgeWords, factWords, disputeWords } = howSureWording();

/** The names the page's module exports, in order. */
export const HOW_SURE_EXPORTS = ['statusWord', 'partyName', 'joinNames', 'levelWords', 'badgeWords', 'factWords', 'disputeWords'] as const;
