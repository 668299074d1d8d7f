import { randomUUID } from 'node:crypto';

import { serviceEnv } from '@perch/testing';
import { Redis } from 'ioredis';
import { Client } from 'pg';

import { deleteNamespaceKeys, dropNamespaceSchemas } from './run-cleanup.util';

describe('a benchmark run cleaning up after itself', () => {
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

  it("removes only its own namespace's schemas and Redis keys, leaving another run's that shares the prefix", async () => {
    const suffix = (ns: string): string => ns.replace(/-/g, '_');
    for (const ns of [mine, other]) {
      await pg.query(`CREATE SCHEMA "perch_${suffix(ns)}"`);
      await pg.query(`CREATE TABLE "perch_${suffix(ns)}".t (id int)`);
      await redis.set(`perch:{${ns}-default}:agent:a1`, '1');
      await redis.set(`perch:${ns}-ingest:seen`, '1');
    }

    expect(await deleteNamespaceKeys(redis, mine)).toBe(2);
    expect(await dropNamespaceSchemas(env.databaseUrl, mine)).toEqual([`perch_${suffix(mine)}`]);

    expect(await schemas()).toEqual([`perch_${suffix(other)}`]);
    expect(await redis.exists(`perch:{${mine}-default}:agent:a1`, `perch:${mine}-ingest:seen`)).toBe(0);
    expect(await redis.exists(`perch:{${other}-default}:agent:a1`, `perch:${other}-ingest:seen`)).toBe(2);
  });
});
