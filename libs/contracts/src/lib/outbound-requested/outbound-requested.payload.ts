import { IsIn, IsInt, IsNumberString, IsOptional, IsString, IsUUID, Length, Min, ValidateIf } from 'class-validator';

export const OUTBOUND_KINDS = ['reply', 'post'] as const;
export type OutboundKind = (typeof OUTBOUND_KINDS)[number];

/** x.outbound.requested.v1: an agent's action on X. `commandId` is the idempotency key. */
export class OutboundRequestedPayload {
  @IsUUID()
  commandId!: string;

  @IsIn(OUTBOUND_KINDS)
  kind!: OutboundKind;

  @IsNumberString({ no_symbols: true })
  brandAccountId!: string;

  @IsString()
  @Length(1, 64)
  agentId!: string;

  @ValidateIf((o: OutboundRequestedPayload) => o.kind === 'reply' || o.interactionId !== undefined)
  @IsUUID()
  interactionId?: string;

  @IsOptional()
  @IsString()
  conversationKey?: string;

  @ValidateIf((o: OutboundRequestedPayload) => o.kind === 'reply')
  @IsNumberString({ no_symbols: true })
  inReplyToTweetId?: string;

  /** Final text as it will be posted (mentions already inserted, length already checked). */
  @IsString()
  @Length(1, 10000)
  text!: string;

  @IsInt()
  @Min(0)
  requestedAt!: number;
}

export function outboundRequestedKey(payload: OutboundRequestedPayload): string {
  return payload.brandAccountId;
}
