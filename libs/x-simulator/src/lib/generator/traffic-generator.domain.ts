import { canSendDm } from '../dms/dm-policy.util';
import type { SimulatorCounters } from '../simulator-runtime.types';
import type { SimTweet, SimUser } from '../state/simulator-state.types';
import type { SimulatorStore } from '../state/simulator-store.domain';
import { generateCustomerProfiles } from './customer-profiles.util';
import { chance, createRandom, pick, weighted, weightTable, type Random, type WeightTable } from './prng.util';
import { composeTweet, DEFAULT_MIX, type TweetMix } from './tweet-text-generator.util';
import type { TweetCategory } from './tweet-templates.constants';

export interface GeneratorSpec {
  /** Tweets per second. */
  rate: number;
  /** Size of the customer pool (created on first use, reused afterwards). */
  customers: number;
  /** Username of the brand every tweet mentions (must exist). */
  brand: string;
  durationMs?: number;
  count?: number;
  mix?: TweetMix;
  seed?: string | number;
  /** Share of tweets that continue an existing thread instead of starting one. Default 0.1. */
  replyRatio?: number;
  /** Share of new customers that follow the brand. Default 0.3. */
  followBrandRatio?: number;
  /**
   * Share of the produced items that are DMs from a customer to the brand instead of tweets. Default 0.
   * `rate` and `count` cover both; a customer the brand's settings refuse tweets instead.
   */
  dmShare?: number;
}

export interface GeneratorStatus {
  running: boolean;
  /** Tweets and DMs together. */
  produced: number;
  /** Of which DMs. */
  dms: number;
  target?: number;
  startedAt?: string;
  stoppedAt?: string;
  stopReason?: 'count' | 'duration' | 'stopped' | 'reset';
  /** Achieved rate over the run so far. */
  actualRate?: number;
  spec?: GeneratorSpec;
}

export class GeneratorError extends Error {}

/** One timer tick drives everything: per-tweet timers would cost more than the tweets themselves. */
const TICK_MS = 10;
const THREAD_POOL = 2000;

export class TrafficGenerator {
  private timer: NodeJS.Timeout | undefined;
  private spec: GeneratorSpec | undefined;
  private startedAtMs = 0;
  private stoppedAtMs: number | undefined;
  private stopReason: GeneratorStatus['stopReason'];
  private produced = 0;
  private dms = 0;
  private random: Random = createRandom(0);
  private mix: WeightTable<Exclude<TweetCategory, 'followup'>> = weightTable(DEFAULT_MIX);
  private pool: SimUser[] = [];
  private brand: SimUser | undefined;
  private readonly threads: SimTweet[] = [];
  private threadCursor = 0;

  constructor(
    private readonly store: SimulatorStore,
    private readonly counters: SimulatorCounters,
    private readonly now: () => number,
  ) {}

  start(spec: GeneratorSpec): GeneratorStatus {
    if (!(spec.rate > 0)) throw new GeneratorError('rate must be a positive number of tweets per second');
    if (!(spec.customers >= 1)) throw new GeneratorError('customers must be at least 1');
    if (spec.dmShare !== undefined && !(spec.dmShare >= 0 && spec.dmShare <= 1)) throw new GeneratorError('dmShare must be between 0 and 1');
    const brand = this.store.userByUsername(spec.brand);
    if (!brand) throw new GeneratorError(`brand @${spec.brand} does not exist; create it with POST /admin/accounts`);
    let mix: WeightTable<Exclude<TweetCategory, 'followup'>>;
    try {
      mix = weightTable({ ...DEFAULT_MIX, ...spec.mix });
    } catch {
      throw new GeneratorError('mix needs at least one positive weight');
    }
    this.stop('stopped');
    this.mix = mix;
    this.spec = { ...spec };
    this.brand = brand;
    this.random = createRandom(spec.seed ?? this.now());
    this.pool = this.ensureCustomers(spec, brand);
    this.threads.length = 0;
    this.threadCursor = 0;
    this.produced = 0;
    this.dms = 0;
    this.startedAtMs = this.now();
    this.stoppedAtMs = undefined;
    this.stopReason = undefined;
    this.timer = setInterval(() => this.tick(), TICK_MS);
    this.timer.unref();
    return this.status();
  }

  stop(reason: NonNullable<GeneratorStatus['stopReason']> = 'stopped'): GeneratorStatus {
    if (this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
      this.stoppedAtMs = this.now();
      this.stopReason = reason;
    }
    return this.status();
  }

  status(): GeneratorStatus {
    const running = this.timer !== undefined;
    const status: GeneratorStatus = { running, produced: this.produced, dms: this.dms };
    if (!this.spec) return status;
    status.spec = this.spec;
    if (this.spec.count !== undefined) status.target = this.spec.count;
    status.startedAt = new Date(this.startedAtMs).toISOString();
    const end = this.stoppedAtMs ?? this.now();
    if (end > this.startedAtMs) status.actualRate = Math.round((this.produced * 1000) / (end - this.startedAtMs));
    if (this.stoppedAtMs !== undefined) status.stoppedAt = new Date(this.stoppedAtMs).toISOString();
    if (this.stopReason) status.stopReason = this.stopReason;
    return status;
  }

  private ensureCustomers(spec: GeneratorSpec, brand: SimUser): SimUser[] {
    const profiles = generateCustomerProfiles(spec.customers, spec.seed ?? 'customers');
    const followRatio = spec.followBrandRatio ?? 0.3;
    return profiles.map((p) => {
      const existing = this.store.userByUsername(p.username);
      if (existing) return existing;
      const user = this.store.createUser({
        username: p.username,
        name: p.name,
        kind: 'customer',
        description: p.description,
        location: p.location,
        verified: p.verified,
        createdAt: p.createdAt,
        base: {
          followers: p.followersCount,
          following: p.followingCount,
          tweets: p.tweetCount,
          listed: p.listedCount,
          likes: p.likeCount,
        },
      });
      if (chance(this.random, followRatio)) this.store.follow(user.id, brand.id, false);
      return user;
    });
  }

  private tick(): void {
    const { spec, brand } = this;
    if (!spec || !brand) return;
    const elapsed = this.now() - this.startedAtMs;
    if (spec.durationMs !== undefined && elapsed >= spec.durationMs) {
      this.stop('duration');
      return;
    }
    let due = Math.floor((spec.rate * elapsed) / 1000) - this.produced;
    // After a long event-loop pause catch up at most 100 ms worth at once, so the loop stays responsive.
    due = Math.min(due, Math.max(1, Math.ceil(spec.rate / 10)));
    if (spec.count !== undefined) due = Math.min(due, spec.count - this.produced);
    for (let i = 0; i < due; i++) this.produceOne(spec, brand);
    if (spec.count !== undefined && this.produced >= spec.count) this.stop('count');
  }

  // tick() passes the brand it has already checked, so a stopped generator cannot get here without one.
  private produceOne(spec: GeneratorSpec, brand: SimUser): void {
    if (spec.dmShare && chance(this.random, spec.dmShare) && this.produceDm(brand)) return;
    const replyRatio = spec.replyRatio ?? 0.1;
    if (this.threads.length > 0 && chance(this.random, replyRatio)) {
      const root = pick(this.random, this.threads);
      const latest = this.store.latestTweetInConversation(root.conversationId);
      if (latest && this.store.userById(root.authorId)) {
        const { text } = composeTweet(this.random, brand.username, 'followup');
        this.store.createTweet({ authorId: root.authorId, text, inReplyToTweetId: latest.id, origin: 'generator', lang: customerLanguage(root.authorId) });
        this.counted();
        return;
      }
    }
    const author = pick(this.random, this.pool);
    const category = weighted(this.random, this.mix);
    const { text } = composeTweet(this.random, brand.username, category);
    const tweet = this.store.createTweet({ authorId: author.id, text, origin: 'generator', lang: customerLanguage(author.id) });
    // Remember recent thread starters in a ring so follow-ups land in live conversations.
    if (this.threads.length < THREAD_POOL) this.threads.push(tweet);
    else this.threads[this.threadCursor++ % THREAD_POOL] = tweet;
    this.counted();
  }

  /** A customer writing to the brand privately; false when the brand's DM settings refuse them. */
  private produceDm(brand: SimUser): boolean {
    const author = pick(this.random, this.pool);
    if (!canSendDm(this.store, author, brand)) return false;
    const category = weighted(this.random, this.mix);
    // The tweet templates address the brand by @mention; a DM needs no address.
    const mention = new RegExp(`@${brand.username}\\b[,:]?\\s*`, 'gi');
    const text = composeTweet(this.random, brand.username, category).text.replace(mention, '').trim() || 'Hi, I need some help please';
    this.store.createDirectMessage({ senderId: author.id, recipientId: brand.id, text, origin: 'generator' });
    this.produced++;
    this.dms++;
    this.counters.dmsByOrigin.generator++;
    return true;
  }

  private counted(): void {
    this.produced++;
    this.counters.tweetsByOrigin.generator++;
  }
}

/**
 * The language X would detect in a generated customer's tweets: one per customer, from its id (so the seeded random
 * stream is untouched): about 80 % en, 8 % fr, 7 % es, 5 % de, as an English-first brand's mentions might be.
 */
export function customerLanguage(authorId: string): string {
  let hash = 0;
  for (let i = 0; i < authorId.length; i++) hash = (hash * 31 + authorId.charCodeAt(i)) >>> 0;
  const bucket = hash % 100;
  return bucket < 80 ? 'en' : bucket < 88 ? 'fr' : bucket < 95 ? 'es' : 'de';
}
