import { Inject, Injectable } from '@nestjs/common';
import { type AgentProfile } from '@perch/agents';
import { InteractionErrorCode, type InteractionStore } from '@perch/interactions';
import { type Clock, classifyFailure, NotFoundError, RetryableError, systemClock } from '@perch/platform';
import { type Assignment, type AssignmentReader } from '@perch/routing';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_ASSIGNMENTS, GATEWAY_INTERACTION_STORE, GATEWAY_OPTIONS } from '../gateway.constants';
import { GatewayErrorCode } from '../gateway.errors';
import { assertHolder, assertOfferLive, type HolderRuleOptions, isGuest } from './holder-rules.domain';

/**
 * Who may act, decided from the router's own record (AssignmentReader: Redis in distributed mode, the router's
 * MemoryRoutingStore in the embedded app), read afresh for every action: never the projection or this replica's
 * view cache, which trail the router and would let an offered-only agent act. No consistency wait here: the router
 * writes its record before it announces anything, so whatever the agent was told, the record already shows.
 */
@Injectable()
export class HolderChecks {
  private readonly clock: Clock;

  constructor(
    @Inject(GATEWAY_ASSIGNMENTS) private readonly assignments: AssignmentReader,
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** The interaction is assigned to the agent (accepted), else 403 / 404 / 409 with the reason; the router's record. */
  async requireHolder(agent: AgentProfile, interactionId: string, options: HolderRuleOptions = {}): Promise<Assignment> {
    const holder = await this.holderOf(interactionId);
    if (holder) {
      assertHolder(holder, agent.id, options);
      return holder;
    }
    // The router forgets a completed interaction after its retention (a day); the projection keeps it, and a
    // completed view never changes hands, so it may answer for that case, and only for it.
    const view = await this.store.get(interactionId);
    if (view?.state !== 'completed') throw notFound(interactionId);
    const completed: Assignment = {
      interactionId,
      state: 'completed',
      correlationId: view.correlationId,
      ...(view.agentId === null ? {} : { agentId: view.agentId }),
    };
    assertHolder(completed, agent.id, options);
    return completed;
  }

  /** The agent is a guest of the interaction's conference, as the router's record says now (reads only: who may see it). */
  async isGuest(agentId: string, interactionId: string): Promise<boolean> {
    const holder = await this.holderOf(interactionId);
    return holder !== undefined && isGuest(holder, agentId);
  }

  /**
   * The conference's holder and guests as the router's record says now, or undefined without guests. For reads only:
   * while the router's store cannot be read, undefined (the view is shown without it, never refused).
   */
  async conferenceOf(interactionId: string): Promise<{ holderAgentId: string; guests: string[] } | undefined> {
    let holder: Assignment | undefined;
    try {
      holder = await this.assignments.holderOf(interactionId);
    } catch (error) {
      if (classifyFailure(error) !== 'transient') throw error;
      return undefined;
    }
    const guests = holder?.state === 'assigned' ? (holder.conferenceAgentIds ?? []) : [];
    return holder?.agentId === undefined || guests.length === 0 ? undefined : { holderAgentId: holder.agentId, guests: [...guests] };
  }

  /** The offer is the agent's and live, else 403 not-your-offer / 409 offer-expired, offer-not-live / 404. */
  async requireOffer(agent: AgentProfile, interactionId: string, offerId: string, decision: 'accept' | 'decline'): Promise<Assignment> {
    const holder = await this.holderOf(interactionId);
    if (!holder) throw notFound(interactionId);
    // The gateway's clock, not the router's: at worst it refuses an accept in the offer's last milliseconds.
    assertOfferLive(holder, agent.id, offerId, decision, this.clock.now());
    return holder;
  }

  private async holderOf(interactionId: string): Promise<Assignment | undefined> {
    try {
      return await this.assignments.holderOf(interactionId);
    } catch (error) {
      // Redis restarting or failing over: a 503 the agent may retry, never a guess from a cache.
      if (classifyFailure(error) !== 'transient') throw error;
      throw new RetryableError<GatewayErrorCode>("The router's state could not be read; try again", GatewayErrorCode.RoutingUnavailable, {
        interactionId,
      });
    }
  }
}

function notFound(interactionId: string): NotFoundError<InteractionErrorCode> {
  return new NotFoundError<InteractionErrorCode>(`Interaction ${interactionId} not found`, InteractionErrorCode.NotFound);
}
