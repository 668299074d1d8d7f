import { Inject, Injectable } from '@nestjs/common';
import { type AgentDirectory, type AgentProfile } from '@perch/agents';
import { Topics } from '@perch/contracts';
import { type ConsultationEntry, type ConsultationThread, InteractionErrorCode, type InteractionStore } from '@perch/interactions';
import { type EventPublisher } from '@perch/messaging';
import { type Clock, ConflictError, newId, NotFoundError, systemClock } from '@perch/platform';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_AGENTS, GATEWAY_BUS, GATEWAY_INTERACTION_STORE, GATEWAY_OPTIONS } from '../gateway.constants';
import { GatewayErrorCode } from '../gateway.errors';
import { decodeTimeIdCursor, encodeTimeIdCursor, pageOf, pageSize } from '../http/page-cursor.util';
import { AgentSocketHub } from '../ws/agent-socket-hub.service';
import { HolderChecks } from './holder-checks.service';

const DEFAULT_CONSULTATIONS_PAGE = 20;
const MAX_CONSULTATIONS_PAGE = 50;

/** GET /api/agents/me/consultations: a page of the open interactions the agent was consulted about. */
export interface ConsultationsPage {
  items: ConsultationThread[];
  /** Present when there is another page. */
  nextCursor?: string;
}

export interface ConsultationRequest {
  withAgentId: string;
  text: string;
  voice?: boolean;
}

/**
 * Consultation: an internal chat between two agents about an interaction, never sent to X, kept in the interaction's
 * transcript as a `consultation` entry (agents only). The holder (the router's record, ADR 0013) starts one with a
 * colleague; that colleague may answer the holder. A voice consultation is published on agent.voice-consultation.v1
 * for a voice system. Both agents' sockets on this replica get the entry at once (other replicas: on their next read).
 */
@Injectable()
export class ConsultationsService {
  private readonly clock: Clock;

  constructor(
    private readonly holders: HolderChecks,
    @Inject(GATEWAY_AGENTS) private readonly directory: Pick<AgentDirectory, 'getAgent'>,
    @Inject(GATEWAY_INTERACTION_STORE) private readonly store: InteractionStore,
    @Inject(GATEWAY_BUS) private readonly bus: EventPublisher,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    @Inject(AgentSocketHub) private readonly hub: Pick<AgentSocketHub, 'send'>,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async consult(agent: AgentProfile, interactionId: string, request: ConsultationRequest): Promise<ConsultationEntry> {
    const view = await this.store.get(interactionId);
    if (!view) throw new NotFoundError<InteractionErrorCode>(`Interaction ${interactionId} not found`, InteractionErrorCode.NotFound);
    if (request.withAgentId === agent.id) {
      throw new ConflictError<GatewayErrorCode>('You cannot consult yourself', GatewayErrorCode.ConsultSelf, { withAgentId: request.withAgentId });
    }
    if (!this.directory.getAgent(request.withAgentId)) {
      throw new ConflictError<GatewayErrorCode>(`Unknown agent ${request.withAgentId}`, GatewayErrorCode.UnknownAgent, { withAgentId: request.withAgentId });
    }
    // The holder (the router's record) consults anyone; a colleague the holder consulted may answer the holder.
    const answering =
      view.agentId !== agent.id &&
      view.agentId === request.withAgentId &&
      view.transcript.some((entry) => entry.kind === 'consultation' && entry.withAgentId === agent.id && entry.fromAgentId === request.withAgentId);
    // Either way the router's record decides: an answer goes only to a colleague who still holds it (the projection
    // keeps naming a holder who transferred or finished it).
    const consulter = answering ? this.directory.getAgent(request.withAgentId) : null;
    await this.holders.requireHolder(consulter ?? agent, interactionId);
    const consultationId = newId();
    const at = this.clock.now();
    const entry: ConsultationEntry = {
      kind: 'consultation',
      entryId: `con:${consultationId}`,
      at,
      consultationId,
      fromAgentId: agent.id,
      withAgentId: request.withAgentId,
      text: request.text,
      ...(request.voice === true ? { voice: true } : {}),
    };
    // Directly, in its own statement: the agent's request does not queue behind the projection's flushes.
    await this.store.upsertEntries(interactionId, [entry], { direct: true });
    if (request.voice === true) {
      await this.bus.publish(
        Topics.VoiceConsultation,
        { consultationId, interactionId, fromAgentId: agent.id, withAgentId: request.withAgentId, topic: request.text, requestedAt: at },
        { correlationId: view.correlationId },
      );
    }
    for (const agentId of new Set([agent.id, request.withAgentId])) {
      this.hub.send(agentId, { type: 'consultation-added', interactionId, entry });
    }
    return entry;
  }

  /**
   * The open interactions where someone consulted the agent, newest consultation first, with the consultations by it
   * or to it: read from the stored transcript, so a colleague who was offline (or reloads) finds what the push told.
   */
  async listMine(agent: AgentProfile, page: { limit?: number; cursor?: string } = {}): Promise<ConsultationsPage> {
    const limit = pageSize(page.limit, DEFAULT_CONSULTATIONS_PAGE, MAX_CONSULTATIONS_PAGE);
    const threads = await this.store.listConsultations(agent.id, {
      limit: limit + 1,
      ...(page.cursor === undefined ? {} : { before: consultationsPosition(page.cursor) }),
    });
    return pageOf(threads, limit, (last) => encodeTimeIdCursor(last.latestAt, last.interaction.id));
  }
}

function consultationsPosition(cursor: string): { latestAt: number; id: string } {
  const { at, id } = decodeTimeIdCursor(cursor);
  return { latestAt: at, id };
}
