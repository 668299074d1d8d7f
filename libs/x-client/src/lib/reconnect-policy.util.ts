// X's documented reconnect policy for the filtered stream (docs "handling-disconnections"):
// reconnect immediately after a drop of a healthy connection; then back off by failure kind:
//   network/TCP errors: linear, +250 ms per attempt, up to 16 s
//   HTTP errors:        exponential from 5 s, doubling, up to 320 s
//   HTTP 429:           exponential from 60 s, doubling
// All values are configurable so tests can run the same policy in milliseconds.

export type StreamFailureKind = 'network' | 'http' | 'rate-limit';

export interface ReconnectPolicyOptions {
  networkStepMs: number;
  networkMaxMs: number;
  httpBaseMs: number;
  httpMaxMs: number;
  rateLimitBaseMs: number;
  rateLimitMaxMs: number;
  /**
   * A connection counts as healthy (so its drop earns an immediate reconnect) once it delivered a
   * tweet or keep-alive and stayed up this long. Guards against accept-then-close loops.
   */
  healthyAfterMs: number;
}

export const DEFAULT_RECONNECT_POLICY: ReconnectPolicyOptions = {
  networkStepMs: 250,
  networkMaxMs: 16_000,
  httpBaseMs: 5_000,
  httpMaxMs: 320_000,
  rateLimitBaseMs: 60_000,
  // X gives no ceiling for 429; 16 minutes outlasts any 15-minute window.
  rateLimitMaxMs: 960_000,
  healthyAfterMs: 1_000,
};

export interface ReconnectDecision {
  delayMs: number;
  kind: StreamFailureKind | 'immediate';
  /** 1-based count of consecutive failures of this kind. */
  attempt: number;
}

/** Pure state machine: feed it connection events, ask it how long to wait. */
export class ReconnectPolicy {
  private readonly options: ReconnectPolicyOptions;
  private failures: Record<StreamFailureKind, number> = { network: 0, http: 0, 'rate-limit': 0 };
  private connectedAt: number | undefined;
  private sawTraffic = false;

  constructor(options: Partial<ReconnectPolicyOptions> = {}) {
    this.options = { ...DEFAULT_RECONNECT_POLICY, ...options };
  }

  onConnected(now: number): void {
    this.connectedAt = now;
    this.sawTraffic = false;
  }

  /** A tweet or keep-alive arrived. */
  onTraffic(): void {
    this.sawTraffic = true;
  }

  /** An established connection ended (closed, reset or stalled). */
  onDisconnected(now: number): ReconnectDecision {
    const healthy =
      this.connectedAt !== undefined && this.sawTraffic && now - this.connectedAt >= this.options.healthyAfterMs;
    this.connectedAt = undefined;
    if (healthy) {
      this.failures = { network: 0, http: 0, 'rate-limit': 0 };
      return { delayMs: 0, kind: 'immediate', attempt: 0 };
    }
    // Accepted then dropped without serving anything: treat it as a network failure, not a success.
    return this.onConnectFailed('network');
  }

  /** A connection attempt failed with this kind of error. */
  onConnectFailed(kind: StreamFailureKind): ReconnectDecision {
    const attempt = ++this.failures[kind];
    return { delayMs: this.delayFor(kind, attempt), kind, attempt };
  }

  delayFor(kind: StreamFailureKind, attempt: number): number {
    const o = this.options;
    switch (kind) {
      case 'network':
        return Math.min(o.networkStepMs * attempt, o.networkMaxMs);
      case 'http':
        return Math.min(o.httpBaseMs * 2 ** (attempt - 1), o.httpMaxMs);
      case 'rate-limit':
        return Math.min(o.rateLimitBaseMs * 2 ** (attempt - 1), o.rateLimitMaxMs);
    }
  }
}
