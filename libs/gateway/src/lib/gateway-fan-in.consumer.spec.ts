import { randomUUID } from 'node:crypto';

import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConsumerGroups, gatewayFanOutGroup, gatewayPushGroup, type InteractionLifecyclePayload, Topics } from '@perch/contracts';
import { AuditRecorderModule, MemoryAuditLog } from '@perch/audit';
import { InteractionsModule, MemoryCorrectionStore, MemoryInteractionStore } from '@perch/interactions';
import { EventBus, MemoryTransport, perchTopicSpecs } from '@perch/messaging';
import { createLogger } from '@perch/platform';
import { waitFor } from '@perch/testing';

import { GatewayFanInConsumer, GatewayFanOutGroups, GatewaySharedGroups } from './gateway-fan-in.consumer';

function lifecycle(type: InteractionLifecyclePayload['type'], extra: Partial<InteractionLifecyclePayload> = {}): InteractionLifecyclePayload {
  return { interactionId: randomUUID(), type, conversationKey: '1001:1790000000000000001', brandAccountId: '1001', priority: 1, ...extra };
}

describe('The gateway’s lifecycle groups', () => {
  let transport: MemoryTransport;
  let bus: EventBus;
  let app: INestApplicationContext | undefined;
  let store: MemoryInteractionStore;
  let auditLog: MemoryAuditLog;

  /** The projector, the corrections recorder and the audit recorder composed as GatewayModule composes them. */
  async function bootComposed(): Promise<void> {
    const shared = new GatewaySharedGroups(bus);
    const fanOut = new GatewayFanOutGroups(bus, 'gw-1');
    @Module({
      imports: [
        InteractionsModule.register({ bus, interactionStore: store, correctionStore: new MemoryCorrectionStore(), fanIn: shared }),
        AuditRecorderModule.register({ bus, auditLog, fanIn: shared }),
      ],
      providers: [
        { provide: GatewaySharedGroups, useValue: shared },
        { provide: GatewayFanOutGroups, useValue: fanOut },
        GatewayFanInConsumer,
      ],
    })
    class ComposedModule {}
    app = await NestFactory.createApplicationContext(ComposedModule, { logger: false });
  }

  beforeEach(async () => {
    store = new MemoryInteractionStore();
    auditLog = new MemoryAuditLog();
    transport = new MemoryTransport({ redeliveryBackoffMs: 5, maxRedeliveryBackoffMs: 50 });
    await transport.connect();
    await transport.ensureTopics(perchTopicSpecs());
    bus = new EventBus(transport, { producer: 'router', logger: createLogger('spec'), retryDelayMs: () => 5 });
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await bus.stop();
    await transport.disconnect();
  });

  it('runs the projector and the audit recorder of each routing event in one shared group, not in one group each', async () => {
    await bootComposed();
    const accepted = lifecycle('accepted', { agentId: 'ada' });
    const event = await bus.publish(Topics.InteractionLifecycle, accepted, { correlationId: 'corr-1' });
    await waitFor('the view and the audit entry', async () => (await store.get(accepted.interactionId)) !== null && (await auditLog.query({})).entries.length > 0, 10_000);
    expect((await auditLog.query({})).entries.map((entry) => entry.sourceKey)).toContain(`routing.interaction.v1:${event.eventId}`);
    const committed = (group: string, topic: string): boolean => transport.broker.positions(group, topic).some((p) => p.committed !== undefined);
    expect(committed(ConsumerGroups.GatewayRouting, Topics.InteractionLifecycle)).toBe(true);
    expect(committed(ConsumerGroups.GatewayCorrections, Topics.ClassificationCorrected)).toBe(true);
    // The retired per-handler groups are not opened, and no fan-out group exists without a push handler.
    for (const retired of [ConsumerGroups.ProjectorRouting, ConsumerGroups.AuditRouting, ConsumerGroups.SupervisorCounters]) {
      expect(committed(retired, Topics.InteractionLifecycle)).toBe(false);
    }
    expect(committed(gatewayPushGroup('gw-1'), Topics.InteractionLifecycle)).toBe(false);
  });

  it("reads every topic the replica pushes from in ONE group of its own, each event to that topic's push handlers", async () => {
    const fanOut = new GatewayFanOutGroups(bus, 'gw-1');
    const seen: string[] = [];
    fanOut.add(Topics.InteractionLifecycle, { name: 'agents', handle: async (event) => void seen.push(`agents:${event.payload.type}`) });
    fanOut.add(Topics.InteractionLifecycle, { name: 'supervisors', handle: async (event) => void seen.push(`supervisors:${event.payload.type}`) });
    fanOut.add(Topics.AgentState, { name: 'agents', handle: async (event) => void seen.push(`agent-state:${event.payload.agentId}`) });
    const handles = await fanOut.start();
    expect(handles).toHaveLength(1);
    expect(fanOut.plan().map(({ topic, group }) => [topic, group])).toEqual([
      [Topics.InteractionLifecycle, 'gateway-push-gw-1'],
      [Topics.AgentState, 'gateway-push-gw-1'],
    ]);

    // From the latest offset (pushes are about now): published once the group has joined.
    await bus.publish(Topics.InteractionLifecycle, lifecycle('accepted', { agentId: 'ada' }), { correlationId: 'corr-1' });
    const state = { agentId: 'ada', state: 'ready', since: new Date().toISOString(), cause: 'agent', capacity: 3, load: 1, loadByChannel: { public: 1, dm: 0 } } as const;
    await bus.publish(Topics.AgentState, state, { correlationId: 'corr-2' });
    await waitFor('both topics pushed', async () => seen.length === 3, 10_000);
    expect(seen.sort()).toEqual(['agent-state:ada', 'agents:accepted', 'supervisors:accepted']);
    // The retired per-topic fan-out groups are not opened.
    const committed = (group: string, topic: string): boolean => transport.broker.positions(group, topic).some((p) => p.committed !== undefined);
    expect(committed(gatewayFanOutGroup('gw-1', Topics.InteractionLifecycle), Topics.InteractionLifecycle)).toBe(false);
    expect(committed(gatewayFanOutGroup('gw-1', Topics.AgentState), Topics.AgentState)).toBe(false);
  });

  it('starts the shared group where the slowest retired group stood: nothing it committed is replayed, nothing after skipped', async () => {
    // Before the upgrade: the projector's group is ahead, the audit's behind (it read the first event only).
    const first = lifecycle('accepted', { agentId: 'ada' });
    const second = lifecycle('accepted', { agentId: 'bob' });
    const handled = { projector: 0, audit: 0 };
    const audit = await bus.subscribe(Topics.InteractionLifecycle, ConsumerGroups.AuditRouting, async () => void (handled.audit += 1), { fromBeginning: true });
    await bus.publish(Topics.InteractionLifecycle, first, { correlationId: 'corr-1' });
    await waitFor('the audit group to read the first event', () => handled.audit === 1);
    await audit.stop();
    const projector = await bus.subscribe(Topics.InteractionLifecycle, ConsumerGroups.ProjectorRouting, async () => void (handled.projector += 1), {
      fromBeginning: true,
    });
    await bus.publish(Topics.InteractionLifecycle, second, { correlationId: 'corr-2' });
    await waitFor('the projector group to read both', () => handled.projector === 2);
    await projector.stop();

    await bootComposed();
    // The audit group had not read the second event: the shared group starts there, so both handlers get it…
    await waitFor('the second event projected and audited', async () => (await store.get(second.interactionId)) !== null && (await auditLog.query({})).entries.length === 1, 10_000);
    // …and not the first, which every retired group had committed.
    expect(await store.get(first.interactionId)).toBeNull();
    expect((await auditLog.query({})).entries.map((entry) => entry.interactionId)).toEqual([second.interactionId]);
  });
});
