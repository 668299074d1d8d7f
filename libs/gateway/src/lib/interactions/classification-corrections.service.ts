import { Inject, Injectable } from '@nestjs/common';
import {
  type Classification,
  type ClassificationCorrectedPayload,
  type DeclaredActionability,
  type DeclaredSentiment,
  Topics,
} from '@perch/contracts';
import { type EventPublisher } from '@perch/messaging';
import { type AgentProfile } from '@perch/agents';
import { InteractionErrorCode, type InteractionView } from '@perch/interactions';
import { type Clock, ConflictError, newId, systemClock, ValidationFailedError } from '@perch/platform';

import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_BUS, GATEWAY_OPTIONS } from '../gateway.constants';
import { InteractionQueryService } from './interaction-query.service';

export interface ClassificationCorrectionRequest {
  sentiment?: DeclaredSentiment;
  actionability?: DeclaredActionability;
  messageId?: string;
  note?: string;
}

/**
 * An agent's correction of the labels the classifier gave a customer message, published as
 * classification.corrected.v1: the gateway's projector shows it on the view, its recorder keeps it as
 * training data. Allowed to the agent holding the interaction, and after completion to the agent who
 * handled it (reviewing closed conversations is when many wrong labels are noticed).
 */
@Injectable()
export class ClassificationCorrectionsService {
  private readonly clock: Clock;

  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventPublisher,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    private readonly queries: InteractionQueryService,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  async correct(agent: AgentProfile, interactionId: string, request: ClassificationCorrectionRequest): Promise<{ correctionId: string }> {
    if (request.sentiment === undefined && request.actionability === undefined) {
      const messages = ['give a sentiment, an actionability or both'];
      throw new ValidationFailedError('The request is invalid: a correction needs a sentiment, an actionability or both', [
        { field: 'sentiment', messages },
        { field: 'actionability', messages },
      ]);
    }
    // Completed interactions too, for the agent who completed it; an open one only once accepted (the router's record).
    const view = await this.queries.getHeld(agent, interactionId, { completedToo: true, guestsToo: true });
    const target = classifiedMessage(view, request.messageId);
    const payload: ClassificationCorrectedPayload = {
      correctionId: newId(),
      interactionId: view.id,
      messageId: target.messageId,
      brandAccountId: view.brandAccountId,
      agentId: agent.id,
      text: target.text,
      original: {
        sentiment: target.classification.sentiment,
        sentimentScore: target.classification.sentimentScore,
        actionability: target.classification.actionability,
        actionabilityScore: target.classification.actionabilityScore,
        model: target.classification.model,
      },
      corrected: {
        ...(request.sentiment === undefined ? {} : { sentiment: request.sentiment }),
        ...(request.actionability === undefined ? {} : { actionability: request.actionability }),
      },
      ...(request.note === undefined ? {} : { note: request.note }),
      correctedAt: this.clock.now(),
    };
    await this.bus.publish(Topics.ClassificationCorrected, payload, { correlationId: view.correlationId });
    return { correctionId: payload.correctionId };
  }
}

/** The message a correction is about, with what the classifier said of it. */
function classifiedMessage(
  view: InteractionView,
  messageId: string | undefined,
): { messageId: string; text: string; classification: Classification } {
  const first = view.firstMessage;
  if (messageId === undefined || messageId === first?.messageId) {
    if (!first || !view.classification) throw notClassified('This interaction has no classified message yet');
    return { messageId: first.messageId, text: first.text, classification: view.classification };
  }
  const entry = view.transcript.find((e) => e.kind === 'customer-message' && e.messageId === messageId);
  if (!entry || entry.kind !== 'customer-message') {
    throw new ValidationFailedError(`The request is invalid: messageId (no customer message ${messageId} in this interaction)`, [
      { field: 'messageId', messages: [`no customer message ${messageId} in this interaction`] },
    ]);
  }
  if (!entry.classification) throw notClassified(`Message ${messageId} has no classification to correct`);
  return { messageId: entry.messageId, text: entry.text, classification: entry.classification };
}

function notClassified(message: string): ConflictError<InteractionErrorCode> {
  return new ConflictError<InteractionErrorCode>(message, InteractionErrorCode.NotClassified);
}
