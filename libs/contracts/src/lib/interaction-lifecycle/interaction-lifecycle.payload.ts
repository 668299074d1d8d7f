// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { Classification } from '../shared/classification.payload';
import { InboundMessage } from '../shared/inbound-message.payload';

export const INTERACTION_EVENT_TYPES = [
  'created',
  'message-added',
  'queued',
  'offered',
  'accepted',
  'declined',
  'offer-timed-out',
  'completed',
  // Additive (ADR 0003): the holder handed it back to the queue; `agentId` is who transferred it, `reason` why.
  'transferred',
  // A transfer to a named agent: offered to `agentId` by `fromAgentId` (who keeps it until an 'accepted' naming
  // `fromAgentId`); declined by, or timed out at, `agentId`: it stays with `fromAgentId`.
  'transfer-offered',
  'transfer-declined',
  'transfer-timed-out',
] as const;
export type InteractionEventType = (typeof INTERACTION_EVENT_TYPES)[number];

/** An interaction's channel: `dm` when its first message is a DM, else `public` (routing's capacity per channel). */
export const INTERACTION_CHANNELS = ['public', 'dm'] as const;
export type InteractionChannel = (typeof INTERACTION_CHANNELS)[number];

const WITH_AGENT: readonly InteractionEventType[] = [
  'offered',
  'accepted',
  'declined',
  'offer-timed-out',
  'completed',
  'transferred',
  'transfer-offered',
  'transfer-declined',
  'transfer-timed-out',
];
const TRANSFER_EVENTS: readonly InteractionEventType[] = ['transfer-offered', 'transfer-declined', 'transfer-timed-out'];
const WITH_MESSAGE: readonly InteractionEventType[] = ['created', 'message-added', 'offered', 'transfer-offered'];

/** routing.interaction.v1: one step of an interaction's life, as the router decided it. */
export class InteractionLifecyclePayload {
  @IsUUID()
  interactionId!: string;

  @IsIn(INTERACTION_EVENT_TYPES)
  type!: InteractionEventType;

  @IsString()
  @Length(3, 120)
  conversationKey!: string;

  @IsString()
  brandAccountId!: string;

  @IsInt()
  @Min(0)
  priority!: number;

  @ValidateIf((o: InteractionLifecyclePayload) => WITH_AGENT.includes(o.type) || o.agentId !== undefined)
  @IsString()
  @Length(1, 64)
  agentId?: string;

  /**
   * On a transfer to a named agent: the holder who transferred it (transfer-*), and on the 'accepted' that moved it,
   * the holder it was taken from.
   */
  @ValidateIf((o: InteractionLifecyclePayload) => TRANSFER_EVENTS.includes(o.type) || o.fromAgentId !== undefined)
  @IsString()
  @Length(1, 64)
  fromAgentId?: string;

  /** The reservation an accept or decline must name; stale ones are refused. */
  @ValidateIf((o: InteractionLifecyclePayload) => o.type === 'offered' || o.type === 'transfer-offered' || o.offerId !== undefined)
  @IsUUID()
  offerId?: string;

  @ValidateIf((o: InteractionLifecyclePayload) => o.type === 'offered' || o.type === 'transfer-offered' || o.offerExpiresAt !== undefined)
  @IsISO8601()
  offerExpiresAt?: string;

  /** The customer's message that this event is about (the first one on 'offered'). */
  @ValidateIf((o: InteractionLifecyclePayload) => WITH_MESSAGE.includes(o.type) || o.message !== undefined)
  @ValidateNested()
  @Type(() => InboundMessage)
  message?: InboundMessage;

  @ValidateIf((o: InteractionLifecyclePayload) => WITH_MESSAGE.includes(o.type) || o.classification !== undefined)
  @ValidateNested()
  @Type(() => Classification)
  classification?: Classification;

  @IsOptional()
  @IsString()
  @Length(0, 500)
  reason?: string;

  /** On 'completed': the disposition code the agent gave when marking it done. */
  @IsOptional()
  @IsString()
  @Length(0, 64)
  disposition?: string;

  /** On 'completed': the agent's note, kept with the interaction. */
  @IsOptional()
  @IsString()
  @Length(0, 2000)
  note?: string;

  // The queue the interaction waits in (channel + required skill) and its age, on every event since they were
  // added (optional: older events lack them). Supervisors' counters are kept per queue from these.

  @IsOptional()
  @IsIn(INTERACTION_CHANNELS)
  channel?: InteractionChannel;

  /** The skill an agent needs to be offered it; absent: anyone may take it. */
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  requiredSkill?: string;

  /** When the interaction was created: its wait is measured from here, across requeues. */
  @IsOptional()
  @IsISO8601()
  interactionCreatedAt?: string;
}

export function interactionLifecycleKey(payload: InteractionLifecyclePayload): string {
  return payload.interactionId;
}
