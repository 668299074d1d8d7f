import { type Classification, type InboundMessage } from '@perch/contracts';

import { type OfferMessage } from './ws-messages.types';

const SNIPPET_LENGTH = 140;

/** What an offer's toast needs: the router's offer and the first message with its labels. */
export interface OfferFacts {
  interactionId: string;
  offerId: string;
  /** ISO deadline. */
  expiresAt: string;
  priority: number;
  brandAccountId: string;
  conversationKey: string;
  message: InboundMessage;
  classification: Classification;
}

/** The `offer` message, pushed on the router's 'offered' event and answered again by GET /api/agents/me/offers. */
export function offerMessageOf(facts: OfferFacts): OfferMessage {
  const { message, classification } = facts;
  const author = message.author;
  return {
    type: 'offer',
    interactionId: facts.interactionId,
    offerId: facts.offerId,
    expiresAt: facts.expiresAt,
    priority: facts.priority,
    brandAccountId: facts.brandAccountId,
    conversationKey: facts.conversationKey,
    messageId: message.messageId,
    messageKind: message.kind,
    author: {
      id: author.id,
      username: author.username,
      name: author.name,
      followersCount: author.followersCount,
      followingCount: author.followingCount,
      tweetCount: author.tweetCount,
      profileUrl: author.profileUrl,
    },
    snippet: snippet(message.text),
    text: message.text,
    sentiment: classification.sentiment,
    actionability: classification.actionability,
    createdAt: message.createdAt,
    receivedAt: message.receivedAt,
  };
}

/** The text on one line, at most SNIPPET_LENGTH code points (an emoji is one, never split), cut with an ellipsis. */
export function snippet(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  // UTF-16 units are at least the code points: most texts need no counting, and none is copied into an array.
  if (flat.length <= SNIPPET_LENGTH) return flat;
  let points = 0;
  let index = 0;
  let cut = 0;
  for (const char of flat) {
    if (points === SNIPPET_LENGTH - 1) cut = index;
    points += 1;
    if (points > SNIPPET_LENGTH) return `${flat.slice(0, cut)}…`;
    index += char.length;
  }
  return flat;
}
