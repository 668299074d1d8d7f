// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsOptional,
  IsString,
  Length,
  Max,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { AGENT_PRESENCES, ChannelCapacityPayload, MAX_CHANNEL_CAPACITY, PRESENCE_COMMAND_CAUSES } from '../agent-command/agent-command.payload';

/**
 * The router's states of an agent: the presences an agent (or supervisor) may set, plus `wrap-up` (after-interaction
 * work), which only a completion starts and which ends by itself after the configured time or when the agent sets
 * ready or not-ready.
 */
export const AGENT_STATE_NAMES = [...AGENT_PRESENCES, 'wrap-up'] as const;
export type AgentStateName = (typeof AGENT_STATE_NAMES)[number];

/**
 * Who or what changed the state: a presence command's cause (the agent, a supervisor, the gateway at sign-out or after
 * a lost connection) or one of the router's own timers.
 */
export const AGENT_STATE_CAUSES = [...PRESENCE_COMMAND_CAUSES, 'offer-timeout', 'wrap-up-timeout'] as const;
export type AgentStateCause = (typeof AGENT_STATE_CAUSES)[number];

/** The reason the router gives a not-ready it sets itself when an offer times out; always allowed. */
export const MISSED_OFFER_REASON = 'missed-offer';
/** Not-ready reason codes when none are configured (ROUTER_NOT_READY_REASONS, GATEWAY_NOT_READY_REASONS). */
export const DEFAULT_NOT_READY_REASONS: readonly string[] = ['break', 'meeting', 'training', MISSED_OFFER_REASON];
/** What a reason code looks like: lower-case words joined by dashes, as in configuration lists. */
export const NOT_READY_REASON_PATTERN = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
export const MAX_NOT_READY_REASON_LENGTH = 32;

/** What an agent holds per channel (offered + assigned). */
export class ChannelLoadPayload {
  @IsInt()
  @Min(0)
  @Max(MAX_CHANNEL_CAPACITY)
  public!: number;

  @IsInt()
  @Min(0)
  @Max(MAX_CHANNEL_CAPACITY)
  dm!: number;
}

/**
 * routing.agent.v1: an agent's state as the router set it, published on every change whoever made it (the agent, an
 * offer timeout, the end of wrap-up, a supervisor, sign-out, a lost connection). The router's store is the authority;
 * this event tells the desktops and supervisors without them having to ask.
 */
export class AgentStatePayload {
  @IsString()
  @Length(1, 64)
  agentId!: string;

  @IsIn(AGENT_STATE_NAMES)
  state!: AgentStateName;

  /** The not-ready reason code (e.g. break, missed-offer); only with not-ready. */
  @ValidateIf((o: AgentStatePayload) => o.reason !== undefined)
  @IsString()
  @Length(1, MAX_NOT_READY_REASON_LENGTH)
  reason?: string;

  /** When the agent entered this state. */
  @IsISO8601()
  since!: string;

  /** In wrap-up: when it ends by itself (the router's timer), unless the agent sets ready or not-ready first. */
  @IsOptional()
  @IsISO8601()
  wrapUpEndsAt?: string;

  @IsIn(AGENT_STATE_CAUSES)
  cause!: AgentStateCause;

  /** Who made the change when it is not the agent: the supervisor's id. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  actorId?: string;

  /** The interaction behind the change: the missed offer, or the completion that started wrap-up. */
  @IsOptional()
  @IsString()
  @Length(1, 64)
  interactionId?: string;

  /** Interactions the agent may hold at once, all channels together. */
  @IsInt()
  @Min(0)
  @Max(MAX_CHANNEL_CAPACITY)
  capacity!: number;

  /** Interactions the agent holds now (offered + assigned). */
  @IsInt()
  @Min(0)
  load!: number;

  @IsOptional()
  @ValidateNested()
  @Type(() => ChannelCapacityPayload)
  capacityByChannel?: ChannelCapacityPayload;

  @ValidateNested()
  @Type(() => ChannelLoadPayload)
  loadByChannel!: ChannelLoadPayload;

  /** Going offline: the offers withdrawn from the agent and queued again for others (interaction ids). */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHANNEL_CAPACITY * 2)
  @IsString({ each: true })
  withdrawnOffers?: string[];

  /**
   * Offline while holding assigned work: the interactions kept with the agent (nothing is taken away from them),
   * flagged so supervisors can act. Absent when the agent holds nothing or is not offline.
   */
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(MAX_CHANNEL_CAPACITY * 2)
  @IsString({ each: true })
  heldByOfflineAgent?: string[];
}

export function agentStateKey(payload: AgentStatePayload): string {
  return payload.agentId;
}

/**
 * A configured list of not-ready reason codes ("break,meeting"): the codes, in order, each once; undefined when the
 * text is not such a list. Shared by the router's and the gateway's configuration so both refuse the same lists.
 */
export function parseNotReadyReasons(text: string): string[] | undefined {
  const codes = text
    .split(',')
    .map((code) => code.trim())
    .filter((code) => code.length > 0);
  if (codes.length === 0) return undefined;
  if (codes.some((code) => code.length > MAX_NOT_READY_REASON_LENGTH || !NOT_READY_REASON_PATTERN.test(code))) return undefined;
  return [...new Set(codes)];
}
