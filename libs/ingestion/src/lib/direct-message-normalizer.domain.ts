import { type InboundMessage, type InboundSource } from '@perch/contracts';
import { type BrandAccount, oneToOneConversationId, type ReceivedDirectMessage } from '@perch/x-client';

import { extractMentions } from './tweet-normalizer.domain';

export type DirectMessageNormalizeResult =
  | { kind: 'message'; message: InboundMessage }
  | { kind: 'ignored'; reason: 'own-dm' }
  | { kind: 'invalid'; reason: string };

const ID = /^\d{1,19}$/;

/** The dedupe key of a DM: DM event ids and tweet ids come from one id space on X, but the prefix keeps them apart regardless. */
export function directMessageDedupeKey(eventId: string): string {
  return `dm:${eventId}`;
}

/**
 * Turns a direct message (from the webhook or from /2/dm_events) into Perch's inbound contract. Pure, like
 * TweetNormalizer: a DM normalizes the same whichever source brought it, so the dedupe keeps the first.
 */
export class DirectMessageNormalizer {
  private readonly byId: Map<string, BrandAccount>;

  constructor(brands: readonly BrandAccount[]) {
    this.byId = new Map(brands.map((b) => [b.id, b]));
  }

  normalize(dm: ReceivedDirectMessage, receivedAt: number, source: InboundSource): DirectMessageNormalizeResult {
    if (!ID.test(dm.id)) return { kind: 'invalid', reason: 'direct message without a valid id' };
    if (!ID.test(dm.senderId)) return { kind: 'invalid', reason: `direct message ${dm.id} has no valid sender id` };
    const brand = this.byId.get(dm.forUserId);
    if (!brand) return { kind: 'invalid', reason: `direct message ${dm.id} is for account ${dm.forUserId}, which is not a brand Perch serves` };
    // X echoes the brand's own replies (and a DM between two of our brands) into the inbox; answering them would loop.
    if (this.byId.has(dm.senderId)) return { kind: 'ignored', reason: 'own-dm' };

    const customer = dm.senderId;
    const threadId = dm.conversationId ?? oneToOneConversationId(customer, brand.id);
    const username = dm.sender?.username ?? `user${customer}`;
    return {
      kind: 'message',
      message: {
        messageId: dm.id,
        kind: 'dm',
        source,
        brandAccountId: brand.id,
        brandUsername: brand.username,
        conversationKey: `${brand.id}:dm:${customer}`,
        threadId,
        text: dm.text,
        createdAt: dm.createdAt ?? new Date(receivedAt).toISOString(),
        mentions: extractMentions(dm.text, dm.mentions),
        author: {
          id: customer,
          username,
          name: dm.sender?.name ?? username,
          followersCount: dm.sender?.followersCount ?? 0,
          followingCount: dm.sender?.followingCount ?? 0,
          tweetCount: dm.sender?.tweetCount ?? 0,
          profileUrl: `https://x.com/${username}`,
          ...(dm.sender?.followsYou === undefined ? {} : { followsBrand: dm.sender.followsYou }),
        },
        receivedAt,
      },
    };
  }
}
