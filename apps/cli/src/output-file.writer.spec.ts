import { execFileSync, spawn } from 'node:child_process';
import { chmod, lstat, mkdtemp, readdir, readFile, readlink, rm, stat, symlink, writeFile } from 'node:fs/promises';
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

  it('keeps the permissions of the file it replaces', async () => {
    const file = path.join(dir, 'events.ndjson');
    await writeFile(file, 'the last export\n');
    await chmod(file, 0o600);
    await withOutputFile(file, (write) => write(['a\n']));
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(await readFile(file, 'utf8')).toBe('a\n');
  });

  it('writes through a symlink to the file it names, keeping the link', async () => {
    const real = path.join(dir, 'real.ndjson');
    const link = path.join(dir, 'latest.ndjson');
    await writeFile(real, 'the last export\n');
    await symlink(real, link);
    await withOutputFile(link, (write) => write(['a\n']));
    expect((await lstat(link)).isSymbolicLink()).toBe(true);
    expect(await readlink(link)).toBe(real);
    expect(await readFile(real, 'utf8')).toBe('a\n');
    expect((await readdir(dir)).sort()).toEqual(['latest.ndjson', 'real.ndjson']);
  });

  it('writes into a FIFO as it is, instead of renaming a file over it', async () => {
    const fifo = path.join(dir, 'events.fifo');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    let read = '';
    reader.stdout.on('data', (chunk: Buffer) => (read += chunk.toString('utf8')));
    const closed = new Promise((resolve) => reader.on('close', resolve));
    try {
      await expect(withOutputFile(fifo, async (write) => (await write(['a\n', 'b\n']), 2))).resolves.toBe(2);
      await closed;
    } finally {
      reader.kill();
    }
    expect(read).toBe('a\nb\n');
    expect((await stat(fifo)).isFIFO()).toBe(true);
    expect(await readdir(dir)).toEqual(['events.fifo']);
  });

  it('writes into a device named through a symlink (/dev/null), leaving the link and the device alone', async () => {
    const link = path.join(dir, 'discard');
    await symlink('/dev/null', link);
    await expect(withOutputFile(link, async (write) => (await write(['a\n']), 1))).resolves.toBe(1);
    expect(await readlink(link)).toBe('/dev/null');
    expect((await stat('/dev/null')).isCharacterDevice()).toBe(true);
    expect(await readdir(dir)).toEqual(['discard']);
  });
});
