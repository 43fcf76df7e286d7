import * as fs from 'node:fs';
import * as path from 'node:path';

/** A figure a test measured: counts, milliseconds, yes/no. */
export type Figure = number | string | boolean;

/**
 * Merges a test's figures into the JSON file named by `RELIABILITY_FIGURES` (set by
 * `npm run reliability`, which renders docs/reliability.md from it); a no-op when unset, so a plain
 * test run leaves nothing behind. Tests of one run write one after the other (the fault suite runs
 * in band), so a read-merge-write is enough.
 */
export function recordFigures(section: string, figures: Record<string, Figure>): void {
  const file = process.env.RELIABILITY_FIGURES;
  if (!file) return;
  let all: Record<string, Record<string, Figure>> = {};
  try {
    all = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    // first figures of the run
  }
  all[section] = { ...figures, recordedAt: new Date().toISOString() };
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}
