import { Redis } from 'ioredis';

import { type AgentCommandPayload, ConsumerGroups, type EventEnvelope, type InteractionLifecyclePayload, Topics } from '@perch/contracts';
import { type EventBus, KafkaTransport, startEventBus, withNamespace } from '@perch/messaging';
import { createLogger, newId, systemClock } from '@perch/platform';
import { deleteTopicsWithPrefix, EventTap, waitFor } from '@perch/testing';

import { RedisRoutingStore } from '../store/redis/redis-routing-store.adapter';
import { deleteTenantKeys, redisUrl, uniqueTenant } from '../testing/redis-test-tenant.fixtures';
import { classifiedEvent, inboundMessage } from '../testing/routing.fixtures';
import { RouterService } from './router.domain';

const brokers = process.env['KAFKA_BROKERS'] ?? '';
if (brokers === '') throw new Error('KAFKA_BROKERS is not set: run through jest.integration.config.js (its global setup provides it)');

const ARRIVALS = 120;

// ADR 0035 on the real services: a router on Redis and Kafka, fed a burst of classified tweets on Kafka as the
// classifier publishes them, with free agents. On the topic, one message per tweet (an offer carrying its creation);
// through a consumer's bus, each interaction's 'created' then its 'offered', with the ids the router gave them.
describe('a routed tweet is one routing.interaction.v1 message on Kafka', () => {
  const namespace = `it-routing-fold-${newId().slice(0, 8)}`;
  const tenant = uniqueTenant('fold');
  const logger = createLogger('router-fold-it');
  const redis = new Redis(redisUrl());
  const kafka = new KafkaTransport({ brokers: brokers.split(','), clientId: 'it-router-fold', logger });
  const raw: InteractionLifecyclePayload[] = [];
  const read: EventEnvelope<InteractionLifecyclePayload>[] = [];
  const ready = new Set<string>();
  let routerBus: EventBus;
  let tap: EventTap;

  beforeAll(async () => {
    routerBus = await startEventBus(withNamespace(kafka, namespace), { producer: 'router', logger, retryDelayMs: () => 50 });
    const router = new RouterService(new RedisRoutingStore(redis, tenant), routerBus, systemClock, logger, { tenant, offerTimeoutMs: 600_000, sweepIntervalMs: 500 });
    await routerBus.subscribe(Topics.InboundClassified, ConsumerGroups.RouterClassified, (e) => router.handleClassified(e), { fromBeginning: true });
    await routerBus.subscribe(Topics.AgentCommand, ConsumerGroups.RouterCommands, (e) => router.handleAgentCommand(e), { fromBeginning: true });
    tap = await EventTap.open({ brokers, namespace, clientId: 'it-router-fold-tap' });
    await tap.bus.subscribe(Topics.InteractionLifecycle, 'it-router-fold-consumer', async (event) => void read.push(event), { fromBeginning: true });
    await tap.bus.subscribe(Topics.AgentState, 'it-router-fold-agents', async (event) => {
      if (event.payload.state === 'ready') ready.add(event.payload.agentId);
    }, { fromBeginning: true });
    // The wire as it is: every message of the topic, not expanded.
    await tap.transport.consume({ groupId: 'it-router-fold-raw', topics: [Topics.InteractionLifecycle], fromBeginning: true }, async (messages) => {
      for (const message of messages) raw.push((JSON.parse(message.value) as EventEnvelope<InteractionLifecyclePayload>).payload);
    });
  });

  afterAll(async () => {
    await tap?.close();
    await routerBus?.stop();
    await kafka.disconnect();
    await deleteTenantKeys(redis, tenant);
    await redis.quit();
    await deleteTopicsWithPrefix(brokers, `${namespace}.`, 'it-router-fold-cleanup');
  });

  it('announces each tweet created and offered at once with one message, read back by consumers as both events', async () => {
    for (let i = 0; i < 4; i += 1) {
      const presence: AgentCommandPayload = { commandId: newId(), type: 'presence', agentId: `fold-agent-${i}`, presence: 'ready', capacity: 50 };
      await tap.bus.publish(Topics.AgentCommand, presence, { correlationId: newId() });
    }
    await waitFor('the four agents ready', () => ready.size === 4, 30_000);

    const tweets = Array.from({ length: ARRIVALS }, () => classifiedEvent(inboundMessage()));
    const sent = await Promise.all(tweets.map((event) => tap.bus.publish(Topics.InboundClassified, event.payload, { correlationId: event.correlationId })));

    await waitFor(`${ARRIVALS} offers read`, () => read.filter((event) => event.payload.type === 'offered').length >= ARRIVALS, 30_000);
    // The raw reader is a consumer group of its own: it may be a fetch behind the bus's.
    await waitFor(`${ARRIVALS} messages on the wire`, () => raw.length >= ARRIVALS, 30_000);
    expect(raw).toHaveLength(ARRIVALS);
    expect(raw.every((payload) => payload.type === 'offered' && payload.creation !== undefined)).toBe(true);
    const byInteraction = new Map<string, string[]>();
    for (const { payload } of read) byInteraction.set(payload.interactionId, [...(byInteraction.get(payload.interactionId) ?? []), payload.type]);
    expect(byInteraction.size).toBe(ARRIVALS);
    expect([...byInteraction.values()].every((types) => types.join() === 'created,offered')).toBe(true);
    // The 'created' keeps its own id and cause: the classified tweet that made it.
    const causes = new Set(sent.map((event) => event.eventId));
    const created = read.filter((event) => event.payload.type === 'created');
    expect(created.every((event) => event.causationId !== undefined && causes.has(event.causationId))).toBe(true);
    expect(new Set(read.map((event) => event.eventId)).size).toBe(2 * ARRIVALS);
  });
});
