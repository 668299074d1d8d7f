import { randomUUID } from 'node:crypto';

import { serviceEnv } from './service-env.util';
import { Redis } from 'ioredis';
import { type Admin, Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

import { waitFor } from './wait-for.util';
import { deleteNamespaceKeys, deleteNamespaceTopics, dropNamespaceSchemas, isE2eNamespaceOf, removeNamespaces, removeNamespacesWhere } from './namespace-cleanup.util';

/**
 * Creates the topics and waits until the broker lists them (what the clean-up reads). Not `waitForLeaders`: kafkajs
 * then reads metadata that may not know a new topic yet and fails ("does not host this topic-partition") while
 * another suite creates and deletes topics on the same broker.
 */
async function createListedTopics(admin: Admin, topics: readonly string[]): Promise<void> {
  await admin.createTopics({ topics: topics.map((topic) => ({ topic, numPartitions: 1 })), waitForLeaders: false });
  await waitFor('the new topics listed', async () => {
    const listed = await admin.listTopics();
    return topics.every((topic) => listed.includes(topic));
  });
}

describe('removing what a namespace holds on Kafka, Redis and PostgreSQL', () => {
  const env = serviceEnv();
  const stamp = randomUUID().slice(0, 8);
  const mine = `bench-${stamp}`;
  const other = `bench-${stamp}0`;
  let redis: Redis;
  let pg: Client;

  const schemas = async (): Promise<string[]> =>
    (await pg.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE $1 ORDER BY 1`, [`%_bench_${stamp}%`])).rows.map(
      (row) => row.name,
    );

  beforeAll(async () => {
    redis = new Redis(env.redisUrl);
    pg = new Client({ connectionString: env.databaseUrl });
    await pg.connect();
  });

  afterAll(async () => {
    await dropNamespaceSchemas(env.databaseUrl, other);
    await deleteNamespaceKeys(redis, other);
    await redis.quit();
    await pg.end();
  });

  it("removes only its own namespace's schemas and Redis keys, leaving another's that shares the prefix or ends with its name", async () => {
    const suffix = (ns: string): string => ns.replace(/-/g, '_');
    for (const ns of [mine, other]) {
      await pg.query(`CREATE SCHEMA "perch_${suffix(ns)}"`);
      await pg.query(`CREATE TABLE "perch_${suffix(ns)}".t (id int)`);
      await redis.set(`perch:{${ns}-default}:agent:a1`, '1');
      await redis.set(`perch:${ns}-ingest:seen`, '1');
    }

    // A namespace whose name ends with this one's ("x" + mine) is another namespace.
    await redis.set(`perch:{x${mine}-default}:agent:a1`, '1');

    expect(await deleteNamespaceKeys(redis, mine)).toBe(2);
    expect(await redis.exists(`perch:{x${mine}-default}:agent:a1`)).toBe(1);
    await redis.del(`perch:{x${mine}-default}:agent:a1`);
    expect(await dropNamespaceSchemas(env.databaseUrl, mine)).toEqual([`perch_${suffix(mine)}`]);

    expect(await schemas()).toEqual([`perch_${suffix(other)}`]);
    expect(await redis.exists(`perch:{${mine}-default}:agent:a1`, `perch:${mine}-ingest:seen`)).toBe(0);
    expect(await redis.exists(`perch:{${other}-default}:agent:a1`, `perch:${other}-ingest:seen`)).toBe(2);
  });
  it('removes every throwaway namespace (prefix and a time) but the one kept, on the broker too, and neither a chosen name nor another prefix', async () => {
    const prefix = `dev${stamp}-`;
    const [old1, old2, current] = [`${prefix}1`, `${prefix}2`, `${prefix}3`];
    const unrelated = `keep${stamp}-1`;
    // Named by a person with the same prefix: not a throwaway run's, so never removed.
    const chosen = `${prefix}team`;
    const brokers = env.kafkaBrokers.split(',');
    const admin = new Kafka({ clientId: 'namespace-cleanup-spec', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await createListedTopics(admin, [old1, old2, current, unrelated, chosen].map((ns) => `${ns}.x.inbound.received.v1`));
      for (const ns of [old1, old2, current, unrelated, chosen]) {
        await pg.query(`CREATE SCHEMA "perch_${ns.replace(/-/g, '_')}"`);
        await redis.set(`perch:{${ns}-default}:agent:a1`, '1');
      }

      const removed = await removeNamespaces({ brokers, redisUrl: env.redisUrl, databaseUrl: env.databaseUrl }, prefix, [current]);

      expect(removed).toEqual([
        { namespace: old1, topics: 1, redisKeys: 1, schemas: 1 },
        { namespace: old2, topics: 1, redisKeys: 1, schemas: 1 },
      ]);
      // A deleted topic leaves the broker's metadata a moment after the deletion is acknowledged.
      const topics = await waitFor('the removed namespaces\' topics gone', async () => {
        const listed = await admin.listTopics();
        return [old1, old2].some((ns) => listed.includes(`${ns}.x.inbound.received.v1`)) ? undefined : listed;
      });
      expect([old1, old2, current, unrelated, chosen].map((ns) => topics.includes(`${ns}.x.inbound.received.v1`))).toEqual([false, false, true, true, true]);
      expect(await redis.exists(...[old1, old2, current, unrelated, chosen].map((ns) => `perch:{${ns}-default}:agent:a1`))).toBe(3);
      const left = (await pg.query<{ name: string }>(`SELECT nspname AS name FROM pg_namespace WHERE nspname LIKE $1 OR nspname LIKE $2 ORDER BY 1`, [`%_dev${stamp}_%`, `%_keep${stamp}_%`])).rows;
      expect(left.map((row) => row.name)).toEqual([current, chosen, unrelated].map((ns) => `perch_${ns.replace(/-/g, '_')}`));
    } finally {
      for (const ns of [current, unrelated, chosen]) {
        await deleteNamespaceTopics(brokers, ns);
        await dropNamespaceSchemas(env.databaseUrl, ns);
        await deleteNamespaceKeys(redis, ns);
      }
      await admin.disconnect();
    }
  });

  it("removes the namespaces an e2e run made (the e2e tier's teardown), and none made before it or named otherwise", async () => {
    // A window far in the future, so no real e2e run's namespace on this broker falls in it.
    const since = 4_000_000_000_000 + Number.parseInt(stamp, 16);
    const [made, madeByStep, before, untimed] = [`e2e-distributed-${since + 10}`, `e2e-crash-after_publish-${since + 20}`, `e2e-distributed-${since - 5_000}`, `e2e-split-${stamp}`];
    const all = [made, madeByStep, before, untimed];
    const brokers = env.kafkaBrokers.split(',');
    const admin = new Kafka({ clientId: 'namespace-cleanup-spec', brokers, logLevel: logLevel.NOTHING }).admin();
    await admin.connect();
    try {
      await createListedTopics(admin, all.map((ns) => `${ns}.x.inbound.received.v1`));
      for (const ns of all) await redis.set(`perch:{${ns}-default}:agent:a1`, '1');

      const removed = await removeNamespacesWhere({ brokers, redisUrl: env.redisUrl, databaseUrl: env.databaseUrl }, (ns) => isE2eNamespaceOf(ns, since, since + 60_000));

      expect(removed.map((r) => r.namespace)).toEqual([madeByStep, made]);
      const topics = await waitFor('the removed namespaces\' topics gone', async () => {
        const listed = await admin.listTopics();
        return [made, madeByStep].some((ns) => listed.includes(`${ns}.x.inbound.received.v1`)) ? undefined : listed;
      });
      expect(all.map((ns) => topics.includes(`${ns}.x.inbound.received.v1`))).toEqual([false, false, true, true]);
      expect(await redis.exists(...all.map((ns) => `perch:{${ns}-default}:agent:a1`))).toBe(2);
    } finally {
      for (const ns of all) {
        await deleteNamespaceTopics(brokers, ns);
        await deleteNamespaceKeys(redis, ns);
      }
      await admin.disconnect();
    }
  });

  it('refuses a prefix too short to be a throwaway one, before touching anything', async () => {
    await expect(removeNamespaces({ brokers: env.kafkaBrokers.split(','), redisUrl: env.redisUrl, databaseUrl: env.databaseUrl }, 'd')).rejects.toThrow(/refusing/);
  });
});
