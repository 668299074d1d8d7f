/**
 * mulberry32: a small seeded PRNG (never for secrets), so whatever draws from it (a training run's shuffles, the
 * simulator's traffic, a race test's interleavings) replays the same choices from its seed. Numbers in [0, 1).
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
