/** Failed sign-ins counted in one key's current window. */
export interface ThrottleWindow {
  count: number;
  /** Until the window closes and the count starts again from 0; 0 when no window is open. */
  resetInMs: number;
}

export interface ThrottleHit {
  key: string;
  /** The window opened when the key has none (fixed window: later hits do not extend it). */
  windowMs: number;
}

/**
 * Counts failed sign-ins per key (a username, an address) in fixed windows. Shared by every gateway
 * replica (Redis), so moving between replicas does not reset anyone's count.
 */
export interface SignInThrottleStore {
  /** Each key's window, in order; count 0 for a key without one. One round trip for all keys. */
  read(keys: readonly string[]): Promise<ThrottleWindow[]>;
  /** Adds one failure to each key atomically (opening a window where none is open); the windows after it. */
  hit(hits: readonly ThrottleHit[]): Promise<ThrottleWindow[]>;
  /** Forgets a key's failures (e.g. the user signed in). */
  reset(key: string): Promise<void>;
}
