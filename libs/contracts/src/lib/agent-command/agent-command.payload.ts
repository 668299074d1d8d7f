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
  ValidateIf,
} from 'class-validator';

export const AGENT_COMMAND_TYPES = ['presence', 'accept', 'decline', 'complete'] as const;
export type AgentCommandType = (typeof AGENT_COMMAND_TYPES)[number];

export const AGENT_PRESENCES = ['ready', 'not-ready', 'offline'] as const;
export type AgentPresence = (typeof AGENT_PRESENCES)[number];

const ABOUT_INTERACTION: readonly AgentCommandType[] = ['accept', 'decline', 'complete'];

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

  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @IsString({ each: true })
  skills?: string[];

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

  @IsOptional()
  @IsString()
  @Length(0, 2000)
  note?: string;
}

export function agentCommandKey(payload: AgentCommandPayload): string {
  return payload.interactionId ?? payload.agentId;
}
