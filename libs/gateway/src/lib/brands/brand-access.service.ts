import { Inject, Injectable } from '@nestjs/common';
import { type AgentProfile, ForbiddenError, mayPostAs } from '@perch/agents';
import { InteractionErrorCode } from '@perch/interactions';
import { NotFoundError } from '@perch/platform';
import { type BrandAccount } from '@perch/x-client';

import { GATEWAY_BRANDS } from '../gateway.constants';

/**
 * Which brands a person may see and manage in the per-brand libraries (disposition codes, standard responses): the
 * brands this gateway serves, named by username (lower-case); an agent only those granted, supervisors and admins all.
 */
@Injectable()
export class BrandAccess {
  private readonly byUsername: ReadonlyMap<string, BrandAccount>;
  private readonly byId: ReadonlyMap<string, BrandAccount>;

  constructor(@Inject(GATEWAY_BRANDS) brands: BrandAccount[]) {
    this.byUsername = new Map(brands.map((brand) => [brand.username.toLowerCase(), brand]));
    this.byId = new Map(brands.map((brand) => [brand.id, brand]));
  }

  /** The served brands' usernames, lower-case. */
  served(): string[] {
    return [...this.byUsername.keys()].sort();
  }

  /** The served brand with this username (any case); 404 unknown-brand. */
  brand(username: string): BrandAccount {
    const brand = this.byUsername.get(username.toLowerCase());
    if (!brand) {
      throw new NotFoundError<InteractionErrorCode>(`@${username} is not a brand this gateway serves (${this.served().join(', ') || 'none'})`, InteractionErrorCode.UnknownBrand);
    }
    return brand;
  }

  /** The username (lower-case) of the brand account with this X id, when served. */
  usernameOf(brandAccountId: string): string | undefined {
    return this.byId.get(brandAccountId)?.username.toLowerCase();
  }

  /** Whether this person sees the brand's library: supervisors and admins every brand, agents those granted. */
  mayUse(person: AgentProfile, username: string): boolean {
    return person.role !== 'agent' || mayPostAs(person, username);
  }

  /** The served brands this person may use (lower-case usernames). */
  usable(person: AgentProfile): string[] {
    return this.served().filter((username) => this.mayUse(person, username));
  }

  /** The served brand by username, which this person may use; 404 unknown-brand, 403 brand-not-allowed. */
  usableBrand(person: AgentProfile, username: string): BrandAccount {
    const brand = this.brand(username);
    if (!this.mayUse(person, brand.username)) {
      throw new ForbiddenError<InteractionErrorCode>(`You may not act for @${brand.username}; ask an admin to grant it`, InteractionErrorCode.BrandNotAllowed);
    }
    return brand;
  }
}
