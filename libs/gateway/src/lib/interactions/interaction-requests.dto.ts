import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  DECLARED_ACTIONABILITIES,
  DECLARED_SENTIMENTS,
  type DeclaredActionability,
  type DeclaredSentiment,
} from '@perch/contracts';
import { IsBoolean, IsIn, IsNumberString, IsOptional, IsString, IsUUID, Length, MaxLength, ValidateBy, ValidateIf } from 'class-validator';

export class OfferDecisionDto {
  @ApiProperty({ format: 'uuid', description: 'The offer being answered, as pushed on the socket' })
  @IsUUID()
  offerId!: string;
}

export class ReplyDto {
  @ApiProperty({
    example: 'Sorry about that! We have rebooked you on the 18:40.',
    description: "The agent's text. The customer's @mention is put in front unless the text starts with it.",
  })
  @IsString()
  @MaxLength(10000)
  text!: string;

  @ApiPropertyOptional({ description: "Also mention the thread's other participants" })
  @IsOptional()
  @IsBoolean()
  replyAll?: boolean;
}

export class DoneDto {
  @ApiPropertyOptional({ example: 'rebooked', maxLength: 64, description: "One of the brand's live codes (GET /api/dispositions); required when the brand says so" })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  disposition?: string;

  @ApiPropertyOptional({ maxLength: 2000, description: 'Kept with the interaction; when given, not blank' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  note?: string;
}

/** Transfer to the queue (`toQueue: true`) or to a named agent (`toAgentId`): exactly one of them. */
export class TransferDto {
  @ApiPropertyOptional({ description: 'Back to the queue, at its original age, for any eligible agent but you', enum: [true] })
  @ValidateIf((o: TransferDto) => o.toAgentId === undefined || o.toQueue !== undefined)
  @IsIn([true], { message: 'toQueue must be true, or give toAgentId instead (not both)' })
  @ValidateBy({
    name: 'oneTarget',
    validator: { validate: (_v: unknown, args) => (args?.object as TransferDto).toAgentId === undefined, defaultMessage: () => 'give toQueue or toAgentId, not both' },
  })
  toQueue?: true;

  @ApiPropertyOptional({ description: 'Offer it to this agent (see GET /api/agents/roster); you keep it until they accept', example: 'bob' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  toAgentId?: string;

  @ApiProperty({ example: 'needs a billing specialist', minLength: 1, maxLength: 500 })
  @IsString()
  @Length(1, 500)
  reason!: string;
}

/** Invite a colleague into your interaction's conference (an offer to them; you stay the holder). */
export class ConferenceInviteDto {
  @ApiProperty({ example: 'bob', description: 'The colleague to invite (see GET /api/agents/roster)' })
  @IsString()
  @Length(1, 64)
  agentId!: string;

  @ApiPropertyOptional({ example: 'second pair of eyes on a refund', maxLength: 500, description: 'Shown to the invitee' })
  @IsOptional()
  @IsString()
  @Length(0, 500)
  reason?: string;
}

/** Leave the conference: a guest without handOverTo; the holder only by handing over to a guest. */
export class ConferenceLeaveDto {
  @ApiPropertyOptional({ example: 'bob', description: 'Holder only (then required): the guest who becomes the holder' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  handOverTo?: string;
}

/** An internal consultation with a colleague about this interaction (never sent to X). */
export class ConsultationDto {
  @ApiProperty({ example: 'bob', description: 'The colleague (see GET /api/agents/roster); when answering, the agent who consulted you' })
  @IsString()
  @Length(1, 64)
  withAgentId!: string;

  @ApiProperty({ example: 'Is a refund possible for a delay under 3 hours?', minLength: 1, maxLength: 2000 })
  @IsString()
  @Length(1, 2000)
  text!: string;

  @ApiPropertyOptional({ description: 'Ask a voice system to call the colleague (agent.voice-consultation.v1); `text` is the topic' })
  @IsOptional()
  @IsBoolean()
  voice?: boolean;
}

export class DirectMessageDto {
  @ApiProperty({ example: 'Could you send us your booking reference?', description: 'Sent as typed; up to 10,000 characters' })
  @IsString()
  @MaxLength(20000)
  text!: string;
}

export class NewPostDto {
  @ApiProperty({ description: 'The brand account to post from (see GET /api/brands)', example: '1700000000000000001' })
  @IsNumberString({ no_symbols: true })
  brandAccountId!: string;

  @ApiProperty({ example: 'Our app is back up. Thank you for your patience!' })
  @IsString()
  @MaxLength(10000)
  text!: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Record the post on this interaction of yours' })
  @IsOptional()
  @IsUUID()
  interactionId?: string;
}

export class ActionAcceptedDto {
  @ApiProperty({ format: 'uuid' })
  commandId!: string;

  @ApiProperty({ enum: ['reply', 'post', 'dm', 'follow', 'unfollow'] })
  kind!: string;

  @ApiPropertyOptional({ description: 'The text as it will be sent, mentions included' })
  text?: string;

  @ApiPropertyOptional({ description: "Replies and posts: weighted length by X's rule (max 280); DMs: characters" })
  weightedLength?: number;

  @ApiPropertyOptional({ description: 'Replies: the tweet being replied to' })
  inReplyToTweetId?: string;

  @ApiPropertyOptional({ description: 'DMs, follows, unfollows: the customer' })
  participantId?: string;
}

export class CustomerProfileDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() name!: string;
  @ApiPropertyOptional() description?: string;
  @ApiPropertyOptional() location?: string;
  @ApiPropertyOptional() verified?: boolean;
  @ApiPropertyOptional() protected?: boolean;
  @ApiProperty({ example: 'https://x.com/dana_flies' }) profileUrl!: string;
  @ApiPropertyOptional() followersCount?: number;
  @ApiPropertyOptional() followingCount?: number;
  @ApiPropertyOptional() tweetCount?: number;
  @ApiProperty({ description: 'The customer follows the brand' }) followsBrand!: boolean;
  @ApiProperty({ description: 'The brand follows the customer' }) followedByBrand!: boolean;
  @ApiProperty({ description: 'X would deliver a DM from the brand' }) canDm!: boolean;
  @ApiProperty({ description: 'When X was asked, ms since epoch' }) fetchedAt!: number;
}

export class BrandAccountDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
}

export class ClassificationCorrectionDto {
  @ApiPropertyOptional({ enum: DECLARED_SENTIMENTS, description: "The right sentiment ('undeclared' is the model's abstention, not a label)" })
  @IsOptional()
  @IsIn(DECLARED_SENTIMENTS)
  sentiment?: DeclaredSentiment;

  @ApiPropertyOptional({ enum: DECLARED_ACTIONABILITIES })
  @IsOptional()
  @IsIn(DECLARED_ACTIONABILITIES)
  actionability?: DeclaredActionability;

  @ApiPropertyOptional({ description: "The customer message whose labels are corrected; default: the interaction's first message" })
  @IsOptional()
  @IsNumberString({ no_symbols: true })
  @Length(1, 19)
  messageId?: string;

  @ApiPropertyOptional({ maxLength: 500, example: 'sarcasm' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  note?: string;
}

export class CorrectionAcceptedDto {
  @ApiProperty({ format: 'uuid', description: 'Id of the classification.corrected.v1 event; the view shows it once projected' })
  correctionId!: string;
}
