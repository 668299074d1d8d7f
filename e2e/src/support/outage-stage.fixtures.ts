import { randomUUID } from 'node:crypto';

import { ALL_TOPICS, type DeadLetterRecord, deadLetterTopicOf } from '@perch/contracts';
import { e2eNamespace, EventTap, freePort, type PerchCluster, type PerchClusterOptions, serviceEnv, startPerchCluster, waitFor } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

import { AgentDesk } from './agent-desk.fixtures';

export interface OutageStageOptions {
  /** Names the namespace, the tap's client and its dead-letter group: `e2e-<name>-…`. */
  name: string;
  /** The services the apps use; each defaults to the shared one (serviceEnv), a fault test swaps in its own. */
  kafkaBrokers?: string;
  redisUrl?: string;
  databaseUrl?: string;
  /** alice's capacity: enough for every tweet the journey makes, so none waits for a free slot. */
  agentCapacity: number;
  env?: PerchClusterOptions['env'];
}

/**
 * The stage every outage journey plays on: the four apps as processes against one simulated brand, alice signed in
 * and ready, and every dead letter of every topic collected, so a journey checks "nothing lost, nothing doubled,
 * nothing dead-lettered" against the simulator's own record.
 */
export class OutageStage {
  readonly brand = 'acme_support';

  private constructor(
    /** Filled by the tap as dead letters arrive. */
    readonly deadLetters: readonly DeadLetterRecord[],
    readonly namespace: string,
    readonly simulator: XSimulator,
    readonly cluster: PerchCluster,
    readonly tap: EventTap,
    readonly desk: AgentDesk,
  ) {}

  static async start(options: OutageStageOptions): Promise<OutageStage> {
    const shared = serviceEnv();
    const kafkaBrokers = options.kafkaBrokers ?? shared.kafkaBrokers;
    const brand = 'acme_support';
    const brandToken = `brand-${randomUUID()}`;
    const appBearer = `app-${randomUUID()}`;
    const namespace = e2eNamespace(options.name);
    const simulator = new XSimulator({ seed: { appBearerToken: appBearer, brands: [{ username: brand, token: brandToken }] }, rateLimits: 'generous' });
    const simulatorUrl = (await simulator.start(await freePort())).baseUrl;
    const cluster = await startPerchCluster({
      kafkaBrokers,
      redisUrl: options.redisUrl ?? shared.redisUrl,
      databaseUrl: options.databaseUrl ?? shared.databaseUrl,
      namespace,
      xApiBaseUrl: simulatorUrl,
      appBearer,
      brandTokens: `${brand}=${brandToken}`,
      agents: [{ id: 'alice', password: 'alice-pw', capacity: options.agentCapacity, brands: [brand] }],
      ...(options.env ? { env: options.env } : {}),
    });
    const tap = await EventTap.open({ brokers: kafkaBrokers, namespace, clientId: `e2e-${options.name}` });
    const deadLetters: DeadLetterRecord[] = [];
    await tap.transport.consume(
      { groupId: `e2e-${options.name}-dlq`, topics: ALL_TOPICS.map((t) => deadLetterTopicOf(t)), fromBeginning: true },
      async (messages) => {
        for (const m of messages) deadLetters.push(JSON.parse(m.value) as DeadLetterRecord);
      },
    );
    const desk = await AgentDesk.signIn(cluster.gatewayUrl, 'alice', 'alice-pw');
    await desk.ready();
    return new OutageStage(deadLetters, namespace, simulator, cluster, tap, desk);
  }

  /** A new customer tweets at the brand; the tweet's id. */
  customerTweet(text: string): string {
    const customer = `cust_${randomUUID().slice(0, 8)}`;
    this.simulator.createAccount({ username: customer, kind: 'customer' });
    return this.simulator.createTweet({ authorUsername: customer, text: `@${this.brand} ${text}` }).id;
  }

  /** The brand's replies to a tweet, as X (the simulator) holds them. */
  repliesTo(tweetId: string): ReturnType<XSimulator['tweetsOf']> {
    return this.simulator.tweetsOf(this.brand, 10_000).filter((t) => t.inReplyToTweetId === tweetId);
  }

  /** What the agent's desktop does for one tweet: accept its offer and reply; the interaction id. */
  async serve(tweetId: string, acceptTimeoutMs?: number): Promise<string> {
    const interactionId = await this.desk.accept(tweetId, acceptTimeoutMs);
    await this.desk.reply(interactionId, `Sorry about that, we are on it (${tweetId}).`);
    return interactionId;
  }

  describeDeadLetters(): string {
    return this.deadLetters.length === 0 ? 'none' : this.deadLetters.map((d) => `${d.sourceTopic} [${d.consumerGroup}] ${d.reason}`).join(' | ');
  }

  /** Until X holds a reply to every tweet; on time-out, says which have none and what was dead-lettered. */
  async waitForReplies(tweetIds: readonly string[], timeoutMs: number): Promise<void> {
    await waitFor('a reply on X to every tweet', () => tweetIds.every((id) => this.repliesTo(id).length >= 1), timeoutMs).catch((error: unknown) => {
      const missing = tweetIds.filter((id) => this.repliesTo(id).length === 0);
      throw new Error(`${error instanceof Error ? error.message : String(error)}: no reply to ${missing.join(', ')}; dead letters: ${this.describeDeadLetters()}`);
    });
  }

  /** How many replies each tweet has once a duplicate post has had time to show up. */
  async replyCountsAfterSettling(tweetIds: readonly string[]): Promise<number[]> {
    await new Promise((resolve) => setTimeout(resolve, 2000));
    return tweetIds.map((id) => this.repliesTo(id).length);
  }

  async stop(): Promise<void> {
    await this.desk.close();
    await this.tap.close();
    await this.cluster.stop();
    await this.simulator.stop();
  }
}
