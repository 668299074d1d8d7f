import { Inject, Injectable } from '@nestjs/common';
import { type OutboundKind, type OutboundRequestedPayload, Topics } from '@perch/contracts';
import { type EventPublisher } from '@perch/messaging';
import { type AgentProfile, ForbiddenError, mayPostAs } from '@perch/agents';
import { InteractionErrorCode, type InteractionStore, type InteractionView, latestCustomerTweet, pendingActionEntry } from '@perch/interactions';
import { type ComposeReplyResult, CustomerProfileService, OutboundErrorCode, ReplyComposer, type ReplyRefusal } from '@perch/outbound';
import {
  type Clock,
  ConflictError,
  createLogger,
  dispositionOf,
  newId,
  NotFoundError,
  systemClock,
  ValidationFailedError,
} from '@perch/platform';
import { type BrandAccount } from '@perch/x-client';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_BRANDS, GATEWAY_BUS, GATEWAY_INTERACTION_STORE, GATEWAY_OPTIONS } from '../gateway.constants';
import { InteractionQueryService } from './interaction-query.service';

/** Text X would refuse, caught before it is sent: a 400 that says why. */
export class ReplyRefusedError extends ValidationFailedError {
  constructor(readonly refusal: ReplyRefusal) {
    super(refusal.message, [{ field: 'text', messages: [refusal.message] }]);
  }
}

export interface ActionAccepted {
  commandId: string;
  kind: OutboundKind;
  /** The text as it will be sent (mentions included), for replies, posts and DMs. */
  text?: string;
  weightedLength?: number;
  inReplyToTweetId?: string;
  participantId?: string;
}

/**
 * Turns an agent's action on X into x.outbound.requested.v1: checks the interaction is theirs (accepted, per the
 * router's record) and open, checks what X would refuse (length, DM eligibility) so the agent hears it at once,
 * and publishes the command. The outbound worker carries it out; X's answer comes back on the socket.
 */
@Injectable()
export class OutboundActionsService {
  private readonly composer = new ReplyComposer();
  private readonly brands: ReadonlyMap<string, BrandAccount>;
  private readonly clock: Clock;
  private readonly logger = createLogger('gateway-actions');

  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventPublisher,
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    @Inject(GATEWAY_BRANDS) brands: BrandAccount[],
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    private readonly queries: InteractionQueryService,
    private readonly profiles: CustomerProfileService,
  ) {
    this.brands = new Map(brands.map((brand) => [brand.id, brand]));
    this.clock = options.clock ?? systemClock;
  }

  /** A public reply to the customer's latest tweet; reply-all also mentions the thread's participants. */
  async reply(agent: AgentProfile, interactionId: string, text: string, replyAll = false): Promise<ActionAccepted> {
    const view = await this.openInteraction(agent, interactionId);
    const target = latestCustomerTweet(view);
    if (!target) throw new ConflictError<OutboundErrorCode>('This conversation has no public tweet to reply to', OutboundErrorCode.NothingToReplyTo);
    const composed = accepted(
      this.composer.compose({
        text,
        replyTo: target.authorUsername,
        others: replyAll ? participants(view) : [],
        brandUsername: this.brands.get(view.brandAccountId)?.username ?? view.firstMessage?.brandUsername ?? '',
      }),
    );
    return this.request(agent, view, { kind: 'reply', text: composed.text, inReplyToTweetId: target.messageId }, composed.weightedLength);
  }

  /**
   * A direct message to the customer. X delivers it only if they accept DMs from the brand (they follow
   * it); the desktop learns that from the profile, and a DM X would refuse is refused here with the reason.
   */
  async directMessage(agent: AgentProfile, interactionId: string, text: string): Promise<ActionAccepted> {
    const view = await this.openInteraction(agent, interactionId);
    const customer = customerOf(view);
    const composed = accepted(this.composer.composeDm(text));
    const eligible = await this.dmEligibility(view.brandAccountId, customer.id);
    if (eligible === false) {
      const brand = this.brands.get(view.brandAccountId)?.username ?? 'the brand';
      // A DM conversation has no tweet to answer in public: say what the agent can do instead.
      const instead = latestCustomerTweet(view) ? 'reply publicly instead' : `mention @${customer.username} in a new post, or reach them on another channel`;
      throw new ConflictError<OutboundErrorCode>(
        `@${customer.username} does not accept direct messages from @${brand} (they do not follow it): ${instead}`,
        OutboundErrorCode.DmNotAllowed,
      );
    }
    return this.request(agent, view, { kind: 'dm', text: composed.text, participantId: customer.id }, composed.weightedLength);
  }

  async follow(agent: AgentProfile, interactionId: string, kind: 'follow' | 'unfollow'): Promise<ActionAccepted> {
    const view = await this.openInteraction(agent, interactionId);
    return this.request(agent, view, { kind, participantId: customerOf(view).id });
  }

  /** A new post from a brand account the agent chooses, optionally recorded on an interaction. */
  async post(agent: AgentProfile, brandAccountId: string, text: string, interactionId?: string): Promise<ActionAccepted> {
    const brand = this.brands.get(brandAccountId);
    if (!brand) {
      throw new ValidationFailedError('Unknown brand account', [{ field: 'brandAccountId', messages: [`no brand account ${brandAccountId}`] }]);
    }
    if (!mayPostAs(agent, brand.username)) {
      throw new ForbiddenError<OutboundErrorCode>(`You may not post as @${brand.username}; ask an admin to grant it`, OutboundErrorCode.BrandNotAllowed, {
        brandAccountId,
      });
    }
    const composed = accepted(this.composer.composePost(text));
    const view = interactionId === undefined ? undefined : await this.openInteraction(agent, interactionId);
    return this.request(agent, view, { kind: 'post', text: composed.text }, composed.weightedLength, brandAccountId);
  }

  /**
   * Assigned to the agent (accepted, not completed), or the agent is a guest of its conference, by the router's record;
   * else 403 / 404 / 409 with the reason.
   */
  private async openInteraction(agent: AgentProfile, interactionId: string): Promise<InteractionView> {
    const view = await this.queries.getHeld(agent, interactionId, { guestsToo: true });
    // Replies, DMs and follows speak as the brand too: only someone granted it (docs/adr/0010), like a new post.
    const brand = this.brands.get(view.brandAccountId) ?? (view.firstMessage?.brandUsername ? { username: view.firstMessage.brandUsername } : undefined);
    if (brand && !mayPostAs(agent, brand.username)) {
      throw new ForbiddenError<OutboundErrorCode>(`You may not act as @${brand.username}; ask an admin to grant it`, OutboundErrorCode.BrandNotAllowed, {
        brandAccountId: view.brandAccountId,
      });
    }
    return view;
  }

  /** true or false as X says; undefined when X cannot be asked right now (then X decides, and a 403 comes back). */
  private async dmEligibility(brandAccountId: string, customerId: string): Promise<boolean | undefined> {
    try {
      return (await this.profiles.get(brandAccountId, customerId)).canDm;
    } catch (error) {
      if (dispositionOf(error) !== 'retry') throw error;
      this.logger.warn({ err: error, brandAccountId }, 'could not check DM eligibility; letting X decide');
      return undefined;
    }
  }

  private async request(
    agent: AgentProfile,
    view: InteractionView | undefined,
    action: { kind: OutboundKind; text?: string; inReplyToTweetId?: string; participantId?: string },
    weightedLength?: number,
    brandAccountId = view?.brandAccountId ?? '',
  ): Promise<ActionAccepted> {
    const requestedAt = this.clock.now();
    const command: OutboundRequestedPayload = {
      commandId: newId(),
      kind: action.kind,
      brandAccountId,
      agentId: agent.id,
      ...(view ? { interactionId: view.id, conversationKey: view.conversationKey } : {}),
      ...(action.text === undefined ? {} : { text: action.text }),
      ...(action.inReplyToTweetId === undefined ? {} : { inReplyToTweetId: action.inReplyToTweetId }),
      ...(action.participantId === undefined ? {} : { participantId: action.participantId }),
      requestedAt,
    };
    await this.bus.publish(Topics.OutboundRequested, command, { correlationId: view?.correlationId ?? command.commandId });
    if (view) {
      // After publishing: a pending entry with no command behind it would never resolve. If X answers
      // first, the store keeps X's answer (final beats pending). Written directly, in its own statement: the
      // agent's request never queues behind the projection's flushes (entries merge in any order).
      await this.store
        .upsertEntries(view.id, [pendingActionEntry({ commandId: command.commandId, action: action.kind, agentId: agent.id, requestedAt, ...action })], {
          direct: true,
        })
        .catch((error: unknown) => this.logger.warn({ err: error, correlationId: view.correlationId }, 'could not record the pending action'));
    }
    return {
      commandId: command.commandId,
      kind: action.kind,
      ...(action.text === undefined ? {} : { text: action.text }),
      ...(weightedLength === undefined ? {} : { weightedLength }),
      ...(action.inReplyToTweetId === undefined ? {} : { inReplyToTweetId: action.inReplyToTweetId }),
      ...(action.participantId === undefined ? {} : { participantId: action.participantId }),
    };
  }
}

function accepted(result: ComposeReplyResult): Extract<ComposeReplyResult, { ok: true }> {
  if (!result.ok) throw new ReplyRefusedError(result.refusal);
  return result;
}

/** The customer the interaction is with: the author of its first message (a DM's participant or a tweet's author). */
export function customerOf(view: InteractionView): { id: string; username: string } {
  const author = view.firstMessage?.author;
  if (author) return { id: author.id, username: author.username };
  for (const entry of view.transcript) {
    if (entry.kind === 'customer-message') return { id: entry.authorId, username: entry.authorUsername };
  }
  throw new NotFoundError<InteractionErrorCode>('This interaction has no customer message yet', InteractionErrorCode.NoCustomer);
}

/** Everyone in the thread: authors of the customer messages and the people they mentioned. */
function participants(view: InteractionView): string[] {
  const names: string[] = [];
  for (const entry of view.transcript) {
    if (entry.kind !== 'customer-message') continue;
    names.push(entry.authorUsername, ...entry.mentions);
  }
  return names;
}
