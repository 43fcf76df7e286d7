import { SingleBar } from 'cli-progress';

/** Reports how far a read of the log has got: `read` of `total` events. */
export type ReplayProgress = (read: number, total: number) => void;

/**
 * Runs a full read of the log (replay, verify) with a progress bar on stderr: it appears at the
 * first report, once the total is known, and is stopped however the read ends.
 */
export async function withReplayProgress<T>(read: (onProgress: ReplayProgress) => Promise<T>): Promise<T> {
  const bar = new SingleBar({ format: 'replaying the log [{bar}] {value}/{total} events', stream: process.stderr, hideCursor: true });
  let started = false;
  try {
    return await read((done, total) => {
      if (!started) bar.start(total, 0);
      started = true;
      bar.update(done);
    });
  } finally {
    bar.stop();
  }
}
