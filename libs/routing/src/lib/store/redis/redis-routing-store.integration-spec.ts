import { Redis } from 'ioredis';

import { LuaScript, newId } from '@perch/platform';

import { readRoutingSnapshot, routingViolations } from '../../testing/redis-routing-audit.fixtures';
import { deleteTenantKeys, redisUrl, uniqueTenant } from '../../testing/redis-test-tenant.fixtures';
import { describeRoutingDispatchPropertyContract } from '../../testing/routing-dispatch-property.contract';
import { describeRoutingOutboxContract } from '../../testing/routing-outbox.contract';
import { describeRoutingSkillsAndStickyContract } from '../../testing/routing-skills-sticky.contract';
import { describeRoutingStoreContract, type RoutingStoreFactory } from '../../testing/routing-store.contract';
import { inboundMessage, upsertInput } from '../../testing/routing.fixtures';
import { RedisRoutingStore } from './redis-routing-store.adapter';

let redis: Redis;

beforeAll(() => {
  redis = new Redis(redisUrl(), { lazyConnect: false, maxRetriesPerRequest: 2 });
});

afterAll(async () => {
  await redis.quit();
});

const factory: RoutingStoreFactory = async (options) => {
  const tenant = uniqueTenant('contract');
  const store = new RedisRoutingStore(redis, tenant, options);
  return {
    store,
    dropOutbox: async () => void (await redis.del(store.keys.outbox)),
    dispose: () => deleteTenantKeys(redis, tenant),
    // The property checks limits itself: a presence may lower them below what an agent already holds.
    violations: async () => routingViolations(await readRoutingSnapshot(redis, tenant), { checkLimits: false }),
  };
};

describeRoutingStoreContract('RedisRoutingStore', factory);
describeRoutingOutboxContract('RedisRoutingStore', factory);
describeRoutingSkillsAndStickyContract('RedisRoutingStore', factory);
// Each run is a fresh tenant on the real Redis; sized to finish well within a minute.
// 150 sequences may miss a rare path by chance: the memory run (500) asserts coverage; the contract suites above cover
// each path on Redis.
describeRoutingDispatchPropertyContract('RedisRoutingStore', factory, { numRuns: 150, maxSteps: 40, assertCoverage: false });

describe('RedisRoutingStore key layout', () => {
  it('keeps every key of a tenant under one hash tag, so each script stays in one cluster slot', async () => {
    const tenant = uniqueTenant('layout');
    const store = new RedisRoutingStore(redis, tenant);
    try {
      await store.setPresence({ agentId: 'a1', state: 'ready', now: 1 });
      const keys: string[] = [];
      for await (const batch of redis.scanStream({ match: `perch:{${tenant}}:*` })) keys.push(...(batch as string[]));
      // A presence writes the agent, the available set, the agent's pool entries and group counts, and the outbox.
      expect(keys.sort()).toEqual([store.keys.agents, store.keys.available, store.keys.pools, store.keys.poolSizes, store.keys.outbox].sort());
      expect(keys.every((key) => key.startsWith(`perch:{${tenant}}:`))).toBe(true);
    } finally {
      await deleteTenantKeys(redis, tenant);
    }
  });

  it('runs a script the server has never seen (NOSCRIPT falls back to EVAL, then EVALSHA hits)', async () => {
    // A unique source has a sha no server knows, without SCRIPT FLUSH on a shared Redis.
    const script = new LuaScript('probe', `-- ${newId()}\nreturn ARGV[1] .. KEYS[1]`, 1);
    expect(await script.run(redis, ['perch:{probe}:k'], ['x'])).toBe('xperch:{probe}:k');
    expect(await redis.script('EXISTS', script.sha)).toEqual([1]);
    expect(await script.run(redis, ['perch:{probe}:k'], ['y'])).toBe('yperch:{probe}:k');
  });
});

describe('RedisRoutingStore outbox records (ADR 40)', () => {
  const T0 = 1_700_000_000_000;
  let tenant: string;
  let store: RedisRoutingStore;

  beforeEach(() => {
    tenant = uniqueTenant('outbox-records');
    store = new RedisRoutingStore(redis, tenant);
  });

  afterEach(async () => {
    await deleteTenantKeys(redis, tenant);
  });

  /** The outbox stream's records as Redis holds them: id and field → value. */
  const rawRecords = async (): Promise<{ id: string; fields: Map<string, string> }[]> =>
    (await redis.xrange(store.keys.outbox, '-', '+')).map(([id, values]) => {
      const fields = new Map<string, string>();
      for (let i = 0; i + 1 < values.length; i += 2) fields.set(values[i] ?? '', values[i + 1] ?? '');
      return { id, fields };
    });
  const occurrences = (haystack: string, needle: string): number => haystack.split(needle).length - 1;

  it("holds a tweet's text once in the record of the creation it made and once in that of a follow-up appended", async () => {
    const first = upsertInput(T0, { message: inboundMessage({ conversationKey: 'conv-once', text: '@perchbrand first-marker order lost' }) });
    const followUp = upsertInput(T0 + 1, { message: inboundMessage({ conversationKey: 'conv-once', text: '@perchbrand second-marker still lost' }) });
    await store.upsertInteraction(first);
    await store.upsertInteraction(followUp);

    const [created, appended] = await rawRecords();
    if (!created || !appended) throw new Error('expected two records');
    const all = (record: { fields: Map<string, string> }): string => [...record.fields.values()].join('\n');
    expect(occurrences(all(created), 'first-marker')).toBe(1);
    expect(occurrences(all(appended), 'second-marker')).toBe(1);
    expect(JSON.parse(created.fields.get('note') ?? '{}')).not.toHaveProperty('input.message');
    // Not 'upsert': a router built before ADR 40 does not know the op, so it leaves the record to a newer relay rather
    // than publish a creation without its message.
    expect([created.fields.get('op'), appended.fields.get('op')]).toEqual(['upsert-slim', 'upsert-slim']);
    expect(created.fields.has('data')).toBe(false);
    // The events are built from the records alone: each reads back with the message it applied.
    const changes = await store.claimChanges({ relayId: 'relay-a', limit: 10 });
    expect(changes.map((change) => (change.change.op === 'upsert' ? change.change.input : undefined))).toEqual([first, followUp]);
  });

  it('reads a record written before ADR 40, its message in the note, as its writer saw it', async () => {
    const input = upsertInput(T0, { message: inboundMessage({ conversationKey: 'conv-old' }) });
    const result = await store.upsertInteraction(input, { causationId: 'c1' });
    const [record] = await rawRecords();
    if (!record) throw new Error('expected a record');
    // The same change as an older router wrote it: the whole input in the note.
    await redis.xdel(store.keys.outbox, record.id);
    await redis.xadd(store.keys.outbox, '*', 'op', 'upsert', 'note', JSON.stringify({ input, trace: { causationId: 'c1' } }), 'out', record.fields.get('out') ?? '');

    const changes = await store.claimChanges({ relayId: 'relay-a', limit: 10 });
    expect(changes.map((change) => change.change)).toEqual([{ op: 'upsert', input, result }]);
    expect(changes[0]?.trace).toEqual({ causationId: 'c1' });
  });
});
