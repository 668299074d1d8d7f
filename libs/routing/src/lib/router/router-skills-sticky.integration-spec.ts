import { Redis } from 'ioredis';

import { type AgentCommandPayload, type AgentPresence, type EventEnvelope } from '@perch/contracts';
import { createLogger, newId } from '@perch/platform';

import { parseSkillRules } from '../skill-rules.util';
import { RedisRoutingStore } from '../store/redis/redis-routing-store.adapter';
import { RecordingRouterPublisher } from '../testing/recording-router-publisher.fixtures';
import { readRoutingSnapshot, routingViolations } from '../testing/redis-routing-audit.fixtures';
import { deleteTenantKeys, redisUrl, uniqueTenant } from '../testing/redis-test-tenant.fixtures';
import { classifiedEvent, envelope, inboundMessage } from '../testing/routing.fixtures';
import { RouterService } from './router.domain';

const T0 = 1_700_000_000_000;
const RULES = parseSkillRules(
  JSON.stringify([
    { when: { lang: 'fr' }, require: 'language:fr', minLevel: 2, widenAfterMs: 60_000, widenTo: 'language:any' },
    { when: {}, require: 'language:en' },
  ]),
  'ROUTER_SKILL_RULES',
);

/** The router with configured rules and a sticky agent, on the real Redis store: what the router app runs. */
describe('RouterService on Redis: skill rules, widening and the sticky agent', () => {
  let redis: Redis;
  let tenant: string;
  let time: number;
  let publisher: RecordingRouterPublisher;
  let router: RouterService;

  beforeAll(() => {
    redis = new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 2 });
  });

  afterAll(async () => {
    await redis.quit();
  });

  beforeEach(() => {
    tenant = uniqueTenant('skills');
    time = T0;
    publisher = new RecordingRouterPublisher();
    const store = new RedisRoutingStore(redis, tenant, { stickyWindowMs: 600_000, stickyWaitMs: 30_000 });
    router = new RouterService(store, publisher, { now: () => time }, createLogger('router-test'), {
      tenant,
      offerTimeoutMs: 30_000,
      sweepIntervalMs: 500,
      skillRules: RULES,
      skillCatalog: ['language:fr', 'language:any', 'language:en'],
    });
  });

  afterEach(async () => {
    await router.stop();
    expect(routingViolations(await readRoutingSnapshot(redis, tenant))).toEqual([]);
    await deleteTenantKeys(redis, tenant);
  });

  const command = (payload: Omit<AgentCommandPayload, 'commandId'>): EventEnvelope<AgentCommandPayload> =>
    envelope({ commandId: newId(), ...payload });

  const presence = async (agentId: string, state: AgentPresence, skills?: string[]): Promise<void> => {
    await router.handleAgentCommand(command({ type: 'presence', agentId, presence: state, ...(skills === undefined ? {} : { skills }) }));
    time += 1;
  };

  const offers = () =>
    publisher
      .lifecycle()
      .filter((event) => event.payload.type === 'offered')
      .map((event) => ({ agentId: event.payload.agentId, requiredSkill: event.payload.requiredSkill, sticky: event.payload.sticky }));

  it('keeps a French customer from a level-1 agent until the requirement widens, then offers it to the wider skill', async () => {
    await presence('fr1', 'ready', ['language:fr=1', 'language:any']);
    await router.handleClassified(classifiedEvent(inboundMessage({ lang: 'fr' })));
    expect(offers()).toEqual([]);
    time = T0 + 59_000;
    await router.sweepOnce();
    expect(offers()).toEqual([]);
    time = T0 + 60_001;
    await router.sweepOnce();
    expect(offers()).toEqual([{ agentId: 'fr1', requiredSkill: 'language:any', sticky: undefined }]);
  });

  it('offers a returning customer to its last agent first, and to anyone once that agent signs out', async () => {
    await presence('alice', 'ready', ['language:en']);
    await presence('bob', 'ready', ['language:en']);
    const customer = { ...inboundMessage().author, id: '4242' };
    await router.handleClassified(classifiedEvent(inboundMessage({ author: customer })));
    const first = publisher.lifecycle().find((event) => event.payload.type === 'offered')?.payload;
    expect(first?.agentId).toBe('alice');
    await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId: first?.interactionId ?? '', offerId: first?.offerId ?? '' }));
    await router.handleAgentCommand(command({ type: 'complete', agentId: 'alice', interactionId: first?.interactionId ?? '' }));
    time += 1_000;
    // Bob has waited longest, but the customer is back within the window: Alice, marked sticky.
    await router.handleClassified(classifiedEvent(inboundMessage({ author: customer })));
    expect(offers()[1]).toEqual({ agentId: 'alice', requiredSkill: 'language:en', sticky: true });
    // Alice completes it and takes a break; the customer writes again in a new thread: it waits for her...
    const second = publisher.lifecycle().filter((event) => event.payload.type === 'offered')[1]?.payload;
    await router.handleAgentCommand(command({ type: 'accept', agentId: 'alice', interactionId: second?.interactionId ?? '', offerId: second?.offerId ?? '' }));
    await router.handleAgentCommand(command({ type: 'complete', agentId: 'alice', interactionId: second?.interactionId ?? '' }));
    await presence('alice', 'not-ready');
    await router.handleClassified(classifiedEvent(inboundMessage({ author: customer })));
    expect(offers()).toHaveLength(2);
    // ...until she signs out: then Bob at once.
    await presence('alice', 'offline');
    expect(offers()[2]).toEqual({ agentId: 'bob', requiredSkill: 'language:en', sticky: undefined });
  });
});
