import { Redis } from 'ioredis';

import { type AgentCommandPayload, type EventEnvelope } from '@perch/contracts';
import { createLogger, newId, systemClock } from '@perch/platform';

import { RedisRoutingStore } from '../store/redis/redis-routing-store.adapter';
import { countingRoutingStore } from '../testing/counting-routing-store.fixtures';
import { RecordingRouterPublisher } from '../testing/recording-router-publisher.fixtures';
import { deleteTenantKeys, redisUrl, uniqueTenant } from '../testing/redis-test-tenant.fixtures';
import { classifiedEvent, envelope, inboundMessage } from '../testing/routing.fixtures';
import { RouterService } from './router.domain';

type SendCommand = Redis['sendCommand'];

// The bench's typical tweet on the real Redis: an agent is free and nothing else waits. The router's store calls
// (one Lua script each) and every Redis command its connection sends, outbox relay included.
describe('RouterService store calls on Redis', () => {
  let redis: Redis;
  let tenant: string;
  let commands: string[];

  beforeEach(() => {
    redis = new Redis(redisUrl(), { maxRetriesPerRequest: 2 });
    tenant = uniqueTenant('router-calls');
    commands = [];
    const send: SendCommand = redis.sendCommand.bind(redis);
    redis.sendCommand = ((...args: Parameters<SendCommand>) => {
      commands.push(args[0].name.toLowerCase());
      return send(...args);
    }) as SendCommand;
  });

  afterEach(async () => {
    await deleteTenantKeys(redis, tenant);
    await redis.quit();
  });

  it('runs four scripts for a tweet offered at once, accepted and completed: one dispatch', async () => {
    const counting = countingRoutingStore(new RedisRoutingStore(redis, tenant));
    const publisher = new RecordingRouterPublisher();
    const router = new RouterService(counting.store, publisher, systemClock, createLogger('router-calls-test'), {
      tenant,
      offerTimeoutMs: 30_000,
      sweepIntervalMs: 1_000,
    });
    const command = (payload: Omit<AgentCommandPayload, 'commandId'>): EventEnvelope<AgentCommandPayload> => envelope({ commandId: newId(), ...payload });
    await router.handleAgentCommand(command({ type: 'presence', agentId: 'alice', presence: 'ready', capacity: 3 }));
    counting.calls.length = 0;
    commands.length = 0;

    await router.handleClassified(classifiedEvent(inboundMessage()));
    const offered = publisher.lifecycle().find((event) => event.payload.type === 'offered')?.payload;
    if (offered?.offerId === undefined) throw new Error('not offered at once');
    await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId: offered.interactionId, offerId: offered.offerId }));
    await router.handleAgentCommand(command({ type: 'complete', agentId: 'alice', interactionId: offered.interactionId }));

    expect(counting.calls).toEqual(['upsertInteraction', 'dispatch', 'accept', 'complete']);
    const scripts = commands.filter((name) => name === 'evalsha' || name === 'eval');
    expect(scripts).toHaveLength(4);
    expect(publisher.lifecycleSummary()).toEqual(['created', 'offered alice', 'accepted alice', 'completed alice']);
    const byName = new Map<string, number>();
    for (const name of commands) byName.set(name, (byName.get(name) ?? 0) + 1);
    process.stdout.write(`router calls per tweet on Redis: ${JSON.stringify({ scripts: scripts.length, commands: commands.length, byName: Object.fromEntries(byName) })}\n`);
  });
});
