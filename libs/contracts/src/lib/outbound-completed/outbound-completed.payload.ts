// class-transformer's @Type reads design-time metadata, so the polyfill must load first.
import 'reflect-metadata';

import { Type } from 'class-transformer';
import {
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

/** x.outbound.completed.v1: what X answered to one outbound command. */
export class OutboundCompletedPayload {
  @IsUUID()
  commandId!: string;

  @IsIn(OUTBOUND_KINDS)
  kind!: OutboundKind;

  @IsIn(['sent', 'failed'])
  status!: 'sent' | 'failed';

  @IsNumberString({ no_symbols: true })
  brandAccountId!: string;

  @IsString()
  agentId!: string;

  @IsOptional()
  @IsUUID()
  interactionId?: string;

  @ValidateIf((o: OutboundCompletedPayload) => o.status === 'sent')
  @IsNumberString({ no_symbols: true })
  tweetId?: string;

  @IsOptional()
  @IsNumberString({ no_symbols: true })
  inReplyToTweetId?: string;

  @IsString()
  text!: string;

  @ValidateIf((o: OutboundCompletedPayload) => o.status === 'failed')
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
