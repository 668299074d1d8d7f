import { type Clock, LuaScript, systemClock } from '@perch/platform';
import { type Redis } from 'ioredis';

import { REVOKE_ALL_SCRIPT } from './redis-token-revocation.script';
import { type TokenRef, type TokenRevocationStore } from './token-revocation-store.port';

const REVOKE_ALL = new LuaScript('revoke-all-tokens', REVOKE_ALL_SCRIPT, 1);

export interface RedisTokenRevocationStoreOptions {
  /** Owned by the caller. */
  redis: Redis;
  /** Prepended to every key, e.g. "perch:gateway:". */
  keyPrefix: string;
  clock?: Clock;
}

/**
 * TokenRevocationStore on Redis: a key per revoked token id that expires with the token, and a key per
 * agent holding the "issued at or before" cut-off of revokeAllFor. A check of any number of tokens is one
 * MGET, so the gateway can re-check every open socket of a replica in one round trip.
 */
export class RedisTokenRevocationStore implements TokenRevocationStore {
  private readonly clock: Clock;

  constructor(private readonly options: RedisTokenRevocationStoreOptions) {
    this.clock = options.clock ?? systemClock;
  }

  async revoke(tokenId: string, expiresAt: number): Promise<void> {
    const remainingMs = Math.ceil(expiresAt - this.clock.now());
    // An expired token is refused anyway; nothing to remember.
    if (remainingMs <= 0) return;
    await this.options.redis.set(this.revokedKey(tokenId), '1', 'PX', remainingMs);
  }

  async revokeAllFor(agentId: string, issuedUpTo: number, rememberForMs: number): Promise<void> {
    await REVOKE_ALL.run(this.options.redis, [this.notBeforeKey(agentId)], [
      String(Math.floor(issuedUpTo)),
      String(Math.max(1, Math.ceil(rememberForMs))),
    ]);
  }

  async revokedAmong(tokens: readonly TokenRef[]): Promise<Set<string>> {
    if (tokens.length === 0) return new Set();
    const agentIds = [...new Set(tokens.map((token) => token.agentId))];
    const values = await this.options.redis.mget(
      ...tokens.map((token) => this.revokedKey(token.tokenId)),
      ...agentIds.map((agentId) => this.notBeforeKey(agentId)),
    );
    const cutoffs = new Map<string, number>();
    agentIds.forEach((agentId, index) => {
      const value = values[tokens.length + index];
      if (typeof value === 'string') cutoffs.set(agentId, Number(value));
    });
    const out = new Set<string>();
    tokens.forEach((token, index) => {
      const cutoff = cutoffs.get(token.agentId);
      if (typeof values[index] === 'string' || (cutoff !== undefined && token.issuedAt <= cutoff)) out.add(token.tokenId);
    });
    return out;
  }

  // Ids are encoded: a tokenId comes from a (signed) token, an agentId from configuration; neither may shape the key.
  private revokedKey(tokenId: string): string {
    return `${this.options.keyPrefix}revoked-token:${encodeURIComponent(tokenId)}`;
  }

  private notBeforeKey(agentId: string): string {
    return `${this.options.keyPrefix}tokens-not-before:${encodeURIComponent(agentId)}`;
  }
}
