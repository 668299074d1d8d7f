import { errorMessage, type Logger, newId } from '@perch/platform';
import {
  ACCOUNT_ACTIVITY_RULE_ID,
  type AccountActivityDelivery,
  type AccountActivityTweet,
  type BrandAccount,
  crcResponseToken,
  parseAccountActivityPayload,
  verifyWebhookSignature,
} from '@perch/x-client';
import { type TweetV2SingleStreamResult } from 'twitter-api-v2';

import { type InboundSource, type InboundSourceHandlers } from '../inbound-source.port';

const ORIGIN = 'x.account-activity';

/**
 * X's crc_token: an opaque URL-safe string. The docs' example is a UUID (36 characters), X sends base64 of one (48),
 * the simulator 24 random bytes in base64url (32); 16 to 64 leaves room either side. The CRC answer is the HMAC under
 * the same key as a delivery's signature, so signing anything else would let anyone have Perch sign a forged
 * delivery: no character that JSON needs (`{`, `"`, `:`, space…) is ever signed.
 */
export const CRC_TOKEN_PATTERN = /^[A-Za-z0-9_=+/-]{16,64}$/;

/** What the receiver needs to resolve a webhook reply's thread root (TweetLookupReader from @perch/x-client). */
export interface TweetLookup {
  lookup(token: string, ids: readonly string[]): Promise<TweetV2SingleStreamResult[]>;
}

export interface AccountActivityWebhookOptions {
  /** The X app's consumer secret: the key of the CRC answer and of every delivery's signature. */
  consumerSecret: string;
  /** Resolves the thread root of replies (v1.1 tweets carry none); without it such replies are left to the stream and the poll. */
  tweetLookup?: TweetLookup;
}

export interface AccountActivityWebhookCounters {
  crcChecks: number;
  /** CRC requests refused: no token, or not one of X's format (a probe for a signing oracle). */
  crcRefused: number;
  deliveriesAccepted: number;
  deliveriesRefused: number;
  refusedMissingSignature: number;
  refusedBadSignature: number;
  refusedMalformed: number;
  /** Signed bodies that are not a JSON object: X never sends one, so a forgery; refused unread. */
  refusedNotObject: number;
  refusedNotReady: number;
  unknownAccount: number;
  directMessages: number;
  tweets: number;
  follows: number;
  unfollows: number;
  retweetsSkipped: number;
  /** Replies whose thread root could not be looked up: the stream or the mentions poll brings them instead. */
  repliesLeftToPolling: number;
  otherEvents: number;
  publishFailures: number;
}

export type CrcAnswer = { status: 200; body: { response_token: string } } | { status: 400; reason: string };

export type WebhookOutcome =
  | { status: 200; deliveryId: string }
  | { status: 400; deliveryId: string; reason: string }
  | { status: 401; deliveryId: string; reason: string }
  | { status: 403; deliveryId: string; reason: string }
  /** Not started yet, or a message could not be published: X delivers again and the DM poll backfills. */
  | { status: 503; deliveryId: string; reason: string };

/**
 * X's Account Activity webhook as an inbound source: answers CRC challenges, checks each delivery's signature over
 * its raw bytes, and hands DMs and tweets to the ingestor (same normalization and dedupe as the stream and polls).
 * The HTTP side is AccountActivityWebhookController; this class holds everything that is not HTTP.
 */
export class AccountActivityWebhookSource implements InboundSource {
  readonly counters: AccountActivityWebhookCounters = {
    crcChecks: 0,
    crcRefused: 0,
    deliveriesAccepted: 0,
    deliveriesRefused: 0,
    refusedMissingSignature: 0,
    refusedBadSignature: 0,
    refusedMalformed: 0,
    refusedNotObject: 0,
    refusedNotReady: 0,
    unknownAccount: 0,
    directMessages: 0,
    tweets: 0,
    follows: 0,
    unfollows: 0,
    retweetsSkipped: 0,
    repliesLeftToPolling: 0,
    otherEvents: 0,
    publishFailures: 0,
  };
  private handlers?: InboundSourceHandlers;
  private readonly inFlight = new Set<Promise<WebhookOutcome>>();
  private readonly brands: ReadonlyMap<string, BrandAccount>;

  constructor(
    brands: readonly BrandAccount[],
    private readonly options: AccountActivityWebhookOptions,
    private readonly logger: Logger,
  ) {
    this.brands = new Map(brands.map((b) => [b.id, b]));
  }

  async start(handlers: InboundSourceHandlers): Promise<void> {
    this.handlers = handlers;
  }

  async stop(): Promise<void> {
    this.handlers = undefined;
    await Promise.allSettled([...this.inFlight]);
  }

  /** GET ?crc_token=…: proves to X that we hold the consumer secret. Only tokens of X's format are signed. */
  answerCrc(crcToken: unknown): CrcAnswer {
    if (typeof crcToken !== 'string' || crcToken.length === 0) {
      this.counters.crcRefused += 1;
      return { status: 400, reason: 'crc_token query parameter is required (once)' };
    }
    if (!CRC_TOKEN_PATTERN.test(crcToken)) {
      this.counters.crcRefused += 1;
      // Not X: the token is not logged (it may be a body someone wants signed), its length is enough to diagnose.
      this.logger.warn({ length: crcToken.length }, 'CRC refused: crc_token is not of X’s format');
      return { status: 400, reason: 'crc_token must be 16 to 64 characters of A-Z a-z 0-9 - _ = + / (the format X sends); nothing else is signed' };
    }
    this.counters.crcChecks += 1;
    return { status: 200, body: { response_token: crcResponseToken(this.options.consumerSecret, crcToken) } };
  }

  /** One POSTed delivery, as raw bytes with its signature header. Resolves once every message in it is published. */
  receive(rawBody: Buffer, signature: string | readonly string[] | undefined): Promise<WebhookOutcome> {
    const work = this.handle(rawBody, signature, newId());
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
    return work;
  }

  private async handle(rawBody: Buffer, signature: string | readonly string[] | undefined, deliveryId: string): Promise<WebhookOutcome> {
    const check = verifyWebhookSignature(this.options.consumerSecret, rawBody, signature);
    if (check !== 'valid') {
      this.counters.deliveriesRefused += 1;
      if (check === 'missing') this.counters.refusedMissingSignature += 1;
      else this.counters.refusedBadSignature += 1;
      // Nothing from an unsigned body is trusted, logged in full or dead-lettered: anyone can POST here.
      this.logger.warn({ deliveryId, bytes: rawBody.length, signature: check }, 'webhook delivery refused: signature');
      return check === 'missing'
        ? { status: 401, deliveryId, reason: 'x-twitter-webhooks-signature header is missing' }
        : { status: 403, deliveryId, reason: 'x-twitter-webhooks-signature does not match the body' };
    }
    const handlers = this.handlers;
    if (!handlers) {
      this.counters.deliveriesRefused += 1;
      this.counters.refusedNotReady += 1;
      return { status: 503, deliveryId, reason: 'ingestor is not running' };
    }
    const raw = rawBody.toString('utf8');
    if (!raw.trimStart().startsWith('{')) {
      // X only ever sends an object. Anything else that carries a valid signature was signed some other way (a CRC
      // answer is the same HMAC): refused unread, and not dead-lettered, so its content goes nowhere.
      this.counters.deliveriesRefused += 1;
      this.counters.refusedNotObject += 1;
      this.logger.warn({ deliveryId, bytes: rawBody.length }, 'webhook delivery refused: signed body is not a JSON object');
      return { status: 400, deliveryId, reason: 'webhook body must be a JSON object' };
    }
    const parsed = parseAccountActivityPayload(raw);
    if (!parsed.ok) {
      this.counters.deliveriesRefused += 1;
      this.counters.refusedMalformed += 1;
      handlers.onProblem({ reason: parsed.reason, raw, origin: ORIGIN });
      this.logger.warn({ deliveryId, reason: parsed.reason }, 'webhook delivery refused: malformed');
      return { status: 400, deliveryId, reason: parsed.reason };
    }
    const delivery = parsed.delivery;
    const brand = this.brands.get(delivery.forUserId);
    if (!brand) {
      // Signed by X, so real: a subscription Perch does not serve (an account removed from X_BRAND_TOKENS?). Kept, not retried.
      this.counters.unknownAccount += 1;
      this.counters.deliveriesAccepted += 1;
      handlers.onProblem({ reason: `webhook delivery for account ${delivery.forUserId}, which is not a brand Perch serves`, raw, origin: ORIGIN });
      this.logger.warn({ deliveryId, forUserId: delivery.forUserId }, 'webhook delivery for an unknown account dead-lettered');
      return { status: 200, deliveryId };
    }
    for (const problem of delivery.problems) handlers.onProblem({ ...problem, origin: ORIGIN });
    this.countEvents(delivery, deliveryId, brand);

    const receivedAt = Date.now();
    const failures: unknown[] = [];
    // One at a time and in X's order, so two DMs of one conversation keep their order on Kafka.
    for (const dm of delivery.directMessages) {
      await handlers.onDirectMessage(dm, receivedAt, 'dm-webhook').catch((error: unknown) => failures.push(error));
    }
    for (const tweet of await this.streamShaped(delivery.tweets, brand, deliveryId)) {
      await handlers.onTweet(tweet, receivedAt, 'tweet-webhook').catch((error: unknown) => failures.push(error));
    }
    if (failures.length > 0) {
      this.counters.publishFailures += 1;
      this.counters.deliveriesRefused += 1;
      this.logger.error({ deliveryId, brand: brand.username, failures: failures.length, err: errorMessage(failures[0]) }, 'webhook delivery not fully published');
      return { status: 503, deliveryId, reason: 'could not publish every message of the delivery' };
    }
    this.counters.deliveriesAccepted += 1;
    return { status: 200, deliveryId };
  }

  private countEvents(delivery: AccountActivityDelivery, deliveryId: string, brand: BrandAccount): void {
    this.counters.directMessages += delivery.directMessages.length;
    this.counters.tweets += delivery.tweets.length;
    this.counters.otherEvents += delivery.ignoredKinds.length + delivery.ignoredDirectMessageEvents;
    for (const follow of delivery.follows) {
      if (follow.type === 'follow') this.counters.follows += 1;
      else this.counters.unfollows += 1;
      // Nothing is published for follows yet; the log keeps them visible (DM eligibility depends on them).
      this.logger.info({ deliveryId, brand: brand.username, type: follow.type, sourceId: follow.sourceId, targetId: follow.targetId }, 'follow event');
    }
    if (delivery.ignoredKinds.length > 0) this.logger.debug({ deliveryId, kinds: delivery.ignoredKinds }, 'webhook events Perch does not act on');
  }

  /**
   * The delivery's tweets as the stream would have sent them. Retweets are left out (the stream's rules exclude them
   * too). A reply's thread root is not in v1.1 tweets: it is looked up, or else the reply is left to the stream and
   * the mentions poll, since publishing it under the wrong conversation would split the customer's thread.
   */
  private async streamShaped(tweets: readonly AccountActivityTweet[], brand: BrandAccount, deliveryId: string): Promise<TweetV2SingleStreamResult[]> {
    const wanted = tweets.filter((t) => {
      if (t.isRetweet) this.counters.retweetsSkipped += 1;
      return !t.isRetweet;
    });
    // The brands' own replies arrive too; the ingestor ignores them, so their thread is not worth a lookup.
    const own = (t: AccountActivityTweet) => this.brands.has(t.result.data.author_id ?? '');
    const unresolved = wanted.filter((t) => !t.conversationKnown && !own(t)).map((t) => t.result.data.id);
    const resolved = new Map<string, TweetV2SingleStreamResult>();
    if (unresolved.length > 0 && this.options.tweetLookup) {
      try {
        for (const found of await this.options.tweetLookup.lookup(brand.token, unresolved)) {
          resolved.set(found.data.id, { ...found, matching_rules: [{ id: ACCOUNT_ACTIVITY_RULE_ID, tag: `brand:${brand.id}` }] });
        }
      } catch (error) {
        this.logger.warn({ deliveryId, brand: brand.username, ids: unresolved, err: errorMessage(error) }, 'could not look up webhook replies');
      }
    }
    return wanted.flatMap((t) => {
      if (t.conversationKnown || own(t)) return [t.result];
      const found = resolved.get(t.result.data.id);
      if (!found) this.counters.repliesLeftToPolling += 1;
      return found ? [found] : [];
    });
  }
}
