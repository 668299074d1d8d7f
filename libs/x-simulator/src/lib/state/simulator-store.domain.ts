import { extractHashtagsWithIndices, extractMentionsWithIndices, modifyIndicesFromUTF16ToUnicode } from 'twitter-text';

import { oneToOneConversationId, participantsOf } from '../dms/dm-policy.util';
import { matchesRule, toTokenText, type RuleMatchSubject, type RuleNode } from '../stream/rule-query.util';
import { SnowflakeGenerator } from './snowflake.util';
import type {
  AccountKind,
  BaseMetrics,
  DmOrigin,
  FollowChange,
  SimDmEvent,
  SimHashtag,
  SimMention,
  SimRule,
  SimTweet,
  SimUser,
  TweetOrigin,
} from './simulator-state.types';

export interface NewUser {
  username: string;
  name?: string;
  kind: AccountKind;
  token?: string;
  description?: string;
  location?: string;
  verified?: boolean;
  protected?: boolean;
  receivesYourDm?: boolean;
  createdAt?: string;
  base?: Partial<BaseMetrics>;
}

export interface NewTweet {
  authorId: string;
  text: string;
  inReplyToTweetId?: string;
  quoteTweetId?: string;
  /** Users left out of the auto-populated leading reply mentions (X's reply.exclude_reply_user_ids). */
  excludeReplyUserIds?: readonly string[];
  origin: TweetOrigin;
  /** The language X would detect (BCP 47); rendered as `lang`, 'en' when absent. */
  lang?: string;
}

export interface NewDirectMessage {
  senderId: string;
  recipientId: string;
  text: string;
  origin: DmOrigin;
}

export type Principal = { kind: 'app' } | { kind: 'user'; user: SimUser };

export interface StoreOptions {
  /** Oldest tweets are forgotten beyond this many, so long load tests keep memory flat. */
  maxStoredTweets: number;
  /** Prefix replies with "@author " (and the parent's mentions) like X's auto-populated reply metadata. */
  autoPopulateReplyMentions: boolean;
  now: () => number;
}

export class UsernameTakenError extends Error {}

/** The simulator's whole in-memory world: accounts, tokens, follows, tweets and stream rules. */
export class SimulatorStore {
  private readonly users = new Map<string, SimUser>();
  private readonly usersByName = new Map<string, SimUser>();
  private readonly tokens = new Map<string, Principal>();
  /** target id → (follower id → followed-at ms), insertion order = follow order. */
  private readonly followers = new Map<string, Map<string, number>>();
  private readonly following = new Map<string, Set<string>>();

  private readonly tweets = new Map<string, SimTweet>();
  /**
   * Creation order for eviction. Map.keys().next() after many front deletions walks V8's tombstones
   * (quadratic under load), so the order is kept in an array with a moving head instead.
   */
  private evictionQueue: SimTweet[] = [];
  private evictionHead = 0;
  private readonly tweetsByAuthor = new Map<string, SimTweet[]>();
  private readonly mentionsByUser = new Map<string, SimTweet[]>();
  private readonly latestInConversation = new Map<string, string>();
  /** Live tweet count per author, kept incrementally: public_metrics is rendered on every stream message. */
  private readonly liveCountByAuthor = new Map<string, number>();
  private evictedSinceCompaction = 0;
  /** Thousands of tweets share a millisecond under load; format the timestamp once per ms. */
  private isoCache = { ms: -1, iso: '' };

  private readonly rules = new Map<string, SimRule>();

  private readonly tweetIds: SnowflakeGenerator;
  private readonly otherIds: SnowflakeGenerator;
  private nextUserSeq = 1;
  private readonly tweetListeners: ((tweet: SimTweet) => void)[] = [];
  private readonly tweetDeleteListeners: ((tweet: SimTweet) => void)[] = [];
  private readonly followListeners: ((change: FollowChange) => void)[] = [];
  private readonly dmListeners: ((event: SimDmEvent) => void)[] = [];

  /** DMs in creation order (oldest first), capped like tweets; per-user and per-conversation views. */
  private dmEvents: SimDmEvent[] = [];
  private readonly dmsByUser = new Map<string, SimDmEvent[]>();
  private readonly dmsByConversation = new Map<string, SimDmEvent[]>();

  tweetsCreated = 0;
  dmEventsCreated = 0;

  constructor(private readonly options: StoreOptions) {
    this.tweetIds = new SnowflakeGenerator(options.now);
    this.otherIds = new SnowflakeGenerator(options.now);
  }

  onTweetCreated(listener: (tweet: SimTweet) => void): void {
    this.tweetListeners.push(listener);
  }

  onTweetDeleted(listener: (tweet: SimTweet) => void): void {
    this.tweetDeleteListeners.push(listener);
  }

  /** Follow edges created or removed (not the ones declared as initial state, see follow()). */
  onFollowChange(listener: (change: FollowChange) => void): void {
    this.followListeners.push(listener);
  }

  onDirectMessage(listener: (event: SimDmEvent) => void): void {
    this.dmListeners.push(listener);
  }

  clear(): void {
    this.users.clear();
    this.usersByName.clear();
    this.tokens.clear();
    this.followers.clear();
    this.following.clear();
    this.tweets.clear();
    this.evictionQueue = [];
    this.evictionHead = 0;
    this.tweetsByAuthor.clear();
    this.mentionsByUser.clear();
    this.latestInConversation.clear();
    this.liveCountByAuthor.clear();
    this.rules.clear();
    this.dmEvents = [];
    this.dmsByUser.clear();
    this.dmsByConversation.clear();
    this.nextUserSeq = 1;
    this.tweetsCreated = 0;
    this.dmEventsCreated = 0;
    this.evictedSinceCompaction = 0;
  }

  // ---- auth -------------------------------------------------------------------------------------

  registerAppToken(token: string): void {
    this.tokens.set(token, { kind: 'app' });
  }

  principalFor(token: string): Principal | undefined {
    return this.tokens.get(token);
  }

  // ---- users ------------------------------------------------------------------------------------

  createUser(input: NewUser): SimUser {
    const usernameLower = input.username.toLowerCase();
    if (this.usersByName.has(usernameLower)) throw new UsernameTakenError(`@${input.username} already exists`);
    // User ids are plain numbers in X too; a fixed base keeps them stable across runs and resets.
    const id = String(1_400_000_000_000_000_000n + BigInt(this.nextUserSeq++) * 7919n);
    const token = input.token ?? `${usernameLower}-user-token-${id.slice(-6)}`;
    if (this.tokens.has(token)) throw new UsernameTakenError(`token for @${input.username} is already in use`);
    const user: SimUser = {
      id,
      username: input.username,
      usernameLower,
      name: input.name ?? input.username,
      kind: input.kind,
      createdAt: input.createdAt ?? new Date(this.options.now()).toISOString(),
      description: input.description ?? '',
      location: input.location,
      verified: input.verified ?? false,
      protected: input.protected ?? false,
      // Brands open their DMs so any customer can write; people keep X's default (followed accounts only).
      receivesYourDm: input.receivesYourDm ?? input.kind === 'brand',
      base: { followers: 0, following: 0, tweets: 0, listed: 0, likes: 0, ...input.base },
      token,
    };
    this.users.set(id, user);
    this.usersByName.set(usernameLower, user);
    this.tokens.set(token, { kind: 'user', user });
    return user;
  }

  userById(id: string): SimUser | undefined {
    return this.users.get(id);
  }

  userByUsername(username: string): SimUser | undefined {
    return this.usersByName.get(username.replace(/^@/, '').toLowerCase());
  }

  allUsers(): SimUser[] {
    return [...this.users.values()];
  }

  userCount(): number {
    return this.users.size;
  }

  publicMetrics(user: SimUser): {
    followers_count: number;
    following_count: number;
    tweet_count: number;
    listed_count: number;
    like_count: number;
  } {
    return {
      followers_count: user.base.followers + (this.followers.get(user.id)?.size ?? 0),
      following_count: user.base.following + (this.following.get(user.id)?.size ?? 0),
      tweet_count: user.base.tweets + (this.liveCountByAuthor.get(user.id) ?? 0),
      listed_count: user.base.listed,
      like_count: user.base.likes,
    };
  }

  // ---- follows ----------------------------------------------------------------------------------

  /**
   * Adds the edge; true when it is new. `announce: false` is for edges declared as initial state
   * (seeded accounts, generator customers): they existed before anyone listened, so no follow event.
   */
  follow(followerId: string, targetId: string, announce = true): boolean {
    let targetFollowers = this.followers.get(targetId);
    if (!targetFollowers) this.followers.set(targetId, (targetFollowers = new Map()));
    const created = !targetFollowers.has(followerId);
    if (created) targetFollowers.set(followerId, this.options.now());
    let out = this.following.get(followerId);
    if (!out) this.following.set(followerId, (out = new Set()));
    out.add(targetId);
    if (created && announce) this.emitFollowChange('follow', followerId, targetId);
    return created;
  }

  /** Removes the edge; true when there was one. */
  unfollow(followerId: string, targetId: string): boolean {
    const removed = this.followers.get(targetId)?.delete(followerId) ?? false;
    this.following.get(followerId)?.delete(targetId);
    if (removed) this.emitFollowChange('unfollow', followerId, targetId);
    return removed;
  }

  isFollowing(followerId: string, targetId: string): boolean {
    return this.following.get(followerId)?.has(targetId) ?? false;
  }

  /** Newest follower first, as X lists them. */
  followersOf(userId: string): SimUser[] {
    const edges = this.followers.get(userId);
    if (!edges) return [];
    const out: SimUser[] = [];
    for (const followerId of edges.keys()) {
      const user = this.users.get(followerId);
      if (user) out.push(user);
    }
    return out.reverse();
  }

  // ---- tweets -----------------------------------------------------------------------------------

  tweetById(id: string): SimTweet | undefined {
    const tweet = this.tweets.get(id);
    return tweet && !tweet.deleted ? tweet : undefined;
  }

  /** Live (not deleted, not evicted) tweets by an author, oldest first. */
  liveTweetsOf(userId: string): SimTweet[] {
    return (this.tweetsByAuthor.get(userId) ?? []).filter(isLive);
  }

  /** Live tweets mentioning a user (incl. auto-populated reply mentions), oldest first. */
  mentionsOf(userId: string): SimTweet[] {
    return (this.mentionsByUser.get(userId) ?? []).filter(isLive);
  }

  /** The most recent author tweets, newest first, without copying the whole history. */
  recentTweetsOf(userId: string, limit: number): SimTweet[] {
    const all = this.tweetsByAuthor.get(userId) ?? [];
    const out: SimTweet[] = [];
    for (let i = all.length - 1; i >= 0 && out.length < limit; i--) {
      const tweet = all.at(i);
      if (tweet !== undefined && isLive(tweet)) out.push(tweet);
    }
    return out;
  }

  latestTweetInConversation(conversationId: string): SimTweet | undefined {
    const id = this.latestInConversation.get(conversationId);
    return id ? this.tweetById(id) : undefined;
  }

  /** Tweets created at or after `sinceMs`, oldest first (used for stream backfill). */
  tweetsSince(sinceMs: number): SimTweet[] {
    const out: SimTweet[] = [];
    for (let i = this.evictionQueue.length - 1; i >= this.evictionHead; i--) {
      const tweet = this.evictionQueue.at(i);
      if (tweet === undefined) continue;
      if (tweet.createdAtMs < sinceMs) break;
      if (isLive(tweet)) out.push(tweet);
    }
    return out.reverse();
  }

  tweetCount(): number {
    return this.tweets.size;
  }

  /**
   * Creates a tweet. Policy (length, duplicates, reply restriction, rate limits) is the caller's job;
   * this only does what X does mechanically: ids, conversation, reply metadata, entities.
   */
  createTweet(input: NewTweet): SimTweet {
    const author = this.users.get(input.authorId);
    if (!author) throw new Error(`unknown author ${input.authorId}`);
    const parent = input.inReplyToTweetId ? this.tweetById(input.inReplyToTweetId) : undefined;
    if (input.inReplyToTweetId && !parent) throw new Error(`unknown parent tweet ${input.inReplyToTweetId}`);
    const quoted = input.quoteTweetId ? this.tweetById(input.quoteTweetId) : undefined;

    const prefix = parent ? this.replyPrefix(parent, author, input) : '';
    const text = prefix + input.text;
    const { id, value } = this.tweetIds.next();
    const nowMs = this.options.now();
    if (nowMs !== this.isoCache.ms) this.isoCache = { ms: nowMs, iso: new Date(nowMs).toISOString() };
    const mentions = this.extractMentions(text);
    const tweet: SimTweet = {
      id,
      idValue: value,
      text,
      authorId: author.id,
      createdAtMs: nowMs,
      createdAt: this.isoCache.iso,
      conversationId: parent ? parent.conversationId : id,
      inReplyToTweetId: parent?.id,
      inReplyToUserId: parent?.authorId,
      quotedTweetId: quoted?.id,
      mentions,
      hashtags: extractHashtags(text),
      displayTextRange: [codePointLength(prefix), codePointLength(text)],
      origin: input.origin,
      deleted: false,
      evicted: false,
      replyCount: 0,
      quoteCount: 0,
      ...(input.lang === undefined ? {} : { lang: input.lang }),
    };
    if (parent) parent.replyCount++;
    if (quoted) quoted.quoteCount++;

    this.tweets.set(id, tweet);
    this.evictionQueue.push(tweet);
    appendTo(this.tweetsByAuthor, author.id, tweet);
    this.adjustLiveCount(author.id, 1);
    for (const [i, mention] of mentions.entries()) {
      const mentionedId = mention.id;
      if (!mentionedId || mentionedId === author.id) continue;
      // The same account mentioned twice still gets the tweet once in its mentions timeline.
      if (mentions.findIndex((m) => m.id === mentionedId) !== i) continue;
      appendTo(this.mentionsByUser, mentionedId, tweet);
    }
    this.latestInConversation.set(tweet.conversationId, id);
    this.tweetsCreated++;
    this.evictOverflow();

    for (const listener of this.tweetListeners) listener(tweet);
    return tweet;
  }

  /** The full text a tweet would get, including auto-populated reply mentions. */
  composeText(input: Omit<NewTweet, 'origin'>): string {
    const author = this.users.get(input.authorId);
    const parent = input.inReplyToTweetId ? this.tweetById(input.inReplyToTweetId) : undefined;
    return author && parent ? this.replyPrefix(parent, author, input) + input.text : input.text;
  }

  deleteTweet(id: string): boolean {
    const tweet = this.tweets.get(id);
    if (!tweet || tweet.deleted) return false;
    tweet.deleted = true;
    if (!tweet.evicted) this.adjustLiveCount(tweet.authorId, -1);
    for (const listener of this.tweetDeleteListeners) listener(tweet);
    return true;
  }

  // ---- direct messages --------------------------------------------------------------------------

  /**
   * Stores a one-to-one DM. Policy (who may write to whom, text length, rate limits) is the caller's
   * job. Ids come from the tweet id generator, as on X where both are snowflakes from one space.
   */
  createDirectMessage(input: NewDirectMessage): SimDmEvent {
    const sender = this.users.get(input.senderId);
    const recipient = this.users.get(input.recipientId);
    if (!sender || !recipient) throw new Error(`unknown DM participant ${sender ? input.recipientId : input.senderId}`);
    const { id, value } = this.tweetIds.next();
    const nowMs = this.options.now();
    const conversationId = oneToOneConversationId(sender.id, recipient.id);
    const participantIds = participantsOf(conversationId) ?? [sender.id, recipient.id];
    const event: SimDmEvent = {
      id,
      idValue: value,
      eventType: 'MessageCreate',
      text: input.text,
      senderId: sender.id,
      recipientId: recipient.id,
      conversationId,
      participantIds,
      createdAtMs: nowMs,
      createdAt: new Date(nowMs).toISOString(),
      mentions: this.extractMentions(input.text),
      hashtags: extractHashtags(input.text),
      origin: input.origin,
    };
    this.dmEvents.push(event);
    appendTo(this.dmsByConversation, event.conversationId, event);
    appendTo(this.dmsByUser, sender.id, event);
    if (recipient.id !== sender.id) appendTo(this.dmsByUser, recipient.id, event);
    this.dmEventsCreated++;
    this.evictDmOverflow();
    for (const listener of this.dmListeners) listener(event);
    return event;
  }

  /** DM events the user takes part in, oldest first. */
  dmEventsOf(userId: string): readonly SimDmEvent[] {
    return this.dmsByUser.get(userId) ?? [];
  }

  /** DM events of a conversation, oldest first. */
  dmEventsInConversation(conversationId: string): readonly SimDmEvent[] {
    return this.dmsByConversation.get(conversationId) ?? [];
  }

  /** Every stored DM event, oldest first. */
  allDmEvents(): readonly SimDmEvent[] {
    return this.dmEvents;
  }

  dmEventCount(): number {
    return this.dmEvents.length;
  }

  /** An id for simulator objects that are not tweets or DMs (rules, webhooks). */
  newObjectId(): string {
    return this.otherIds.next().id;
  }

  /** What the matcher sees of a tweet. Not cached on the tweet: stored tweets stay small for the GC. */
  matchSubject(tweet: SimTweet): RuleMatchSubject {
    const author = this.users.get(tweet.authorId);
    const replyTo = tweet.inReplyToUserId ? this.users.get(tweet.inReplyToUserId) : undefined;
    return new TweetMatchSubject(tweet, author?.usernameLower ?? '', replyTo?.usernameLower);
  }

  // ---- stream rules -----------------------------------------------------------------------------

  listRules(): SimRule[] {
    return [...this.rules.values()];
  }

  ruleCount(): number {
    return this.rules.size;
  }

  ruleByValue(value: string): SimRule | undefined {
    for (const rule of this.rules.values()) if (rule.value === value) return rule;
    return undefined;
  }

  newRuleId(): string {
    return this.newObjectId();
  }

  addRule(rule: { id: string; value: string; tag?: string; node: RuleNode }): SimRule {
    const stored: SimRule = { ...rule, createdAt: new Date(this.options.now()).toISOString() };
    this.rules.set(stored.id, stored);
    return stored;
  }

  deleteRule(id: string): boolean {
    return this.rules.delete(id);
  }

  ruleById(id: string): SimRule | undefined {
    return this.rules.get(id);
  }

  matchingRules(tweet: SimTweet): SimRule[] {
    if (this.rules.size === 0) return [];
    const subject = this.matchSubject(tweet);
    const out: SimRule[] = [];
    for (const rule of this.rules.values()) if (matchesRule(rule.node, subject)) out.push(rule);
    return out;
  }

  // ---- internals --------------------------------------------------------------------------------

  /** "@parent_author @others " for mentions the reply text does not already contain. */
  private replyPrefix(parent: SimTweet, author: SimUser, input: Omit<NewTweet, 'origin'>): string {
    if (!this.options.autoPopulateReplyMentions) return '';
    const excluded = new Set(input.excludeReplyUserIds ?? []);
    const present = new Set(this.extractMentions(input.text).map((m) => m.username.toLowerCase()));
    const names: string[] = [];
    const add = (username: string | undefined, id: string | undefined, excludable: boolean) => {
      if (!username) return;
      const lower = username.toLowerCase();
      if (lower === author.usernameLower || present.has(lower)) return;
      if (excludable && id !== undefined && excluded.has(id)) return;
      present.add(lower);
      names.push(`@${username}`);
    };
    // The author of the tweet replied to cannot be excluded (X ignores that id in exclude_reply_user_ids).
    add(this.users.get(parent.authorId)?.username, parent.authorId, false);
    for (const mention of parent.mentions) add(mention.username, mention.id, true);
    return names.length > 0 ? `${names.join(' ')} ` : '';
  }

  private emitFollowChange(type: FollowChange['type'], sourceId: string, targetId: string): void {
    if (this.followListeners.length === 0) return;
    const change: FollowChange = { type, sourceId, targetId, atMs: this.options.now() };
    for (const listener of this.followListeners) listener(change);
  }

  /** Same retention cap as tweets; the oldest DM is always first in each of its lists. */
  private evictDmOverflow(): void {
    if (this.dmEvents.length <= this.options.maxStoredTweets) return;
    const overflow = this.dmEvents.length - this.options.maxStoredTweets;
    const evicted = this.dmEvents.splice(0, overflow);
    for (const event of evicted) {
      for (const [index, key] of [
        [this.dmsByConversation, event.conversationId],
        [this.dmsByUser, event.senderId],
        [this.dmsByUser, event.recipientId],
      ] as const) {
        const list = index.get(key);
        if (list?.[0] === event) list.shift();
        if (list?.length === 0) index.delete(key);
      }
    }
  }

  private adjustLiveCount(authorId: string, delta: number): void {
    this.liveCountByAuthor.set(authorId, (this.liveCountByAuthor.get(authorId) ?? 0) + delta);
  }

  private extractMentions(text: string): SimMention[] {
    if (!text.includes('@') && !text.includes('＠')) return [];
    const found = extractMentionsWithIndices(text);
    if (found.length === 0) return [];
    // Offsets only differ from UTF-16 ones when astral characters (emoji) precede them.
    if (hasSurrogates(text)) modifyIndicesFromUTF16ToUnicode(text, found);
    return found.map((m) => {
      const user = this.usersByName.get(m.screenName.toLowerCase());
      const mention: SimMention = {
        start: m.indices[0],
        end: m.indices[1],
        username: user?.username ?? m.screenName,
      };
      if (user) mention.id = user.id;
      return mention;
    });
  }

  private evictOverflow(): void {
    while (this.tweets.size > this.options.maxStoredTweets && this.evictionHead < this.evictionQueue.length) {
      // The queue has no holes below its length; a missing entry would just be nothing left to evict there.
      const tweet = this.evictionQueue.at(this.evictionHead++);
      if (tweet === undefined || tweet.evicted) continue;
      tweet.evicted = true;
      if (!tweet.deleted) this.adjustLiveCount(tweet.authorId, -1);
      this.tweets.delete(tweet.id);
      if (this.latestInConversation.get(tweet.conversationId) === tweet.id) {
        this.latestInConversation.delete(tweet.conversationId);
      }
      this.evictedSinceCompaction++;
    }
    if (this.evictionHead > 65_536 && this.evictionHead * 2 > this.evictionQueue.length) {
      this.evictionQueue = this.evictionQueue.slice(this.evictionHead);
      this.evictionHead = 0;
    }
    // Index arrays still hold evicted tweets; sweep them now and then rather than on every eviction.
    if (this.evictedSinceCompaction >= Math.max(1000, this.options.maxStoredTweets / 2)) {
      this.evictedSinceCompaction = 0;
      for (const index of [this.tweetsByAuthor, this.mentionsByUser]) {
        for (const [key, list] of index) {
          const kept = list.filter((t) => !t.evicted);
          if (kept.length === 0) index.delete(key);
          else index.set(key, kept);
        }
      }
    }
  }
}

/** Tokenising is the costly part of matching and only keyword rules need it, so it is done lazily. */
class TweetMatchSubject implements RuleMatchSubject {
  private tokens: string | undefined;
  readonly mentions: readonly string[];
  readonly hashtags: readonly string[];
  readonly authorId: string;
  readonly inReplyToUserId: string | undefined;
  readonly isReply: boolean;
  readonly isQuote: boolean;
  readonly isRetweet = false;

  constructor(
    private readonly tweet: SimTweet,
    readonly authorUsername: string,
    readonly inReplyToUsername: string | undefined,
  ) {
    this.mentions = tweet.mentions.map((m) => m.username.toLowerCase());
    this.hashtags = tweet.hashtags.length === 0 ? NONE : tweet.hashtags.map((h) => h.tag.toLowerCase());
    this.authorId = tweet.authorId;
    this.inReplyToUserId = tweet.inReplyToUserId;
    this.isReply = tweet.inReplyToTweetId !== undefined;
    this.isQuote = tweet.quotedTweetId !== undefined;
  }

  get tokenText(): string {
    this.tokens ??= toTokenText(this.tweet.text);
    return this.tokens;
  }
}

const NONE: readonly never[] = [];
/** Shared by every tweet without hashtags (most of them); never mutated. */
const NO_HASHTAGS: SimHashtag[] = [];

function extractHashtags(text: string): SimHashtag[] {
  if (!text.includes('#') && !text.includes('＃')) return NO_HASHTAGS;
  const found = extractHashtagsWithIndices(text);
  if (found.length === 0) return [];
  if (hasSurrogates(text)) modifyIndicesFromUTF16ToUnicode(text, found);
  return found.map((h) => ({ start: h.indices[0], end: h.indices[1], tag: h.hashtag }));
}

const SURROGATE = /[\uD800-\uDFFF]/;

function hasSurrogates(text: string): boolean {
  return SURROGATE.test(text);
}

function isLive(tweet: SimTweet): boolean {
  return !tweet.deleted && !tweet.evicted;
}

function appendTo<T>(index: Map<string, T[]>, key: string, item: T): void {
  const list = index.get(key);
  if (list) list.push(item);
  else index.set(key, [item]);
}

/** Length in code points (X's entity offsets), without allocating an array. */
function codePointLength(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff && i > 0) {
      const prev = text.charCodeAt(i - 1);
      if (prev >= 0xd800 && prev <= 0xdbff) n--;
    }
  }
  return n;
}
