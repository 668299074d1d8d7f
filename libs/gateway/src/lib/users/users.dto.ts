import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGENT_ROLES, type AgentRole, ALL_BRANDS } from '@perch/agents';
import { ArrayMaxSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';

import { AgentProfileDto } from '../auth/sign-in.dto';

// The same rules as GATEWAY_AGENTS' (@perch/agents agentRecordsFromJson), so a seeded user could be created here too.
const USER_ID = /^[A-Za-z0-9._-]{1,64}$/;
const BRAND = /^(\*|[A-Za-z0-9_]{1,15})$/;
const SKILL = /^[^=\s]{1,64}(?:=(?:0?[1-9]|10))?$/;
const NOT_BLANK = /\S/;

export class CreateUserDto {
  @ApiProperty({ example: 'nina', description: 'Also the sign-in username: 1-64 letters, digits, dots, dashes, underscores' })
  @Matches(USER_ID, { message: 'id must be 1-64 letters, digits, dots, dashes or underscores' })
  id!: string;

  @ApiProperty({ format: 'password', minLength: 8, maxLength: 200 })
  @IsString()
  @Length(8, 200)
  password!: string;

  @ApiPropertyOptional({ example: 'Nina Costa', description: 'Default: the id' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'displayName must not be blank' })
  displayName?: string;

  @ApiPropertyOptional({ enum: AGENT_ROLES, default: 'agent' })
  @IsOptional()
  @IsIn(AGENT_ROLES)
  role?: AgentRole;

  @ApiPropertyOptional({ type: [String], example: ['acme_support'], description: `Brand usernames the user may act for; "${ALL_BRANDS}" for all; default none` })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(BRAND, { each: true, message: `brands must be brand usernames (1-15 letters, digits, underscores) or "${ALL_BRANDS}"` })
  brands?: string[];

  @ApiPropertyOptional({ type: [String], example: ['billing=7', 'pt'], description: 'Routing skills, <name> or <name>=<level 1..10>' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(SKILL, { each: true, message: 'each skill must be <name> or <name>=<level 1..10>' })
  skills?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 50, default: 1, description: 'Interactions the user can hold at once' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  capacity?: number;
}

export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'Nina Costa' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @Matches(NOT_BLANK, { message: 'displayName must not be blank' })
  displayName?: string;

  @ApiPropertyOptional({ enum: AGENT_ROLES })
  @IsOptional()
  @IsIn(AGENT_ROLES)
  role?: AgentRole;

  @ApiPropertyOptional({ type: [String], example: ['acme_support'] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(BRAND, { each: true, message: `brands must be brand usernames (1-15 letters, digits, underscores) or "${ALL_BRANDS}"` })
  brands?: string[];

  @ApiPropertyOptional({ type: [String] })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @Matches(SKILL, { each: true, message: 'each skill must be <name> or <name>=<level 1..10>' })
  skills?: string[];

  @ApiPropertyOptional({ minimum: 1, maximum: 50 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  capacity?: number;

  @ApiPropertyOptional({ description: 'true: the user can no longer sign in and every open session ends now; false: may sign in again' })
  @IsOptional()
  @IsBoolean()
  disabled?: boolean;
}

export class ResetPasswordDto {
  @ApiProperty({ format: 'password', minLength: 8, maxLength: 200 })
  @IsString()
  @Length(8, 200)
  password!: string;
}

export class UserAccountDto extends AgentProfileDto {
  @ApiProperty({ description: 'A disabled user cannot sign in' })
  disabled!: boolean;

  @ApiProperty({ description: 'ms since epoch' })
  createdAt!: number;

  @ApiProperty({ description: 'ms since epoch' })
  updatedAt!: number;
}
