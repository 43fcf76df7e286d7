import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { FileHandle, lstat, open, realpath, rename, rm, stat } from 'node:fs/promises';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { CommandFailed } from './audit.connections';

/** What goes into the file: text, as the command produces it (an export streams from the database). */
export type OutputContent = Iterable<string> | AsyncIterable<string>;

const WHY: Record<string, string> = {
  ENOENT: 'its directory does not exist; create it first or choose another path',
  ENOTDIR: 'a part of its path is not a directory',
  EISDIR: 'it is a directory; name a file in it',
  EACCES: 'permission denied',
  EPERM: 'permission denied',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
};

function cannotWrite(file: string, e: NodeJS.ErrnoException | string, outcome = 'nothing was written'): CommandFailed {
  const why = typeof e === 'string' ? e : (e.code && WHY[e.code]) || e.message;
  return new CommandFailed(`cannot write ${file}: ${why}; ${outcome}`, 2);
}

/** Where `--out` really writes, and whether it can be replaced atomically there. */
interface OutputTarget {
  /** the path to open or rename over: a symlink's target when it resolves */
  path: string;
  /** the existing regular file's permission bits, which the new file keeps */
  mode?: number;
  /** not a regular file (a device, a FIFO, /dev/stdout): written as it is, never renamed over */
  direct: boolean;
}

async function outputTarget(file: string): Promise<OutputTarget> {
  const named = path.resolve(file);
  if (/[\\/]$/.test(file)) throw cannotWrite(file, WHY.EISDIR);
  // A symlink is written through, as a shell's `>` would: renaming over it would replace the link.
  const linked = (await lstat(named).catch(() => undefined))?.isSymbolicLink() ?? false;
  const real = linked ? await realpath(named).catch(() => undefined) : named;
  const found = await stat(real ?? named).catch(() => undefined);
  if (found?.isDirectory()) throw cannotWrite(file, WHY.EISDIR);
  // A link that resolves to no path (/dev/stdout on a pipe is /proc/self/fd/1 -> pipe:[…]) or to
  // nothing yet is opened through the link itself.
  if ((found && !found.isFile()) || real === undefined) return { path: named, direct: true };
  return { path: real, direct: false, ...(found ? { mode: found.mode & 0o777 } : {}) };
}

/** Writes `content` into an open file, telling the file's own errors from the content's. */
async function writeInto(handle: FileHandle, content: OutputContent, fileError: (e: NodeJS.ErrnoException) => CommandFailed): Promise<void> {
  // Only the file's own errors are about the file; the content's (the database gone) pass as they are.
  let contentError: unknown;
  async function* produced() {
    try {
      yield* content;
    } catch (e) {
      contentError = e;
      throw e;
    }
  }
  await pipeline(produced(), handle.createWriteStream({ encoding: 'utf8' })).catch((e: NodeJS.ErrnoException) => {
    throw e === contentError ? e : fileError(e);
  });
}

/**
 * Writes `file` whole or not at all. The path is checked before `fill` runs, so a bad `--out` fails
 * before any long read of the database or the log. `fill` gets a `write` to call once with the
 * content; it goes to a hidden file beside the target, renamed over it only when `fill` has
 * succeeded, so a failure (or Ctrl-C) never leaves a truncated file or clobbers an earlier one. The
 * new file keeps the old one's permissions. A symlink is followed to the file it names. A target
 * that is not a regular file (`/dev/stdout`, `/dev/null`, a FIFO) cannot be replaced without
 * breaking it, so it is written directly, and a failure may leave part of the content there.
 * @throws CommandFailed (exit 2) when the file cannot be written, saying why
 */
export async function withOutputFile<T>(file: string, fill: (write: (content: OutputContent) => Promise<void>) => Promise<T>): Promise<T> {
  const target = await outputTarget(file);
  return target.direct ? writeDirectly(file, target.path, fill) : writeWhole(file, target, fill);
}

async function writeDirectly<T>(file: string, target: string, fill: (write: (content: OutputContent) => Promise<void>) => Promise<T>): Promise<T> {
  let handle: FileHandle;
  try {
    handle = await open(target, 'w');
  } catch (e) {
    throw cannotWrite(file, e as NodeJS.ErrnoException);
  }
  try {
    return await fill((content) => writeInto(handle, content, (e) => cannotWrite(file, e, 'what it received may be incomplete')));
  } finally {
    await handle.close().catch(() => undefined);
  }
}

async function writeWhole<T>(file: string, target: OutputTarget, fill: (write: (content: OutputContent) => Promise<void>) => Promise<T>): Promise<T> {
  const partial = path.join(path.dirname(target.path), `.${path.basename(target.path)}.${randomBytes(6).toString('hex')}.partial`);
  let handle: FileHandle;
  try {
    handle = await open(partial, 'wx');
  } catch (e) {
    throw cannotWrite(file, e as NodeJS.ErrnoException);
  }
  // A signal would end the process without unwinding: remove the partial file, then die of it as usual.
  const abandon = (signal: NodeJS.Signals) => {
    rmSync(partial, { force: true });
    process.kill(process.pid, signal);
  };
  process.once('SIGINT', abandon);
  process.once('SIGTERM', abandon);
  try {
    if (target.mode !== undefined) await handle.chmod(target.mode).catch((e: NodeJS.ErrnoException) => Promise.reject(cannotWrite(file, e)));
    const result = await fill((content) => writeInto(handle, content, (e) => cannotWrite(file, e)));
    await rename(partial, target.path).catch((e: NodeJS.ErrnoException) => {
      throw cannotWrite(file, e);
    });
    return result;
  } catch (e) {
    await rm(partial, { force: true });
    throw e;
  } finally {
    await handle.close().catch(() => undefined);
    process.off('SIGINT', abandon);
    process.off('SIGTERM', abandon);
  }
}
