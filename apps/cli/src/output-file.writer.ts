import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { FileHandle, open, rename, rm, stat } from 'node:fs/promises';
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

function cannotWrite(file: string, e: NodeJS.ErrnoException | string): CommandFailed {
  const why = typeof e === 'string' ? e : (e.code && WHY[e.code]) || e.message;
  return new CommandFailed(`cannot write ${file}: ${why}; nothing was written`, 2);
}

/**
 * Writes `file` whole or not at all. The path is checked before `fill` runs, so a bad `--out` fails
 * before any long read of the database or the log. `fill` gets a `write` to call once with the
 * content; it goes to a hidden file beside the target, renamed over it only when `fill` has
 * succeeded, so a failure (or Ctrl-C) never leaves a truncated file or clobbers an earlier one.
 * @throws CommandFailed (exit 2) when the file cannot be written, saying why
 */
export async function withOutputFile<T>(file: string, fill: (write: (content: OutputContent) => Promise<void>) => Promise<T>): Promise<T> {
  const target = path.resolve(file);
  if (/[\\/]$/.test(file) || (await stat(target).catch(() => undefined))?.isDirectory()) throw cannotWrite(file, WHY.EISDIR);
  const partial = path.join(path.dirname(target), `.${path.basename(target)}.${randomBytes(6).toString('hex')}.partial`);
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
    const result = await fill(async (content) => {
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
        throw e === contentError ? e : cannotWrite(file, e);
      });
    });
    await rename(partial, target).catch((e: NodeJS.ErrnoException) => {
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
