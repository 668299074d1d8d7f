import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

import { PageCursor, PageLimit } from '../http/page-query.decorator';

/** The largest page of GET /api/agents/me/consultations. */
export const MAX_CONSULTATIONS_PAGE = 50;

export class MyConsultationsQueryDto {
  @PageLimit(MAX_CONSULTATIONS_PAGE, 20)
  limit?: number;

  @PageCursor()
  cursor?: string;
}

export class ConsultationThreadDto {
  @ApiProperty({
    type: Object,
    description: "The interaction's header as the projection holds it (id, state, agentId = its holder, brandAccountId, firstMessage…), without its transcript",
  })
  interaction!: object;

  @ApiProperty({
    type: [Object],
    description: 'The consultation entries by you or addressed to you (never two others between themselves), newest first',
  })
  consultations!: object[];

  @ApiProperty({ description: 'When the newest of them was written (ms since epoch)' })
  latestAt!: number;
}

export class MyConsultationsPageDto {
  @ApiProperty({ type: [ConsultationThreadDto], description: 'Open interactions where someone consulted you, the newest consultation first' })
  items!: ConsultationThreadDto[];

  @ApiPropertyOptional({ description: 'Present when there is another page: pass it as `cursor`' })
  nextCursor?: string;
}
