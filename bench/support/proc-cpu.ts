import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';

/** Clock ticks a second of /proc's utime and stime (USER_HZ; 100 on Linux unless told otherwise). */
const TICKS_PER_SECOND = (() => {
  try {
    const n = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

/**
 * CPU seconds (user + system) a process has used so far, from /proc/<pid>/stat, or one of its
 * threads (`tid`; the main thread's is the pid); undefined when it cannot be read.
 */
export function cpuSeconds(pid: number, tid?: number): number | undefined {
  try {
    const stat = fs.readFileSync(tid === undefined ? `/proc/${pid}/stat` : `/proc/${pid}/task/${tid}/stat`, 'utf8');
    // The command name, in parentheses, may hold spaces: count fields from after its closing one.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 14 and 15 of stat (utime, stime) are the 12th and 13th after the name.
    return (Number(fields[11]) + Number(fields[12])) / TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** The process listening on a TCP port of this machine (e.g. the Kafka broker), from /proc; undefined when none is visible. */
export function listenerPid(port: number): number | undefined {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const inodes = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text: string;
    try {
      text = fs.readFileSync(table, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      // local_address is "<ip>:<port>" in hex; state 0A is LISTEN; the inode is the 10th field.
      if (f.length > 9 && f[1].endsWith(`:${hexPort}`) && f[3] === '0A') inodes.add(f[9]);
    }
  }
  if (inodes.size === 0) return undefined;
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let fds: string[];
    try {
      fds = fs.readdirSync(`/proc/${entry}/fd`);
    } catch {
      continue;
    }
    for (const fd of fds) {
      try {
        const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/${entry}/fd/${fd}`));
        if (m && inodes.has(m[1])) return Number(entry);
      } catch {
        // a descriptor closed meanwhile
      }
    }
  }
  return undefined;
}

/** The process of the first broker in `brokers` (`host:port`), if it runs on this machine. */
export function brokerPid(brokers: readonly string[]): number | undefined {
  const [broker] = brokers;
  return listenerPid(Number(broker.slice(broker.lastIndexOf(':') + 1)));
}

/** A process to meter, as a list: none when it was not found. */
export function pidsOf(pid: number | undefined): number[] {
  return pid === undefined ? [] : [pid];
}

/** A part of the path whose CPU is measured: its processes, looked up at the start and at the end. */
export interface CpuPart {
  label: string;
  pids: () => Promise<number[]> | number[];
}

/** CPU seconds each part used between start and stop; undefined for a part none of whose processes could be read. */
export type CpuUse = Record<string, number | undefined>;

/**
 * Samples the CPU time of each part's processes at start and at stop. A process that appeared
 * meanwhile (a pool's new PostgreSQL backend) counts from zero; one that ended meanwhile is lost,
 * which the bench avoids by keeping its pools open through a measurement.
 */
export class CpuMeter {
  private before = new Map<string, Map<number, number>>();

  constructor(private readonly parts: CpuPart[]) {}

  private async sample(): Promise<Map<string, Map<number, number>>> {
    const out = new Map<string, Map<number, number>>();
    for (const part of this.parts) {
      const seconds = new Map<number, number>();
      for (const pid of await part.pids()) {
        const s = cpuSeconds(pid);
        if (s !== undefined) seconds.set(pid, s);
      }
      out.set(part.label, seconds);
    }
    return out;
  }

  async start(): Promise<void> {
    this.before = await this.sample();
  }

  async stop(): Promise<CpuUse> {
    const after = await this.sample();
    const use: CpuUse = {};
    for (const part of this.parts) {
      const end = after.get(part.label)!;
      const start = this.before.get(part.label) ?? new Map<number, number>();
      if (end.size === 0) {
        use[part.label] = undefined;
        continue;
      }
      let total = 0;
      for (const [pid, s] of end) total += s - (start.get(pid) ?? 0);
      use[part.label] = Math.round(total * 1000) / 1000;
    }
    return use;
  }
}

/** Microseconds of CPU a report (or request), per part of the path; undefined where /proc could not be read. */
export interface CpuMicros {
  /** the bench's own HTTP client or producer */
  client?: number;
  /** the process that answers: newsledger's ingest API, the Emmett server, or the bare server */
  server?: number;
  /** newsledger's projector */
  projector?: number;
  /** the PostgreSQL backends of the path's own connections */
  postgres?: number;
  /** the Kafka broker (shared with whatever else uses it meanwhile) */
  broker?: number;
}

/** Microseconds a report from CPU seconds, per part. */
export function toMicros(use: CpuUse, reports: number): CpuMicros {
  const out: Record<string, number | undefined> = {};
  for (const [part, s] of Object.entries(use)) out[part] = s === undefined ? undefined : Math.round((s * 1e6) / reports);
  return out as CpuMicros;
}
