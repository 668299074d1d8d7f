// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Max,
  Min,
  ValidateBy,
  ValidateIf,
  ValidateNested,
  type ValidationOptions,
} from 'class-validator';

// Added additively (ADR 0003): `transfer` hands assigned work to the queue or (toAgentId) offers it to a named agent.
// `conference` invites toAgentId to the holder's conference; `leave-conference` leaves it (the holder hands over to toAgentId).
export const AGENT_COMMAND_TYPES = ['presence', 'accept', 'decline', 'complete', 'transfer', 'conference', 'leave-conference'] as const;
export type AgentCommandType = (typeof AGENT_COMMAND_TYPES)[number];

export const AGENT_PRESENCES = ['ready', 'not-ready', 'offline'] as const;
export type AgentPresence = (typeof AGENT_PRESENCES)[number];

/** Who may cause a presence change by command: the agent, a supervisor, or the gateway at sign-out or after a lost connection. */
export const PRESENCE_COMMAND_CAUSES = ['agent', 'supervisor', 'sign-out', 'disconnect'] as const;
export type PresenceCommandCause = (typeof PRESENCE_COMMAND_CAUSES)[number];

const ABOUT_INTERACTION: readonly AgentCommandType[] = ['accept', 'decline', 'complete', 'transfer', 'conference', 'leave-conference'];

/** Same bound as `capacity`, per channel. */
export const MAX_CHANNEL_CAPACITY = 50;

// A limit of 0 on one channel is allowed (an agent who takes no DMs); 0 on both would make an agent who takes nothing.
function HoldsSomething(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy(
    {
      name: 'holdsSomething',
      validator: {
        validate: (_value: unknown, args) => {
          const limits = args?.object as Partial<ChannelCapacityPayload> | undefined;
          return typeof limits?.public !== 'number' || typeof limits.dm !== 'number' || limits.public + limits.dm >= 1;
        },
        defaultMessage: () => 'public + dm must be at least 1',
      },
    },
    options,
  );
}

/** Separate limits for public conversations (mentions, replies, quotes) and DMs. */
export class ChannelCapacityPayload {
  @IsInt()
  @Min(0)
  @Max(MAX_CHANNEL_CAPACITY)
  @HoldsSomething()
  public!: number;

  @IsInt()
  @Min(0)
  @Max(MAX_CHANNEL_CAPACITY)
  dm!: number;
}

/** agent.command.v1: what an agent did that changes routing. */
export class AgentCommandPayload {
  @IsUUID()
  commandId!: string;

  @IsIn(AGENT_COMMAND_TYPES)
  type!: AgentCommandType;

  @IsString()
  @Length(1, 64)
  agentId!: string;

  @ValidateIf((o: AgentCommandPayload) => o.type === 'presence')
  @IsIn(AGENT_PRESENCES)
  presence?: AgentPresence;

  /** Interactions the agent can hold at once (set with presence). */
  @ValidateIf((o: AgentCommandPayload) => o.type === 'presence' && o.capacity !== undefined)
  @IsInt()
  @Min(1)
  @Max(50)
  capacity?: number;

  /**
   * Optional (set with presence, from configuration): separate limits per channel, e.g. 3 public + 2 DMs. The
   * capacity then caps their sum (without it: public + dm); without these, capacity limits both channels together.
   */
  @ValidateIf((o: AgentCommandPayload) => o.type === 'presence' && o.capacityByChannel !== undefined)
  @ValidateNested()
  @Type(() => ChannelCapacityPayload)
  capacityByChannel?: ChannelCapacityPayload;

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  skills?: string[];

  /**
   * With a not-ready presence: the reason code (one of the configured list, e.g. break, meeting, training). Optional
   * in the contract so commands of an older gateway still apply; the gateway always sends one.
   */
  @ValidateIf((o: AgentCommandPayload) => o.type === 'presence' && o.reason !== undefined)
  @IsString()
  @Length(1, 32)
  reason?: string;

  /** Who made a presence change: the agent (default), a supervisor, or the gateway at sign-out or after a lost connection. */
  @ValidateIf((o: AgentCommandPayload) => o.type === 'presence' && o.cause !== undefined)
  @IsIn(PRESENCE_COMMAND_CAUSES)
  cause?: PresenceCommandCause;

  /** The supervisor who set another agent's presence. */
  @ValidateIf((o: AgentCommandPayload) => o.actorId !== undefined)
  @IsString()
  @Length(1, 64)
  actorId?: string;

  @ValidateIf((o: AgentCommandPayload) => ABOUT_INTERACTION.includes(o.type))
  @IsUUID()
  interactionId?: string;

  /** The offer being accepted or declined; a stale offer id is refused. */
  @ValidateIf((o: AgentCommandPayload) => o.type === 'accept' || o.type === 'decline')
  @IsUUID()
  offerId?: string;

  @IsOptional()
  @IsString()
  @Length(0, 64)
  disposition?: string;

  /**
   * On transfer: the agent offered it (the holder keeps it until they accept); absent: back to the queue. On conference
   * (required): the agent invited. On leave-conference: the guest the holder hands over to (absent: a guest leaves).
   */
  @ValidateIf((o: AgentCommandPayload) => o.type === 'conference' || o.toAgentId !== undefined)
  @IsString()
  @Length(1, 64)
  toAgentId?: string;

  /** On transfer: why the agent hands the interaction on (required; shown to whoever takes it next). */
  @ValidateIf((o: AgentCommandPayload) => o.type === 'transfer')
  @IsString()
  @Length(1, 500)
  transferReason?: string;

  /** On conference: why the holder invites (shown to the invitee). */
  @ValidateIf((o: AgentCommandPayload) => o.type === 'conference' && o.conferenceReason !== undefined)
  @IsString()
  @Length(0, 500)
  conferenceReason?: string;

  @IsOptional()
  @IsString()
  @Length(0, 2000)
  note?: string;
}

export function agentCommandKey(payload: AgentCommandPayload): string {
  return payload.interactionId ?? payload.agentId;
}

/**
 * A skill catalog ("language:fr,brand:acme_support,billing"; ROUTER_SKILLS): the skill names agents may carry (levels
 * aside), each without '=' or spaces, 1..64 characters; undefined when malformed. The router and the gateway read the
 * same variable with this.
 */
export function parseSkillCatalog(text: string): string[] | undefined {
  const names = text.split(',').map((name) => name.trim());
  if (names.some((name) => !/^[^\s=]{1,64}$/.test(name))) return undefined;
  return [...new Set(names)];
}
