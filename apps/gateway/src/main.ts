import 'reflect-metadata';

import { randomBytes } from 'node:crypto';

import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { type NestExpressApplication } from '@nestjs/platform-express';
import { CoalescingAuditLog, SqlAuditLog } from '@perch/audit';
import { SmtpMailSender, SqlContactStore, SqlOutreachLedger } from '@perch/contacts';
import { agentRecordsFromJson, RedisSignInThrottleStore, RedisTokenRevocationStore, SqlUserStore } from '@perch/agents';
import { GATEWAY_MIGRATIONS, gatewayRunOf, RedisInteractionSeriesStore, RedisSupervisorFactsWriter, setupGatewayOpenApi, wireGateway } from '@perch/gateway';
import { CachedDispositionStore, PostgresCorrectionStore, PostgresInteractionStore, SqlDispositionStore, SqlStandardResponseStore } from '@perch/interactions';
import { createOutboundXAdapter, RedisDeferredOutboundStore, RedisOutboundIdempotencyStore } from '@perch/outbound';
import { configureLogging, createLogger, loadConfig } from '@perch/platform';
import { redisAgentStateReader, redisAssignmentReader, RedisQueueCounterStore, redisRoutingSnapshotReader } from '@perch/routing';
import {
  connectKafkaBus,
  connectRedis,
  createPgPool,
  exitOnStartupFailure,
  hardenHttp,
  instrumentHttp,
  httpOptionsFromEnv,
  ObservabilityModule,
  observabilityOf,
  PinoNestLogger,
  redisNamespace,
  ShutdownHooksModule,
  startInternalHttp,
  listenPublic,
  tuneHttpServer,
} from '@perch/service-kit';
import { poolSqlClient, runSqlMigrations } from '@perch/sql';
import { resolveBrandAccounts } from '@perch/x-client';

import { GatewayConfig, gatewayDbSchema, trustProxySetting } from './gateway.config';

const SERVICE = 'gateway';

async function main(): Promise<void> {
  const config = loadConfig(GatewayConfig);
  configureLogging({ level: config.LOG_LEVEL, service: config.PERCH_SERVICE });
  const logger = createLogger(SERVICE);
  logger.info({ role: config.GATEWAY_ROLE, replicaId: config.GATEWAY_REPLICA_ID }, 'gateway role');
  const skillCatalog = config.skillCatalog();
  // Validation requires both everywhere but on a worker, which signs no one in: it gets no agents and a secret of its
  // own that no token was ever made with.
  const agents = await agentRecordsFromJson(config.GATEWAY_AGENTS ?? '[]', skillCatalog === undefined ? {} : { skillCatalog });
  const xApi = createOutboundXAdapter({ apiBaseUrl: config.X_API_BASE_URL });
  const brands = await resolveBrandAccounts(xApi, config.X_BRAND_TOKENS);
  const redis = await connectRedis(config);
  // Reconnects on its own after a PostgreSQL restart; an idle client's lost connection is logged, not a crash.
  const pool = createPgPool({ connectionString: config.DATABASE_URL, max: 10, logger });
  const schema = gatewayDbSchema(config);
  // The schema's migrations first (replicas starting together wait on an advisory lock, the second applies none).
  const migrated = await runSqlMigrations(poolSqlClient(pool), { schema, migrations: GATEWAY_MIGRATIONS });
  logger.info({ schema, applied: migrated.applied }, 'database schema migrated');
  const interactionStore = new PostgresInteractionStore({ pool, schema, logger });
  await interactionStore.start();
  // Agents' classification corrections, kept as training data (`npm run corrections:export` reads them).
  const correctionStore = new PostgresCorrectionStore({ pool, schema });
  await correctionStore.start();
  // The audit trail: append-only (the database refuses UPDATE, DELETE and TRUNCATE); `npm run audit:export` reads it.
  // Appends coalesced: one INSERT per round trip for what arrives while one is in flight (ADR 30).
  const auditLog = new CoalescingAuditLog(new SqlAuditLog({ sql: poolSqlClient(pool), schema }));
  await auditLog.start();
  // Contacts and the other channels to reach them (email over SMTP, call requests): tables from GATEWAY_MIGRATIONS.
  const contactStore = new SqlContactStore({ sql: poolSqlClient(pool), schema });
  await contactStore.start();
  const outreachLedger = new SqlOutreachLedger({ sql: poolSqlClient(pool), schema });
  await outreachLedger.start();
  const mail = new SmtpMailSender(config.mailRoutes());
  const { bus, transport, eventMetrics } = await connectKafkaBus(config, SERVICE);
  // Supervisors' per-queue counters and charts, shared by the replicas, beside the router's keys (same tenant).
  const queueCounters = new RedisQueueCounterStore(redis, redisNamespace(config, config.ROUTER_TENANT));
  const interactionSeries = new RedisInteractionSeriesStore(redis, redisNamespace(config, config.ROUTER_TENANT));
  const gateway = wireGateway({
    bus,
    interactionStore,
    correctionStore,
    auditLog,
    idempotencyStore: new RedisOutboundIdempotencyStore({ redis, keyPrefix: `perch:${redisNamespace(config, 'outbound')}:` }),
    deferredOutboundStore: new RedisDeferredOutboundStore({ redis, keyPrefix: `perch:${redisNamespace(config, 'outbound')}:` }),
    xApi,
    brands,
    // Who holds each interaction: the router's own keys (same tenant and namespace), read before every action.
    assignments: redisAssignmentReader(redis, redisNamespace(config, config.ROUTER_TENANT)),
    // Each agent's state and pending offers, from the same keys: what the desktop shows as its presence.
    agentStates: redisAgentStateReader(redis, redisNamespace(config, config.ROUTER_TENANT)),
    // Supervisors: the router's live state from the same keys (read-only), and per-queue counters shared by the replicas.
    snapshots: redisRoutingSnapshotReader(redis, redisNamespace(config, config.ROUTER_TENANT)),
    queueCounters,
    // Disposition codes and standard responses, in the migrated schema (supervisors manage them over the API).
    // Read on every done: each brand's codes served from memory for 2 s (ADR 32).
    dispositions: new CachedDispositionStore(new SqlDispositionStore({ sql: poolSqlClient(pool), schema })),
    standardResponses: new SqlStandardResponseStore({ sql: poolSqlClient(pool), schema }),
    contacts: { store: contactStore, ledger: outreachLedger, mail },
    // Supervisors' charts (per five minutes over the last hours), counted from the same events, shared by the replicas.
    interactionSeries,
    // Both facts of an event (queue counters and series) in one Redis call (ADR 37).
    supervisorFacts: new RedisSupervisorFactsWriter(redis, queueCounters, interactionSeries),
    // Sign-in failures and revoked tokens live in Redis: every replica throttles and refuses alike.
    auth: {
      // GATEWAY_AGENTS seeds the users table (missing ids only); admins manage users over the API from then on.
      agents,
      users: new SqlUserStore({ sql: poolSqlClient(pool), schema }),
      tokenSecret: config.GATEWAY_TOKEN_SECRET ?? randomBytes(32).toString('hex'),
      tokenTtlMs: config.GATEWAY_TOKEN_TTL_MS,
      signInFailures: new RedisSignInThrottleStore({ redis, keyPrefix: `perch:${redisNamespace(config, 'auth')}:` }),
      signInLimits: {
        maxFailuresPerUser: config.GATEWAY_SIGNIN_MAX_FAILURES_PER_USER,
        maxFailuresPerAddress: config.GATEWAY_SIGNIN_MAX_FAILURES_PER_ADDRESS,
        windowMs: config.GATEWAY_SIGNIN_WINDOW_MS,
      },
      revocations: new RedisTokenRevocationStore({ redis, keyPrefix: `perch:${redisNamespace(config, 'auth')}:` }),
    },
    options: {
      replicaId: config.GATEWAY_REPLICA_ID,
      // Which parts this process runs (GATEWAY_ROLE: all, edge or worker; ADR 43).
      run: gatewayRunOf(config.GATEWAY_ROLE),
      outboundBrandConcurrency: config.OUTBOUND_BRAND_CONCURRENCY,
      desktopDir: config.GATEWAY_DESKTOP_DIR,
      offlineGraceMs: config.GATEWAY_DISCONNECT_GRACE_MS,
      maxSocketMessagesInFlight: config.GATEWAY_MAX_SOCKET_MESSAGES_IN_FLIGHT,
      maxRestRequestsInFlight: config.GATEWAY_MAX_REST_REQUESTS_IN_FLIGHT,
      notReadyReasons: config.notReadyReasons(),
      wrapUpMs: config.ROUTER_WRAP_UP_MS,
      ...(skillCatalog === undefined ? {} : { skillCatalog }),
      conferenceMaxAgents: config.ROUTER_CONFERENCE_MAX_AGENTS,
      supervisor: { serviceLevelMs: config.SUPERVISOR_SERVICE_LEVEL_MS },
    },
  });

  @Module({
    imports: [
      gateway.module,
      ObservabilityModule.register({
        service: SERVICE,
        // perch_event_wait_seconds and perch_event_handling_seconds, by topic and consumer group.
        metrics: eventMetrics.metrics,
        checks: [
          { name: 'redis', check: async () => (await redis.ping()) === 'PONG' },
          { name: 'postgres', check: async () => (await pool.query('select 1')).rowCount === 1 },
        ],
        sources: [
          { prefix: 'bus', read: () => ({ ...bus.counters }) },
          // The agents' sockets, the store calls before pushes and the REST intake (read from the app once it exists).
          ...gateway.gauges.sources(),
        ],
      }),
      ShutdownHooksModule.register([
        () => bus.stop(),
        () => transport.disconnect(),
        () => interactionStore.stop(),
        () => correctionStore.stop(),
        () => auditLog.stop(),
        () => mail.close(),
        () => pool.end(),
        () => redis.quit(),
      ]),
    ],
  })
  class GatewayAppModule {}

  const app = await NestFactory.create<NestExpressApplication>(GatewayAppModule, { logger: new PinoNestLogger(SERVICE) });
  gateway.gauges.attach(app);
  // Behind an ingress, req.ip (the per-address sign-in limit) must be the client from X-Forwarded-For, trusted
  // only from the proxies named here; off by default, so no client can forge its address.
  app.set('trust proxy', trustProxySetting(config.GATEWAY_TRUST_PROXY));
  app.enableShutdownHooks();
  tuneHttpServer(app);
  const http = httpOptionsFromEnv(config);
  hardenHttp(app, { hstsMaxAgeSeconds: config.HSTS_MAX_AGE_SECONDS });
  instrumentHttp(app, observabilityOf(app));
  // Metrics and the OpenAPI document only on the internal port, which the ingress never routes to.
  const internal = await startInternalHttp(app, {
    service: SERVICE,
    port: http.internalPort,
    ...(http.internalHost ? { host: http.internalHost } : {}),
    hstsMaxAgeSeconds: config.HSTS_MAX_AGE_SECONDS,
    configure: (served) => setupGatewayOpenApi(app, served),
  });
  await listenPublic(app, config.HTTP_PORT, config.HTTP_HOST ?? '0.0.0.0');
  logger.info(
    { port: config.HTTP_PORT, internalPort: internal.port, brands: brands.map((b) => b.username), agents: agents.length },
    'gateway listening (metrics and /api/docs on the internal port)',
  );
}

main().catch((error: unknown) => exitOnStartupFailure(SERVICE, error));
