import { NotFoundError, PermanentError } from '@perch/platform';

import type { XApiPort } from '../x-api.port';

/** What a contract run needs from its environment, whatever the adapter behind the port. */
export interface XApiContractWorld {
  port: XApiPort;
  brandToken: string;
  brandId: string;
  /** A customer who follows the brand. */
  follower: { id: string; username: string };
  /** A customer who does not. */
  stranger: { id: string; username: string };
  /** Posts a tweet as `follower` and returns its id. */
  customerTweet(text: string): Promise<string>;
  /** What the brand account posted, newest first. */
  brandTweets(): Promise<{ id: string; text: string; inReplyToTweetId?: string }[]>;
  close(): Promise<void>;
}

/** The behaviour every XApiPort adapter must show; run it once per adapter. */
export function describeXApiContract(name: string, factory: () => Promise<XApiContractWorld>): void {
  describe(`XApiPort contract: ${name}`, () => {
    let world: XApiContractWorld;
    beforeEach(async () => {
      world = await factory();
    });
    afterEach(() => world.close());

    it('replies to a customer who mentioned the brand, in the same conversation', async () => {
      const tweetId = await world.customerTweet('@acme_support my parcel is lost');
      const posted = await world.port.postTweet({ brandToken: world.brandToken, text: 'Sorry! Please DM us.', inReplyToTweetId: tweetId });
      expect(posted.tweetId).toMatch(/^\d{1,19}$/);
      expect(posted.text).toContain('Sorry! Please DM us.');
      const [latest] = await world.brandTweets();
      expect(latest).toMatchObject({ id: posted.tweetId, inReplyToTweetId: tweetId });
    });

    it('refuses a reply to a customer who did not mention the brand (permanent, with X detail)', async () => {
      const tweetId = await world.customerTweet('just talking to myself');
      const failure = world.port.postTweet({ brandToken: world.brandToken, text: 'Hi!', inReplyToTweetId: tweetId });
      await expect(failure).rejects.toBeInstanceOf(PermanentError);
      await expect(failure).rejects.toMatchObject({ code: 'x-reply-not-allowed', details: { status: 403 } });
    });

    it('refuses text over 280 weighted characters', async () => {
      const failure = world.port.postTweet({ brandToken: world.brandToken, text: '日'.repeat(141) });
      await expect(failure).rejects.toMatchObject({ code: 'x-text-too-long', details: { detail: expect.stringContaining('too long') } });
    });

    it('refuses the same text twice from the brand', async () => {
      await world.port.postTweet({ brandToken: world.brandToken, text: 'Service is back to normal.' });
      await expect(world.port.postTweet({ brandToken: world.brandToken, text: 'Service is back to normal.' })).rejects.toMatchObject({
        code: 'x-duplicate-content',
      });
    });

    it('looks up a customer with public metrics and whether they follow the brand', async () => {
      const follower = await world.port.lookupUser({ token: world.brandToken, userId: world.follower.id });
      expect(follower).toMatchObject({
        id: world.follower.id,
        username: world.follower.username,
        followsYou: true,
        followedByYou: false,
        publicMetrics: { followersCount: expect.any(Number), followingCount: expect.any(Number) },
      });
      const stranger = await world.port.lookupUser({ token: world.brandToken, userId: world.stranger.id });
      expect(stranger.followsYou).toBe(false);
    });

    it('reports an unknown user as NotFoundError', async () => {
      await expect(world.port.lookupUser({ token: world.brandToken, userId: '12345' })).rejects.toBeInstanceOf(NotFoundError);
    });

    it('identifies the brand behind its token', async () => {
      expect(await world.port.me(world.brandToken)).toMatchObject({ id: world.brandId, username: 'acme_support' });
    });

    it('refuses an unknown token as a permanent x-unauthorized error', async () => {
      await expect(world.port.me('no-such-token')).rejects.toMatchObject({ code: 'x-unauthorized', details: { status: 401 } });
    });
  });
}
