import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { INTERACTION_VIEW_STATES, type InteractionViewState } from '@perch/interactions';

// Response shapes for the OpenAPI document; the handlers return @perch/interactions' InteractionView.

export class TranscriptEntryDto {
  @ApiProperty({ enum: ['customer-message', 'agent-action'] })
  kind!: string;

  @ApiProperty()
  entryId!: string;

  @ApiProperty({ description: 'Ordering key, ms since epoch' })
  at!: number;

  @ApiProperty()
  text!: string;

  @ApiPropertyOptional({ description: 'customer-message: the tweet id' })
  messageId?: string;

  @ApiPropertyOptional()
  authorUsername?: string;

  @ApiPropertyOptional({ type: Object, description: 'customer-message: what the classifier said of it, when known' })
  classification?: object;

  @ApiPropertyOptional({ enum: ['pending', 'sent', 'failed'], description: 'agent-reply only' })
  status?: string;

  @ApiPropertyOptional({ description: 'agent-reply: the tweet id once X confirmed it' })
  tweetId?: string;

  @ApiPropertyOptional({ description: "agent-reply: X's refusal", type: Object })
  failure?: { code: string; detail: string; httpStatus?: number };
}

export class InteractionViewDto {
  @ApiProperty({ format: 'uuid' })
  id!: string;

  @ApiProperty()
  conversationKey!: string;

  @ApiProperty()
  brandAccountId!: string;

  @ApiProperty()
  correlationId!: string;

  @ApiProperty()
  priority!: number;

  @ApiProperty({ enum: INTERACTION_VIEW_STATES })
  state!: InteractionViewState;

  @ApiProperty({ nullable: true, type: String })
  agentId!: string | null;

  @ApiProperty({ nullable: true, type: String })
  offerId!: string | null;

  @ApiProperty({ nullable: true, type: String })
  offerExpiresAt!: string | null;

  @ApiProperty({ nullable: true, type: Object, description: 'The first message with its author profile (x.inbound InboundMessage)' })
  firstMessage!: object | null;

  @ApiProperty({ nullable: true, type: Object, description: 'Sentiment and actionability with scores and features' })
  classification!: object | null;

  @ApiProperty({
    nullable: true,
    type: Object,
    description: "An agent's correction of the labels: {sentiment?, actionability?, agentId, at, correctionId}; the latest label of each kind wins",
  })
  classificationCorrection!: object | null;

  @ApiProperty({
    nullable: true,
    type: Object,
    description: 'How the agent closed it, once completed: {agentId, at, disposition?, note?} (what was sent to /done)',
  })
  completion!: object | null;

  @ApiProperty({ type: [TranscriptEntryDto] })
  transcript!: TranscriptEntryDto[];

  @ApiProperty()
  createdAt!: number;

  @ApiProperty()
  updatedAt!: number;

  @ApiPropertyOptional({
    type: Object,
    description:
      "While guests are in its conference (the router's record at the read): { holder: {id, name}, guests: [{id, name}] }; absent otherwise",
  })
  conference?: object;
}
