import { randomUUID } from 'node:crypto';
import { type AddressInfo } from 'node:net';

import { type INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type AuditEntry, SqlAuditLog } from '@perch/audit';
import { poolSqlClient } from '@perch/sql';
import { type OutboundCompletedPayload, Topics } from '@perch/contracts';
import { AgentDirectory, hashPassword } from '@perch/agents';
import { MemoryCorrectionStore, MemoryInteractionStore } from '@perch/interactions';
import { MemoryDeferredOutboundStore, MemoryOutboundIdempotencyStore } from '@perch/outbound';
import { type EventBus, KafkaTransport, startEventBus, withNamespace } from '@perch/messaging';
import { createLogger, newId } from '@perch/platform';
import { MemoryQueueCounterStore, MemoryRoutingStore, RoutingStoreAgentStateReader, RoutingStoreAssignmentReader } from '@perch/routing';
import { freshSchema, waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';
import { Pool } from 'pg';

import { GatewayModule } from '../gateway.module';

const databaseUrl = process.env['DATABASE_URL'];
const brokers = (process.env['KAFKA_BROKERS'] ?? '').split(',').filter(Boolean);
if (!databaseUrl || brokers.length === 0) throw new Error('DATABASE_URL and KAFKA_BROKERS must be set (the integration global setup provides them)');

const PASSWORD_PARAMS = { N: 1024, r: 8, p: 1 };
const logger = createLogger('audit-trail-it');

/** One gateway process: its own Kafka client and PostgreSQL pool, as after a restart. */
interface RunningGateway {
  baseUrl: string;
  bus: EventBus;
  stop(): Promise<void>;
}

// On real Kafka and PostgreSQL: what agents do through the gateway, what X did and what the router decided land in
// the audit table, and all of it is still there, once, after the gateway restarts.
describe('the audit trail on Kafka and PostgreSQL', () => {
  const namespace = `it-audit-${randomUUID().slice(0, 8)}`;
  const admin = new Pool({ connectionString: databaseUrl, max: 1 });
  const { name: schema, drop: dropSchema } = freshSchema(admin);
  let agents: AgentDirectory;

  async function startGateway(): Promise<RunningGateway> {
    const kafka = new KafkaTransport({ brokers, clientId: `audit-it-${randomUUID().slice(0, 6)}`, logger });
    const bus = await startEventBus(withNamespace(kafka, namespace), { producer: 'gateway', logger, retryDelayMs: () => 50 });
    const pool = new Pool({ connectionString: databaseUrl, max: 4 });
    const auditLog = new SqlAuditLog({ sql: poolSqlClient(pool), schema });
    await auditLog.start();
    const app: INestApplication = await NestFactory.create(
      GatewayModule.register({
        bus,
        interactionStore: new MemoryInteractionStore(),
        correctionStore: new MemoryCorrectionStore(),
        idempotencyStore: new MemoryOutboundIdempotencyStore(),
        deferredOutboundStore: new MemoryDeferredOutboundStore(),
        auditLog,
        // Never called: the outbound worker is off; X's answers are published by the test.
        xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
        brands: [],
        agents,
        // Nobody acts on an interaction here: an empty router store answers who holds what.
        assignments: new RoutingStoreAssignmentReader(new MemoryRoutingStore('audit-it')),
        agentStates: new RoutingStoreAgentStateReader(new MemoryRoutingStore('audit-it')),
        snapshots: new MemoryRoutingStore('audit-it'),
        queueCounters: new MemoryQueueCounterStore(),
        options: { replicaId: `it-${randomUUID().slice(0, 6)}`, desktopDir: '/nonexistent', offlineGraceMs: 0, run: { outboundWorker: false } },
      }),
      { logger: false },
    );
    await app.listen(0, '127.0.0.1');
    const port = (app.getHttpServer().address() as AddressInfo).port;
    return {
      baseUrl: `http://127.0.0.1:${port}`,
      bus,
      stop: async () => {
        await app.close();
        await bus.stop();
        await kafka.disconnect();
        await pool.end();
      },
    };
  }

  async function post(gateway: RunningGateway, path: string, body: unknown, token?: string): Promise<Response> {
    return fetch(`${gateway.baseUrl}${path}`, {
      method: path.endsWith('presence') ? 'PUT' : 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify(body),
    });
  }

  async function rows(): Promise<{ action: string; outcome: string; actor_id: string | null; code: string | null; source_key: string | null }[]> {
    const result = await admin.query(`SELECT action, outcome, actor_id, code, source_key FROM "${schema}".audit_log ORDER BY at, id`);
    return result.rows;
  }

  async function waitForRows(predicate: (all: Awaited<ReturnType<typeof rows>>) => boolean, what: string): Promise<void> {
    await waitFor(what, async () => predicate(await rows()));
  }

  beforeAll(async () => {
    const hash = (password: string): Promise<string> => hashPassword(password, PASSWORD_PARAMS);
    agents = new AgentDirectory({
      agents: [
        { id: 'ada', displayName: 'Ada', passwordHash: await hash('correct horse'), capacity: 2, skills: [], role: 'agent', brands: [] },
        { id: 'root', displayName: 'Root', passwordHash: await hash('admin of all'), capacity: 1, skills: [], role: 'admin', brands: [] },
      ],
      tokenSecret: 'audit-integration-secret-0123456789abcdef',
      passwordParams: PASSWORD_PARAMS,
    });
  });

  afterAll(async () => {
    await dropSchema();
    await admin.end();
  });

  it('keeps sign-ins, actions, effects on X and routing decisions in PostgreSQL, once each, across a gateway restart', async () => {
    const first = await startGateway();
    const interactionId = newId();
    let adaToken: string;
    try {
      expect((await post(first, '/api/auth/sign-in', { username: 'ada', password: 'wrong' })).status).toBe(401);
      const signedIn = await post(first, '/api/auth/sign-in', { username: 'ada', password: 'correct horse' });
      expect(signedIn.status).toBe(201);
      adaToken = String(((await signedIn.json()) as { token: string }).token);
      expect((await post(first, '/api/agents/me/presence', { state: 'ready' }, adaToken)).status).toBe(202);

      // What the router decided and what X answered, as the other services publish them on Kafka.
      await first.bus.publish(
        Topics.InteractionLifecycle,
        {
          interactionId,
          type: 'completed',
          conversationKey: '1500:1900',
          brandAccountId: '1500',
          priority: 1,
          agentId: 'ada',
          disposition: 'resolved',
          note: 'refund issued',
        },
        { correlationId: newId() },
      );
      const effect: OutboundCompletedPayload = {
        commandId: newId(),
        kind: 'post',
        status: 'sent',
        brandAccountId: '1500',
        agentId: 'ada',
        tweetId: '1900000000000000001',
        text: 'Flights resume at 6',
        completedAt: Date.now(),
      };
      await first.bus.publish(Topics.OutboundCompleted, effect, { correlationId: newId() });
      await waitForRows((all) => all.some((row) => row.action === 'routing') && all.some((row) => row.action === 'x-effect'), 'the consumed events');
    } finally {
      await first.stop();
    }

    const before = await rows();
    expect(before.map((row) => [row.action, row.outcome, row.actor_id, row.code])).toEqual(
      expect.arrayContaining([
        ['sign-in', 'refused', 'ada', 'bad-credentials'],
        ['sign-in', 'succeeded', 'ada', null],
        ['presence', 'succeeded', 'ada', null],
        ['routing', 'succeeded', 'router', 'completed'],
        ['x-effect', 'succeeded', 'ada', 'post'],
      ]),
    );
    expect(before).toHaveLength(5);

    // Restarted: a new pool, a new Kafka client, the same consumer groups. Nothing lost, nothing doubled.
    const second = await startGateway();
    try {
      const rootSignIn = await post(second, '/api/auth/sign-in', { username: 'root', password: 'admin of all' });
      const rootToken = String(((await rootSignIn.json()) as { token: string }).token);
      const page = await fetch(`${second.baseUrl}/api/admin/audit?interactionId=${interactionId}`, { headers: { authorization: `Bearer ${rootToken}` } });
      expect(page.status).toBe(200);
      const body = (await page.json()) as { entries: AuditEntry[] };
      expect(body.entries).toEqual([
        expect.objectContaining({ action: 'routing', code: 'completed', details: expect.objectContaining({ disposition: 'resolved', note: 'refund issued' }) }),
      ]);
      const exported = await (await fetch(`${second.baseUrl}/api/admin/audit/export?actor=ada`, { headers: { authorization: `Bearer ${rootToken}` } })).text();
      expect(exported.trim().split('\n').map((line) => (JSON.parse(line) as AuditEntry).action)).toEqual(['sign-in', 'sign-in', 'presence', 'x-effect']);
    } finally {
      await second.stop();
    }
    const after = await rows();
    expect(after.filter((row) => row.source_key !== null)).toHaveLength(2);
    expect(after.slice(0, before.length)).toEqual(before);
  });
});
