import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

const LIBS = path.join(__dirname, '..', 'libs');

describe('what the libraries export', () => {
  it('is a list each index names, never everything a module happens to export', () => {
    const wholesale = readdirSync(LIBS).flatMap((lib) => {
      const index = readFileSync(path.join(LIBS, lib, 'src', 'index.ts'), 'utf8');
      return index.split('\n').filter((line) => /^\s*export\s+(type\s+)?\*/.test(line)).map((line) => `libs/${lib}/src/index.ts: ${line.trim()}`);
    });
    expect(wholesale).toEqual([]);
  });
});
