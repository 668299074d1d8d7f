import { type InboundMessage } from '@perch/contracts';

/** What differs between the routing benchmarks' tweets: the brand, the text, and whether it is a DM. */
export interface BenchMentionShape {
  brandAccountId: string;
  brandUsername: string;
  text: string;
  dm?: boolean;
}

/** The `sequence`-th customer's tweet to the brand: its own conversation, author and message id (19 digits). */
export function benchMention(sequence: number, shape: BenchMentionShape): InboundMessage {
  const messageId = String(1_900_000_000_000_000_000n + BigInt(sequence));
  return {
    messageId,
    kind: shape.dm === true ? 'dm' : 'mention',
    source: 'stream',
    brandAccountId: shape.brandAccountId,
    brandUsername: shape.brandUsername,
    conversationKey: `${shape.brandAccountId}:${messageId}`,
    threadId: messageId,
    text: shape.text,
    createdAt: new Date().toISOString(),
    mentions: [shape.brandUsername],
    author: {
      id: String(sequence),
      username: `customer${sequence}`,
      name: 'A Customer',
      followersCount: 10,
      followingCount: 20,
      tweetCount: 30,
      profileUrl: `https://x.com/customer${sequence}`,
    },
    receivedAt: Date.now(),
  };
}
