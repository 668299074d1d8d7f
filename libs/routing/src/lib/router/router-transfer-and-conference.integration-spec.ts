import { Redis } from 'ioredis';

import {
  type AgentCommandPayload,
  ConsumerGroups,
  type EventEnvelope,
  type InteractionLifecyclePayload,
  type InteractionEventType,
  Topics,
} from '@perch/contracts';
import { type EventBus, KafkaTransport, startEventBus, withNamespace } from '@perch/messaging';
import { createLogger, newId, systemClock } from '@perch/platform';
import { deleteTopicsWithPrefix, EventTap, waitFor } from '@perch/testing';

import { RoutingStoreAgentStateReader } from '../assignments/routing-store-agent-state-reader.adapter';
import { RedisRoutingStore } from '../store/redis/redis-routing-store.adapter';
import { deleteTenantKeys, redisUrl, uniqueTenant } from '../testing/redis-test-tenant.fixtures';
import { classifiedEvent, envelope, inboundMessage } from '../testing/routing.fixtures';
import { RouterService } from './router.domain';

const brokers = process.env['KAFKA_BROKERS'] ?? '';
if (brokers === '') throw new Error('KAFKA_BROKERS is not set: run through jest.integration.config.js (its global setup provides it)');

const OFFER_TIMEOUT_MS = 60_000;

// Issue 10 item 5 on the real services: a RouterService on the Redis store and the Kafka transport (its own namespace),
// driven only by agent commands published on Kafka as the gateway publishes them. A transfer to a named agent (declined:
// it stays with its holder; accepted: it moves) and a conference (invite, accept, a redelivered accept, leave, invite
// again, hand-over), each step checked in the lifecycle events read back from Kafka and in the router's record in Redis.
describe('transfer and conference through a router on Kafka and Redis', () => {
  const namespace = `it-routing-xfer-${newId().slice(0, 8)}`;
  const tenant = uniqueTenant('xfer');
  const logger = createLogger('router-transfer-it');
  const redis = new Redis(redisUrl());
  const store = new RedisRoutingStore(redis, tenant);
  const states = new RoutingStoreAgentStateReader(store);
  const kafka = new KafkaTransport({ brokers: brokers.split(','), clientId: 'it-router-xfer', logger });
  const events: EventEnvelope<InteractionLifecyclePayload>[] = [];
  let routerBus: EventBus;
  let router: RouterService;
  let tap: EventTap;

  beforeAll(async () => {
    routerBus = await startEventBus(withNamespace(kafka, namespace), { producer: 'router', logger, retryDelayMs: () => 50 });
    router = new RouterService(store, routerBus, systemClock, logger, { tenant, offerTimeoutMs: OFFER_TIMEOUT_MS, sweepIntervalMs: 500 });
    // As RouterModule subscribes it.
    await routerBus.subscribe(Topics.InboundClassified, ConsumerGroups.RouterClassified, (e) => router.handleClassified(e), { fromBeginning: true });
    await routerBus.subscribe(Topics.AgentCommand, ConsumerGroups.RouterCommands, (e) => router.handleAgentCommand(e), { fromBeginning: true });
    // The gateway's side: its own Kafka client publishes the commands and reads the router's events back.
    tap = await EventTap.open({ brokers, namespace, clientId: 'it-router-xfer-tap' });
    await tap.bus.subscribe(Topics.InteractionLifecycle, 'it-router-xfer-observer', async (event) => {
      events.push(event);
    }, { fromBeginning: true });
  });

  afterAll(async () => {
    await tap?.close();
    await routerBus?.stop();
    await kafka.disconnect();
    await deleteTenantKeys(redis, tenant);
    await redis.quit();
    await deleteTopicsWithPrefix(brokers, `${namespace}.`, 'it-router-xfer-cleanup');
  });

  async function command(payload: Omit<AgentCommandPayload, 'commandId'>, correlationId = newId()): Promise<void> {
    await tap.bus.publish(Topics.AgentCommand, { commandId: newId(), ...payload }, { correlationId });
  }

  /** The first event of `type` about the interaction (and matching `extra`) that the router published, read from Kafka. */
  async function event(
    interactionId: string,
    type: InteractionEventType,
    extra: (payload: InteractionLifecyclePayload) => boolean = () => true,
  ): Promise<InteractionLifecyclePayload> {
    const found = await waitFor(`${type} of ${interactionId} on Kafka`, () =>
      events.find((e) => e.payload.interactionId === interactionId && e.payload.type === type && extra(e.payload))?.payload,
    );
    return found;
  }

  async function ready(agentId: string): Promise<void> {
    await command({ type: 'presence', agentId, presence: 'ready', capacity: 2 });
    await waitFor(`${agentId} ready in Redis`, async () => (await store.getAgent(agentId))?.state === 'ready');
  }

  it('keeps a declined transfer with its holder and moves an accepted one, then runs a conference to a hand-over', async () => {
    const [holder, target, guest] = [`ada-${newId().slice(0, 4)}`, `bob-${newId().slice(0, 4)}`, `cleo-${newId().slice(0, 4)}`];
    await ready(holder);
    const classified = classifiedEvent(inboundMessage());
    await tap.bus.publish(Topics.InboundClassified, classified.payload, { correlationId: classified.correlationId });
    const offered = await waitFor('the offer to the holder', () =>
      events.find((e) => e.payload.type === 'offered' && e.payload.agentId === holder)?.payload,
    );
    const id = offered.interactionId;
    await command({ type: 'accept', agentId: holder, interactionId: id, offerId: offered.offerId ?? '' });
    await event(id, 'accepted', (p) => p.agentId === holder);
    await ready(target);
    await ready(guest);

    // Transfer to a named agent, declined: the holder keeps it.
    await command({ type: 'transfer', agentId: holder, interactionId: id, toAgentId: target, transferReason: 'billing question' });
    const firstOffer = await event(id, 'transfer-offered');
    expect(firstOffer).toMatchObject({ agentId: target, fromAgentId: holder, reason: 'billing question' });
    expect(await store.getInteraction(id)).toMatchObject({
      state: 'assigned',
      agentId: holder,
      transferOffer: { toAgentId: target, offerId: firstOffer.offerId, reason: 'billing question' },
    });
    // The target's reload reads the offer with its reason from the router's record.
    expect((await states.stateOf(target))?.offers).toEqual([
      expect.objectContaining({ interactionId: id, kind: 'transfer', fromAgentId: holder, reason: 'billing question' }),
    ]);
    await command({ type: 'decline', agentId: target, interactionId: id, offerId: firstOffer.offerId ?? '' });
    expect(await event(id, 'transfer-declined')).toMatchObject({ agentId: target, fromAgentId: holder, offerId: firstOffer.offerId });
    const declined = await store.getInteraction(id);
    expect(declined).toMatchObject({ state: 'assigned', agentId: holder });
    expect(declined?.transferOffer).toBeUndefined();
    expect(await store.getAgent(target)).toMatchObject({ load: 0 });

    // Offered again and accepted: it moves, with both loads.
    await command({ type: 'transfer', agentId: holder, interactionId: id, toAgentId: target, transferReason: 'billing, take two' });
    const secondOffer = await event(id, 'transfer-offered', (p) => p.offerId !== firstOffer.offerId);
    await command({ type: 'accept', agentId: target, interactionId: id, offerId: secondOffer.offerId ?? '' });
    expect(await event(id, 'accepted', (p) => p.agentId === target)).toMatchObject({ fromAgentId: holder, offerId: secondOffer.offerId });
    expect(await store.getInteraction(id)).toMatchObject({ state: 'assigned', agentId: target });
    expect(await store.getAgent(holder)).toMatchObject({ load: 0 });
    expect(await store.getAgent(target)).toMatchObject({ load: 1 });

    // Conference: the new holder invites, the invitee joins as a guest holding a slot.
    await command({ type: 'conference', agentId: target, interactionId: id, toAgentId: guest, conferenceReason: 'second opinion' });
    const invitation = await event(id, 'conference-offered');
    expect(invitation).toMatchObject({ agentId: guest, fromAgentId: target, reason: 'second opinion' });
    expect((await store.getInteraction(id))?.conferenceOffer).toMatchObject({ toAgentId: guest, reason: 'second opinion' });
    const accept = { type: 'accept' as const, agentId: guest, interactionId: id, offerId: invitation.offerId ?? '' };
    await command(accept);
    expect(await event(id, 'conference-joined')).toMatchObject({ agentId: guest, fromAgentId: target, conferenceAgentIds: [guest] });
    expect(await store.getInteraction(id)).toMatchObject({ agentId: target, conferenceAgentIds: [guest] });
    expect(await store.getAgent(guest)).toMatchObject({ load: 1 });
    // The same accept redelivered is answered (already accepted), not dropped as stale, and changes nothing.
    await expect(router.handleAgentCommand(envelope<AgentCommandPayload>({ commandId: newId(), ...accept }))).resolves.toBeUndefined();
    expect(await store.getAgent(guest)).toMatchObject({ load: 1 });

    // The guest leaves; invited again, it joins; the holder hands over to it.
    await command({ type: 'leave-conference', agentId: guest, interactionId: id });
    expect(await event(id, 'conference-left')).toMatchObject({ agentId: guest, fromAgentId: target });
    expect((await store.getInteraction(id))?.conferenceAgentIds).toBeUndefined();
    expect(await store.getAgent(guest)).toMatchObject({ load: 0 });
    await command({ type: 'conference', agentId: target, interactionId: id, toAgentId: guest });
    const again = await event(id, 'conference-offered', (p) => p.offerId !== invitation.offerId);
    await command({ type: 'accept', agentId: guest, interactionId: id, offerId: again.offerId ?? '' });
    await event(id, 'conference-joined', (p) => p.offerId === again.offerId);
    await command({ type: 'leave-conference', agentId: target, interactionId: id, toAgentId: guest });
    expect(await event(id, 'conference-handed-over')).toMatchObject({ agentId: guest, fromAgentId: target });
    const handedOver = await store.getInteraction(id);
    expect(handedOver).toMatchObject({ state: 'assigned', agentId: guest });
    expect(handedOver?.conferenceAgentIds).toBeUndefined();
    expect(await store.getAgent(target)).toMatchObject({ load: 0 });
    expect(await store.getAgent(guest)).toMatchObject({ load: 1 });

    // Every step above was announced once, in order, on the interaction's key.
    expect(events.filter((e) => e.payload.interactionId === id).map((e) => e.payload.type)).toEqual([
      'created',
      'offered',
      'accepted',
      'transfer-offered',
      'transfer-declined',
      'transfer-offered',
      'accepted',
      'conference-offered',
      'conference-joined',
      'conference-left',
      'conference-offered',
      'conference-joined',
      'conference-handed-over',
    ]);
  });
});
