import { type Clock, systemClock } from '@perch/platform';

import { TooManySignInsError } from './agent-auth.errors';
import { type SignInThrottleStore } from './sign-in-throttle-store.port';

export interface SignInLimits {
  /** Failed sign-ins for one username within the window before it is refused. Default 5. */
  maxFailuresPerUser: number;
  /** Failed sign-ins from one client address (any usernames) within the window. Default 20. */
  maxFailuresPerAddress: number;
  /** Fixed window, from the first failure. Default 15 min. */
  windowMs: number;
}

export const DEFAULT_SIGN_IN_LIMITS: Readonly<SignInLimits> = { maxFailuresPerUser: 5, maxFailuresPerAddress: 20, windowMs: 15 * 60 * 1000 };

/**
 * Slows password guessing: per username (one account attacked from many addresses) and per address (many
 * accounts tried from one). Only failures count; a success clears the username's count, not the address's.
 */
export class SignInThrottle {
  readonly limits: Readonly<SignInLimits>;

  constructor(
    private readonly store: SignInThrottleStore,
    limits: Partial<SignInLimits> = {},
    private readonly clock: Clock = systemClock,
  ) {
    this.limits = { ...DEFAULT_SIGN_IN_LIMITS, ...limits };
    for (const [name, value] of Object.entries(this.limits)) {
      if (!Number.isInteger(value) || value < 1) throw new Error(`SignInThrottle: ${name} must be a positive integer`);
    }
  }

  /** Throws TooManySignInsError when this username or address has used up its failures. */
  async check(username: string, address: string | undefined): Promise<void> {
    const keys = this.keys(username, address);
    const windows = await this.store.read(keys.map((k) => k.key));
    let waitMs = 0;
    windows.forEach((window, index) => {
      const max = keys[index]?.max ?? 0;
      if (window.count >= max) waitMs = Math.max(waitMs, window.resetInMs);
    });
    if (waitMs > 0) throw new TooManySignInsError(waitMs, this.clock.now());
  }

  async recordFailure(username: string, address: string | undefined): Promise<void> {
    await this.store.hit(this.keys(username, address).map(({ key }) => ({ key, windowMs: this.limits.windowMs })));
  }

  async recordSuccess(username: string): Promise<void> {
    await this.store.reset(userKey(username));
  }

  private keys(username: string, address: string | undefined): { key: string; max: number }[] {
    const keys = [{ key: userKey(username), max: this.limits.maxFailuresPerUser }];
    if (address) keys.push({ key: `address:${encodeURIComponent(address)}`, max: this.limits.maxFailuresPerAddress });
    return keys;
  }
}

// Encoded so that no username can collide with an address key or smuggle Redis hash-tag braces in.
function userKey(username: string): string {
  return `user:${encodeURIComponent(username)}`;
}
