// A small deterministic PRNG (platform's mulberry32, seeded from a string too) so the generator and benchmarks
// replay the same traffic from a seed.

import { seededRandom } from '@perch/platform';

export type Random = () => number;

/** Hashes a string or number seed into 32 bits (FNV-1a). */
export function hashSeed(seed: string | number): number {
  const text = String(seed);
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

export function createRandom(seed: string | number): Random {
  return seededRandom(hashSeed(seed));
}

export function pick<T>(random: Random, items: readonly T[]): T {
  const item = items[Math.floor(random() * items.length)];
  if (item === undefined) throw new Error('pick() from an empty list');
  return item;
}

export function intBetween(random: Random, min: number, max: number): number {
  return min + Math.floor(random() * (max - min + 1));
}

export function chance(random: Random, probability: number): boolean {
  return random() < probability;
}

/** Standard normal via Box-Muller; used for log-normal follower counts. */
export function normal(random: Random): number {
  const u = Math.max(random(), Number.EPSILON);
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A precomputed cumulative table: picking is then one random() and a short scan, no allocation. */
export interface WeightTable<K extends string> {
  keys: readonly K[];
  cumulative: readonly number[];
  total: number;
}

export function weightTable<K extends string>(weights: Readonly<Record<K, number>>): WeightTable<K> {
  const keys: K[] = [];
  const cumulative: number[] = [];
  let total = 0;
  for (const [key, w] of Object.entries(weights) as [K, number][]) {
    if (!(w > 0)) continue;
    total += w;
    keys.push(key);
    cumulative.push(total);
  }
  if (total <= 0) throw new Error('weights need at least one positive value');
  return { keys, cumulative, total };
}

/** Picks a key with probability proportional to its weight. */
export function weighted<K extends string>(random: Random, table: WeightTable<K>): K {
  const roll = random() * table.total;
  for (let i = 0; i < table.keys.length; i++) {
    const key = table.keys.at(i);
    const bound = table.cumulative.at(i);
    if (key !== undefined && bound !== undefined && roll < bound) return key;
  }
  // Only rounding gets here (roll < total, the last cumulative value); weightTable() never builds an empty table.
  const last = table.keys.at(-1);
  if (last === undefined) throw new Error('weighted() from an empty weight table');
  return last;
}
