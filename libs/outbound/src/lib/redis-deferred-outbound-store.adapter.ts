import { type EventEnvelope, type OutboundRequestedPayload } from '@perch/contracts';
import { type Redis } from 'ioredis';

import { type DeferredOutboundStore, type DueOutbound } from './deferred-outbound-store.port';

// A sorted set of command ids by due time, and the commands themselves in a hash; each change is one script so
// a command is never in one without the other.
const DEFER = `
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
`;

const REMOVE = `
local score = redis.call('ZSCORE', KEYS[1], ARGV[1])
if score and tonumber(score) == tonumber(ARGV[2]) then
  redis.call('ZREM', KEYS[1], ARGV[1])
  redis.call('HDEL', KEYS[2], ARGV[1])
  return 1
end
return 0
`;

// Extends a pause, never shortens it: PTTL is -2 for no key, so any pause beats none.
const PAUSE = `
if redis.call('PTTL', KEYS[1]) < tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'PX', ARGV[1])
end
return 1
`;

export interface RedisDeferredOutboundStoreOptions {
  /** Owned by the caller. */
  redis: Redis;
  /** e.g. "perch:outbound:"; the store uses `<prefix>{deferred}`, `<prefix>{deferred}:commands` and `<prefix>paused:<scope>`. */
  keyPrefix: string;
}

/** DeferredOutboundStore on Redis, shared by every gateway replica. */
export class RedisDeferredOutboundStore implements DeferredOutboundStore {
  private readonly queue: string;
  private readonly commands: string;

  constructor(private readonly options: RedisDeferredOutboundStoreOptions) {
    // One hash tag: both keys land in one cluster slot, as the scripts need.
    this.queue = `${options.keyPrefix}{deferred}`;
    this.commands = `${options.keyPrefix}{deferred}:commands`;
  }

  async defer(event: EventEnvelope<OutboundRequestedPayload>, dueAt: number): Promise<void> {
    await this.options.redis.eval(DEFER, 2, this.queue, this.commands, event.payload.commandId, String(dueAt), JSON.stringify(event));
  }

  async due(now: number, limit: number): Promise<DueOutbound[]> {
    const ids = await this.options.redis.zrangebyscore(this.queue, '-inf', String(now), 'WITHSCORES', 'LIMIT', 0, limit);
    const entries: { id: string; dueAt: number }[] = [];
    for (let i = 0; i + 1 < ids.length; i += 2) entries.push({ id: ids[i] ?? '', dueAt: Number(ids[i + 1]) });
    if (entries.length === 0) return [];
    const bodies = await this.options.redis.hmget(this.commands, ...entries.map((e) => e.id));
    return entries.flatMap((entry, i) => {
      const body = bodies[i];
      return body ? [{ event: JSON.parse(body) as EventEnvelope<OutboundRequestedPayload>, dueAt: entry.dueAt }] : [];
    });
  }

  async remove(commandId: string, dueAt: number): Promise<void> {
    await this.options.redis.eval(REMOVE, 2, this.queue, this.commands, commandId, String(dueAt));
  }

  async pause(scope: string, forMs: number): Promise<void> {
    const ms = Math.round(forMs);
    if (ms <= 0) return;
    await this.options.redis.eval(PAUSE, 1, this.pauseKey(scope), String(ms));
  }

  async pausedForMs(scope: string): Promise<number> {
    // The key's own expiry is the pause: no clock of this replica is compared with another's.
    return Math.max(0, await this.options.redis.pttl(this.pauseKey(scope)));
  }

  private pauseKey(scope: string): string {
    return `${this.options.keyPrefix}paused:${scope}`;
  }
}
