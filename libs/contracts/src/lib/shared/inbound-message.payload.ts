// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { Type } from 'class-transformer';
import {
  IsArray,
  IsIn,
  IsInt,
  IsISO8601,
  IsNumberString,
  IsOptional,
  IsString,
  Length,
  Matches,
  Min,
  ValidateNested,
} from 'class-validator';

import { INBOUND_KINDS, INBOUND_SOURCES, type InboundKind, type InboundSource } from './labels.constants';
import { XAuthor } from './x-author.payload';

/** A customer's message to a brand account, normalized from whichever X source delivered it. */
export class InboundMessage {
  /** The tweet id (or DM event id). Unique per source; the ingestor dedupes on it. */
  @IsNumberString({ no_symbols: true })
  @Length(1, 19)
  messageId!: string;

  @IsIn(INBOUND_KINDS)
  kind!: InboundKind;

  @IsIn(INBOUND_SOURCES)
  source!: InboundSource;

  @IsNumberString({ no_symbols: true })
  brandAccountId!: string;

  @IsString()
  @Length(1, 50)
  brandUsername!: string;

  /** brandAccountId:threadRootId for tweets, brandAccountId:dm:participantId for DMs. The Kafka key. */
  @IsString()
  @Length(3, 120)
  conversationKey!: string;

  /** X's conversation_id (the thread's root tweet) or the DM conversation id. */
  @IsString()
  @Length(1, 64)
  threadId!: string;

  @IsString()
  @Length(0, 10000)
  text!: string;

  @IsISO8601()
  createdAt!: string;

  @IsOptional()
  @IsNumberString({ no_symbols: true })
  inReplyToTweetId?: string;

  /**
   * The language X detected (API v2 `lang`: a BCP 47 tag such as en, fr, pt-BR, or `und` when undetermined). Optional:
   * DMs and older events have none. Routing's skill rules may match on it.
   */
  @IsOptional()
  @Matches(/^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, { message: 'lang must be a BCP 47 language tag such as en, fr or pt-BR' })
  @Length(2, 35)
  lang?: string;

  /** Usernames mentioned in the text, without '@', in order. */
  @IsArray()
  @IsString({ each: true })
  mentions!: string[];

  @ValidateNested()
  @Type(() => XAuthor)
  author!: XAuthor;

  /** When the ingestor received it (ms since epoch): the start of every latency Perch measures. */
  @IsInt()
  @Min(0)
  receivedAt!: number;
}
