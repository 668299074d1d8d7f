import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AUDIT_ACTIONS, AUDIT_ACTOR_KINDS, AUDIT_OUTCOMES, type AuditAction, type AuditOutcome, MAX_AUDIT_PAGE_SIZE } from '@perch/audit';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Length, Max, Min } from 'class-validator';

export class AuditExportQueryDto {
  @ApiPropertyOptional({ description: "The actor's id: an agent id, a username tried at sign-in, or 'router'", example: 'alice' })
  @IsOptional()
  @IsString()
  @Length(1, 128)
  actor?: string;

  @ApiPropertyOptional({ enum: AUDIT_ACTIONS })
  @IsOptional()
  @IsIn(AUDIT_ACTIONS)
  action?: AuditAction;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID()
  interactionId?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, inclusive', example: '2026-11-25T00:00:00Z' })
  @IsOptional()
  @IsISO8601()
  from?: string;

  @ApiPropertyOptional({ description: 'ISO 8601, exclusive' })
  @IsOptional()
  @IsISO8601()
  to?: string;
}

export class AuditQueryDto extends AuditExportQueryDto {
  @ApiPropertyOptional({ description: "A previous page's nextCursor" })
  @IsOptional()
  @IsString()
  @Length(1, 1000)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_AUDIT_PAGE_SIZE, default: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_AUDIT_PAGE_SIZE)
  limit?: number;

  @ApiPropertyOptional({ enum: ['asc', 'desc'], default: 'desc', description: 'desc: most recent first' })
  @IsOptional()
  @IsIn(['asc', 'desc'])
  order?: 'asc' | 'desc';
}

export class AuditActorDto {
  @ApiProperty({ enum: AUDIT_ACTOR_KINDS })
  kind!: string;

  @ApiPropertyOptional()
  id?: string;

  @ApiPropertyOptional({ enum: ['agent', 'supervisor', 'admin'] })
  role?: string;
}

export class AuditEntryDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty({ example: '2026-11-25T10:00:00.000Z' })
  at!: string;

  @ApiProperty({ type: AuditActorDto })
  actor!: AuditActorDto;

  @ApiProperty({ enum: AUDIT_ACTIONS })
  action!: AuditAction;

  @ApiPropertyOptional()
  interactionId?: string;

  @ApiPropertyOptional()
  brandAccountId?: string;

  @ApiProperty({ enum: AUDIT_OUTCOMES })
  outcome!: AuditOutcome;

  @ApiPropertyOptional({ description: 'The error code of a refusal or failure; the decision or kind of effect otherwise', example: 'not-your-interaction' })
  code?: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'e.g. commandId, disposition and note, tweetId, HTTP status' })
  details!: Record<string, unknown>;

  @ApiPropertyOptional()
  correlationId?: string;

  @ApiPropertyOptional({ description: "The client's IP address" })
  address?: string;

  @ApiPropertyOptional({ description: 'The event the entry was made from' })
  sourceKey?: string;
}

export class AuditPageDto {
  @ApiProperty({ type: [AuditEntryDto] })
  entries!: AuditEntryDto[];

  @ApiProperty({ type: String, nullable: true, description: 'Pass as cursor for the next page; null on the last' })
  nextCursor!: string | null;
}
