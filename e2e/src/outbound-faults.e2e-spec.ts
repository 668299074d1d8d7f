import { randomUUID } from 'node:crypto';

import { type EventEnvelope, type OutboundCompletedPayload, type OutboundRequestedPayload, Topics, isFinalOutbound } from '@perch/contracts';
import { e2eNamespace, EventTap, freePort, type PerchCluster, serviceEnv, startPerchCluster, waitFor } from '@perch/testing';
import { GENEROUS_RATE_LIMITS, XSimulator } from '@perch/x-simulator';

import { AgentDesk } from './support/agent-desk.fixtures';
import { within } from './support/within.util';
import { XAnswerHold } from './support/x-answer-hold.fixtures';

// Agents' replies while X misbehaves, through the gateway as a real process on Kafka, Redis and PostgreSQL, with
// X simulated behind twitter-api-v2. Whatever X or the process does, each reply is on X exactly once (checked
// against the simulator's own record) and each command has one x.outbound.completed.v1.
describe('outbound replies under X faults and a gateway crash', () => {
  // Replies to @acme_support go the whole way: ingestor, classifier, router, an agent's REST calls.
  const support = 'acme_support';
  // Commands for @acme_billing are published straight to Kafka, as the gateway's REST side does; the ingestor
  // does not watch this brand, so its customers' tweets never become offers that would crowd the agent.
  const billing = 'acme_billing';
  const tokens: Record<string, string> = { [support]: `brand-${randomUUID()}`, [billing]: `brand-${randomUUID()}` };
  const appBearer = `app-${randomUUID()}`;
  const namespace = e2eNamespace('outbound');
  const simulator = new XSimulator({
    seed: { appBearerToken: appBearer, brands: [support, billing].map((username) => ({ username, token: tokens[username] ?? '' })) },
    rateLimits: 'generous',
  });
  const completed: EventEnvelope<OutboundCompletedPayload>[] = [];
  const published: EventEnvelope<OutboundRequestedPayload>[] = [];
  let cluster: PerchCluster | undefined;
  let hold: XAnswerHold | undefined;
  let tap: EventTap | undefined;
  let desk: AgentDesk | undefined;

  beforeAll(async () => {
    const simulatorUrl = (await simulator.start(await freePort())).baseUrl;
    // Only the gateway talks to X through the hold, so only its requests can be kept waiting.
    hold = await XAnswerHold.start(simulatorUrl);
    const { kafkaBrokers, redisUrl, databaseUrl } = serviceEnv();
    cluster = await startPerchCluster({
      kafkaBrokers,
      redisUrl,
      databaseUrl,
      namespace,
      xApiBaseUrl: simulatorUrl,
      appBearer,
      brandTokens: `${support}=${tokens[support]},${billing}=${tokens[billing]}`,
      agents: [{ id: 'alice', password: 'alice-pw', capacity: 2, brands: [support, billing] }],
      env: {
        gateway: { X_API_BASE_URL: hold.url },
        ingestor: { X_BRAND_TOKENS: `${support}=${tokens[support]}` },
      },
    });
    tap = await EventTap.open({ brokers: kafkaBrokers, namespace, clientId: 'e2e-outbound' });
    await tap.bus.subscribe(Topics.OutboundCompleted, 'e2e-outbound-completed', async (e) => void completed.push(e), { fromBeginning: true });
    desk = await AgentDesk.signIn(cluster.gatewayUrl, 'alice', 'alice-pw');
    await desk.ready();
  }, 90_000);

  afterEach(() => simulator.clearHttpFaults());

  afterAll(async () => {
    await desk?.close();
    await tap?.close();
    await cluster?.stop();
    await hold?.stop();
    await simulator.stop();
  });

  const repliesTo = (question: string) =>
    [...simulator.tweetsOf(support, 10_000), ...simulator.tweetsOf(billing, 10_000)].filter((t) => t.inReplyToTweetId === question);
  // Final results; 'waiting' outcomes (X cannot take the command yet) are counted apart.
  const completionsOf = (commandId: string) =>
    completed.filter((e) => e.payload.commandId === commandId && isFinalOutbound(e.payload)).map((e) => e.payload);
  const waitsOf = (commandId: string) => completed.filter((e) => e.payload.commandId === commandId && !isFinalOutbound(e.payload));

  function customerTweet(brand: string, text: string): { id: string; customer: string } {
    const customer = `cust_${randomUUID().slice(0, 8)}`;
    simulator.createAccount({ username: customer, kind: 'customer' });
    return { id: simulator.createTweet({ authorUsername: customer, text: `@${brand} ${text}` }).id, customer };
  }

  /** A well-formed reply command for @acme_billing (or another brand), as the gateway's REST side publishes it. */
  function billingReply(text: string, brand = billing): OutboundRequestedPayload {
    const question = customerTweet(brand, text);
    return {
      commandId: randomUUID(),
      kind: 'reply',
      brandAccountId: simulator.account(brand).id,
      agentId: 'bob',
      interactionId: randomUUID(),
      inReplyToTweetId: question.id,
      text: `@${question.customer} Thanks, sorted: ${text} (${randomUUID().slice(0, 6)})`,
      requestedAt: Date.now(),
    };
  }

  async function publish(command: OutboundRequestedPayload): Promise<void> {
    if (!tap) throw new Error('no tap');
    published.push(await tap.bus.publish(Topics.OutboundRequested, command, { correlationId: `e2e-${command.commandId}` }));
  }

  /** Each command: one completion (after it arrived, a pause for any second one), 'sent', naming its one reply on X. */
  async function expectPostedOnce(commands: readonly OutboundRequestedPayload[]): Promise<void> {
    await waitFor('every completion', () => commands.every((c) => completionsOf(c.commandId).length > 0), 45_000, 100);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    for (const command of commands) {
      const onX = repliesTo(command.inReplyToTweetId ?? '');
      expect(onX).toHaveLength(1);
      expect(completionsOf(command.commandId)).toEqual([expect.objectContaining({ status: 'sent', tweetId: onX[0]?.id })]);
    }
  }

  it('posts an agent’s reply once when X creates it but answers 503, and the agent sees it sent', async () => {
    if (!desk) throw new Error('no desk');
    const question = customerTweet(support, 'I was charged twice for order #4411, please help');
    const interactionId = await desk.accept(question.id);
    simulator.injectHttpFaults({ rules: [{ status: 503, count: 1, path: '/2/tweets', method: 'POST', afterEffect: true }] });

    const commandId = await desk.reply(interactionId, 'So sorry! The second charge is refunded; you will see it in 3 days.');
    await desk.replySent(interactionId);
    await waitFor('the completion', () => completionsOf(commandId).length > 0, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    expect(simulator.runtime.faults.pending()).toEqual([]);
    const onX = repliesTo(question.id);
    expect(onX).toHaveLength(1);
    expect(completionsOf(commandId)).toEqual([expect.objectContaining({ status: 'sent', tweetId: onX[0]?.id })]);
  });

  it('posts each reply once through a burst of 503s that create nothing', async () => {
    simulator.injectHttpFaults({ rules: [{ status: 503, count: 3, path: '/2/tweets', method: 'POST' }] });
    const commands = [billingReply('the app will not load'), billingReply('login loops forever'), billingReply('my invoice is blank')];
    for (const command of commands) await publish(command);
    await expectPostedOnce(commands);
    expect(simulator.runtime.faults.pending()).toEqual([]);
    // Each 503 made a command wait, and the agent was told so with the reason and the time of the next try.
    const waits = commands.flatMap((c) => waitsOf(c.commandId));
    expect(waits).toHaveLength(3);
    for (const wait of waits) expect(wait.payload).toMatchObject({ retryAt: expect.any(Number), failure: { code: 'x-unavailable' } });
  });

  it('posts each reply once when X creates them but answers 503', async () => {
    simulator.injectHttpFaults({ rules: [{ status: 503, count: 2, path: '/2/tweets', method: 'POST', afterEffect: true }] });
    const commands = [billingReply('where is my refund'), billingReply('card declined twice')];
    for (const command of commands) await publish(command);
    await expectPostedOnce(commands);
    expect(simulator.runtime.faults.pending()).toEqual([]);
  });

  it('waits out a 429 storm and posts each reply once, none reported failed', async () => {
    const throttledBefore = simulator.stats().rateLimited;
    simulator.injectHttpFaults({ rules: [{ status: 429, count: 4, path: '/2/tweets', method: 'POST' }] });
    const commands = [billingReply('my order is late'), billingReply('still no tracking number'), billingReply('wrong size delivered')];
    for (const command of commands) await publish(command);
    await expectPostedOnce(commands);
    expect(simulator.stats().rateLimited - throttledBefore).toBe(4);
  });

  it('posts a command delivered twice once, and answers both deliveries with the same result', async () => {
    const command = billingReply('please cancel my subscription');
    await publish(command);
    await publish(command);
    await waitFor('both deliveries answered', () => completionsOf(command.commandId).length >= 2, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 1000));

    const onX = repliesTo(command.inReplyToTweetId ?? '');
    expect(onX).toHaveLength(1);
    // The worker republishes a done command's recorded result: one completion per delivery, all alike.
    const deliveries = published.filter((e) => e.payload.commandId === command.commandId).map((e) => e.eventId);
    const answers = completed.filter((e) => e.payload.commandId === command.commandId && isFinalOutbound(e.payload));
    expect(answers.map((e) => e.causationId).sort()).toEqual([...deliveries].sort());
    expect(answers.map((e) => e.payload)).toEqual([
      expect.objectContaining({ status: 'sent', tweetId: onX[0]?.id }),
      expect.objectContaining({ status: 'sent', tweetId: onX[0]?.id }),
    ]);
  });

  it('finds the reply on X instead of posting it again when the gateway is killed before recording it', async () => {
    if (!desk || !cluster || !hold) throw new Error('not started');
    const gateway = cluster.services.gateway;
    const question = customerTweet(support, 'my parcel was left in the rain, everything is soaked');
    const interactionId = await desk.accept(question.id);

    // X creates the reply; its answer is kept from the gateway, which is killed while it waits.
    const held = hold.holdNext('POST', '/2/tweets');
    const commandId = await desk.reply(interactionId, 'That should not happen. A replacement is on its way today.');
    const answer = await within('X to create the reply', held);
    const tweetId = (JSON.parse(answer.body) as { data: { id: string } }).data.id;
    expect(repliesTo(question.id).map((t) => t.id)).toEqual([tweetId]);
    await gateway.stop('SIGKILL');
    hold.release();
    await desk.close();
    expect(completionsOf(commandId)).toEqual([]);

    // The restarted gateway gets the command again once the dead member's session and claim lapse (~30 s).
    await gateway.start();
    await waitFor('the completion after the restart', () => completionsOf(commandId).length > 0, 60_000, 200);
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect(repliesTo(question.id).map((t) => t.id)).toEqual([tweetId]);
    expect(completionsOf(commandId)).toEqual([expect.objectContaining({ status: 'sent', tweetId })]);

    // The agent, back on the desktop, sees the reply in the interaction's transcript.
    desk = await AgentDesk.signIn(cluster.gatewayUrl, 'alice', 'alice-pw');
    const view = await waitFor('the reply in the transcript', async () => {
      const answer = await desk?.api('GET', `/api/interactions/${interactionId}`);
      return answer?.status === 200 && JSON.stringify(answer.body).includes(tweetId) ? answer : undefined;
    });
    expect(view.status).toBe(200);

    // Nothing the restarted gateway read again was posted again: every reply of this run is on X once.
    const repliesOnX = [...simulator.tweetsOf(support, 10_000), ...simulator.tweetsOf(billing, 10_000)].filter((t) => t.inReplyToTweetId);
    expect(new Set(repliesOnX.map((t) => t.inReplyToTweetId)).size).toBe(repliesOnX.length);
    expect(repliesOnX).toHaveLength(new Set(completed.map((e) => e.payload.commandId)).size);
  }, 120_000);

  it('keeps a reply that waits for its brand window aside, so another brand\'s reply goes out meanwhile', async () => {
    // One reply per brand per 15 s: billing's second reply must wait for its window; support has its own.
    simulator.setRateLimits({ ...GENEROUS_RATE_LIMITS, 'tweets.create': { user: { limit: 1, windowMs: 15_000 } } });
    try {
      const first = billingReply('first in the window');
      const second = billingReply('second, over the window');
      await publish(first);
      await waitFor('the first billing reply', () => completionsOf(first.commandId).length > 0, 30_000);
      await publish(second);
      await waitFor('the second billing reply to wait', () => waitsOf(second.commandId).length > 0, 30_000);
      expect(waitsOf(second.commandId)[0]?.payload).toMatchObject({ failure: { code: 'x-rate-limited' }, retryAt: expect.any(Number) });

      const other = billingReply('another brand, not throttled', support);
      const sentAt = Date.now();
      await publish(other);
      await waitFor('the other brand\'s reply', () => completionsOf(other.commandId).length > 0, 30_000);
      expect(Date.now() - sentAt).toBeLessThan(10_000);
      // ...while billing's second reply still waits for its window, then goes out once it resets.
      expect(completionsOf(second.commandId)).toEqual([]);
      await waitFor('the second billing reply after the reset', () => completionsOf(second.commandId).length > 0, 45_000, 200);
      await expectPostedOnce([first, second, other]);
    } finally {
      simulator.setRateLimits('generous');
    }
  }, 90_000);
});
