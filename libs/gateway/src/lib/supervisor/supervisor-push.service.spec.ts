import { type AgentProfile } from '@perch/agents';
import { MemoryQueueCounterStore, MemoryRoutingStore } from '@perch/routing';

import { createTestbedDirectory } from '../testing/gateway-testbed.fixtures';
import { agentProfile, UNIT_OPTIONS } from '../testing/gateway-unit.fixtures';
import { type AgentSocketHub } from '../ws/agent-socket-hub.service';
import { type ServerMessage, type SupervisorSnapshotMessage } from '../ws/ws-messages.types';
import { MemoryInteractionSeriesStore } from './memory-interaction-series-store.adapter';
import { SupervisorDataService } from './supervisor-data.service';
import { SupervisorPushService } from './supervisor-push.service';
import { SupervisorSeriesService } from './supervisor-series.service';

/** The hub as the push service uses it: who connected, who is still there, what each was sent. */
class FakeHub {
  readonly sent = new Map<string, ServerMessage[]>();
  private readonly listeners: ((agent: AgentProfile) => void)[] = [];
  private readonly connected = new Set<string>();

  onConnected(listener: (agent: AgentProfile) => void): void {
    this.listeners.push(listener);
  }

  connect(agent: AgentProfile): void {
    this.connected.add(agent.id);
    for (const listener of this.listeners) listener(agent);
  }

  disconnect(agentId: string): void {
    this.connected.delete(agentId);
  }

  isConnected(agentId: string): boolean {
    return this.connected.has(agentId);
  }

  send(agentId: string, message: ServerMessage): number {
    this.sent.set(agentId, [...(this.sent.get(agentId) ?? []), message]);
    return 1;
  }

  snapshots(agentId: string): SupervisorSnapshotMessage[] {
    return (this.sent.get(agentId) ?? []).filter((message): message is SupervisorSnapshotMessage => message.type === 'supervisor-snapshot');
  }
}

describe(SupervisorPushService.name, () => {
  const FLOOR = 2_000;
  let routing: MemoryRoutingStore;
  let hub: FakeHub;
  let push: SupervisorPushService;

  beforeEach(async () => {
    routing = new MemoryRoutingStore('push-unit');
    for (let i = 0; i < FLOOR; i += 1) await routing.setPresence({ agentId: `agent-${String(i).padStart(4, '0')}`, state: 'ready', now: 1_000 });
    hub = new FakeHub();
    const data = new SupervisorDataService(routing, new MemoryQueueCounterStore(), await createTestbedDirectory([]), { ...UNIT_OPTIONS, clock: { now: () => 5_000 } });
    push = new SupervisorPushService(hub as unknown as AgentSocketHub, data, UNIT_OPTIONS);
    push.onModuleInit();
  });

  afterEach(() => {
    push.onApplicationShutdown();
  });

  async function settle(): Promise<void> {
    // Enough rounds for the rotating re-read to have seen every agent once.
    for (let round = 0; round <= FLOOR / 100; round += 1) await push.pushRound();
  }

  it('sends nothing while no supervisor is connected, and never anything to an agent', async () => {
    hub.connect(agentProfile('ada'));
    push.noteAgent('agent-0001');
    expect(await push.pushRound()).toBe(false);
    expect(hub.sent.size).toBe(0);
  });

  it('pushes the queues and only the agents that changed, however large the floor', async () => {
    hub.connect(agentProfile('sue', { role: 'supervisor' }));
    await settle();
    const before = hub.snapshots('sue');
    expect(before[0]).toMatchObject({ initial: true, agents: [] });
    // The rotating re-read makes each push small: a page of agents at most, never the floor.
    expect(Math.max(...before.map((message) => message.agents.length))).toBeLessThanOrEqual(100);

    expect(await push.pushRound()).toBe(false);

    await routing.setPresence({ agentId: 'agent-1234', state: 'not-ready', reason: 'break', now: 4_000 });
    push.noteAgent('agent-1234');
    expect(await push.pushRound()).toBe(true);
    const last = hub.snapshots('sue').at(-1);
    expect(last?.agents).toEqual([expect.objectContaining({ agentId: 'agent-1234', state: 'not-ready', reason: 'break', timeInStateMs: 1_000 })]);
    expect(JSON.stringify(last).length).toBeLessThan(5_000);
  });

  it('stops pushing to a supervisor who left', async () => {
    hub.connect(agentProfile('sue', { role: 'admin' }));
    await settle();
    const sent = hub.snapshots('sue').length;
    hub.disconnect('sue');
    await routing.setPresence({ agentId: 'agent-0007', state: 'offline', now: 4_000 });
    push.noteAgent('agent-0007');
    expect(await push.pushRound()).toBe(false);
    expect(hub.snapshots('sue')).toHaveLength(sent);
  });

  it("pushes the chart buckets an event changed, once each change, and nothing for a bucket that did not", async () => {
    const now = Date.parse('2026-12-03T10:07:00.000Z');
    const clock = { now: () => now };
    const store = new MemoryInteractionSeriesStore({}, clock);
    const data = new SupervisorDataService(routing, new MemoryQueueCounterStore(), await createTestbedDirectory([]), { ...UNIT_OPTIONS, clock });
    const charts = new SupervisorPushService(hub as unknown as AgentSocketHub, data, UNIT_OPTIONS, new SupervisorSeriesService(store, { ...UNIT_OPTIONS, clock }));
    charts.onModuleInit();
    try {
      hub.connect(agentProfile('sue', { role: 'supervisor' }));
      for (let round = 0; round <= FLOOR / 100; round += 1) await charts.pushRound();
      const before = hub.snapshots('sue').length;

      // The event is heard before the shared group counted it: the bucket is read again in the next rounds.
      charts.noteSeriesAt(now);
      expect(await charts.pushRound()).toBe(false);
      await store.record({ interactionId: 'i-1', mark: 'created', at: now, add: { created: 1, 'sentiment:negative': 1 } });
      expect(await charts.pushRound()).toBe(true);
      const pushed = hub.snapshots('sue').slice(before);
      expect(pushed).toHaveLength(1);
      expect(pushed[0]?.series).toMatchObject({ bucketMs: 300_000, buckets: [{ start: '2026-12-03T10:05:00.000Z', created: 1, sentiment: { negative: 1 } }] });
      expect(await charts.pushRound()).toBe(false);

      // A late event in an older bucket: only that bucket goes out, once noted.
      const late = now - 40 * 60_000;
      await store.record({ interactionId: 'i-0', mark: 'completed', at: late, add: { completed: 1 } });
      charts.noteSeriesAt(late);
      expect(await charts.pushRound()).toBe(true);
      expect(hub.snapshots('sue').at(-1)?.series?.buckets).toEqual([expect.objectContaining({ start: '2026-12-03T09:25:00.000Z', completed: 1 })]);
      expect(await charts.pushRound()).toBe(false);
    } finally {
      charts.onApplicationShutdown();
    }
  });
});
