// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsIn,
  IsInt,
  IsNumberString,
  IsOptional,
  IsString,
  IsUUID,
  Length,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';

import { OUTBOUND_KINDS, type OutboundKind } from '../outbound-requested/outbound-requested.payload';

export class OutboundFailure {
  /** Stable code, e.g. "x-refused", "rate-limited", "invalid-request". */
  @IsString()
  code!: string;

  /** X's own words where X refused. */
  @IsString()
  @Length(0, 2000)
  detail!: string;

  @IsOptional()
  @IsInt()
  httpStatus?: number;
}

export const OUTBOUND_STATUSES = ['sent', 'failed', 'waiting'] as const;
export type OutboundStatus = (typeof OUTBOUND_STATUSES)[number];

/** Sent or failed: the command's end. A 'waiting' outcome only says why it is late; consumers of results skip it. */
export function isFinalOutbound(payload: Pick<OutboundCompletedPayload, 'status'>): boolean {
  return payload.status !== 'waiting';
}

/** x.outbound.completed.v1: what X answered to one outbound command (or, while it waits, why). */
export class OutboundCompletedPayload {
  @IsUUID()
  commandId!: string;

  @IsIn(OUTBOUND_KINDS)
  kind!: OutboundKind;

  /**
   * 'sent' and 'failed' are final. 'waiting' is not: X cannot take the command now (a spent rate-limit
   * window, an outage) and the worker will try again at `retryAt`; a final result follows.
   */
  @IsIn(OUTBOUND_STATUSES)
  status!: OutboundStatus;

  /** For 'waiting': when the worker tries again (ms since epoch). */
  @ValidateIf((o: OutboundCompletedPayload) => o.status === 'waiting' || o.retryAt !== undefined)
  @IsInt()
  @Min(0)
  retryAt?: number;

  @IsNumberString({ no_symbols: true })
  brandAccountId!: string;

  @IsString()
  agentId!: string;

  @IsOptional()
  @IsUUID()
  interactionId?: string;

  /** The tweet X created, for a sent reply or post. */
  @ValidateIf((o: OutboundCompletedPayload) => (o.status === 'sent' && (o.kind === 'reply' || o.kind === 'post')) || o.tweetId !== undefined)
  @IsNumberString({ no_symbols: true })
  tweetId?: string;

  @IsOptional()
  @IsNumberString({ no_symbols: true })
  inReplyToTweetId?: string;

  @IsOptional()
  @IsNumberString({ no_symbols: true })
  participantId?: string;

  /** The DM event X created, for a sent DM. */
  @ValidateIf((o: OutboundCompletedPayload) => (o.status === 'sent' && o.kind === 'dm') || o.dmEventId !== undefined)
  @IsNumberString({ no_symbols: true })
  dmEventId?: string;

  @IsOptional()
  @IsString()
  @Length(1, 64)
  dmConversationId?: string;

  /** After a follow or unfollow: whether the brand now follows the customer (false while a follow is pending). */
  @ValidateIf((o: OutboundCompletedPayload) => o.status === 'sent' && (o.kind === 'follow' || o.kind === 'unfollow'))
  @IsBoolean()
  following?: boolean;

  @IsOptional()
  @IsBoolean()
  pendingFollow?: boolean;

  /** The words as X stored them (a reply may carry mentions X populated), or as requested when it failed. */
  @IsOptional()
  @IsString()
  text?: string;

  /** Why it failed, or for 'waiting' why X cannot take it yet. */
  @ValidateIf((o: OutboundCompletedPayload) => o.status !== 'sent')
  @ValidateNested()
  @Type(() => OutboundFailure)
  failure?: OutboundFailure;

  @IsInt()
  @Min(0)
  completedAt!: number;
}

export function outboundCompletedKey(payload: OutboundCompletedPayload): string {
  return payload.interactionId ?? payload.commandId;
}
