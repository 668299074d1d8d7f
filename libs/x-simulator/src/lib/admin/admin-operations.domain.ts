import { canSendDm, checkDmText } from '../dms/dm-policy.util';
import type { SimulatorRuntime } from '../simulator-runtime.types';
import type { SimUser } from '../state/simulator-state.types';
import { UsernameTakenError } from '../state/simulator-store.domain';
import { checkTweetText } from '../tweets/tweet-policy.util';
import { WebhookRefusal, type WebhookView } from '../webhooks/webhook-hub.domain';
import type { CreateAccountDto, CreateTweetDto, SendDmDto } from './admin.dto';
import { accountView, dmView, tweetView, type AdminAccountView, type AdminDmView, type AdminTweetView } from './admin-views.util';

/** A refused admin call; the route turns it into `{error, message}` with this status. */
export class AdminError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the admin API does, callable in-process too (XSimulator exposes it for tests and seeding). */
export class AdminOperations {
  constructor(private readonly runtime: SimulatorRuntime) {}

  createAccount(input: CreateAccountDto): AdminAccountView {
    const { store } = this.runtime;
    const follows = (input.followsBrand ?? []).map((name) => {
      const target = store.userByUsername(name);
      if (!target) throw new AdminError(404, 'not-found', `followsBrand: @${name} does not exist`);
      return target;
    });
    try {
      const user = store.createUser({
        username: input.username,
        name: input.name,
        kind: input.kind,
        token: input.token,
        description: input.description,
        location: input.location,
        verified: input.verified,
        protected: input.protected,
        receivesYourDm: input.receivesYourDm,
        base: {
          followers: input.followersCount ?? 0,
          following: input.followingCount ?? 0,
          tweets: input.tweetCount ?? 0,
          listed: input.listedCount ?? 0,
          likes: input.likeCount ?? 0,
        },
      });
      // Declared initial state: these edges predate any webhook subscription, so no follow events.
      for (const target of follows) store.follow(user.id, target.id, false);
      return accountView(user, store);
    } catch (error) {
      if (error instanceof UsernameTakenError) throw new AdminError(409, 'conflict', error.message);
      throw error;
    }
  }

  account(username: string): AdminAccountView {
    const user = this.runtime.store.userByUsername(username);
    if (!user) throw new AdminError(404, 'not-found', `@${username} does not exist`);
    return accountView(user, this.runtime.store);
  }

  accounts(kind?: string): AdminAccountView[] {
    const { store } = this.runtime;
    return store
      .allUsers()
      .filter((u) => !kind || u.kind === kind)
      .map((u) => accountView(u, store));
  }

  follow(followerUsername: string, targetUsername: string, follow: boolean): { following: boolean } {
    const { store } = this.runtime;
    const follower = store.userByUsername(followerUsername);
    const target = store.userByUsername(targetUsername);
    if (!follower || !target) throw new AdminError(404, 'not-found', 'follower or target does not exist');
    if (follow) store.follow(follower.id, target.id);
    else store.unfollow(follower.id, target.id);
    return { following: follow };
  }

  /**
   * A tweet as if typed in the X app: no rate limit, reply restriction or duplicate check, but the
   * 280-weighted-character limit still applies (X's app enforces it too).
   */
  createTweet(input: CreateTweetDto): AdminTweetView {
    const { store, counters } = this.runtime;
    const author = input.authorId
      ? store.userById(input.authorId)
      : input.authorUsername
        ? store.userByUsername(input.authorUsername)
        : undefined;
    if (!input.authorId && !input.authorUsername) {
      throw new AdminError(400, 'validation-failed', 'authorUsername or authorId is required');
    }
    if (!author) throw new AdminError(404, 'not-found', `author ${input.authorUsername ?? input.authorId} does not exist`);
    const verdict = checkTweetText(input.text);
    if (!verdict.ok) {
      throw new AdminError(400, 'validation-failed', `text is ${verdict.reason} (weighted length ${verdict.weightedLength})`);
    }
    if (input.inReplyToTweetId && !store.tweetById(input.inReplyToTweetId)) {
      throw new AdminError(404, 'not-found', `tweet ${input.inReplyToTweetId} does not exist`);
    }
    if (input.quoteTweetId && !store.tweetById(input.quoteTweetId)) {
      throw new AdminError(404, 'not-found', `tweet ${input.quoteTweetId} does not exist`);
    }
    const tweet = store.createTweet({
      authorId: author.id,
      text: input.text,
      inReplyToTweetId: input.inReplyToTweetId,
      quoteTweetId: input.quoteTweetId,
      origin: 'admin',
    });
    counters.tweetsByOrigin.admin++;
    return tweetView(tweet, store);
  }

  tweet(id: string): AdminTweetView {
    const tweet = this.runtime.store.tweetById(id);
    if (!tweet) throw new AdminError(404, 'not-found', `tweet ${id} does not exist`);
    return tweetView(tweet, this.runtime.store);
  }

  /**
   * A DM as if typed in the X app: no rate limit, but the who-may-write-to-whom rule and the
   * 10,000-character cap apply, since X's app enforces them too.
   */
  sendDirectMessage(input: SendDmDto): AdminDmView {
    const { store, counters } = this.runtime;
    const sender = this.party(input.fromId, input.fromUsername, 'from');
    const recipient = this.party(input.toId, input.toUsername, 'to');
    const verdict = checkDmText(input.text);
    if (!verdict.ok) throw new AdminError(400, 'validation-failed', verdict.message);
    if (sender.id === recipient.id) throw new AdminError(400, 'validation-failed', 'a DM needs two different accounts');
    if (!canSendDm(store, sender, recipient)) {
      throw new AdminError(403, 'forbidden', `@${recipient.username} does not accept DMs from @${sender.username} (not following them, DMs closed)`);
    }
    const event = store.createDirectMessage({ senderId: sender.id, recipientId: recipient.id, text: verdict.text, origin: 'admin' });
    counters.dmsByOrigin.admin++;
    return dmView(event, store);
  }

  /** Stored DMs newest first, optionally only those an account sent or received. */
  directMessages(username?: string, limit = 100): AdminDmView[] {
    const { store } = this.runtime;
    let events = store.allDmEvents();
    if (username !== undefined) {
      const user = store.userByUsername(username);
      if (!user) throw new AdminError(404, 'not-found', `@${username} does not exist`);
      events = store.dmEventsOf(user.id);
    }
    const out: AdminDmView[] = [];
    for (let i = events.length - 1; i >= 0 && out.length < limit; i--) out.push(dmView(events[i], store));
    return out;
  }

  async registerWebhook(url: string): Promise<WebhookView> {
    try {
      return await this.runtime.webhooks.register(url);
    } catch (error) {
      throw asAdminError(error);
    }
  }

  subscribeWebhook(webhookId: string, username: string): WebhookView {
    const user = this.runtime.store.userByUsername(username);
    if (!user) throw new AdminError(404, 'not-found', `@${username} does not exist`);
    try {
      this.runtime.webhooks.subscribe(webhookId, user.id);
      return this.runtime.webhooks.get(webhookId);
    } catch (error) {
      throw asAdminError(error);
    }
  }

  private party(id: string | undefined, username: string | undefined, side: 'from' | 'to'): SimUser {
    const { store } = this.runtime;
    const user = id ? store.userById(id) : username ? store.userByUsername(username) : undefined;
    if (!id && !username) throw new AdminError(400, 'validation-failed', `${side}Username or ${side}Id is required`);
    if (!user) throw new AdminError(404, 'not-found', `${side}: ${username ?? id} does not exist`);
    return user;
  }

  /** What an account posted, newest first (e.g. the brand's replies). */
  tweetsOf(username: string, limit = 100): AdminTweetView[] {
    const { store } = this.runtime;
    const user = store.userByUsername(username);
    if (!user) throw new AdminError(404, 'not-found', `@${username} does not exist`);
    return store.recentTweetsOf(user.id, limit).map((t) => tweetView(t, store));
  }
}

/** Webhook refusals keep X's reason as the admin error code (e.g. "CrcValidationFailed"). */
function asAdminError(error: unknown): unknown {
  if (!(error instanceof WebhookRefusal)) return error;
  return new AdminError(error.reason === 'WebhookIdInvalid' ? 404 : 400, error.reason, error.message);
}
