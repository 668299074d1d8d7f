import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';

export const DESK_PRESENCES = ['ready', 'not-ready'] as const;
export type DeskPresence = (typeof DESK_PRESENCES)[number];

export class PresenceDto {
  @ApiProperty({ enum: DESK_PRESENCES, example: 'ready' })
  @IsIn(DESK_PRESENCES)
  state!: DeskPresence;

  // No capacity here: an agent who could raise their own would take work from colleagues and overload
  // themselves. It comes from configuration (GATEWAY_AGENTS) only; the validation pipe refuses the field.
}

export class CommandAcceptedDto {
  @ApiProperty({ format: 'uuid', description: 'Id of the command published to the router or the outbound worker' })
  commandId!: string;
}
