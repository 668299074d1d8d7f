import { randomUUID } from 'node:crypto';

import { type Redis } from 'ioredis';

import { type DedupeClaim, type DedupeStore, DEFAULT_CLAIM_TTL_MS, DEFAULT_DEDUPE_RETENTION_SECONDS } from './dedupe-store.port';

const CLAIM_PREFIX = 'claim:';
const PUBLISHED = 'published';

// Read and claim in one step, so two replicas never both claim; any value that is not a claim means published
// (including the '1' of ingestors before claims existed). Returns {'claimed'} | {'published'} | {'in-flight', pttl}.
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if not current then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return {'claimed'}
end
if string.sub(current, 1, ${CLAIM_PREFIX.length}) ~= '${CLAIM_PREFIX}' then return {'published'} end
return {'in-flight', redis.call('PTTL', KEYS[1])}
`;

// Deletes the key only while it still holds this caller's claim.
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

export interface RedisDedupeStoreOptions {
  /** How long a published id is remembered. Default 7 days. */
  retentionSeconds?: number;
  /** How long a claim lasts until marked published. Default 30 s. */
  claimTtlMs?: number;
}

/**
 * A claim is `claim:<token>` with a TTL of seconds (PX); published is `published` for the retention window (EX).
 * Atomic across ingestor replicas; both expire on their own, so a crashed holder's claim frees itself.
 */
export class RedisDedupeStore implements DedupeStore {
  private readonly retentionSeconds: number;
  private readonly claimTtlMs: number;

  constructor(
    private readonly redis: Redis,
    private readonly prefix = 'perch:ingest:seen:',
    options: RedisDedupeStoreOptions = {},
  ) {
    this.retentionSeconds = options.retentionSeconds ?? DEFAULT_DEDUPE_RETENTION_SECONDS;
    this.claimTtlMs = options.claimTtlMs ?? DEFAULT_CLAIM_TTL_MS;
  }

  async claim(id: string): Promise<DedupeClaim> {
    const token = randomUUID();
    const reply = (await this.redis.eval(CLAIM, 1, this.prefix + id, CLAIM_PREFIX + token, this.claimTtlMs)) as unknown;
    const [status, pttl] = Array.isArray(reply) ? (reply as unknown[]) : [];
    if (status === 'claimed') return { status, token };
    if (status === 'published') return { status };
    if (status === 'in-flight') return { status, retryInMs: typeof pttl === 'number' && pttl > 0 ? pttl : 1 };
    throw new Error(`unexpected reply from the dedupe claim script: ${JSON.stringify(reply)}`);
  }

  async markPublished(id: string): Promise<void> {
    await this.redis.set(this.prefix + id, PUBLISHED, 'EX', this.retentionSeconds);
  }

  async release(id: string, token: string): Promise<void> {
    await this.redis.eval(RELEASE, 1, this.prefix + id, CLAIM_PREFIX + token);
  }
}
