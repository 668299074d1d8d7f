import { Inject, Injectable } from '@nestjs/common';
import { type OutboundRequestedPayload, Topics } from '@perch/contracts';
import { type EventBus } from '@perch/messaging';
import {
  type AgentProfile,
  type BrandAccount,
  type InteractionStore,
  type InteractionView,
  latestCustomerTweet,
  pendingReplyEntry,
  ReplyComposer,
  type ReplyRefusal,
} from '@perch/interactions';
import { type Clock, ConflictError, createLogger, newId, systemClock, ValidationFailedError } from '@perch/platform';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_BRANDS, GATEWAY_BUS, GATEWAY_INTERACTION_STORE, GATEWAY_OPTIONS } from '../gateway.constants';
import { InteractionQueryService } from './interaction-query.service';

/** A reply X would refuse, caught before it is sent: a 400 that says why. */
export class ReplyRefusedError extends ValidationFailedError {
  constructor(readonly refusal: ReplyRefusal) {
    super(refusal.message, [{ field: 'text', messages: [refusal.message] }]);
  }
}

export interface ReplyAccepted {
  commandId: string;
  text: string;
  weightedLength: number;
  inReplyToTweetId: string;
}

/**
 * Turns an agent's text into x.outbound.requested.v1: checks the interaction is theirs and open,
 * composes the text (mentions, X's length rule) and answers the customer's latest tweet. Posting is
 * the outbound worker's job; the result comes back on the socket.
 */
@Injectable()
export class ReplyService {
  private readonly composer = new ReplyComposer();
  private readonly brands: ReadonlyMap<string, BrandAccount>;
  private readonly clock: Clock;
  private readonly logger = createLogger('gateway-replies');

  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventBus,
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    @Inject(GATEWAY_BRANDS) brands: BrandAccount[],
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    private readonly queries: InteractionQueryService,
  ) {
    this.brands = new Map(brands.map((brand) => [brand.id, brand]));
    this.clock = options.clock ?? systemClock;
  }

  async reply(agent: AgentProfile, interactionId: string, text: string, replyAll = false): Promise<ReplyAccepted> {
    const view = await this.queries.getMine(agent, interactionId);
    if (view.state === 'completed') throw new ConflictError('This interaction is completed', 'interaction-completed');
    const target = latestCustomerTweet(view);
    if (!target) throw new ConflictError('This conversation has no public tweet to reply to', 'nothing-to-reply-to');

    const composed = this.composer.compose({
      text,
      replyTo: target.authorUsername,
      others: replyAll ? participants(view) : [],
      brandUsername: this.brands.get(view.brandAccountId)?.username ?? view.firstMessage?.brandUsername ?? '',
    });
    if (!composed.ok) throw new ReplyRefusedError(composed.refusal);

    const requestedAt = this.clock.now();
    const command: OutboundRequestedPayload = {
      commandId: newId(),
      kind: 'reply',
      brandAccountId: view.brandAccountId,
      agentId: agent.id,
      interactionId: view.id,
      conversationKey: view.conversationKey,
      inReplyToTweetId: target.messageId,
      text: composed.text,
      requestedAt,
    };
    await this.bus.publish(Topics.OutboundRequested, command, { correlationId: view.correlationId });
    // After publishing: a pending entry with no command behind it would never resolve. If X answers
    // first, the store keeps X's answer (final beats pending).
    await this.store
      .upsertEntries(view.id, [
        pendingReplyEntry({ commandId: command.commandId, agentId: agent.id, text: composed.text, inReplyToTweetId: target.messageId, requestedAt }),
      ])
      .catch((error: unknown) => this.logger.warn({ err: error, correlationId: view.correlationId }, 'could not record the pending reply'));
    return { commandId: command.commandId, text: composed.text, weightedLength: composed.weightedLength, inReplyToTweetId: target.messageId };
  }
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
