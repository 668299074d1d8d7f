import { Inject, Injectable } from '@nestjs/common';
import { type AgentCommandPayload, type AgentPresence, Topics } from '@perch/contracts';
import { type EventPublisher } from '@perch/messaging';
import { type AgentProfile } from '@perch/agents';
import { type InteractionStore } from '@perch/interactions';
import { createLogger, newId } from '@perch/platform';

import { GATEWAY_BUS, GATEWAY_INTERACTION_STORE } from '../gateway.constants';
import { InteractionQueryService } from '../interactions/interaction-query.service';

/**
 * What an agent does that changes routing, published as agent.command.v1. The router is the authority:
 * a stale offer id or an accept beyond capacity is refused there, and the outcome comes back as a
 * routing event on the socket.
 */
@Injectable()
export class AgentCommandsService {
  private readonly logger = createLogger('gateway-agent-commands');

  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventPublisher,
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    private readonly queries: InteractionQueryService,
  ) {}

  /** The capacity is always the configured one (never the agent's say). */
  async presence(agent: AgentProfile, presence: AgentPresence): Promise<{ commandId: string }> {
    return this.send(
      {
        commandId: newId(),
        type: 'presence',
        agentId: agent.id,
        presence,
        skills: agent.skills,
        ...(presence === 'offline' ? {} : { capacity: agent.capacity }),
      },
      newId(),
    );
  }

  async accept(agent: AgentProfile, interactionId: string, offerId: string): Promise<{ commandId: string }> {
    return this.send({ commandId: newId(), type: 'accept', agentId: agent.id, interactionId, offerId }, await this.correlationOf(interactionId));
  }

  async decline(agent: AgentProfile, interactionId: string, offerId: string): Promise<{ commandId: string }> {
    return this.send({ commandId: newId(), type: 'decline', agentId: agent.id, interactionId, offerId }, await this.correlationOf(interactionId));
  }

  async complete(agent: AgentProfile, interactionId: string, disposition?: string, note?: string): Promise<{ commandId: string }> {
    const view = await this.queries.getMine(agent, interactionId);
    return this.send(
      {
        commandId: newId(),
        type: 'complete',
        agentId: agent.id,
        interactionId,
        ...(disposition === undefined ? {} : { disposition }),
        ...(note === undefined ? {} : { note }),
      },
      view.correlationId,
    );
  }

  private async send(payload: AgentCommandPayload, correlationId: string): Promise<{ commandId: string }> {
    await this.bus.publish(Topics.AgentCommand, payload, { correlationId });
    return { commandId: payload.commandId };
  }

  /** The tweet's correlation id when the view is known (it may lag the socket by a few ms). */
  private async correlationOf(interactionId: string): Promise<string> {
    try {
      return (await this.store.get(interactionId))?.correlationId ?? newId();
    } catch (error) {
      // The correlation id only threads the logs; the router decides from Redis, so a PostgreSQL outage must not
      // stop agents from taking the offers it keeps making.
      this.logger.warn({ err: error, interactionId }, 'interaction store unreachable; the command gets a fresh correlation id');
      return newId();
    }
  }
}
