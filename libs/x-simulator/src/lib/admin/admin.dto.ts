// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsInt,
  IsNumber,
  IsObject,
  IsOptional,
  IsPositive,
  IsString,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  ValidateNested,
} from 'class-validator';
import { Type } from 'class-transformer';

import { DISCONNECT_TYPES, type DisconnectType } from '../http/problems.util';

const USERNAME = /^[A-Za-z0-9_]{1,15}$/;
const ID = /^\d{1,19}$/;

export class CreateAccountDto {
  @Matches(USERNAME, { message: 'username must be 1-15 letters, digits or underscores' })
  username!: string;

  @IsOptional() @IsString() @MaxLength(50)
  name?: string;

  @IsIn(['brand', 'customer'])
  kind!: 'brand' | 'customer';

  @IsOptional() @IsString() @MinLength(1)
  token?: string;

  @IsOptional() @IsInt() @Min(0)
  followersCount?: number;

  @IsOptional() @IsInt() @Min(0)
  followingCount?: number;

  @IsOptional() @IsInt() @Min(0)
  tweetCount?: number;

  @IsOptional() @IsInt() @Min(0)
  listedCount?: number;

  @IsOptional() @IsInt() @Min(0)
  likeCount?: number;

  /** Usernames this account follows from the start (e.g. the brand), which drives connection_status. */
  @IsOptional() @IsArray() @IsString({ each: true }) @ArrayMaxSize(1000)
  followsBrand?: string[];

  @IsOptional() @IsString() @MaxLength(160)
  description?: string;

  @IsOptional() @IsString() @MaxLength(30)
  location?: string;

  @IsOptional() @IsBoolean()
  verified?: boolean;

  @IsOptional() @IsBoolean()
  protected?: boolean;

  @IsOptional() @IsBoolean()
  receivesYourDm?: boolean;
}

export class CreateTweetDto {
  @IsOptional() @Matches(USERNAME)
  authorUsername?: string;

  @IsOptional() @Matches(ID)
  authorId?: string;

  @IsString()
  text!: string;

  @IsOptional() @Matches(ID)
  inReplyToTweetId?: string;

  @IsOptional() @Matches(ID)
  quoteTweetId?: string;
}

export class SendDmDto {
  @IsOptional() @Matches(USERNAME)
  fromUsername?: string;

  @IsOptional() @Matches(ID)
  fromId?: string;

  @IsOptional() @Matches(USERNAME)
  toUsername?: string;

  @IsOptional() @Matches(ID)
  toId?: string;

  @IsString() @MinLength(1) @MaxLength(10_000)
  text!: string;
}

export class RegisterWebhookDto {
  @IsString() @MinLength(1)
  url!: string;
}

export class SubscribeWebhookDto {
  @Matches(USERNAME)
  username!: string;
}

export class WebhookFaultsDto {
  @IsOptional() @IsNumber() @Min(0) @Max(1)
  dropRate?: number;

  @IsOptional() @IsInt() @Min(0) @Max(60_000)
  latencyMs?: number;

  @IsOptional() @IsBoolean()
  corruptSignature?: boolean;
}

export class FollowDto {
  @Matches(USERNAME)
  follower!: string;

  @Matches(USERNAME)
  target!: string;
}

export class StartGeneratorDto {
  @IsNumber() @IsPositive() @Max(100_000)
  rate!: number;

  @IsInt() @Min(1) @Max(100_000)
  customers!: number;

  @Matches(USERNAME)
  brand!: string;

  @IsOptional() @IsInt() @Min(1)
  durationMs?: number;

  @IsOptional() @IsInt() @Min(1)
  count?: number;

  /** Relative weights, e.g. {"complaint": 0.6, "question": 0.2, "praise": 0.1, "chitchat": 0.1}. */
  @IsOptional() @IsObject()
  mix?: Record<string, unknown>;

  @IsOptional() @IsString()
  seed?: string;

  @IsOptional() @IsNumber() @Min(0) @Max(1)
  replyRatio?: number;

  @IsOptional() @IsNumber() @Min(0) @Max(1)
  followBrandRatio?: number;

  @IsOptional() @IsNumber() @Min(0) @Max(1)
  dmShare?: number;
}

export class RateLimitsDto {
  @IsIn(['realistic', 'generous', 'unlimited'])
  preset!: 'realistic' | 'generous' | 'unlimited';
}

export class StreamDropDto {
  @IsOptional()
  @IsIn(DISCONNECT_TYPES)
  disconnectType?: DisconnectType;

  /** Destroy the socket without X's disconnect message (a TCP-level drop). */
  @IsOptional() @IsBoolean()
  hard?: boolean;
}

export class StreamStallDto {
  @IsInt() @Min(1) @Max(3_600_000)
  ms!: number;
}

export class StreamRawDto {
  @IsString()
  line!: string;
}

export class StreamRefuseDto {
  @IsInt() @Min(0) @Max(1000)
  count!: number;

  @IsOptional() @IsInt() @Min(400) @Max(599)
  status?: number;
}

export class HttpFaultRuleDto {
  @IsInt() @Min(400) @Max(599)
  status!: number;

  @IsInt() @Min(1) @Max(100_000)
  count!: number;

  @IsOptional() @IsString()
  path?: string;

  @IsOptional() @IsString()
  method?: string;

  @IsOptional() @IsBoolean()
  afterEffect?: boolean;
}

export class HttpFaultsDto {
  @IsOptional() @IsInt() @Min(0) @Max(60_000)
  latencyMs?: number;

  @IsOptional() @IsArray() @ValidateNested({ each: true }) @Type(() => HttpFaultRuleDto)
  rules?: HttpFaultRuleDto[];
}
