import { useEffect, useState } from 'react';

/**
 * The time now, refreshed every `everyMs` while `active` (a countdown runs). The clock is read again on the render
 * where `active` turns on, not at the previous tick: a countdown starting later than its component mounted would
 * otherwise show the time since mount for its first tick (the status read "31 s" beside the banner's "30 s").
 */
export function useTickingNow(active: boolean, everyMs = 250): number {
  const [clock, setClock] = useState(() => ({ active, now: Date.now() }));
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(() => setClock({ active: true, now: Date.now() }), everyMs);
    return () => clearInterval(timer);
  }, [active, everyMs]);
  if (clock.active !== active) {
    // React's pattern for state derived from a prop: set during render, re-rendered before anything is painted.
    const started = { active, now: Date.now() };
    setClock(started);
    return started.now;
  }
  return clock.now;
}
