// The messages between bench:e2e and its agent swarm, which runs in a child process of its own (agent-swarm-child.bench.ts)
// so that the agents' work never competes with the simulator's event loop, and its own CPU and loop delay say
// whether it kept up.
import type { ActionRecord, CompletionRecord, OfferRecord, SwarmAgent, SwarmCounters, SwarmInFlight, SwarmMode } from './agent-swarm.util';

export type SwarmRequest =
  | { type: 'start'; gatewayUrl: string; agents: SwarmAgent[] }
  | { type: 'mode'; mode: SwarmMode }
  | { type: 'drain' }
  /** Starts a new measurement window for the load figures (one per phase). */
  | { type: 'window' }
  | { type: 'poll' }
  | { type: 'stop' };

/** How busy a process (the swarm, the simulator) was over a window: the evidence that it was not the bottleneck. */
export interface ProcessLoad {
  wallMs: number;
  cpuMs: number;
  /** cpuMs / wallMs: share of one core. */
  cpuShare: number;
  /** Event-loop utilization (0..1) over the window. */
  eventLoopUtilization: number;
  /** Event-loop delay (ms) over the window, sampled every 10 ms. */
  loopDelayP50Ms: number;
  loopDelayP99Ms: number;
  loopDelayMaxMs: number;
}

export interface SwarmPoll {
  counters: SwarmCounters;
  inFlight: SwarmInFlight;
  errorKinds: Record<string, number>;
  offers: OfferRecord[];
  completions: CompletionRecord[];
  actions: ActionRecord[];
  load: ProcessLoad;
  rssBytes: number;
}

export type SwarmResponse =
  | { type: 'answer'; seq: number; ok: true; value?: SwarmPoll | number }
  | { type: 'answer'; seq: number; ok: false; error: string };

export interface SwarmEnvelope {
  seq: number;
  request: SwarmRequest;
}
