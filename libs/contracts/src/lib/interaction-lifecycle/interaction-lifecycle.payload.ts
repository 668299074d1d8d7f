// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
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

/**
 * Each event type and what it must carry besides the interaction: `agent` an agentId, `from` a fromAgentId,
 * `message` the message and its classification. One table, so a new type cannot be listed without its fields.
 */
const EVENT_FIELDS = {
  created: { message: true },
  'message-added': { message: true },
  queued: {},
  offered: { agent: true, message: true },
  accepted: { agent: true },
  declined: { agent: true },
  'offer-timed-out': { agent: true },
  completed: { agent: true },
  // Additive (ADR 0003): the holder handed it back to the queue; `agentId` is who transferred it, `reason` why.
  transferred: { agent: true },
  // A transfer to a named agent: offered to `agentId` by `fromAgentId` (who keeps it until an 'accepted' naming
  // `fromAgentId`); declined by, or timed out at, `agentId`: it stays with `fromAgentId`.
  'transfer-offered': { agent: true, from: true, message: true },
  'transfer-declined': { agent: true, from: true },
  'transfer-timed-out': { agent: true, from: true },
  // Additive (ADR 0017): the configured widening applied after its wait; `requiredSkill` is the new requirement (absent:
  // anyone), `reason` says from what. No state change: the interaction stays where it was (queued, offered, assigned).
  'requirement-widened': {},
  // Conference (additive, ADR 0018): `agentId` invited by the holder `fromAgentId` (an offer: offerId, offerExpiresAt);
  // joined as a guest, declined or timed out; a guest left; the holder `fromAgentId` handed over to the guest `agentId`.
  'conference-offered': { agent: true, from: true, message: true },
  'conference-joined': { agent: true, from: true },
  'conference-declined': { agent: true, from: true },
  'conference-timed-out': { agent: true, from: true },
  'conference-left': { agent: true, from: true },
  'conference-handed-over': { agent: true, from: true },
} as const satisfies Record<string, { agent?: true; from?: true; message?: true }>;
export type InteractionEventType = keyof typeof EVENT_FIELDS;
export const INTERACTION_EVENT_TYPES = Object.keys(EVENT_FIELDS) as readonly InteractionEventType[];

/** An interaction's channel: `dm` when its first message is a DM, else `public` (routing's capacity per channel). */
export const INTERACTION_CHANNELS = ['public', 'dm'] as const;
export type InteractionChannel = (typeof INTERACTION_CHANNELS)[number];

const carrying = (field: 'agent' | 'from' | 'message'): readonly InteractionEventType[] =>
  INTERACTION_EVENT_TYPES.filter((type) => field in EVENT_FIELDS[type]);
const WITH_AGENT = carrying('agent');
const TRANSFER_EVENTS = carrying('from');
const WITH_MESSAGE = carrying('message');
/** Events that are an offer to `agentId`, answered with its offerId before offerExpiresAt. */
const WITH_OFFER: readonly InteractionEventType[] = ['offered', 'transfer-offered', 'conference-offered'];

/** A conference's guests at most in an event (the router's configured maximum is lower). */
export const MAX_CONFERENCE_GUESTS = 20;
/**
 * A conference's agents at most, counting the holder (ROUTER_CONFERENCE_MAX_AGENTS, read by the router and the gateway
 * alike): by default the holder and one guest; at most MAX_CONFERENCE_AGENTS, since every participant gets every push.
 */
export const DEFAULT_CONFERENCE_MAX_AGENTS = 2;
export const MAX_CONFERENCE_AGENTS = 10;

/**
 * On an 'offered': the interaction's 'created' event, announced by the same message because the router created and
 * offered it in one step (ADR 0035). Its payload is the offer's without the offer (`createdPayloadOf`); consumers see
 * the two events apart, as if sent one by one (`expandLifecycleEvent`, run by every consumer's bus).
 */
export class LifecycleCreation {
  @IsUUID()
  eventId!: string;

  @IsISO8601()
  occurredAt!: string;

  @IsOptional()
  @IsString()
  @Length(1, 128)
  causationId?: string;
}

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
  @ValidateIf((o: InteractionLifecyclePayload) => WITH_OFFER.includes(o.type) || o.offerId !== undefined)
  @IsUUID()
  offerId?: string;

  @ValidateIf((o: InteractionLifecyclePayload) => WITH_OFFER.includes(o.type) || o.offerExpiresAt !== undefined)
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

  /**
   * During a conference: its guests after the event (never the holder), on every conference-* event and on
   * 'message-added' and 'completed' (the guests the completion freed), so every participant's desktop gets the push.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CONFERENCE_GUESTS)
  @IsString({ each: true })
  @Length(1, 64, { each: true })
  conferenceAgentIds?: string[];

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

  /**
   * On 'offered': the agent is the customer's last agent (a returning customer, routed back to whoever completed its
   * previous interaction within the router's sticky window). Absent otherwise.
   */
  @IsOptional()
  @IsBoolean()
  sticky?: boolean;

  /** When the interaction was created: its wait is measured from here, across requeues. */
  @IsOptional()
  @IsISO8601()
  interactionCreatedAt?: string;

  /** Only on 'offered': the 'created' event this message also announces (see LifecycleCreation). */
  @IsOptional()
  @ValidateNested()
  @Type(() => LifecycleCreation)
  creation?: LifecycleCreation;
}

export function interactionLifecycleKey(payload: InteractionLifecyclePayload): string {
  return payload.interactionId;
}
