import { randomUUID } from 'node:crypto';

import { Redis } from 'ioredis';

import {
  type AgentCommandPayload,
  type AgentStatePayload,
  type EventEnvelope,
  type InboundMessage,
  type InteractionLifecyclePayload,
  Topics,
} from '@perch/contracts';
import { CRASH_AT_ENV } from '@perch/platform';
import { RedisRoutingStore } from '@perch/routing';
import { e2eNamespace, EventTap, freePort, ServiceProcess, serviceEnv, waitFor } from '@perch/testing';

// The router is SIGKILLed at each step between a state change and the events announcing it (PERCH_CRASH_AT, see
// crashPoint in @perch/platform). The change is in the store's outbox from the same Lua call that made it, so the
// restarted router announces it: no event is lost, any copy carries the same event id, and the agent whose offer was
// made just before the crash gets it in time instead of being set not ready for a missed offer.
describe('router killed at each step between a state change and its events', () => {
  // The dead router's partitions (and so the agent's accept) wait for its Kafka session to lapse before the restarted
  // router gets them: the broker's shortest session (6 s) instead of the default 30 s keeps the five cases short.
  const SESSION_TIMEOUT_MS = 6_000;
  // Well past that wait: what decides whether the offer is missed is whether it is announced at all.
  const OFFER_TIMEOUT_MS = 60_000;

  function routerProcess(env: Record<string, string>, port: number, internalPort: number): ServiceProcess {
    return new ServiceProcess({
      app: 'router',
      env: { ...env, HTTP_PORT: String(port), INTERNAL_HTTP_PORT: String(internalPort) },
      healthUrl: `http://127.0.0.1:${port}/health`,
    });
  }

  async function healthy(port: number): Promise<boolean> {
    try {
      return (await fetch(`http://127.0.0.1:${port}/health`)).ok;
    } catch {
      return false;
    }
  }

  function message(id: string): InboundMessage {
    return {
      messageId: id,
      kind: 'mention',
      source: 'stream',
      brandAccountId: '1000',
      brandUsername: 'acme_support',
      conversationKey: `1000:${id}`,
      threadId: id,
      text: '@acme_support my parcel is lost',
      createdAt: new Date().toISOString(),
      mentions: ['acme_support'],
      author: { id: '42', username: 'crash_customer', name: 'A Customer', followersCount: 1, followingCount: 2, tweetCount: 3, profileUrl: 'https://x.com/crash_customer' },
      receivedAt: Date.now(),
    };
  }

  it.each([
    // The agent's presence changed, its agent-state event not yet published.
    { step: 'router.after-presence' },
    // The interaction exists, 'created' not yet published.
    { step: 'router.after-upsert' },
    // The offer is made (the agent's slot taken), 'offered' not yet published: without the outbox the agent never
    // sees it, the offer times out and the agent is set not ready for an offer it was never shown.
    { step: 'router.after-dispatch' },
    // The agent holds the interaction, 'accepted' not yet published.
    { step: 'router.after-accept' },
    // Published, not acknowledged: a copy goes out again, with the same event ids.
    { step: 'router.relay.after-publish' },
  ])('announces every change exactly once (by event id) when killed at $step', async ({ step }) => {
    const { kafkaBrokers, redisUrl } = serviceEnv();
    // Short: the router's tenant (namespace + '-default') is at most 64 characters.
    const namespace = e2eNamespace(`rc-${step.split('.').pop() ?? 'step'}`);
    const port = await freePort();
    const internalPort = await freePort();
    const env: Record<string, string> = {
      KAFKA_BROKERS: kafkaBrokers,
      REDIS_URL: redisUrl,
      PERCH_NAMESPACE: namespace,
      ROUTER_OFFER_TIMEOUT_MS: String(OFFER_TIMEOUT_MS),
      KAFKA_SESSION_TIMEOUT_MS: String(SESSION_TIMEOUT_MS),
      ROUTER_SWEEP_INTERVAL_MS: '200',
      // A dead relay's unacknowledged changes are taken over after this; short so the test does not wait long.
      ROUTER_OUTBOX_RECLAIM_MS: '1000',
    };
    const lifecycle: EventEnvelope<InteractionLifecyclePayload>[] = [];
    const states: EventEnvelope<AgentStatePayload>[] = [];
    const tap = await EventTap.open({ brokers: kafkaBrokers, namespace, clientId: `e2e-router-crash-${randomUUID()}` });
    const doomed = routerProcess({ ...env, [CRASH_AT_ENV]: step }, port, internalPort);
    const restarted = routerProcess(env, port, internalPort);
    const redis = new Redis(redisUrl);
    const agentId = `ada-${randomUUID().slice(0, 8)}`;
    try {
      await doomed.start();
      await tap.bus.subscribe(Topics.InteractionLifecycle, `e2e-router-crash-lifecycle-${randomUUID()}`, async (e) => void lifecycle.push(e), { fromBeginning: true });
      await tap.bus.subscribe(Topics.AgentState, `e2e-router-crash-agents-${randomUUID()}`, async (e) => void states.push(e), { fromBeginning: true });
      const command = async (payload: Omit<AgentCommandPayload, 'commandId' | 'agentId'>): Promise<void> => {
        await tap.bus.publish(Topics.AgentCommand, { commandId: randomUUID(), agentId, ...payload }, { correlationId: randomUUID() });
      };
      const ofType = (type: string): EventEnvelope<InteractionLifecyclePayload>[] => lifecycle.filter((e) => e.payload.type === type);
      const routerDown = async (): Promise<boolean> => !(await healthy(port));
      // Until the step is reached the doomed router works; once it killed itself, the restarted one takes over.
      let crashed = false;
      const maybeRestart = async (): Promise<void> => {
        if (crashed || !(await routerDown())) return;
        crashed = true;
        await doomed.stop('SIGKILL');
        await restarted.start();
      };
      const until = async (what: string, done: () => boolean): Promise<void> => {
        await waitFor(what, async () => {
          await maybeRestart();
          return done();
        }, 75_000);
      };

      await command({ type: 'presence', presence: 'ready', capacity: 1 });
      await until('the agent ready', () => states.some((e) => e.payload.agentId === agentId && e.payload.state === 'ready'));
      // X's ids: a number string.
      const messageId = String(1_800_000_000_000_000_000n + BigInt(Math.floor(Math.random() * 1e15)));
      await tap.bus.publish(
        Topics.InboundClassified,
        {
          message: message(messageId),
          classification: { sentiment: 'negative', sentimentScore: 0.9, actionability: 'actionable', actionabilityScore: 0.8, sentimentFeatures: [], actionabilityFeatures: [], model: 'e2e' },
          classifiedAt: Date.now(),
        },
        { correlationId: randomUUID() },
      );
      await until('the interaction created and offered', () => ofType('created').length > 0 && ofType('offered').length > 0);
      const offered = ofType('offered')[0];
      if (!offered?.payload.offerId) throw new Error('offered without an offer id');
      expect(offered.payload.agentId).toBe(agentId);
      await command({ type: 'accept', interactionId: offered.payload.interactionId, offerId: offered.payload.offerId });
      await until('the interaction accepted', () => ofType('accepted').length > 0);
      // Every step is on this path: the router did crash. Then past the reclaim time, so anything left unacknowledged
      // has been published again by now.
      await until(`the router to have crashed at ${step} and restarted`, () => crashed);
      await new Promise((resolve) => setTimeout(resolve, 2_500));

      // Every change announced; copies (a publish not acknowledged) share their event id.
      for (const type of ['created', 'offered', 'accepted']) {
        const events = ofType(type);
        expect(events.length).toBeGreaterThan(0);
        expect(new Set(events.map((e) => e.eventId)).size).toBe(1);
      }
      expect(ofType('offer-timed-out')).toEqual([]);
      // The agent's states: ready only (a presence command redelivered after the crash is applied, and announced, again).
      const mine = states.filter((e) => e.payload.agentId === agentId);
      expect(mine.length).toBeGreaterThan(0);
      expect(mine.every((e) => e.payload.state === 'ready')).toBe(true);
      // The router's own record: the agent is ready (never set not ready for a missed offer) and holds the interaction.
      const store = new RedisRoutingStore(redis, `${namespace}-default`);
      const work = await store.getAgentWork(agentId);
      expect(work?.agent.state).toBe('ready');
      expect(work?.agent.reason).toBeUndefined();
      expect(work?.interactions.map((i) => [i.interactionId, i.state])).toEqual([[offered.payload.interactionId, 'assigned']]);
      // Nothing left in the outbox.
      expect(await store.pendingChanges()).toBe(0);
    } finally {
      await doomed.stop('SIGKILL');
      await restarted.stop();
      await tap.close();
      await redis.quit();
    }
  }, 180_000);
});
