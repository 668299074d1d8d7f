import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';

export const DESK_PRESENCES = ['ready', 'not-ready'] as const;
export type DeskPresence = (typeof DESK_PRESENCES)[number];

export class PresenceDto {
  @ApiProperty({ enum: DESK_PRESENCES, example: 'ready' })
  @IsIn(DESK_PRESENCES)
  state!: DeskPresence;

  @ApiPropertyOptional({ minimum: 1, maximum: 50, description: "Interactions at once; defaults to the agent's configured capacity" })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(50)
  capacity?: number;
}

export class CommandAcceptedDto {
  @ApiProperty({ format: 'uuid', description: 'Id of the command published to the router or the outbound worker' })
  commandId!: string;
}
