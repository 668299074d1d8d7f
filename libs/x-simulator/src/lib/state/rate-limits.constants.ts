import type { EndpointRateLimit, RateLimitPreset, RateLimitTable, RateLimitWindowRule } from './rate-limit.types';

const FIFTEEN_MINUTES = 15 * 60 * 1000;
const ONE_DAY = 24 * 60 * 60 * 1000;

const w = (limit: number, windowMs = FIFTEEN_MINUTES): RateLimitWindowRule => ({ limit, windowMs });

/**
 * X's published limits (docs "rate-limits", see /work/shared/reference/x-api-v2.md §2.0).
 * tweets.delete and tweets.lookup are not in that table; they use X's documented 50/15min and
 * 900 user / 450 app values. DM endpoints are user context only, so they have no app window.
 */
export const REALISTIC_RATE_LIMITS: RateLimitTable = {
  'tweets.create': { user: w(100), appDay: w(10_000, ONE_DAY) },
  'tweets.delete': { user: w(50) },
  'tweets.lookup': { user: w(900), app: w(450) },
  'users.me': { user: w(75) },
  'users.lookup': { user: w(900), app: w(300) },
  'users.mentions': { user: w(300), app: w(450) },
  'users.tweets': { user: w(900), app: w(1500) },
  'users.followers': { user: w(300), app: w(300) },
  'users.follow': { user: w(50) },
  'dm.send': { user: w(15), userDay: w(1_440, ONE_DAY) },
  'dm.lookup': { user: w(15) },
  'stream.connect': { app: w(50) },
  'stream.rules.list': { app: w(450) },
  'stream.rules.update': { app: w(100) },
};

function scale(table: RateLimitTable, factor: number): RateLimitTable {
  const scaleRule = (rule: RateLimitWindowRule | undefined) =>
    rule ? { limit: Math.round(rule.limit * factor), windowMs: rule.windowMs } : undefined;
  const out = {} as RateLimitTable;
  for (const key of Object.keys(table) as (keyof RateLimitTable)[]) {
    const entry: EndpointRateLimit = table[key];
    out[key] = {
      user: scaleRule(entry.user),
      app: scaleRule(entry.app),
      appDay: scaleRule(entry.appDay),
      userDay: scaleRule(entry.userDay),
    };
  }
  return out;
}

/** 100x the real limits: load tests with many agents replying at once stay below them. */
export const GENEROUS_RATE_LIMITS: RateLimitTable = scale(REALISTIC_RATE_LIMITS, 100);

/** Headers are still sent (clients parse them) but no realistic run can spend a window. */
export const UNLIMITED_RATE_LIMITS: RateLimitTable = scale(
  Object.fromEntries(
    Object.keys(REALISTIC_RATE_LIMITS).map((k) => [k, { user: w(1), app: w(1), appDay: undefined, userDay: undefined }]),
  ) as RateLimitTable,
  1_000_000_000,
);

export function rateLimitPreset(preset: RateLimitPreset): RateLimitTable {
  switch (preset) {
    case 'realistic':
      return REALISTIC_RATE_LIMITS;
    case 'generous':
      return GENEROUS_RATE_LIMITS;
    case 'unlimited':
      return UNLIMITED_RATE_LIMITS;
  }
}
