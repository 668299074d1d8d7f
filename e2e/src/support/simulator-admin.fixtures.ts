/** The X simulator's admin API over HTTP, for journeys where the simulator runs in another process. */
export interface SimTweet {
  id: string;
  text: string;
  authorUsername: string;
  inReplyToTweetId?: string;
  mentions: string[];
}

export interface SimDm {
  id: string;
  text: string;
  senderUsername: string;
  recipientUsername: string;
  conversationId: string;
}

export class SimulatorAdmin {
  constructor(private readonly baseUrl: string) {}

  async createCustomer(username: string, followsBrand: string[] = []): Promise<void> {
    await this.post('/admin/accounts', { username, kind: 'customer', followersCount: 321, tweetCount: 1234, followsBrand });
  }

  async tweet(authorUsername: string, text: string): Promise<SimTweet> {
    return (await this.post('/admin/tweets', { authorUsername, text })) as SimTweet;
  }

  async tweetsOf(username: string): Promise<SimTweet[]> {
    const response = await fetch(`${this.baseUrl}/admin/accounts/${username}/tweets`);
    if (!response.ok) throw new Error(`GET tweets of ${username}: ${response.status}`);
    return ((await response.json()) as { tweets: SimTweet[] }).tweets;
  }

  async directMessage(fromUsername: string, toUsername: string, text: string): Promise<SimDm> {
    return (await this.post('/admin/dms', { fromUsername, toUsername, text })) as SimDm;
  }

  async directMessagesOf(username: string): Promise<SimDm[]> {
    const response = await fetch(`${this.baseUrl}/admin/dms?username=${encodeURIComponent(username)}`);
    if (!response.ok) throw new Error(`GET DMs of ${username}: ${response.status}`);
    return ((await response.json()) as { dms: SimDm[] }).dms;
  }

  private async post(path: string, body: unknown): Promise<unknown> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    const json: unknown = await response.json();
    if (!response.ok) throw new Error(`POST ${path}: ${response.status} ${JSON.stringify(json)}`);
    return json;
  }
}
