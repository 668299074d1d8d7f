import { ApiProperty } from '@nestjs/swagger';
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

  @ApiProperty({ example: ['billing'], type: [String] })
  skills!: string[];
}

export class SignInResponseDto {
  @ApiProperty({ description: 'Bearer token for REST (Authorization header) and the WebSocket (?token=)' })
  token!: string;

  @ApiProperty({ description: 'Expiry, ms since epoch' })
  expiresAt!: number;

  @ApiProperty({ type: AgentProfileDto })
  agent!: AgentProfileDto;
}
