import { randomUUID } from 'node:crypto';

import { type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type InteractionLifecyclePayload, type OutboundCompletedPayload, Topics } from '@perch/contracts';
import { type EventBus } from '@perch/messaging';
import { type MemoryBus, startMemoryBus, waitFor } from '@perch/testing';

import { AuditRecorderModule } from './audit-recorder.module';
import { MemoryAuditLog } from './memory-audit-log.adapter';

function lifecycle(type: InteractionLifecyclePayload['type'], extra: Partial<InteractionLifecyclePayload> = {}): InteractionLifecyclePayload {
  return { interactionId: randomUUID(), type, conversationKey: '1001:1790000000000000001', brandAccountId: '1001', priority: 1, ...extra };
}

function sentReply(extra: Partial<OutboundCompletedPayload> = {}): OutboundCompletedPayload {
  const reply = { kind: 'reply', status: 'sent', brandAccountId: '1001', agentId: 'ada', text: '@dana_flies on it' } as const;
  return { ...reply, commandId: randomUUID(), interactionId: randomUUID(), tweetId: '1800000000000000001', completedAt: 1_760_000_002_000, ...extra };
}

describe(AuditRecorderModule.name, () => {
  let memory: MemoryBus;
  let bus: EventBus;
  let log: MemoryAuditLog;
  let app: INestApplicationContext | undefined;

  async function boot(auditRecorder = true): Promise<void> {
    app = await NestFactory.createApplicationContext(AuditRecorderModule.register({ bus, auditLog: log, options: { run: { auditRecorder } } }), {
      logger: false,
    });
  }

  beforeEach(async () => {
    memory = await startMemoryBus('router');
    bus = memory.bus;
    log = new MemoryAuditLog();
  });

  afterEach(async () => {
    await app?.close();
    app = undefined;
    await memory.stop();
  });

  it("records the router's decisions, by the router, and not the customer's messages", async () => {
    await boot();
    const accepted = lifecycle('accepted', { agentId: 'ada' });
    await bus.publish(Topics.InteractionLifecycle, lifecycle('message-added'), { correlationId: 'corr-1' });
    const event = await bus.publish(Topics.InteractionLifecycle, accepted, { correlationId: 'corr-1' });
    const [entry] = await waitFor('the routing entry', async () => {
      const { entries } = await log.query({});
      return entries.length > 0 ? entries : undefined;
    }, 10_000);
    expect(entry).toMatchObject({
      actor: { kind: 'system', id: 'router' },
      action: 'routing',
      code: 'accepted',
      interactionId: accepted.interactionId,
      details: { type: 'accepted', agentId: 'ada' },
      sourceKey: `routing.interaction.v1:${event.eventId}`,
    });
  });

  it('records who joined, left or took over a conference, naming the holder and the guests, and not the invitations', async () => {
    await boot();
    const joined = lifecycle('conference-joined', { agentId: 'bob', fromAgentId: 'ada', conferenceAgentIds: ['bob'] });
    await bus.publish(Topics.InteractionLifecycle, lifecycle('conference-offered', { agentId: 'bob', fromAgentId: 'ada', offerId: randomUUID(), offerExpiresAt: new Date().toISOString() }), { correlationId: 'corr-3' });
    await bus.publish(Topics.InteractionLifecycle, joined, { correlationId: 'corr-3' });
    await bus.publish(Topics.InteractionLifecycle, lifecycle('conference-handed-over', { interactionId: joined.interactionId, agentId: 'bob', fromAgentId: 'ada' }), {
      correlationId: 'corr-3',
    });
    const entries = await waitFor('the conference entries', async () => {
      const found = (await log.query({})).entries;
      return found.length >= 2 ? found : undefined;
    }, 10_000);
    expect(entries.map((entry) => entry.code).sort()).toEqual(['conference-handed-over', 'conference-joined']);
    expect(entries.find((entry) => entry.code === 'conference-joined')).toMatchObject({
      action: 'routing',
      details: { type: 'conference-joined', agentId: 'bob', fromAgentId: 'ada', conferenceAgentIds: ['bob'] },
    });
  });

  it("records X's final answer by the agent who asked, and not that an action waits", async () => {
    await boot();
    const reply = sentReply();
    const { tweetId: _none, ...waiting } = { ...reply, status: 'waiting' as const, retryAt: 1_760_000_900_000 };
    await bus.publish(Topics.OutboundCompleted, waiting, { correlationId: 'corr-2' });
    await bus.publish(Topics.OutboundCompleted, reply, { correlationId: 'corr-2' });
    await waitFor('the x-effect entry', async () => (await log.query({})).entries.length > 0, 10_000);
    expect((await log.query({})).entries).toEqual([
      expect.objectContaining({
        actor: { kind: 'agent', id: 'ada' },
        action: 'x-effect',
        outcome: 'succeeded',
        code: 'reply',
        details: expect.objectContaining({ commandId: reply.commandId, tweetId: reply.tweetId }),
      }),
    ]);
  });

  it('records nothing when turned off (another process records)', async () => {
    await boot(false);
    await bus.publish(Topics.InteractionLifecycle, lifecycle('completed', { agentId: 'ada' }), { correlationId: 'corr-3' });
    const seen: string[] = [];
    await bus.subscribe(Topics.InteractionLifecycle, 'audit-recorder-spec-tap', async (event) => void seen.push(event.eventId), { fromBeginning: true });
    await waitFor('the decision on its topic', () => seen.length === 1, 10_000);
    expect((await log.query({})).entries).toEqual([]);
  });
});
