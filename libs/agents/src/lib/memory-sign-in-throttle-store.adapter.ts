import { type Clock, systemClock } from '@perch/platform';

import { type SignInThrottleStore, type ThrottleHit, type ThrottleWindow } from './sign-in-throttle-store.port';

/** SignInThrottleStore in this process: embedded mode and tests (one replica, so nothing to share). */
export class MemorySignInThrottleStore implements SignInThrottleStore {
  private readonly windows = new Map<string, { count: number; endsAt: number }>();

  constructor(private readonly clock: Clock = systemClock) {}

  async read(keys: readonly string[]): Promise<ThrottleWindow[]> {
    return keys.map((key) => this.windowOf(key));
  }

  async hit(hits: readonly ThrottleHit[]): Promise<ThrottleWindow[]> {
    return hits.map(({ key, windowMs }) => {
      const now = this.clock.now();
      const open = this.live(key);
      const next = open ? { count: open.count + 1, endsAt: open.endsAt } : { count: 1, endsAt: now + windowMs };
      this.windows.set(key, next);
      return { count: next.count, resetInMs: next.endsAt - now };
    });
  }

  async reset(key: string): Promise<void> {
    this.windows.delete(key);
  }

  private windowOf(key: string): ThrottleWindow {
    const open = this.live(key);
    return open ? { count: open.count, resetInMs: open.endsAt - this.clock.now() } : { count: 0, resetInMs: 0 };
  }

  private live(key: string): { count: number; endsAt: number } | undefined {
    const window = this.windows.get(key);
    if (window && window.endsAt <= this.clock.now()) {
      this.windows.delete(key);
      return undefined;
    }
    return window;
  }
}
