import { monitorEventLoopDelay, performance } from 'node:perf_hooks';

import type { ProcessLoad } from './swarm-protocol.types';

/**
 * How busy this process's event loop and CPU were since the window opened: a process whose loop is busy most of the
 * time, or whose timers fire late, is itself a bottleneck (the swarm, or the simulator playing the tweets).
 */
const RESOLUTION_MS = 10;

export class LoadWindow {
  private readonly delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS });
  private start = { at: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };

  constructor() {
    this.delay.enable();
  }

  open(): void {
    this.delay.reset();
    this.start = { at: performance.now(), cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() };
  }

  read(): ProcessLoad {
    const wallMs = performance.now() - this.start.at;
    const cpu = process.cpuUsage(this.start.cpu);
    const cpuMs = (cpu.user + cpu.system) / 1000;
    const elu = performance.eventLoopUtilization(this.start.elu);
    // The histogram holds each timer interval (the resolution plus how late it fired): the lateness is the delay.
    const ms = (ns: number): number => round3(Number.isFinite(ns) ? Math.max(0, ns / 1e6 - RESOLUTION_MS) : 0);
    return {
      wallMs: Math.round(wallMs),
      cpuMs: Math.round(cpuMs),
      cpuShare: wallMs > 0 ? round3(cpuMs / wallMs) : 0,
      eventLoopUtilization: round3(elu.utilization),
      loopDelayP50Ms: ms(this.delay.percentile(50)),
      loopDelayP99Ms: ms(this.delay.percentile(99)),
      loopDelayMaxMs: ms(this.delay.max),
    };
  }
}

/**
 * A process is saturated when it is CPU-bound: it used most of a core, or its loop was busy nearly all the time while
 * using at least half a core. Event-loop utilization and delay alone also grow when the machine does not schedule the
 * process (other jobs on the same cores): that is reported as `delayed`, a sign of contention, not of the process's own limit.
 */
export const SATURATION_LIMITS = { cpuShare: 0.8, eventLoopUtilization: 0.9, cpuShareWithBusyLoop: 0.5, loopDelayP99Ms: 100 } as const;

export function saturated(load: ProcessLoad): boolean {
  return (
    load.cpuShare >= SATURATION_LIMITS.cpuShare ||
    (load.eventLoopUtilization >= SATURATION_LIMITS.eventLoopUtilization && load.cpuShare >= SATURATION_LIMITS.cpuShareWithBusyLoop)
  );
}

/** Timers fired late (p99 above the limit) although the process was not saturated: the machine was busy. */
export function delayed(load: ProcessLoad): boolean {
  return !saturated(load) && load.loopDelayP99Ms > SATURATION_LIMITS.loopDelayP99Ms;
}

function round3(value: number): number {
  return Math.round(value * 1000) / 1000;
}
