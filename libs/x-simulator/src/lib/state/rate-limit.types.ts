/** Rate-limited endpoint families (one window per family and token, as X counts them). */
export type RateLimitedEndpoint =
  | 'tweets.create'
  | 'tweets.delete'
  | 'tweets.lookup'
  | 'users.me'
  | 'users.lookup'
  | 'users.mentions'
  | 'users.tweets'
  | 'users.followers'
  | 'users.follow'
  | 'dm.send'
  | 'dm.lookup'
  | 'stream.connect'
  | 'stream.rules.list'
  | 'stream.rules.update';

export interface RateLimitWindowRule {
  limit: number;
  windowMs: number;
}

/**
 * Limits of one endpoint family: per user token (`user`), per app bearer (`app`), an optional
 * app-wide daily cap counted across every token of the app (`appDay`, sent as x-app-limit-24hour-*),
 * and an optional daily cap per user (`userDay`, sent as x-user-limit-24hour-*).
 */
export interface EndpointRateLimit {
  user?: RateLimitWindowRule;
  app?: RateLimitWindowRule;
  appDay?: RateLimitWindowRule;
  userDay?: RateLimitWindowRule;
}

export type RateLimitTable = Record<RateLimitedEndpoint, EndpointRateLimit>;

export type RateLimitPreset = 'realistic' | 'generous' | 'unlimited';
