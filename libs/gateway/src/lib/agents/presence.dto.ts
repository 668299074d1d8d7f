import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGENT_PRESENCES, AGENT_STATE_NAMES, type AgentPresence, type AgentStateName } from '@perch/contracts';
import { IsIn, IsOptional, IsString, Length } from 'class-validator';

/** What an agent (or a supervisor for them) may set: wrap-up only ever follows a completion. */
export const DESK_PRESENCES = AGENT_PRESENCES;
export type DeskPresence = AgentPresence;

export class PresenceDto {
  @ApiProperty({ enum: DESK_PRESENCES, example: 'not-ready' })
  @IsIn(DESK_PRESENCES)
  state!: DeskPresence;

  @ApiPropertyOptional({
    example: 'break',
    description: 'Required with not-ready, refused otherwise: one of the configured reason codes (GET /api/agents/me/presence lists them)',
  })
  @IsOptional()
  @IsString()
  @Length(1, 32)
  reason?: string;

  // No capacity here: an agent who could raise their own would take work from colleagues and overload
  // themselves. It comes from configuration (GATEWAY_AGENTS) only; the validation pipe refuses the field.
}

export class CommandAcceptedDto {
  @ApiProperty({ format: 'uuid', description: 'Id of the command published to the router or the outbound worker' })
  commandId!: string;
}

export class PresenceCommandAcceptedDto extends CommandAcceptedDto {
  @ApiProperty({ description: 'The agent whose presence the command sets' })
  agentId!: string;
}

export class ChannelCountsDto {
  @ApiProperty()
  public!: number;

  @ApiProperty()
  dm!: number;
}

/** The agent's state as the router's store holds it now. */
export class AgentPresenceDto {
  @ApiProperty()
  agentId!: string;

  @ApiProperty({ enum: AGENT_STATE_NAMES, description: 'offline also when the router has never heard of the agent' })
  state!: AgentStateName;

  @ApiPropertyOptional({ description: 'not-ready: the reason code (missed-offer when an offer timed out)' })
  reason?: string;

  @ApiProperty({ nullable: true, type: String, description: 'ISO time the state began; null when the router has never heard of the agent' })
  since!: string | null;

  @ApiPropertyOptional({ description: 'wrap-up: ISO time the router sets the agent ready again' })
  wrapUpEndsAt?: string;

  @ApiProperty()
  capacity!: number;

  @ApiPropertyOptional({ type: ChannelCountsDto })
  capacityByChannel?: ChannelCountsDto;

  @ApiProperty({ description: 'Offers and assigned interactions held' })
  load!: number;

  @ApiProperty({ type: ChannelCountsDto })
  loadByChannel!: ChannelCountsDto;

  @ApiProperty({ type: [String], description: 'The not-ready reasons the agent may choose', example: ['break', 'meeting', 'training'] })
  reasons!: string[];

  @ApiProperty({ description: "The gateway's clock (ISO) when it read the state, to count a wrap-up down on the client's clock" })
  at!: string;
}

/** One colleague on the roster agents pick a transfer target from: no load, skills or supervisor detail. */
export class RosterEntryDto {
  @ApiProperty({ example: 'bob' })
  id!: string;

  @ApiProperty({ example: 'Bob Agent' })
  name!: string;

  @ApiProperty({ enum: AGENT_STATE_NAMES, description: "The router's state now (offline when it has never heard of them)" })
  state!: AgentStateName;
}

/** A pending offer as the toast shows it: the socket's `offer` message, read again from the router's record. */
export class PendingOfferDto {
  @ApiProperty({ enum: ['offer'] })
  type!: 'offer';

  @ApiProperty({ format: 'uuid' })
  interactionId!: string;

  @ApiProperty({ format: 'uuid' })
  offerId!: string;

  @ApiPropertyOptional({ type: Object, description: 'A transfer offer: { fromAgentId, reason } (the reason as the router kept it)' })
  transfer?: { fromAgentId: string; reason: string };

  @ApiPropertyOptional({ type: Object, description: 'An invitation to a conference: { fromAgentId, reason } (the note as the router kept it)' })
  conference?: { fromAgentId: string; reason: string };

  @ApiPropertyOptional({ enum: [true], description: "A returning customer offered to you, its last agent (sticky agent); absent otherwise" })
  sticky?: true;

  @ApiProperty({ description: 'ISO deadline' })
  expiresAt!: string;

  @ApiProperty({ type: Object, description: 'username, name, followersCount, tweetCount, profileUrl…' })
  author!: object;

  @ApiProperty()
  snippet!: string;

  @ApiProperty()
  text!: string;

  @ApiProperty()
  sentiment!: string;

  @ApiProperty()
  actionability!: string;
}
