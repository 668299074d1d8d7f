import { Inject, Injectable } from '@nestjs/common';
import { type AgentProfile } from '@perch/agents';
import {
  caseNumberOf,
  InteractionErrorCode,
  placeholdersIn,
  renderStandardResponse,
  type StandardResponse,
  type StandardResponsePatch,
  type StandardResponseStore,
  unknownPlaceholders,
  STANDARD_RESPONSE_PLACEHOLDERS,
} from '@perch/interactions';
import { type Clock, ConflictError, newId, NotFoundError, systemClock, ValidationFailedError } from '@perch/platform';

import { BrandAccess } from '../brands/brand-access.service';
import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_OPTIONS, GATEWAY_STANDARD_RESPONSES } from '../gateway.constants';
import { InteractionQueryService } from '../interactions/interaction-query.service';
import { customerOf } from '../interactions/outbound-actions.service';

/** A standard response as the API shows it: with the placeholders its text uses. */
export type StandardResponseView = StandardResponse & { placeholders: string[] };

export interface StandardResponseInput {
  title: string;
  text: string;
  brand?: string | null | undefined;
  language: string;
  category: string;
}

/** The standard responses library: supervisors write it, agents search it (their brands only) and render one for an interaction. */
@Injectable()
export class StandardResponsesService {
  private readonly clock: Clock;

  constructor(
    @Inject(GATEWAY_STANDARD_RESPONSES) private readonly store: StandardResponseStore,
    private readonly brands: BrandAccess,
    private readonly queries: InteractionQueryService,
    @Inject(GATEWAY_OPTIONS) options: Pick<GatewayOptions, 'clock'>,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async search(
    person: AgentProfile,
    query: { q?: string | undefined; brand?: string | undefined; language?: string | undefined; category?: string | undefined; limit?: number | undefined },
  ): Promise<StandardResponseView[]> {
    const brand = query.brand === undefined ? undefined : this.brands.usableBrand(person, query.brand).username.toLowerCase();
    const found = await this.store.search({
      brands: person.role === 'agent' ? this.brands.usable(person) : '*',
      ...(brand === undefined ? {} : { brand }),
      ...(query.q === undefined ? {} : { q: query.q }),
      ...(query.language === undefined ? {} : { language: query.language }),
      ...(query.category === undefined ? {} : { category: query.category }),
      ...(query.limit === undefined ? {} : { limit: query.limit }),
    });
    return found.map(viewOf);
  }

  async get(person: AgentProfile, id: string): Promise<StandardResponseView> {
    return viewOf(await this.visible(person, id));
  }

  async create(person: AgentProfile, input: StandardResponseInput): Promise<StandardResponseView> {
    this.checkText(input.text);
    const at = this.clock.now();
    const created = await this.store.create({
      id: newId(),
      title: input.title.trim(),
      text: input.text,
      brand: this.brandKey(input.brand),
      language: input.language,
      category: input.category.trim(),
      createdBy: person.id,
      createdAt: at,
      updatedAt: at,
    });
    return viewOf(created);
  }

  async update(id: string, input: Partial<StandardResponseInput>): Promise<StandardResponseView> {
    const patch: StandardResponsePatch = {};
    if (input.title !== undefined) patch.title = input.title.trim();
    if (input.text !== undefined) {
      this.checkText(input.text);
      patch.text = input.text;
    }
    if (input.brand !== undefined) patch.brand = this.brandKey(input.brand);
    if (input.language !== undefined) patch.language = input.language;
    if (input.category !== undefined) patch.category = input.category.trim();
    if (Object.keys(patch).length === 0) {
      throw new ValidationFailedError('Nothing to change', [{ field: '(body)', messages: ['give at least one of title, text, brand, language, category'] }]);
    }
    const updated = await this.store.update(id, patch, this.clock.now());
    if (!updated) throw unknown(id);
    return viewOf(updated);
  }

  async remove(id: string): Promise<void> {
    if (!(await this.store.remove(id))) throw unknown(id);
  }

  /**
   * The response's text with the interaction's values: only for an interaction the caller holds or is a guest of
   * (403/404/409 as for a reply), of the response's brand; a placeholder it cannot fill is a 400 naming it.
   */
  async render(person: AgentProfile, id: string, interactionId: string): Promise<{ text: string; values: Record<string, string> }> {
    const response = await this.visible(person, id);
    const view = await this.queries.getHeld(person, interactionId, { guestsToo: true });
    const brand = this.brands.usernameOf(view.brandAccountId) ?? view.firstMessage?.brandUsername?.toLowerCase();
    if (response.brand !== null && response.brand !== brand) {
      throw new ConflictError<InteractionErrorCode>(
        `"${response.title}" is for @${response.brand}; this interaction is @${brand ?? view.brandAccountId}'s`,
        InteractionErrorCode.WrongBrand,
      );
    }
    const customer = customerOrUndefined(view);
    const rendered = renderStandardResponse(response.text, {
      ...(customer?.name === undefined ? {} : { 'customer.name': customer.name }),
      ...(customer === undefined ? {} : { 'customer.handle': `@${customer.username}` }),
      'agent.name': person.displayName,
      'case.number': caseNumberOf(view.id),
    });
    if (!rendered.ok) {
      throw new ValidationFailedError(`Cannot fill ${rendered.unfilled.map((name) => `{{${name}}}`).join(', ')} for this interaction`, [
        { field: 'text', messages: rendered.unfilled.map((name) => `placeholder {{${name}}} cannot be filled for this interaction`) },
      ]);
    }
    return { text: rendered.text, values: rendered.values };
  }

  /** The response, if the person may see its brand; 404 otherwise (an agent learns nothing of other brands' texts). */
  private async visible(person: AgentProfile, id: string): Promise<StandardResponse> {
    const response = await this.store.get(id);
    if (!response || (response.brand !== null && !this.brands.mayUse(person, response.brand))) throw unknown(id);
    return response;
  }

  private checkText(text: string): void {
    const unknownNames = unknownPlaceholders(text);
    if (unknownNames.length > 0) {
      throw new ValidationFailedError(`Unknown placeholder ${unknownNames.map((name) => `{{${name}}}`).join(', ')}`, [
        {
          field: 'text',
          messages: unknownNames.map((name) => `unknown placeholder {{${name}}}: use ${STANDARD_RESPONSE_PLACEHOLDERS.map((p) => `{{${p}}}`).join(', ')}`),
        },
      ]);
    }
  }

  /** A served brand's key, or null for every brand; a brand this gateway does not serve is a 400 naming brand. */
  private brandKey(brand: string | null | undefined): string | null {
    if (brand === undefined || brand === null) return null;
    const key = brand.toLowerCase();
    if (!this.brands.served().includes(key)) {
      throw new ValidationFailedError('Unknown brand', [{ field: 'brand', messages: [`@${brand} is not a brand this gateway serves (${this.brands.served().join(', ') || 'none'})`] }]);
    }
    return key;
  }
}

function viewOf(response: StandardResponse): StandardResponseView {
  return { ...response, placeholders: placeholdersIn(response.text) };
}

function unknown(id: string): NotFoundError<InteractionErrorCode> {
  return new NotFoundError<InteractionErrorCode>(`No standard response ${id}`, InteractionErrorCode.UnknownStandardResponse);
}

/** The customer's handle and display name, when the interaction has a customer message; their name may be missing. */
function customerOrUndefined(view: Parameters<typeof customerOf>[0]): { username: string; name?: string } | undefined {
  const author = view.firstMessage?.author;
  if (author) return { username: author.username, ...(author.name ? { name: author.name } : {}) };
  for (const entry of view.transcript) {
    if (entry.kind === 'customer-message') return { username: entry.authorUsername, ...(entry.authorName ? { name: entry.authorName } : {}) };
  }
  return undefined;
}
