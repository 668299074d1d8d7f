import { randomUUID } from 'node:crypto';

import { type AgentCommandPayload, Topics } from '@perch/contracts';
import { createLogger, loadConfig } from '@perch/platform';
import { deleteTopicsWithPrefix, freePort, RedisServerProcess, TcpProxy, waitFor } from '@perch/testing';
import type Redis from 'ioredis';
import { type Pool } from 'pg';

import { createPgPool } from './client-resilience.util';
import { connectKafkaBus, connectRedis, type KafkaBus, RedisEnv } from './distributed-env.config';

// A bus consumer whose handler writes to Redis and PostgreSQL keeps every event through an outage of either:
// nothing is dead-lettered and each event is handled once. Redis is this test's own redis-server (killed and
// restarted on its port); PostgreSQL sits behind a TCP proxy the test shuts and reopens. The shared services are
// never touched. Each outage lasts 61 s, the case issue 8 names (CI runs it so); PERCH_FAULT_OUTAGE_MS shortens
// them for a quick local run.

const OUTAGE_MS = Number(process.env['PERCH_FAULT_OUTAGE_MS'] ?? 61_000);
const EVENTS_PER_PHASE = 8;

const kafkaBrokers = process.env['KAFKA_BROKERS'];
const databaseUrl = process.env['DATABASE_URL'];
if (!kafkaBrokers || !databaseUrl) throw new Error('KAFKA_BROKERS and DATABASE_URL must be set (the integration global setup provides them)');

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

function presence(agentId: string): AgentCommandPayload {
  return { commandId: randomUUID(), type: 'presence', agentId, presence: 'ready', capacity: 1 };
}

describe('riding out Redis and PostgreSQL outages', () => {
  const namespace = `it-outage-${randomUUID().slice(0, 8)}`;
  const schema = `it_outage_${randomUUID().replace(/-/g, '').slice(0, 12)}`;
  const pgTarget = new URL(databaseUrl);
  /** This test's redis-server, without persistence: a kill is a full outage and a restart comes back empty. */
  let ownRedis: RedisServerProcess;
  let proxy: TcpProxy;
  let redis: Redis;
  let pool: Pool;
  let kafkaBus: KafkaBus;
  /** Completed handler runs per event id: a duplicate would show as 2. */
  const completions = new Map<string, number>();

  beforeAll(async () => {
    ownRedis = await RedisServerProcess.start({ args: ['--save', '', '--appendonly', 'no'] });
    proxy = new TcpProxy(await freePort(), { host: pgTarget.hostname, port: Number(pgTarget.port || 5432) });
    await proxy.open();
    const proxiedUrl = new URL(databaseUrl);
    proxiedUrl.hostname = '127.0.0.1';
    proxiedUrl.port = String(proxy.port);

    const env = loadConfig(RedisEnv, {
      KAFKA_BROKERS: kafkaBrokers,
      PERCH_NAMESPACE: namespace,
      REDIS_URL: ownRedis.url,
      // This Redis persists nothing on purpose: the outage, not persistence, is under test.
      REDIS_ALLOW_EPHEMERAL: 'true',
    });
    redis = await connectRedis(env);
    pool = createPgPool({ connectionString: proxiedUrl.toString(), max: 4, logger: createLogger('it-outage-pg') });
    await pool.query(`create schema if not exists ${schema}`);
    await pool.query(`create table ${schema}.handled (event_id uuid primary key, agent_id text not null)`);
    kafkaBus = await connectKafkaBus(env, 'it-outage');
    await kafkaBus.bus.subscribe(
      Topics.AgentCommand,
      'outage-consumer',
      async (event) => {
        // Both writes are idempotent, so a retry after a half-done attempt is harmless.
        await redis.set(`${namespace}:handled:${event.eventId}`, event.payload.agentId, 'NX');
        await pool.query(`insert into ${schema}.handled (event_id, agent_id) values ($1, $2) on conflict do nothing`, [event.eventId, event.payload.agentId]);
        completions.set(event.eventId, (completions.get(event.eventId) ?? 0) + 1);
      },
      { fromBeginning: true },
    );
  }, 120_000);

  afterAll(async () => {
    await kafkaBus?.bus.stop();
    await kafkaBus?.transport.disconnect();
    await proxy?.open().catch(() => undefined);
    await pool?.query(`drop schema if exists ${schema} cascade`).catch(() => undefined);
    await pool?.end();
    await proxy?.shut();
    redis?.disconnect();
    await ownRedis?.dispose();
    await deleteTopicsWithPrefix(kafkaBrokers, `${namespace}.`, 'it-outage-cleanup');
  }, 120_000);

  async function publishPhase(label: string): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < EVENTS_PER_PHASE; i += 1) {
      const sent = await kafkaBus.bus.publish(Topics.AgentCommand, presence(`${label}-${i}`), { correlationId: `${label}-${i}` });
      ids.push(sent.eventId);
    }
    return ids;
  }

  async function throughOutage(label: string, stop: () => Promise<void>, restart: () => Promise<void>): Promise<string[]> {
    const retriedBefore = kafkaBus.bus.counters.retried;
    await stop();
    const ids = await publishPhase(label);
    // The handlers must actually be failing against the dead service, or the test proves nothing.
    await waitFor(`handlers failing during the ${label} outage`, () => kafkaBus.bus.counters.retried > retriedBefore, 120_000);
    await pause(OUTAGE_MS);
    await restart();
    await waitFor(`every ${label} event handled after the service came back`, () => ids.every((id) => completions.has(id)), OUTAGE_MS + 120_000);
    return ids;
  }

  it('keeps the process alive when PostgreSQL goes away under a client in a transaction, and serves again after', async () => {
    const client = await pool.connect();
    try {
      await client.query('BEGIN');
      const inFlight = client.query('SELECT pg_sleep(5)');
      await proxy.shut();
      // Without a listener for the checked-out client's 'error' event this would end the process (as it did a gateway).
      await expect(inFlight).rejects.toThrow();
    } finally {
      client.release(true);
    }
    await proxy.open();
    await waitFor('the pool to serve again', () => pool.query('SELECT 1').then(() => true, () => false), 30_000);
  }, 60_000);

  it(
    'handles every event once and dead-letters none through a Redis outage and a PostgreSQL outage',
    async () => {
      const before = await publishPhase('steady');
      await waitFor('the steady events', () => before.every((id) => completions.has(id)), 120_000);

      const redisPhase = await throughOutage('redis', () => ownRedis.kill(), () => ownRedis.start());
      const pgPhase = await throughOutage('postgres', () => proxy.shut(), () => proxy.open());

      const all = [...before, ...redisPhase, ...pgPhase];
      expect(all.map((id) => completions.get(id))).toEqual(all.map(() => 1));
      expect(kafkaBus.bus.counters.deadLettered).toBe(0);
      const { rows } = await pool.query<{ count: string }>(`select count(*) from ${schema}.handled`);
      expect(Number(rows[0]?.count)).toBe(all.length);
      // Redis kept nothing across its kill (no persistence); what came after the restart is there.
      const keys = await redis.exists(...[...redisPhase, ...pgPhase].map((id) => `${namespace}:handled:${id}`));
      expect(keys).toBe(redisPhase.length + pgPhase.length);
    },
    2 * OUTAGE_MS + 300_000,
  );
});
