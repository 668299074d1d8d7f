import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { AGENT_STATES } from '@perch/routing';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';

import { ChannelCountsDto } from '../agents/presence.dto';
import { MAX_SERIES_HOURS } from './interaction-series-store.port';
import { type SupervisorSignOutResult } from './supervisor-agent-actions.service';
import { DEFAULT_AGENT_PAGE_SIZE, MAX_AGENT_PAGE_SIZE } from './supervisor-data.service';
import { SERIES_BUCKET_MINUTES, type SeriesBucketMinutes } from './supervisor-series.domain';
import { DEFAULT_SERIES_BUCKET_MINUTES, DEFAULT_SERIES_HOURS } from './supervisor-series.service';
import { type SeriesBucketView, type SupervisorSeriesView } from './supervisor-series.types';
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

export class SupervisorSeriesQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_SERIES_HOURS, default: DEFAULT_SERIES_HOURS, description: 'How many hours back, up to now' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_SERIES_HOURS)
  hours?: number;

  @ApiPropertyOptional({ enum: SERIES_BUCKET_MINUTES, default: DEFAULT_SERIES_BUCKET_MINUTES, description: "Each bucket's length in minutes" })
  @IsOptional()
  @Type(() => Number)
  @IsIn(SERIES_BUCKET_MINUTES)
  bucketMinutes?: SeriesBucketMinutes;
}

class SentimentCountsDto {
  @ApiProperty()
  positive!: number;
  @ApiProperty()
  negative!: number;
  @ApiProperty()
  neutral!: number;
  @ApiProperty()
  undeclared!: number;
}

class ActionabilityCountsDto {
  @ApiProperty()
  actionable!: number;
  @ApiProperty({ name: 'not-actionable' })
  'not-actionable'!: number;
  @ApiProperty()
  undeclared!: number;
}

export class SeriesBucketDto implements SeriesBucketView {
  @ApiProperty({ example: '2026-12-03T10:15:00.000Z', description: "The bucket's start; it lasts bucketMs" })
  start!: string;
  @ApiProperty({ description: 'Interactions that arrived' })
  created!: number;
  @ApiProperty({ description: 'Interactions accepted for the first time' })
  answered!: number;
  @ApiProperty({ description: 'Interactions marked done' })
  completed!: number;
  @ApiProperty({ type: SentimentCountsDto, description: "The arrivals by the model's sentiment" })
  sentiment!: SentimentCountsDto;
  @ApiProperty({ type: ActionabilityCountsDto, description: "The arrivals by the model's actionability" })
  actionability!: ActionabilityCountsDto;
}

export class SupervisorSeriesDto implements SupervisorSeriesView {
  @ApiProperty()
  at!: string;
  @ApiProperty({ description: "The first bucket's start" })
  from!: string;
  @ApiProperty({ description: "The last bucket's end (the last one is the current one, still filling)" })
  to!: string;
  @ApiProperty({ example: 300_000 })
  bucketMs!: number;
  @ApiProperty({ type: [SeriesBucketDto], description: 'Every bucket of the window, oldest first' })
  buckets!: SeriesBucketDto[];
}

export class SupervisorSignOutDto implements SupervisorSignOutResult {
  @ApiProperty()
  agentId!: string;
  @ApiProperty({ description: 'The offline command sent to the router' })
  commandId!: string;
  @ApiProperty({ description: "The agent's sockets closed at once on this replica (the others close theirs within their revocation check)" })
  socketsClosed!: number;
}
