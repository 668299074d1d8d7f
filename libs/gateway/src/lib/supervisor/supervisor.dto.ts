import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGENT_STATES } from '@perch/routing';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

import { ChannelCountsDto } from '../agents/presence.dto';
import { DEFAULT_AGENT_PAGE_SIZE, MAX_AGENT_PAGE_SIZE } from './supervisor-data.service';
import {
  type QueueCountsView,
  type QueueLiveView,
  type QueueView,
  type SupervisedAgentsPage,
  type SupervisedAgentView,
  type SupervisorQueuesView,
} from './supervisor-view.types';

// OpenAPI shapes of supervisor-view.types.ts (the answers are built from those interfaces).

export class SupervisorAgentsQueryDto {
  @ApiPropertyOptional({ description: "A previous page's nextCursor" })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  cursor?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_AGENT_PAGE_SIZE, default: DEFAULT_AGENT_PAGE_SIZE, description: 'About how many agents a page holds (a page may hold a few more)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_AGENT_PAGE_SIZE)
  limit?: number;
}

class QueueTotalsDto implements QueueLiveView, QueueCountsView {
  @ApiProperty({ description: 'Interactions waiting now' })
  waiting!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'How long the oldest waiting one has waited at `at` (ms)' })
  oldestWaitMs!: number | null;
  @ApiProperty({ type: String, nullable: true, description: 'When the oldest waiting one was created: add the time since `at`' })
  oldestWaitingSince!: string | null;
  @ApiProperty({ description: 'Ready agents with room who may take this work now' })
  agentsAvailable!: number;
  @ApiProperty({ description: 'Interactions that entered the queue in the window' })
  offered!: number;
  @ApiProperty({ description: 'Interactions an agent accepted in the window (each once)' })
  answered!: number;
  @ApiProperty({ description: 'Of those, accepted within serviceLevelThresholdMs of their creation' })
  answeredWithinSl!: number;
  @ApiProperty({ description: 'Interactions that ended in the window without ever being accepted' })
  abandoned!: number;
  @ApiProperty({ type: Number, nullable: true, description: 'answeredWithinSl / (answered + abandoned), 0..1' })
  serviceLevel!: number | null;
  @ApiProperty({ type: Number, nullable: true, description: 'Mean wait from creation to accept (ms)' })
  averageAnswerMs!: number | null;
  @ApiProperty({ description: 'Offers made to agents' })
  agentOffers!: number;
  @ApiProperty()
  agentDeclines!: number;
  @ApiProperty()
  agentTimeouts!: number;
}

export class QueueDto extends QueueTotalsDto implements QueueView {
  @ApiProperty({ example: 'public/billing', description: '`<channel>` or `<channel>/<skill>`' })
  id!: string;
  @ApiProperty({ enum: ['public', 'dm'] })
  channel!: 'public' | 'dm';
  @ApiProperty({ type: String, nullable: true, description: 'The skill its work requires; null: anyone may take it' })
  skill!: string | null;
  @ApiProperty({ description: 'Signed-in agents with capacity in the channel and the skill' })
  agentsSignedIn!: number;
}

class WindowDto {
  @ApiProperty({ example: '2026-12-03T00:00:00.000Z', description: 'Midnight UTC' })
  from!: string;
  @ApiProperty()
  to!: string;
}

export class SupervisorQueuesDto implements SupervisorQueuesView {
  @ApiProperty({ example: '2026-12-03T10:15:00.000Z' })
  at!: string;
  @ApiProperty({ example: 60_000 })
  serviceLevelThresholdMs!: number;
  @ApiProperty({ type: WindowDto })
  window!: WindowDto;
  @ApiProperty({ type: [QueueDto] })
  queues!: QueueDto[];
  @ApiProperty({ type: QueueTotalsDto, description: 'The tenant: each waiting interaction once, counts summed' })
  total!: QueueTotalsDto;
}

export class SupervisedAgentDto implements SupervisedAgentView {
  @ApiProperty()
  agentId!: string;
  @ApiProperty({ type: String, nullable: true })
  displayName!: string | null;
  @ApiProperty({ enum: AGENT_STATES })
  state!: SupervisedAgentView['state'];
  @ApiProperty({ type: String, nullable: true, example: 'break', description: 'The not-ready reason code' })
  reason!: string | null;
  @ApiProperty()
  stateSince!: string;
  @ApiProperty({ description: 'At the answer’s `at`' })
  timeInStateMs!: number;
  @ApiProperty()
  capacity!: number;
  @ApiProperty({ type: ChannelCountsDto, description: "Each channel's limit (its own, else the capacity)" })
  capacityByChannel!: ChannelCountsDto;
  @ApiProperty()
  load!: number;
  @ApiProperty({ type: ChannelCountsDto })
  loadByChannel!: ChannelCountsDto;
  @ApiProperty({ type: [String] })
  skills!: string[];
}

export class SupervisedAgentsPageDto implements SupervisedAgentsPage {
  @ApiProperty()
  at!: string;
  @ApiProperty({ type: [SupervisedAgentDto] })
  agents!: SupervisedAgentDto[];
  @ApiProperty({ type: String, nullable: true })
  nextCursor!: string | null;
}
