/**
 * Nearest-rank percentile (p in 0..100, e.g. 99 for p99) of an already sorted array; NaN when it is empty.
 * Benchmarks print these figures; sorting is left to the caller, which usually reads several percentiles.
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] ?? Number.NaN;
}
