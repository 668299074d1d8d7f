import { LuaScript, type RedisClient, type RedisScriptCall } from '@perch/platform';

import {
  bucketStartOf,
  DEFAULT_SERIES_BUCKET_TTL_MS,
  DEFAULT_SERIES_MARKS_TTL_MS,
  type InteractionSeriesStore,
  type InteractionSeriesStoreOptions,
  SERIES_BUCKET_MS,
  SERIES_COUNTERS,
  type SeriesBucket,
  type SeriesCounterName,
  type SeriesFact,
  zeroSeriesCounts,
} from './interaction-series-store.port';
import { RECORD_SERIES_FACT_SCRIPT } from './interaction-series.script';
import { assertValidSeriesFact } from './interaction-series.util';

const HOUR_MS = 60 * 60 * 1000;
const BUCKETS_PER_HOUR = HOUR_MS / SERIES_BUCKET_MS;
const RECORD = new LuaScript('record-series-fact', RECORD_SERIES_FACT_SCRIPT, 2);
const TENANT = /^[A-Za-z0-9_.-]{1,64}$/;

/**
 * InteractionSeriesStore on Redis, shared by every gateway replica. Keys carry the tenant's hash tag (one cluster
 * slot, so the script may touch both): `perch:{t}:sup:sx:<interactionId>` (HASH of marks) and
 * `perch:{t}:sup:series:<YYYY-MM-DDTHH>` (one HASH per UTC hour, `<five-minute index>:<counter>` → count). A window
 * of h hours is h + 1 HGETALLs in one pipeline, however many interactions it counted.
 */
export class RedisInteractionSeriesStore implements InteractionSeriesStore {
  private readonly prefix: string;
  private readonly marksTtlMs: number;
  private readonly bucketTtlMs: number;

  constructor(
    private readonly redis: RedisClient,
    readonly tenant: string,
    options: InteractionSeriesStoreOptions = {},
  ) {
    if (!TENANT.test(tenant)) throw new Error(`Invalid tenant "${tenant}"`);
    this.prefix = `perch:{${tenant}}:sup:`;
    this.marksTtlMs = options.marksTtlMs ?? DEFAULT_SERIES_MARKS_TTL_MS;
    this.bucketTtlMs = options.bucketTtlMs ?? DEFAULT_SERIES_BUCKET_TTL_MS;
  }

  async record(fact: SeriesFact): Promise<boolean> {
    const call = this.recordCall(fact);
    return seriesFactCountedOf(await RECORD.run(this.redis, call.keys, call.args));
  }

  /**
   * The keys and arguments of RECORD_SERIES_FACT_SCRIPT for a fact, validated: what record() runs, and what the
   * supervisor facts' one call per event passes for its series part.
   */
  recordCall(fact: SeriesFact): RedisScriptCall {
    assertValidSeriesFact(fact);
    const start = bucketStartOf(fact.at);
    const index = Math.floor((start % HOUR_MS) / SERIES_BUCKET_MS);
    const args = [fact.mark, String(this.marksTtlMs), String(this.bucketTtlMs)];
    // A loop, not flatMap with an arrow: a closure made per call loses its optimized code at every major GC (ADR 49).
    for (const name of SERIES_COUNTERS) {
      const value = fact.add[name] ?? 0;
      if (value !== 0) args.push(`${index}:${name}`, String(value));
    }
    return { keys: [`${this.prefix}sx:${fact.interactionId}`, this.hourKey(start)], args };
  }

  async bucketsBetween(from: number, to: number): Promise<SeriesBucket[]> {
    const hours: number[] = [];
    for (let hour = Math.floor(from / HOUR_MS) * HOUR_MS; hour < to; hour += HOUR_MS) hours.push(hour);
    if (hours.length === 0) return [];
    const pipeline = this.redis.pipeline();
    for (const hour of hours) pipeline.hgetall(this.hourKey(hour));
    const replies = (await pipeline.exec()) ?? [];
    const buckets = new Map<number, SeriesBucket>();
    replies.forEach(([error, fields], i) => {
      if (error) throw error;
      const hour = hours[i] ?? 0;
      for (const [field, value] of Object.entries((fields ?? {}) as Record<string, string>)) {
        const split = field.indexOf(':');
        const index = Number(field.slice(0, split));
        const name = SERIES_COUNTERS.find((counter) => counter === field.slice(split + 1));
        // A counter this version does not know (a newer gateway's) is left out rather than misread.
        if (split < 0 || !name || !Number.isInteger(index) || index < 0 || index >= BUCKETS_PER_HOUR) continue;
        const start = hour + index * SERIES_BUCKET_MS;
        if (start < from || start >= to) continue;
        const bucket = buckets.get(start) ?? { start, counts: zeroSeriesCounts() };
        buckets.set(start, bucket);
        bucket.counts[name as SeriesCounterName] = Number(value);
      }
    });
    return [...buckets.values()].sort((a, b) => a.start - b.start);
  }

  private hourKey(ms: number): string {
    return `${this.prefix}series:${new Date(ms).toISOString().slice(0, 13)}`;
  }
}

/** RECORD_SERIES_FACT_SCRIPT's reply: 1 counted, 0 a duplicate. */
export function seriesFactCountedOf(reply: unknown): boolean {
  return Number(reply) === 1;
}
