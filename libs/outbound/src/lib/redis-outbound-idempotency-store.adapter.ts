import { createHash } from 'node:crypto';

import { type OutboundCompletedPayload } from '@perch/contracts';
import { type Redis } from 'ioredis';

import { type ClaimResult, type OutboundIdempotencyStore, type ReleaseOptions } from './outbound-idempotency-store.port';
import { CLAIM_SCRIPT, COMPLETE_SCRIPT, RELEASE_SCRIPT } from './redis-outbound-idempotency.script';

export interface RedisOutboundIdempotencyStoreOptions {
  /** Owned by the caller. */
  redis: Redis;
  /** Prepended to every key, e.g. "perch:gateway:". */
  keyPrefix: string;
  /** How long a result is remembered; longer than the topic's retention, so any replay finds it. */
  retentionMs?: number;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * OutboundIdempotencyStore on Redis. Each operation is one Lua script, so claim-or-read is atomic
 * across gateway replicas; leases are Redis key expiries, so a crashed worker's claim lapses by itself.
 */
export class RedisOutboundIdempotencyStore implements OutboundIdempotencyStore {
  private readonly redis: Redis;
  private readonly prefix: string;
  private readonly retentionMs: number;

  constructor(options: RedisOutboundIdempotencyStoreOptions) {
    this.redis = options.redis;
    this.prefix = options.keyPrefix;
    this.retentionMs = options.retentionMs ?? 7 * DAY_MS;
  }

  async claim(commandId: string, owner: string, leaseMs: number): Promise<ClaimResult> {
    const keys = this.keys(commandId);
    const reply = await this.run(CLAIM_SCRIPT, [keys.result, keys.lease, keys.attempts], [
      owner,
      String(Math.max(1, Math.round(leaseMs))),
      String(this.retentionMs),
    ]);
    const [status, value] = asPair(reply);
    if (status === 'done') return { status: 'done', result: JSON.parse(value) as OutboundCompletedPayload };
    if (status === 'claimed') return { status: 'claimed', attempt: Number(value) };
    return { status: 'in-progress', leaseRemainingMs: Math.max(0, Number(value)) };
  }

  async complete(commandId: string, result: OutboundCompletedPayload): Promise<OutboundCompletedPayload> {
    const keys = this.keys(commandId);
    const reply = await this.run(COMPLETE_SCRIPT, [keys.result, keys.lease], [
      JSON.stringify(result),
      String(this.retentionMs),
    ]);
    return JSON.parse(String(reply)) as OutboundCompletedPayload;
  }

  async release(commandId: string, owner: string, options: ReleaseOptions = {}): Promise<void> {
    const keys = this.keys(commandId);
    await this.run(RELEASE_SCRIPT, [keys.lease, keys.attempts], [owner, options.untouched ? '1' : '0']);
  }

  private keys(commandId: string): { result: string; lease: string; attempts: string } {
    const base = `${this.prefix}outbound:{${commandId}}`;
    return { result: `${base}:result`, lease: `${base}:lease`, attempts: `${base}:attempts` };
  }

  /** EVALSHA with a fallback to EVAL when the script cache was flushed or never loaded. */
  private async run(script: string, keys: readonly string[], args: readonly string[]): Promise<unknown> {
    const sha = scriptSha(script);
    try {
      return await this.redis.evalsha(sha, keys.length, ...keys, ...args);
    } catch (error) {
      if (error instanceof Error && error.message.includes('NOSCRIPT')) {
        return this.redis.eval(script, keys.length, ...keys, ...args);
      }
      throw error;
    }
  }
}

const shas = new Map<string, string>();
function scriptSha(script: string): string {
  let sha = shas.get(script);
  if (sha === undefined) {
    sha = createHash('sha1').update(script).digest('hex');
    shas.set(script, sha);
  }
  return sha;
}

function asPair(reply: unknown): [string, string] {
  if (Array.isArray(reply) && reply.length === 2) return [String(reply[0]), String(reply[1])];
  throw new Error(`Unexpected reply from the claim script: ${JSON.stringify(reply)}`);
}
