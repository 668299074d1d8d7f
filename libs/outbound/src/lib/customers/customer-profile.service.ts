import { Inject, Injectable } from '@nestjs/common';
import { type Clock, NotFoundError, systemClock } from '@perch/platform';
import { type BrandAccount, XErrorCode, type XUserProfile } from '@perch/x-client';
import { LRUCache } from 'lru-cache';

import { type CustomerLookupPort, type OutboundOptions } from '../outbound-deps.types';
import { OUTBOUND_DEPS } from '../outbound.constants';
import { OutboundErrorCode } from '../outbound.errors';

/** The customer as the desktop shows them, seen from one brand account. */
export interface CustomerProfile {
  id: string;
  username: string;
  name: string;
  description?: string;
  location?: string;
  verified?: boolean;
  protected?: boolean;
  profileUrl: string;
  followersCount?: number;
  followingCount?: number;
  tweetCount?: number;
  /** The customer follows the brand. */
  followsBrand: boolean;
  /** The brand follows the customer. */
  followedByBrand: boolean;
  /** X would accept a DM from the brand (they follow it, or accept DMs from anyone). */
  canDm: boolean;
  /** When X was asked (ms since epoch): the desktop says how fresh this is. */
  fetchedAt: number;
}

/** What the profiles need of OutboundModule's dependencies. */
export interface CustomerProfileDeps {
  xApi: CustomerLookupPort;
  brands: readonly BrandAccount[];
  options: Pick<OutboundOptions, 'profileCacheTtlMs' | 'clock'>;
}

const DEFAULT_TTL_MS = 60_000;
const MAX_ENTRIES = 50_000;

/**
 * Customer profiles from X, cached per brand and customer. X allows 900 lookups per 15 minutes per
 * brand token, so thousands of agents opening interactions must share answers: concurrent requests for
 * one profile make one call, and answers live for a minute (a follow or unfollow by the brand forgets
 * the entry at once, since it changes what the profile says).
 */
@Injectable()
export class CustomerProfileService {
  private readonly brands: ReadonlyMap<string, BrandAccount>;
  private readonly clock: Clock;
  private readonly cache: LRUCache<string, CustomerProfile, { brand: BrandAccount; userId: string }>;
  private readonly x: CustomerLookupPort;

  constructor(@Inject(OUTBOUND_DEPS) { xApi, brands, options }: CustomerProfileDeps) {
    this.x = xApi;
    this.brands = new Map(brands.map((brand) => [brand.id, brand]));
    this.clock = options.clock ?? systemClock;
    this.cache = new LRUCache({
      max: MAX_ENTRIES,
      ttl: options.profileCacheTtlMs ?? DEFAULT_TTL_MS,
      fetchMethod: async (_key, _stale, { context }) => this.fetch(context.brand, context.userId),
    });
  }

  /** The profile as the brand sees it; `fresh` skips the cache (the agent asked to refresh). */
  async get(brandAccountId: string, userId: string, fresh = false): Promise<CustomerProfile> {
    const brand = this.brands.get(brandAccountId);
    if (!brand) throw new NotFoundError<OutboundErrorCode>(`No token is configured for brand account ${brandAccountId}`, OutboundErrorCode.UnknownBrandAccount);
    const key = cacheKey(brandAccountId, userId);
    const options = { context: { brand, userId }, forceRefresh: fresh };
    // forget() during a fetch aborts it (what X said may predate the follow): ask once more rather than fail.
    const profile = await this.cache.fetch(key, options).catch((error: unknown) => {
      if (error instanceof Error && error.message === 'deleted') return this.cache.fetch(key, options);
      throw error;
    });
    if (!profile) throw new NotFoundError<XErrorCode>(`X user ${userId} not found`, XErrorCode.NotFound);
    return profile;
  }

  /** After the brand followed or unfollowed the customer, what X said before is stale. */
  forget(brandAccountId: string, userId: string): void {
    this.cache.delete(cacheKey(brandAccountId, userId));
  }

  private async fetch(brand: BrandAccount, userId: string): Promise<CustomerProfile> {
    // The brand's own token: connection_status and receives_your_dm are relative to the caller.
    const user = await this.x.lookupUser({ token: brand.token, userId });
    return toCustomerProfile(user, this.clock.now());
  }
}

function cacheKey(brandAccountId: string, userId: string): string {
  return `${brandAccountId}:${userId}`;
}

export function toCustomerProfile(user: XUserProfile, fetchedAt: number): CustomerProfile {
  const metrics = user.publicMetrics;
  return {
    id: user.id,
    username: user.username,
    name: user.name,
    ...(user.description === undefined ? {} : { description: user.description }),
    ...(user.location === undefined ? {} : { location: user.location }),
    ...(user.verified === undefined ? {} : { verified: user.verified }),
    ...(user.protected === undefined ? {} : { protected: user.protected }),
    profileUrl: `https://x.com/${user.username}`,
    ...(metrics ? { followersCount: metrics.followersCount, followingCount: metrics.followingCount, tweetCount: metrics.tweetCount } : {}),
    followsBrand: user.followsYou,
    followedByBrand: user.followedByYou,
    // receives_your_dm is X's own answer; where X does not say, following the brand is what lets a DM through.
    canDm: user.receivesYourDm ?? user.followsYou,
    fetchedAt,
  };
}
