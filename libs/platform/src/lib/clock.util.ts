// Injected wherever time decides behaviour (offer deadlines, backoff), so tests control it.
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };
