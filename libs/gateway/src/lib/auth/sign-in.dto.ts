import { ApiProperty } from '@nestjs/swagger';
import { AGENT_ROLES, type AgentRole } from '@perch/agents';
import { IsString, Length } from 'class-validator';

export class SignInDto {
  @ApiProperty({ example: 'ada', description: "The agent's id" })
  @IsString()
  @Length(1, 64)
  username!: string;

  @ApiProperty({ example: 'correct horse battery staple', format: 'password' })
  @IsString()
  @Length(1, 200)
  password!: string;
}

export class AgentProfileDto {
  @ApiProperty({ example: 'ada' })
  id!: string;

  @ApiProperty({ example: 'Ada Lovelace' })
  displayName!: string;

  @ApiProperty({ example: 3, description: 'Interactions the agent can hold at once' })
  capacity!: number;

  @ApiProperty({
    required: false,
    example: { public: 3, dm: 2 },
    description: 'When configured: separate limits for public conversations and DMs (capacity caps their sum)',
  })
  capacityByChannel?: { public: number; dm: number };

  @ApiProperty({ example: ['billing'], type: [String] })
  skills!: string[];

  @ApiProperty({ enum: AGENT_ROLES, example: 'agent' })
  role!: AgentRole;

  @ApiProperty({ example: ['acme_support'], type: [String], description: 'Brand usernames this person may post from; * for all' })
  brands!: string[];
}

export class SignInResponseDto {
  @ApiProperty({
    description:
      "Bearer token: REST sends it as Authorization: Bearer <token>; the WebSocket /ws as its first message {type:'auth', token} (never in the URL). Revoked by POST /api/auth/sign-out.",
  })
  token!: string;

  @ApiProperty({ description: 'Expiry, ms since epoch; open WebSockets are closed (4401) then' })
  expiresAt!: number;

  @ApiProperty({ type: AgentProfileDto })
  agent!: AgentProfileDto;
}
