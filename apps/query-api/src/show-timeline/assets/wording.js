// The page's words for how sure we are: pure functions of a view's fields, no DOM, so that
// apps/query-api/src/show-timeline/wording.spec.ts tests exactly the file the page loads.

const STATUS_WORDS = {
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

/** The sides the stories name, for sentences; any other code is shown as it is. */
const PARTY_NAMES = { UA: 'Ukraine', RU: 'Russia', US: 'the United States', AE: 'the UAE', TR: 'Turkey', IT: 'Italy', VA: 'the Vatican', QA: 'Qatar', SA: 'Saudi Arabia', BY: 'Belarus' };

const COUNTS = ['no', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];

/** "Under way" for "underway"; an unknown status keeps its own word, capitalised. */
export function statusWord(status) {
  if (!status) return '';
  return STATUS_WORDS[status] || `${status[0].toUpperCase()}${status.slice(1)}`;
}

export const partyName = (code) => PARTY_NAMES[code] || code;

/** "A", "A and B", "A, B and C". */
export function joinNames(names) {
  if (names.length <= 1) return names.join('');
  return `${names.slice(0, -1).join(', ')} and ${names[names.length - 1]}`;
}

const count = (n) => (n < COUNTS.length ? COUNTS[n] : String(n));
const sourceNames = (sources) => [...new Set((sources || []).map((s) => s.name))];

/**
 * Who a stage rests on, from its `corroboration` entry (contract §7.2): "both parties", "one
 * party (UA)", "two sources (A and B)", "one named source (Donald Trump)", "unnamed sources only";
 * null when nothing supports it.
 */
export function levelWords(corroboration, parties) {
  if (!corroboration || !corroboration.level) return null;
  const officials = corroboration.officialParties || [];
  const names = sourceNames(corroboration.sources);
  switch (corroboration.level) {
    case 'all-parties':
      return (parties || officials).length === 2 ? 'both parties' : `all ${count(officials.length)} parties (${joinNames(officials)})`;
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

/**
 * A status badge in words: "Under way, confirmed by both parties" (the confirmed status, resting on
 * official statements), "Under way, reported by two sources (…)" (confirmed by a desk, but the
 * sources behind the stage include claims: "confirmed by" them would overstate it), "Completed,
 * claimed by one named source (Donald Trump)" (a status only reported); a denial of the stage is
 * said after it.
 */
export function badgeWords(status, how, corroboration, parties) {
  const official = corroboration && (corroboration.level === 'all-parties' || corroboration.level === 'one-party');
  const verb = how !== 'confirmed' ? 'claimed' : official ? 'confirmed' : 'reported';
  const who = levelWords(corroboration, parties);
  let text = `${statusWord(status)}, ${who ? `${verb} by ${who}` : how === 'confirmed' ? 'confirmed' : 'only reported'}`;
  if (corroboration && corroboration.contested) {
    const deniers = sourceNames(corroboration.deniedBy);
    text += `; denied by ${deniers.length ? joinNames(deniers) : 'a source'}`;
  }
  return text;
}

/** Who gave a disputed value: the side an official source speaks for, else the sources' names. */
function givers(sources) {
  const names = [];
  for (const s of sources || []) {
    const name = s.party && (s.kind === 'official' || s.kind === 'government') ? partyName(s.party) : s.name;
    if (!names.includes(name)) names.push(name);
  }
  return joinNames(names);
}

/** What a disputed fact is about: "released by Russia" for `released.RU`, "phase 1 released by Ukraine" for `phase.1.UA`. */
export function factWords(fact) {
  const parts = String(fact).split('.');
  if (parts[0] === 'released' && parts.length === 2) return `Released by ${partyName(parts[1])}`;
  if (parts[0] === 'phase' && parts.length === 3) return `Phase ${parts[1]} released by ${partyName(parts[2])}`;
  return String(fact);
}

/** "Ukraine said 189; Russia said 150, shown: 150": each value with who gave it, the highest first, then the one shown. */
export function disputeWords(dispute, format = String) {
  const values = [...(dispute.values || [])].sort((a, b) => b.value - a.value);
  const said = values.map((v) => `${givers(v.sources)} said ${format(v.value)}`).join('; ');
  return `${said}, shown: ${format(dispute.shown)}`;
}
