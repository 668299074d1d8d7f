import { IsIn, IsInt, IsNumberString, IsOptional, IsString, IsUUID, Length, Min, ValidateIf } from 'class-validator';

export const OUTBOUND_KINDS = ['reply', 'post', 'dm', 'follow', 'unfollow'] as const;
export type OutboundKind = (typeof OUTBOUND_KINDS)[number];

/** Kinds that send words to X (and so carry `text`). */
export const TEXT_OUTBOUND_KINDS: readonly OutboundKind[] = ['reply', 'post', 'dm'];
/** Kinds aimed at one customer account (and so carry `participantId`). */
export const PARTICIPANT_OUTBOUND_KINDS: readonly OutboundKind[] = ['dm', 'follow', 'unfollow'];

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

  /** The customer's X user id: the DM's recipient, or whom to follow or unfollow. */
  @ValidateIf((o: OutboundRequestedPayload) => PARTICIPANT_OUTBOUND_KINDS.includes(o.kind) || o.participantId !== undefined)
  @IsNumberString({ no_symbols: true })
  participantId?: string;

  /** Final text as it will be sent (mentions already inserted, length already checked). */
  @ValidateIf((o: OutboundRequestedPayload) => TEXT_OUTBOUND_KINDS.includes(o.kind) || o.text !== undefined)
  @IsString()
  @Length(1, 10000)
  text?: string;

  @IsInt()
  @Min(0)
  requestedAt!: number;
}

/**
 * Order matters within one conversation (a reply after its predecessor, an unfollow after its follow), not
 * across a brand: keyed by conversation, one brand's commands spread over partitions, replicas and the bus's
 * concurrent keys (see @perch/outbound's README). A brand's rate limits are kept by the worker, not by the key.
 * A new post outside any conversation keeps the brand's key, so a brand's announcements stay in order.
 */
export function outboundRequestedKey(payload: OutboundRequestedPayload): string {
  return payload.conversationKey ?? payload.interactionId ?? payload.brandAccountId;
}
