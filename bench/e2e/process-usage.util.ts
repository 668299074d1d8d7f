// CPU time and memory of the processes bench:e2e accounts for, read from /proc (Linux only). The broker, Redis and
// PostgreSQL are shared machine services: only differences between two readings (one phase) mean anything.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

import { type Redis } from 'ioredis';

const CLOCK_TICKS = clockTicksPerSecond();

function clockTicksPerSecond(): number {
  try {
    const ticks = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim());
    return Number.isFinite(ticks) && ticks > 0 ? ticks : 100;
  } catch {
    return 100;
  }
}

interface ProcStat {
  pid: number;
  comm: string;
  ppid: number;
  /** utime + stime, ms. */
  ownMs: number;
  /** cutime + cstime (waited-for children that exited), ms. */
  childrenMs: number;
}

/** /proc/<pid>/stat; undefined when the process is gone. The command name may hold spaces and parentheses. */
export function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const open = text.indexOf('(');
  const close = text.lastIndexOf(')');
  const rest = text.slice(close + 2).split(' ');
  // rest[0] is field 3 (state): utime is field 14, stime 15, cutime 16, cstime 17.
  const ticks = (i: number): number => Number(rest[i - 3] ?? 0);
  return {
    pid,
    comm: text.slice(open + 1, close),
    ppid: ticks(4),
    ownMs: ((ticks(14) + ticks(15)) * 1000) / CLOCK_TICKS,
    childrenMs: ((ticks(16) + ticks(17)) * 1000) / CLOCK_TICKS,
  };
}

/** Resident set size (VmRSS) in bytes, or undefined when the process is gone. */
export function readRss(pid: number): number | undefined {
  return statusField(pid, 'VmRSS');
}

/**
 * What a process's resident memory is made of (/proc/<pid>/status): anonymous pages (its heaps, V8's and malloc's, and
 * stacks: what it allocated) and file-backed pages (the node binary and libraries it maps, shared with every process
 * that maps them). A container's memory limit is mostly met by the first; the second is the same for every app.
 */
export interface RssParts {
  anonBytes: number;
  fileBytes: number;
}

export function readRssParts(pid: number): RssParts | undefined {
  const anonBytes = statusField(pid, 'RssAnon');
  const fileBytes = statusField(pid, 'RssFile');
  return anonBytes === undefined || fileBytes === undefined ? undefined : { anonBytes, fileBytes };
}

/** Proportional set size: a process's share of memory it shares (PostgreSQL's backends all map shared_buffers). */
function readPss(pid: number): number | undefined {
  try {
    const match = /^Pss:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8'));
    return match ? Number(match[1]) * 1024 : readRss(pid);
  } catch {
    return readRss(pid);
  }
}

function statusField(pid: number, field: string): number | undefined {
  try {
    const match = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((name) => /^\d+$/.test(name))
    .map(Number);
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replace(/\0/g, ' ');
  } catch {
    return '';
  }
}

/** One reading of one accounted process (or process tree): cumulative CPU and current memory. */
export interface UsageReading {
  cpuMs: number;
  memoryBytes: number | undefined;
  /** A single process's RSS split in anonymous and file-backed pages (not for Redis, PostgreSQL's tree or the bench). */
  rssParts?: RssParts;
}

/** Something whose CPU and memory bench:e2e reads: a pid, a process tree, or Redis through INFO. */
export interface UsageSource {
  name: string;
  /** `stack`: Perch and its services; `bench`: the benchmark's own simulator and agents, reported apart. */
  role: 'stack' | 'bench';
  read(): Promise<UsageReading | undefined>;
}

/** A single process by pid (an app, the broker, the swarm). */
export function pidSource(name: string, role: UsageSource['role'], pid: number): UsageSource {
  return {
    name,
    role,
    read: async () => {
      const stat = readStat(pid);
      const rssParts = readRssParts(pid);
      return stat ? { cpuMs: stat.ownMs, memoryBytes: readRss(pid), ...(rssParts ? { rssParts } : {}) } : undefined;
    },
  };
}

/**
 * The apps bench:e2e started: children of this process running dist/apps/<app>/src/main.js. Found by their command
 * line rather than through the cluster's handles, so replicas (gateway, gateway#2…) are found the same way.
 */
export function appProcesses(apps: readonly string[]): { name: string; pid: number }[] {
  const found: { name: string; pid: number }[] = [];
  for (const pid of allPids()) {
    const stat = readStat(pid);
    if (!stat || stat.ppid !== process.pid) continue;
    const line = cmdline(pid);
    const app = apps.find((a) => line.includes(join('dist', 'apps', a, 'src', 'main.js')));
    if (!app) continue;
    const same = found.filter((f) => f.name === app || f.name.startsWith(`${app}#`)).length;
    found.push({ name: same === 0 ? app : `${app}#${same + 1}`, pid });
  }
  return found.sort((a, b) => a.name.localeCompare(b.name));
}

/** The Kafka broker: the pid file tools/kafka/start.sh writes, else the one java process running kafka.Kafka. */
export function kafkaBrokerPid(): number | undefined {
  const pidFile = join(process.cwd(), 'tools', 'kafka', 'kafka.pid');
  if (existsSync(pidFile)) {
    const pid = Number(readFileSync(pidFile, 'utf8').trim());
    if (pid > 0 && cmdline(pid).includes('kafka.Kafka')) return pid;
  }
  return allPids().find((pid) => cmdline(pid).includes('kafka.Kafka'));
}

/**
 * PostgreSQL: every postmaster (a `postgres` whose parent is not one) with its backends. CPU is the postmaster's own,
 * plus its live children's, plus cutime/cstime (backends that exited, e.g. closed connections): a backend that exits
 * between two readings moves from the second term to the third, so differences stay exact. Memory is PSS summed.
 */
export function postgresSource(): UsageSource | undefined {
  const postmasters = (): ProcStat[] => {
    const stats = allPids()
      .map(readStat)
      .filter((s): s is ProcStat => s !== undefined && s.comm === 'postgres');
    const pids = new Set(stats.map((s) => s.pid));
    return stats.filter((s) => !pids.has(s.ppid));
  };
  if (postmasters().length === 0) return undefined;
  return {
    name: 'postgres',
    role: 'stack',
    read: async () => {
      const roots = postmasters();
      if (roots.length === 0) return undefined;
      const rootPids = new Set(roots.map((r) => r.pid));
      let cpuMs = 0;
      let memoryBytes = 0;
      for (const root of roots) {
        cpuMs += root.ownMs + root.childrenMs;
        memoryBytes += readPss(root.pid) ?? 0;
      }
      for (const pid of allPids()) {
        const stat = readStat(pid);
        if (!stat || !rootPids.has(stat.ppid)) continue;
        cpuMs += stat.ownMs;
        memoryBytes += readPss(pid) ?? 0;
      }
      return { cpuMs, memoryBytes };
    },
  };
}

/** Redis: CPU from INFO cpu (exact, in seconds), memory from INFO memory's used_memory_rss. */
export function redisSource(redis: Redis): UsageSource {
  return {
    name: 'redis',
    role: 'stack',
    read: async () => {
      const info = await redis.info();
      const field = (name: string): number => Number(new RegExp(`^${name}:([\\d.]+)`, 'm').exec(info)?.[1] ?? Number.NaN);
      return { cpuMs: (field('used_cpu_sys') + field('used_cpu_user')) * 1000, memoryBytes: field('used_memory_rss') };
    },
  };
}

/** This process (the simulator and the benchmark's bookkeeping). */
export function selfSource(name: string): UsageSource {
  return {
    name,
    role: 'bench',
    read: async () => {
      const cpu = process.cpuUsage();
      return { cpuMs: (cpu.user + cpu.system) / 1000, memoryBytes: process.memoryUsage.rss() };
    },
  };
}

export type UsageSnapshot = Record<string, UsageReading>;

/** Reads every source now; a source that is gone (an app after stop) is left out. */
export async function snapshot(sources: readonly UsageSource[]): Promise<UsageSnapshot> {
  const out: UsageSnapshot = {};
  await Promise.all(
    sources.map(async (source) => {
      const reading = await source.read().catch(() => undefined);
      if (reading) out[source.name] = reading;
    }),
  );
  return out;
}

/** CPU ms each source used between two snapshots. */
export function cpuBetween(before: UsageSnapshot, after: UsageSnapshot): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [name, end] of Object.entries(after)) {
    const start = before[name];
    if (start) out[name] = Math.max(0, end.cpuMs - start.cpuMs);
  }
  return out;
}

/** Keeps the highest memory reading per source while `active` (the load phases), sampled on an interval. */
export class PeakMemorySampler {
  readonly peaks = new Map<string, number>();
  /** The RSS split of the reading that set each source's peak, where the source has one. */
  readonly peakParts = new Map<string, RssParts>();
  active = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly sources: () => readonly UsageSource[]) {}

  start(intervalMs = 250): void {
    this.timer = setInterval(() => {
      if (this.active) void this.sample();
    }, intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sample(): Promise<void> {
    const readings = await snapshot(this.sources());
    for (const [name, reading] of Object.entries(readings)) {
      if (reading.memoryBytes === undefined || !Number.isFinite(reading.memoryBytes)) continue;
      if (reading.memoryBytes <= (this.peaks.get(name) ?? 0)) continue;
      this.peaks.set(name, reading.memoryBytes);
      if (reading.rssParts) this.peakParts.set(name, reading.rssParts);
      else this.peakParts.delete(name);
    }
  }
}
