import 'reflect-metadata';

import { randomBytes } from 'node:crypto';
import { type AddressInfo } from 'node:net';
import { join } from 'node:path';

import { Module } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { agentRecordsFromJson, MemorySignInThrottleStore, SqlTokenRevocationStore, SqlUserStore } from '@perch/agents';
import { CoalescingAuditLog, SqlAuditLog } from '@perch/audit';
import { SmtpMailSender, SqlContactStore, SqlOutreachLedger } from '@perch/contacts';
import { FileCaughtMailbox, SmtpCatcher } from '@perch/contacts/embedded';
import { wireClassifier } from '@perch/classification';
import { GATEWAY_MIGRATIONS, setupGatewayOpenApi, wireGateway } from '@perch/gateway';
import {
  ACCOUNT_ACTIVITY_WEBHOOK_PATH,
  type AccountActivityRegistration,
  MemoryCursorStore,
  MemoryDedupeStore,
  wireIngestor,
} from '@perch/ingestion';
import {
  type AbandonedWork,
  CachedDispositionStore,
  MemoryCorrectionStore, PostgresInteractionStore, SqlDispositionStore, SqlStandardResponseStore } from '@perch/interactions';
import { MemoryTransport, startEventBus } from '@perch/messaging';
import { createOutboundXAdapter, MemoryDeferredOutboundStore, MemoryOutboundIdempotencyStore } from '@perch/outbound';
import { configureLogging, createLogger, loadConfig } from '@perch/platform';
import {
  MemoryQueueCounterStore,
  MemoryRoutingStore,
  RoutingStoreAgentStateReader,
  RoutingStoreAssignmentReader,
  wireRouter,
} from '@perch/routing';
import {
  captureRawBody,
  EventHandlingMetrics,
  exitOnStartupFailure,
  hardenHttp,
  instrumentHttp,
  internalHttpPort,
  ObservabilityModule,
  observabilityOf,
  PinoNestLogger,
  ShutdownHooksModule,
  startInternalHttp,
  listenPublic,
  tuneHttpServer,
} from '@perch/service-kit';
import { runSqlMigrations } from '@perch/sql';
import { openEmbeddedPostgres, pgliteSqlClient } from '@perch/sql/embedded';
import { resolveBrandAccounts } from '@perch/x-client';
import { XSimulator } from '@perch/x-simulator';

import { openDataDir } from './data-dir.util';
import { EmbeddedConfig } from './embedded.config';

const SERVICE = 'perch';
const BRAND = { username: 'acme_support', token: 'acme-support-user-token' };
const APP_BEARER = 'perch-app-bearer';
// Demo people on a loopback-only listener; each brand grant and role is explicit, as in production.
const DEMO_AGENTS = [
  { id: 'alice', displayName: 'Alice Martin', password: 'alice', capacity: 2, brands: [BRAND.username] },
  { id: 'bob', displayName: 'Bob Okafor', password: 'bob', capacity: 1, brands: [BRAND.username] },
  { id: 'carol', displayName: 'Carol Nguyen', password: 'carol', capacity: 3, role: 'supervisor', brands: [BRAND.username] },
  { id: 'dana', displayName: 'Dana Reyes', password: 'dana', capacity: 1, role: 'admin', brands: ['*'] },
];

/** What a restart closes: the embedded mode keeps history (PGlite in the data folder), not work in progress. */
const RESTART_ABANDONMENT = (at: number): AbandonedWork => ({
  at,
  note: 'Closed when Perch restarted: the embedded mode keeps history, not work in progress',
  failure: { code: 'abandoned-at-restart', detail: 'Perch restarted before X answered; X may or may not have it' },
});

/** Everything in one process: the X simulator, the four services' modules on in-memory adapters, the desktop. */
async function main(): Promise<void> {
  const config = loadConfig(EmbeddedConfig);
  configureLogging({ level: config.LOG_LEVEL, service: config.PERCH_SERVICE });
  const logger = createLogger(SERVICE);
  // Agents' tokens are signed with the data folder's secret: they survive a restart, and no two installs share one.
  const dataDir = await openDataDir(config.PERCH_DATA_DIR);
  // The audit trail in PostgreSQL (PGlite, in this process) under the data folder: it survives a restart.
  const embeddedPostgres = await openEmbeddedPostgres(join(dataDir.dir, 'postgres'));
  // The same migrations as the distributed gateway's PostgreSQL: one schema in both modes.
  const migrated = await runSqlMigrations(pgliteSqlClient(embeddedPostgres), { schema: 'perch', migrations: GATEWAY_MIGRATIONS });
  logger.info({ applied: migrated.applied }, 'embedded database migrated');
  const auditLog = new CoalescingAuditLog(new SqlAuditLog({ sql: pgliteSqlClient(embeddedPostgres), schema: 'perch' }));
  await auditLog.start();
  // The interactions agents see (transcripts, each done's disposition and note) in the same database: they survive a
  // restart, as the distributed gateway's do in PostgreSQL.
  const interactionStore = new PostgresInteractionStore({ sql: pgliteSqlClient(embeddedPostgres), schema: 'perch', logger });
  await interactionStore.start();
  // Routing (who holds what, the queue), pending calls to X and the simulated X itself live in memory: what the last
  // run left open can no longer be handled, so it is closed, saying why, before agents see it as their work.
  const abandoned = await interactionStore.abandonUnfinished(RESTART_ABANDONMENT(Date.now()));
  if (abandoned.interactionIds.length > 0 || abandoned.actions > 0) {
    logger.warn(
      { interactions: abandoned.interactionIds.length, actions: abandoned.actions, interactionIds: abandoned.interactionIds.slice(0, 20) },
      'closed the work the previous run left open (embedded routing and the simulated X start empty)',
    );
  }
  // Revocations too: tokens outlive a restart (the folder's secret), so a sign-out must as well.
  const revocations = new SqlTokenRevocationStore({ sql: pgliteSqlClient(embeddedPostgres), schema: 'perch' });
  await revocations.start();
  // Contacts in the same database; agents' emails go over real SMTP to a catcher in this process, which keeps them in
  // the data folder (never delivered): GET /api/dev/mailbox (dana) or PERCH_DATA_DIR/mailbox/*.eml.
  const contactStore = new SqlContactStore({ sql: pgliteSqlClient(embeddedPostgres), schema: 'perch' });
  await contactStore.start();
  const outreachLedger = new SqlOutreachLedger({ sql: pgliteSqlClient(embeddedPostgres), schema: 'perch' });
  await outreachLedger.start();
  const mailbox = new FileCaughtMailbox(join(dataDir.dir, 'mailbox'));
  const catcher = new SmtpCatcher({ mailbox, port: config.PERCH_SMTP_PORT });
  await catcher.start();
  const mail = new SmtpMailSender({ global: { url: catcher.url, from: `Acme Support <care@${BRAND.username.replace(/_/g, '-')}.example>` }, brands: {} });
  // The simulated X app's consumer secret (signs webhook deliveries, keys the CRC): fresh each run, never a literal
  // the webhook receiver would trust from anyone who read this file.
  const consumerSecret = randomBytes(32).toString('hex');

  const simulator = new XSimulator({
    seed: { appBearerToken: APP_BEARER, brands: [{ ...BRAND, name: 'Acme Support', followersCount: 48_210 }] },
    consumerSecret,
  });
  const { baseUrl: simulatorUrl } = await simulator.start(config.X_SIM_PORT);
  simulator.createAccount({ username: 'cust_demo', kind: 'customer', name: 'Demo Customer', followsBrand: [BRAND.username], followersCount: 312, tweetCount: 4_180 });

  const transport = new MemoryTransport();
  const eventMetrics = new EventHandlingMetrics();
  const bus = await startEventBus(transport, { producer: SERVICE, logger, observer: eventMetrics });
  const xApi = createOutboundXAdapter({ apiBaseUrl: simulatorUrl });
  const brands = await resolveBrandAccounts(xApi, `${BRAND.username}=${BRAND.token}`);
  // One process, so no leadership; DMs as in production: the simulator's signed webhook deliveries to this process,
  // with the DM poll as safety net.
  const ingestion = wireIngestor({
    brands,
    bus,
    cursors: new MemoryCursorStore(),
    dedupe: new MemoryDedupeStore(),
    logger,
    xApiBaseUrl: simulatorUrl,
    appBearer: APP_BEARER,
    mentionsPollMs: 10_000,
    dmPollMs: 60_000,
    consumerSecret,
  });
  // One routing store: the router writes it, the gateway reads who holds what from the same instance.
  const skillOptions = config.skillOptions();
  const routingStore = new MemoryRoutingStore('default', {
    wrapUpMs: config.ROUTER_WRAP_UP_MS,
    ...(config.ROUTER_STICKY_WINDOW_MS === 0 ? {} : { stickyWindowMs: config.ROUTER_STICKY_WINDOW_MS, stickyWaitMs: config.ROUTER_STICKY_WAIT_MS }),
  });
  // Created once the server listens (its URL needs the port); stopped first on shutdown.
  const late: { registration?: AccountActivityRegistration } = {};
  // Wired before the module: /metrics (below) reads its gauges.
  const gateway = wireGateway({
    bus,
    interactionStore,
    correctionStore: new MemoryCorrectionStore(),
    auditLog,
    idempotencyStore: new MemoryOutboundIdempotencyStore(),
    deferredOutboundStore: new MemoryDeferredOutboundStore(),
    xApi,
    brands,
    assignments: new RoutingStoreAssignmentReader(routingStore),
    agentStates: new RoutingStoreAgentStateReader(routingStore),
    // Supervisors read the same instance (read-only through the port); counters in memory, like the rest.
    snapshots: routingStore,
    queueCounters: new MemoryQueueCounterStore(),
    // Disposition codes and standard responses in the data folder's PGlite: they survive a restart.
    dispositions: new CachedDispositionStore(new SqlDispositionStore({ sql: pgliteSqlClient(embeddedPostgres), schema: 'perch' })),
    standardResponses: new SqlStandardResponseStore({ sql: pgliteSqlClient(embeddedPostgres), schema: 'perch' }),
    contacts: { store: contactStore, ledger: outreachLedger, mail, mailbox },
    auth: {
      // With a skill catalog (ROUTER_SKILLS), a demo agent's skill outside it stops the start-up, naming it.
      agents: await agentRecordsFromJson(
        JSON.stringify(DEMO_AGENTS),
        skillOptions.skillCatalog === undefined ? {} : { skillCatalog: skillOptions.skillCatalog },
      ),
      // The demo people seed the users table in the data folder; what an admin changes there survives a restart.
      users: new SqlUserStore({ sql: pgliteSqlClient(embeddedPostgres), schema: 'perch' }),
      tokenSecret: dataDir.tokenSecret,
      // One process: sign-in failures need not be shared (a restart forgets them).
      signInFailures: new MemorySignInThrottleStore(),
      revocations,
    },
    options: {
      replicaId: 'embedded',
      outboundBrandConcurrency: config.OUTBOUND_BRAND_CONCURRENCY,
      desktopDir: config.GATEWAY_DESKTOP_DIR,
      conferenceMaxAgents: config.ROUTER_CONFERENCE_MAX_AGENTS,
      wrapUpMs: config.ROUTER_WRAP_UP_MS,
      ...(skillOptions.skillCatalog === undefined ? {} : { skillCatalog: skillOptions.skillCatalog }),
      supervisor: { serviceLevelMs: config.SUPERVISOR_SERVICE_LEVEL_MS },
    },
  });

  @Module({
    imports: [
      ingestion.module,
      wireClassifier({ bus }).module,
      wireRouter({
        bus,
        store: routingStore,
        offerTimeoutMs: config.ROUTER_OFFER_TIMEOUT_MS,
        sweepIntervalMs: 500,
        conferenceMaxAgents: config.ROUTER_CONFERENCE_MAX_AGENTS,
        ...skillOptions,
      }).module,
      gateway.module,
      ObservabilityModule.register({
        service: SERVICE,
        // The in-memory bus's waits and handling times, by topic and group, as the distributed apps report them.
        metrics: eventMetrics.metrics,
        sources: [
          { prefix: 'bus', read: () => ({ ...bus.counters }) },
          ...ingestion.metrics,
          // The gateway's own gauges (sockets, push-store calls, REST intake), as the distributed gateway reports them.
          ...gateway.gauges.sources(),
        ],
      }),
      ShutdownHooksModule.register([
        () => late.registration?.stop(),
        () => simulator.stopGenerator(),
        () => bus.stop(),
        () => transport.disconnect(),
        () => mail.close(),
        () => catcher.stop(),
        // After the consumers stopped: the projection's last writes, then closing flushes the database to the data folder.
        () => interactionStore.stop(),
        () => auditLog.stop(),
        () => embeddedPostgres.close(),
        () => simulator.stop(),
      ]),
    ],
  })
  class EmbeddedModule {}

  const app = await NestFactory.create(EmbeddedModule, { logger: new PinoNestLogger(SERVICE) });
  gateway.gauges.attach(app);
  app.enableShutdownHooks();
  tuneHttpServer(app);
  hardenHttp(app);
  instrumentHttp(app, observabilityOf(app));
  captureRawBody(app, [ACCOUNT_ACTIVITY_WEBHOOK_PATH]);
  // Metrics and the API docs on their own loopback port, as the distributed apps keep them off the agents' port.
  const internal = await startInternalHttp(app, {
    service: SERVICE,
    port: internalHttpPort(config.PORT, config.INTERNAL_PORT),
    host: '127.0.0.1',
    configure: (served) => setupGatewayOpenApi(app, served),
  });
  await listenPublic(app, config.PORT, '127.0.0.1');
  // The simulator calls back with a CRC while registering, so only now that this server listens.
  const port = (app.getHttpServer().address() as AddressInfo).port;
  const registration = ingestion.webhookRegistration(`http://127.0.0.1:${port}${ACCOUNT_ACTIVITY_WEBHOOK_PATH}`);
  late.registration = registration;
  await registration.start();

  if (config.PERCH_DEMO_RATE > 0) {
    simulator.startGenerator({
      rate: config.PERCH_DEMO_RATE,
      customers: 200,
      brand: BRAND.username,
      dmShare: config.PERCH_DEMO_DM_SHARE,
      durationMs: 24 * 3600 * 1000,
    });
  }
  const desktop = `http://localhost:${config.PORT}`;
  process.stdout.write(
    [
      '',
      'Perch is running (embedded mode)',
      `  Agent desktop:  ${desktop}        sign in as alice / alice (or bob / bob; carol / carol is a supervisor, dana / dana the admin)`,
      `  X simulator:    ${simulatorUrl}   (admin API: ${simulatorUrl}/admin; customers tweet at @${BRAND.username} at ${config.PERCH_DEMO_RATE}/s)`,
      `  API docs:       http://localhost:${internal.port}/api/docs`,
      `  Metrics:        http://localhost:${internal.port}/metrics   (the operators' port; the desktop's port serves neither)`,
      `  Data folder:    ${dataDir.dir}   (PERCH_DATA_DIR; its token-secret keeps agents signed in across restarts)`,
      `  Mailbox:        ${mailbox.location}   (agents' emails, caught by ${catcher.url}; also GET /api/dev/mailbox as dana)`,
      '  Make a customer tweet yourself:',
      `    curl -s ${simulatorUrl}/admin/tweets -H 'content-type: application/json' \\`,
      `      -d '{"authorUsername":"cust_demo","text":"@${BRAND.username} my order #1234 never arrived, can you help?"}'`,
      '  Or send the brand a DM (delivered through the Account Activity webhook):',
      `    curl -s ${simulatorUrl}/admin/dms -H 'content-type: application/json' \\`,
      `      -d '{"fromUsername":"cust_demo","toUsername":"${BRAND.username}","text":"Hi, can you check order #1234?"}'`,
      '',
    ].join('\n') + '\n',
  );
}

main().catch((error: unknown) => exitOnStartupFailure(SERVICE, error));
