import { type InboundMessage, type InboundSource } from '@perch/contracts';
import { type BrandAccount } from '@perch/x-client';
import { type TweetV2SingleStreamResult, type UserV2 } from 'twitter-api-v2';


export type NormalizeResult =
  | { kind: 'message'; message: InboundMessage }
  | { kind: 'ignored'; reason: 'own-tweet' | 'not-for-a-brand' }
  | { kind: 'invalid'; reason: string };

const MENTION = /(^|[^\w@])@(\w{1,15})/g;
// The contract's check of `lang` (a BCP 47 tag such as en, fr, pt-BR, und).
const LANG_TAG = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

/**
 * Turns an X stream message into Perch's inbound contract. Pure: the same input gives the same
 * output, so the ingestor can be replayed and tested without X.
 */
export class TweetNormalizer {
  private readonly byId: Map<string, BrandAccount>;
  private readonly byUsername: Map<string, BrandAccount>;

  constructor(readonly brands: readonly BrandAccount[]) {
    this.byId = new Map(brands.map((b) => [b.id, b]));
    this.byUsername = new Map(brands.map((b) => [b.username.toLowerCase(), b]));
  }

  normalize(result: TweetV2SingleStreamResult, receivedAt: number, source: InboundSource = 'stream'): NormalizeResult {
    const tweet = result.data;
    if (!tweet || typeof tweet.id !== 'string' || !/^\d{1,19}$/.test(tweet.id)) {
      return { kind: 'invalid', reason: 'tweet without a valid id' };
    }
    if (typeof tweet.text !== 'string') return { kind: 'invalid', reason: `tweet ${tweet.id} has no text` };
    if (!tweet.author_id) return { kind: 'invalid', reason: `tweet ${tweet.id} has no author_id (ask for expansions=author_id)` };
    // Our own replies match our rules too; answering ourselves would loop.
    if (this.byId.has(tweet.author_id)) return { kind: 'ignored', reason: 'own-tweet' };

    const mentions = extractMentions(tweet.text, tweet.entities?.mentions?.map((m) => m.username));
    const brand = this.brandFor(result, mentions);
    if (!brand) return { kind: 'ignored', reason: 'not-for-a-brand' };

    const author = result.includes?.users?.find((u) => u.id === tweet.author_id);
    const repliedTo = tweet.referenced_tweets?.find((r) => r.type === 'replied_to');
    const quoted = tweet.referenced_tweets?.find((r) => r.type === 'quoted');
    const threadRoot = tweet.conversation_id ?? tweet.id;
    return {
      kind: 'message',
      message: {
        messageId: tweet.id,
        kind: repliedTo ? 'reply' : quoted ? 'quote' : 'mention',
        source,
        brandAccountId: brand.id,
        brandUsername: brand.username,
        conversationKey: `${brand.id}:${threadRoot}`,
        threadId: threadRoot,
        text: tweet.text,
        createdAt: tweet.created_at ?? new Date(receivedAt).toISOString(),
        ...(repliedTo ? { inReplyToTweetId: repliedTo.id } : {}),
        // X's detected language; a value the contract would refuse is left out rather than losing the message.
        ...(typeof tweet.lang === 'string' && LANG_TAG.test(tweet.lang) ? { lang: tweet.lang } : {}),
        mentions,
        author: toAuthor(tweet.author_id, author),
        receivedAt,
      },
    };
  }

  private brandFor(result: TweetV2SingleStreamResult, mentions: readonly string[]): BrandAccount | undefined {
    // Rules are tagged "brand:<id>" by the ingestor, which settles a tweet mentioning two brands.
    for (const rule of result.matching_rules ?? []) {
      const id = rule.tag?.startsWith('brand:') ? rule.tag.slice('brand:'.length) : undefined;
      const brand = id ? this.byId.get(id) : undefined;
      if (brand) return brand;
    }
    for (const username of mentions) {
      const brand = this.byUsername.get(username.toLowerCase());
      if (brand) return brand;
    }
    return undefined;
  }
}

/** Usernames mentioned, without '@', in order: X's entities when it sent them, else read from the text. */
export function extractMentions(text: string, fromEntities: readonly string[] | undefined): string[] {
  if (fromEntities && fromEntities.length > 0) return [...fromEntities];
  return [...text.matchAll(MENTION)].map((m) => m[2] ?? '').filter((m) => m.length > 0);
}

function toAuthor(id: string, user: UserV2 | undefined): InboundMessage['author'] {
  const username = user?.username ?? `user${id}`;
  return {
    id,
    username,
    name: user?.name ?? username,
    followersCount: user?.public_metrics?.followers_count ?? 0,
    followingCount: user?.public_metrics?.following_count ?? 0,
    tweetCount: user?.public_metrics?.tweet_count ?? 0,
    profileUrl: `https://x.com/${username}`,
    ...(user?.connection_status ? { followsBrand: user.connection_status.includes('followed_by') } : {}),
  };
}
