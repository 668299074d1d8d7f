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

    const owner = subject.kind === 'user' ? subject.userId : 'app';
    const windows: { key: string; rule: RateLimitWindowRule; headerPrefix: string }[] = [
      { key: `${endpoint}|${owner}`, rule, headerPrefix: 'x-rate-limit' },
    ];
    if (limits.appDay) windows.push({ key: `${endpoint}|app-day`, rule: limits.appDay, headerPrefix: 'x-app-limit-24hour' });
    if (limits.userDay && subject.kind === 'user') {
      windows.push({ key: `${endpoint}|${owner}|user-day`, rule: limits.userDay, headerPrefix: 'x-user-limit-24hour' });
    }
    const peeked = windows.map((w) => ({ ...w, decision: peekWindow(this.windows.get(w.key), w.rule, nowMs) }));
    const allowed = peeked.every((w) => w.decision.allowed);
    // Every window counts the request only when all of them let it through.
    const decided = allowed ? peeked.map((w) => ({ ...w, decision: consumeWindow(w.decision.state, w.rule, nowMs) })) : peeked;
    const refusedBy = decided.find((w) => !w.decision.allowed)?.decision;
    const headers: Record<string, string> = {};
    for (const { key, headerPrefix, decision } of decided) {
      this.windows.set(key, decision.state);
      headers[`${headerPrefix}-limit`] = String(decision.limit);
      headers[`${headerPrefix}-remaining`] = String(decision.remaining);
      headers[`${headerPrefix}-reset`] = String(decision.resetEpochSeconds);
    }
    if (allowed || !refusedBy) return { allowed: true, headers };
    return {
      allowed: false,
      headers,
      retryAfterSeconds: Math.max(0, Math.ceil(refusedBy.resetEpochSeconds - nowMs / 1000)),
    };
  }
}
