import { Inject, Injectable } from '@nestjs/common';
import { type AgentProfile } from '@perch/agents';
import {
  type BrandDispositions,
  completionProblems,
  type DispositionCode,
  type DispositionStore,
  InteractionErrorCode,
} from '@perch/interactions';
import { type Clock, ConflictError, NotFoundError, systemClock, ValidationFailedError } from '@perch/platform';

import { BrandAccess } from '../brands/brand-access.service';
import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_DISPOSITIONS, GATEWAY_OPTIONS } from '../gateway.constants';
import { InteractionQueryService } from '../interactions/interaction-query.service';

/** A brand's dispositions as the API shows them: with the brand's X id, so the desktop matches an interaction's brandAccountId. */
export type BrandDispositionsView = BrandDispositions & { brandAccountId?: string };

/** What a brand starts with until a supervisor adds its own (GatewayOptions.dispositionSeed). */
export const DEFAULT_DISPOSITION_CODES: readonly { code: string; label: string }[] = [
  { code: 'resolved', label: 'Resolved' },
  { code: 'escalated', label: 'Escalated' },
  { code: 'follow-up', label: 'Follow-up needed' },
  { code: 'no-action', label: 'No action needed' },
  { code: 'spam', label: 'Spam or abuse' },
];

/** Disposition codes per brand: supervisors manage them; done is checked against them here, before the router hears of it. */
@Injectable()
export class DispositionsService {
  private readonly clock: Clock;
  private readonly seed: readonly { code: string; label: string }[];
  /** Brands whose codes this process has seen or seeded: the seed is looked at once per brand and process. */
  private readonly seeded = new Set<string>();
  /** Each brand's codes as last read: done still works through a PostgreSQL outage, against the last known list. */
  private readonly lastKnown = new Map<string, BrandDispositions>();

  constructor(
    @Inject(GATEWAY_DISPOSITIONS) private readonly store: DispositionStore,
    private readonly brands: BrandAccess,
    private readonly queries: InteractionQueryService,
    @Inject(GATEWAY_OPTIONS) options: Pick<GatewayOptions, 'clock' | 'dispositionSeed'>,
  ) {
    this.clock = options.clock ?? systemClock;
    this.seed = options.dispositionSeed ?? DEFAULT_DISPOSITION_CODES;
  }

  /** The brands the person may use (or the one named), with their codes. */
  async list(person: AgentProfile, brand?: string): Promise<BrandDispositionsView[]> {
    const usernames = brand === undefined ? this.brands.usable(person) : [this.brands.usableBrand(person, brand).username.toLowerCase()];
    return Promise.all(usernames.map((username) => this.view(username)));
  }

  async addCode(brand: string, code: { code: string; label: string }): Promise<DispositionCode> {
    const key = this.key(brand);
    // Seeded first, so a brand's first own code does not leave it without the defaults it was showing.
    await this.forBrand(key);
    return this.store.addCode(key, { code: code.code, label: code.label.trim() }, this.clock.now());
  }

  async updateCode(brand: string, code: string, patch: { label?: string; retired?: boolean }): Promise<DispositionCode> {
    if (patch.label === undefined && patch.retired === undefined) {
      throw new ValidationFailedError('Nothing to change', [{ field: '(body)', messages: ['give label, retired or both'] }]);
    }
    const key = this.key(brand);
    await this.forBrand(key);
    const updated = await this.store.updateCode(key, code, { ...(patch.label === undefined ? {} : { label: patch.label.trim() }), ...(patch.retired === undefined ? {} : { retired: patch.retired }) }, this.clock.now());
    if (!updated) throw new NotFoundError<InteractionErrorCode>(`@${key} has no disposition code ${code}`, InteractionErrorCode.UnknownDisposition);
    return updated;
  }

  async setRequired(brand: string, required: boolean): Promise<BrandDispositionsView> {
    const key = this.key(brand);
    await this.store.setRequired(key, required, this.clock.now());
    return this.view(key);
  }

  /**
   * Refuses (400 naming disposition or note) a done its interaction's brand would not accept; the holder checks
   * (403, 404, 409) come first, from the same rules as every other action. Resolves when done may go ahead.
   */
  async checkDone(agent: AgentProfile, interactionId: string, input: { disposition?: string | undefined; note?: string | undefined }): Promise<void> {
    const view = await this.queries.getHeld(agent, interactionId);
    const brand = this.brands.usernameOf(view.brandAccountId) ?? view.firstMessage?.brandUsername?.toLowerCase() ?? view.brandAccountId;
    const problems = completionProblems(await this.forBrand(brand), input);
    if (problems.length > 0) {
      throw new ValidationFailedError(`Cannot mark done: ${problems.map((p) => p.messages.join('; ')).join('; ')}`, problems);
    }
  }

  private async view(username: string): Promise<BrandDispositionsView> {
    const dispositions = await this.forBrand(username);
    const brandAccountId = this.brands.brand(username).id;
    return { ...dispositions, brandAccountId };
  }

  /**
   * The brand's codes; a brand that never had any gets the seed first (codes are retired, never removed, so "none"
   * means never configured). Replicas seeding at once collide harmlessly on the primary key.
   */
  private async forBrand(key: string): Promise<BrandDispositions> {
    const current = await this.read(key);
    if (current.codes.length > 0 || this.seeded.has(key) || this.seed.length === 0) {
      this.seeded.add(key);
      return current;
    }
    for (const code of this.seed) {
      await this.store.addCode(key, code, this.clock.now()).catch((error: unknown) => {
        if (!(error instanceof ConflictError)) throw error;
      });
    }
    this.seeded.add(key);
    return this.read(key);
  }

  private async read(key: string): Promise<BrandDispositions> {
    try {
      const read = await this.store.forBrand(key);
      this.lastKnown.set(key, read);
      return read;
    } catch (error) {
      const known = this.lastKnown.get(key);
      if (known === undefined) throw error;
      return known;
    }
  }

  /** The served brand's key (its username, lower-case); 404 unknown-brand. */
  private key(brand: string): string {
    return this.brands.brand(brand).username.toLowerCase();
  }
}
