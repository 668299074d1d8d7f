import type { RateLimitedEndpoint, RateLimitTable, RateLimitWindowRule } from './rate-limit.types';

/** One fixed window: it opens with the first request and resets `windowMs` later. */
export interface WindowState {
  startedAtMs: number;
  used: number;
}

export interface WindowDecision {
  state: WindowState;
  allowed: boolean;
  limit: number;
  remaining: number;
  /** Epoch seconds, as in x-rate-limit-reset. */
  resetEpochSeconds: number;
}

/** Evaluates a window at `nowMs` without counting the request; an expired window starts afresh. */
export function peekWindow(previous: WindowState | undefined, rule: RateLimitWindowRule, nowMs: number): WindowDecision {
  const state =
    previous && nowMs < previous.startedAtMs + rule.windowMs ? { ...previous } : { startedAtMs: nowMs, used: 0 };
  return describe(state, rule, state.used < rule.limit);
}

/** Counts the request when the window has room; a refused request does not use the window. */
export function consumeWindow(
  previous: WindowState | undefined,
  rule: RateLimitWindowRule,
  nowMs: number,
): WindowDecision {
  const peeked = peekWindow(previous, rule, nowMs);
  if (!peeked.allowed) return peeked;
  return describe({ ...peeked.state, used: peeked.state.used + 1 }, rule, true);
}

function describe(state: WindowState, rule: RateLimitWindowRule, allowed: boolean): WindowDecision {
  return {
    state,
    allowed,
    limit: rule.limit,
    remaining: Math.max(0, rule.limit - state.used),
    resetEpochSeconds: Math.ceil((state.startedAtMs + rule.windowMs) / 1000),
  };
}

export interface RateLimitOutcome {
  allowed: boolean;
  headers: Record<string, string>;
  /** Seconds until the window that refused the request resets. */
  retryAfterSeconds?: number;
}

/** Which window a request counts against: its user, or the app when app-only. */
export type RateLimitSubject = { kind: 'app' } | { kind: 'user'; userId: string };

/** Keeps the per-endpoint, per-token windows and turns decisions into x-rate-limit-* headers. */
export class RateLimiter {
  private readonly windows = new Map<string, WindowState>();

  constructor(
    private table: RateLimitTable,
    private readonly now: () => number = Date.now,
  ) {}

  get currentTable(): RateLimitTable {
    return this.table;
  }

  setTable(table: RateLimitTable): void {
    this.table = table;
    this.windows.clear();
  }

  reset(): void {
    this.windows.clear();
  }

  consume(endpoint: RateLimitedEndpoint, subject: RateLimitSubject): RateLimitOutcome {
    const limits = this.table[endpoint];
    const rule = subject.kind === 'user' ? (limits.user ?? limits.app) : (limits.app ?? limits.user);
    if (!rule) return { allowed: true, headers: {} };
    const nowMs = this.now();

    const key = `${endpoint}|${subject.kind === 'user' ? subject.userId : 'app'}`;
    const dayKey = `${endpoint}|app-day`;
    let window = peekWindow(this.windows.get(key), rule, nowMs);
    let day = limits.appDay ? peekWindow(this.windows.get(dayKey), limits.appDay, nowMs) : undefined;
    const allowed = window.allowed && (day?.allowed ?? true);
    // Both windows count the request only when both let it through.
    if (allowed) {
      window = consumeWindow(window.state, rule, nowMs);
      if (day && limits.appDay) day = consumeWindow(day.state, limits.appDay, nowMs);
    }
    this.windows.set(key, window.state);
    if (day) this.windows.set(dayKey, day.state);

    const headers: Record<string, string> = {
      'x-rate-limit-limit': String(window.limit),
      'x-rate-limit-remaining': String(window.remaining),
      'x-rate-limit-reset': String(window.resetEpochSeconds),
    };
    if (day) {
      headers['x-app-limit-24hour-limit'] = String(day.limit);
      headers['x-app-limit-24hour-remaining'] = String(day.remaining);
      headers['x-app-limit-24hour-reset'] = String(day.resetEpochSeconds);
    }
    if (allowed) return { allowed, headers };
    const refusedBy = window.allowed && day ? day : window;
    return {
      allowed,
      headers,
      retryAfterSeconds: Math.max(0, Math.ceil(refusedBy.resetEpochSeconds - nowMs / 1000)),
    };
  }
}
