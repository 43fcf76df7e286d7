import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { CommandFailed } from './audit.connections';
import { withOutputFile } from './output-file.writer';

describe('output files: written whole or not at all', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'newsledger-out-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('writes the content, leaving nothing else beside it', async () => {
    const file = path.join(dir, 'events.ndjson');
    await expect(withOutputFile(file, async (write) => (await write(['a\n', 'b\n']), 2))).resolves.toBe(2);
    expect(await readFile(file, 'utf8')).toBe('a\nb\n');
    expect(await readdir(dir)).toEqual(['events.ndjson']);
  });

  it('says why a path cannot be written (exit 2) before any work is done, and creates nothing', async () => {
    const fill = jest.fn();
    const missing = path.join(dir, 'no', 'dir', 'x.ndjson');
    await expect(withOutputFile(missing, fill)).rejects.toEqual(
      new CommandFailed(`cannot write ${missing}: its directory does not exist; create it first or choose another path; nothing was written`, 2),
    );
    await expect(withOutputFile(dir, fill)).rejects.toMatchObject({ exitCode: 2, message: `cannot write ${dir}: it is a directory; name a file in it; nothing was written` });
    await expect(withOutputFile(`${dir}/`, fill)).rejects.toMatchObject({ exitCode: 2 });
    expect(fill).not.toHaveBeenCalled();
    expect(await readdir(dir)).toEqual([]);
  });

  it('keeps an earlier file intact, and leaves no partial one, when the content fails half-way', async () => {
    const file = path.join(dir, 'events.ndjson');
    await writeFile(file, 'the last export\n');
    const lost = new Error('the database went away');
    async function* content() {
      yield 'a\n';
      throw lost;
    }
    await expect(withOutputFile(file, (write) => write(content()))).rejects.toBe(lost);
    await expect(withOutputFile(file, async () => Promise.reject(lost))).rejects.toBe(lost);
    expect(await readFile(file, 'utf8')).toBe('the last export\n');
    expect(await readdir(dir)).toEqual(['events.ndjson']);
  });

  it('reports a failed write as a file that cannot be written, leaving nothing behind', async () => {
    const file = path.join(dir, 'events.ndjson');
    // A chunk the file stream refuses stands in for a full disk.
    await expect(withOutputFile(file, (write) => write([1 as unknown as string]))).rejects.toMatchObject({ exitCode: 2, message: expect.stringMatching(/^cannot write .*events\.ndjson: .*; nothing was written$/) });
    expect(await readdir(dir)).toEqual([]);
  });
});
