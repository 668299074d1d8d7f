import type { TrafficGenerator } from './generator/traffic-generator.domain';
import type { HttpFaults } from './http/http-faults.util';
import type { RateLimiter } from './state/rate-limiter.util';
import type { SimulatorStore } from './state/simulator-store.domain';
import type { StreamHub } from './stream/stream-hub.domain';
import type { WebhookHub } from './webhooks/webhook-hub.domain';
import type { ResolvedSimulatorSettings } from './x-simulator.types';

/** Mutable counters behind GET /admin/stats. */
export interface SimulatorCounters {
  requests: number;
  rateLimited: number;
  tweetsByOrigin: { api: number; admin: number; generator: number };
  dmsByOrigin: { api: number; admin: number; generator: number };
}

/** Everything a route handler can reach; one instance per XSimulator. */
export interface SimulatorRuntime {
  readonly store: SimulatorStore;
  readonly rateLimiter: RateLimiter;
  readonly stream: StreamHub;
  readonly generator: TrafficGenerator;
  readonly settings: ResolvedSimulatorSettings;
  readonly counters: SimulatorCounters;
  readonly faults: HttpFaults;
  readonly webhooks: WebhookHub;
  now(): number;
  /** Back to the seeded state: seed accounts only; no tweets, DMs, rules, follows, webhooks, windows or faults. */
  reset(): void;
}
