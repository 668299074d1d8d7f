import { type DynamicModule, type MiddlewareConsumer, Module, type NestModule, RequestMethod } from '@nestjs/common';
import { AuditRecorderModule } from '@perch/audit';
import { InteractionsModule, MemoryDispositionStore, MemoryStandardResponseStore } from '@perch/interactions';
import { OutboundModule } from '@perch/outbound';

import { AdminAuditController } from './admin/admin-audit.controller';
import { CONTACTS_CONTROLLERS, contactsProviders } from './contacts/contacts-wiring.util';
import { AgentCommandsService } from './agents/agent-commands.service';
import { AgentsController } from './agents/agents.controller';
import { PresenceService } from './agents/presence.service';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuditRecorder } from './audit/audit-recorder.service';
import { AuditTrailGuard } from './audit/audit-trail.guard';
import { AuthController } from './auth/auth.controller';
import { BrandsController } from './brands/brands.controller';
import { DesktopController } from './desktop/desktop.controller';
import { type GatewayModuleDeps } from './gateway-deps.types';
import { GatewayFanInConsumer, GatewayFanOutGroups, GatewaySharedGroups } from './gateway-fan-in.consumer';
import {
  GATEWAY_AGENT_STATES,
  GATEWAY_AGENTS,
  GATEWAY_ASSIGNMENTS,
  GATEWAY_AUDIT_LOG,
  GATEWAY_BRANDS,
  GATEWAY_BUS,
  GATEWAY_DISPOSITIONS,
  GATEWAY_INTERACTION_SERIES,
  GATEWAY_INTERACTION_STORE,
  GATEWAY_OPTIONS,
  GATEWAY_QUEUE_COUNTERS,
  GATEWAY_ROUTING_SNAPSHOTS,
  GATEWAY_STANDARD_RESPONSES,
  GATEWAY_SUPERVISOR_FACTS,
} from './gateway.constants';
import { HealthController } from './health/health.controller';
import { AgentAuthGuard } from './http/agent-auth.guard';
import { PerchExceptionFilter } from './http/perch-exception.filter';
import { DEFAULT_MAX_REST_REQUESTS_IN_FLIGHT, RestIntakeGate } from './http/rest-intake-gate.util';
import { RolesGuard } from './http/roles.guard';
import { ClassificationCorrectionsService } from './interactions/classification-corrections.service';
import { ConsultationsService } from './interactions/consultations.service';
import { HolderChecks } from './interactions/holder-checks.service';
import { InteractionQueryService } from './interactions/interaction-query.service';
import { InteractionsController } from './interactions/interactions.controller';
import { OutboundActionsService } from './interactions/outbound-actions.service';
import { MemoryInteractionSeriesStore } from './supervisor/memory-interaction-series-store.adapter';
import { PerStoreSupervisorFactsWriter } from './supervisor/per-store-supervisor-facts-writer.adapter';
import { SupervisorController } from './supervisor/supervisor.controller';
import { BrandAccess } from './brands/brand-access.service';
import { DesktopConfigController } from './desktop-config/desktop-config.controller';
import { DispositionsController } from './dispositions/dispositions.controller';
import { DispositionsService } from './dispositions/dispositions.service';
import { StandardResponsesController } from './standard-responses/standard-responses.controller';
import { StandardResponsesService } from './standard-responses/standard-responses.service';
import { UserDirectoryLifecycle } from './users/user-directory-lifecycle.service';
import { UsersController } from './users/users.controller';
import { SupervisorAgentActionsService } from './supervisor/supervisor-agent-actions.service';
import { SupervisorCountersConsumer } from './supervisor/supervisor-counters.consumer';
import { SupervisorDataService } from './supervisor/supervisor-data.service';
import { SupervisorPushConsumer } from './supervisor/supervisor-push.consumer';
import { SupervisorPushService } from './supervisor/supervisor-push.service';
import { SupervisorSeriesService } from './supervisor/supervisor-series.service';
import { AgentPushConsumer } from './ws/agent-push.consumer';
import { AgentPushService } from './ws/agent-push.service';
import { PushStoreGuard } from './ws/push-store-guard.util';
import { LocalViewCache } from './ws/local-view-cache.service';
import { AgentSocketHub } from './ws/agent-socket-hub.service';
import { AgentSocketServer } from './ws/agent-socket-server.service';

/** What agents and supervisors call over REST (DesktopController apart: it must come last). */
const EDGE_CONTROLLERS = [
  AuthController,
  AgentsController,
  InteractionsController,
  BrandsController,
  AdminAuditController,
  SupervisorController,
  UsersController,
  DispositionsController,
  StandardResponsesController,
  DesktopConfigController,
  ...CONTACTS_CONTROLLERS,
];

/**
 * The gateway: the agent desktop's REST API and its WebSocket (with the per-replica consumer that feeds the
 * sockets), wired to the domain modules behind them: @perch/outbound (the worker that acts on X, customer
 * profiles), @perch/interactions (the projector and the corrections recorder) and @perch/audit (routing decisions
 * and effects on X). Dependencies arrive built (ports and adapters chosen by the app), so the same module runs in
 * apps/gateway with Kafka, Redis and PostgreSQL and in the embedded app with memory adapters. The app also calls
 * setupGatewayOpenApi(app, internal) for /api/docs on its internal listener.
 */
@Module({})
export class GatewayModule implements NestModule {
  constructor(private readonly restIntake: RestIntakeGate) {}

  /** Every /api request passes the replica's bound first (ADR 41); the desktop's files and the socket do not. */
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(this.restIntake.middleware).forRoutes({ path: 'api/*path', method: RequestMethod.ALL });
  }

  static register(deps: GatewayModuleDeps): DynamicModule {
    const run = deps.options.run ?? {};
    // A worker (ADR 43) serves no one: no REST API, desktop, socket or pushes; only the shared groups' work.
    const edge = run.agentEdge !== false;
    // One shared group per topic for every shared handler below (the modules' and the gateway's own), one fan-out
    // group per topic for every push handler of this replica: see gateway-fan-in.consumer.ts.
    const shared = new GatewaySharedGroups(deps.bus);
    const interactionSeries = deps.interactionSeries ?? new MemoryInteractionSeriesStore({}, deps.options.clock);
    const fanOut = new GatewayFanOutGroups(deps.bus, deps.options.replicaId);
    return {
      module: GatewayModule,
      imports: [
        OutboundModule.register({
          bus: deps.bus,
          idempotencyStore: deps.idempotencyStore,
          deferredOutboundStore: deps.deferredOutboundStore,
          xApi: deps.xApi,
          brands: deps.brands,
          options: deps.options,
        }),
        InteractionsModule.register({
          bus: deps.bus,
          interactionStore: deps.interactionStore,
          correctionStore: deps.correctionStore,
          options: deps.options,
          fanIn: shared,
        }),
        AuditRecorderModule.register({ bus: deps.bus, auditLog: deps.auditLog, options: deps.options, fanIn: shared }),
      ],
      controllers: [
        ...(edge ? EDGE_CONTROLLERS : []),
        ...(run.healthEndpoint === false ? [] : [HealthController]),
        // Last: its `/:asset.:ext` route must not shadow the others.
        ...(edge ? [DesktopController] : []),
      ],
      providers: [
        { provide: GATEWAY_BUS, useValue: deps.bus },
        { provide: RestIntakeGate, useValue: deps.restIntakeGate ?? new RestIntakeGate(deps.options.maxRestRequestsInFlight ?? DEFAULT_MAX_REST_REQUESTS_IN_FLIGHT) },
        { provide: GatewaySharedGroups, useValue: shared },
        { provide: GatewayFanOutGroups, useValue: fanOut },
        { provide: GATEWAY_INTERACTION_STORE, useValue: deps.interactionStore },
        { provide: GATEWAY_BRANDS, useValue: deps.brands },
        { provide: GATEWAY_AGENTS, useValue: deps.agents },
        { provide: GATEWAY_OPTIONS, useValue: deps.options },
        { provide: GATEWAY_AUDIT_LOG, useValue: deps.auditLog },
        { provide: GATEWAY_ASSIGNMENTS, useValue: deps.assignments },
        { provide: GATEWAY_AGENT_STATES, useValue: deps.agentStates },
        { provide: GATEWAY_ROUTING_SNAPSHOTS, useValue: deps.snapshots },
        { provide: GATEWAY_QUEUE_COUNTERS, useValue: deps.queueCounters },
        { provide: GATEWAY_INTERACTION_SERIES, useValue: interactionSeries },
        { provide: GATEWAY_SUPERVISOR_FACTS, useValue: deps.supervisorFacts ?? new PerStoreSupervisorFactsWriter(deps.queueCounters, interactionSeries) },
        UserDirectoryLifecycle,
        { provide: GATEWAY_DISPOSITIONS, useValue: deps.dispositions ?? new MemoryDispositionStore() },
        { provide: GATEWAY_STANDARD_RESPONSES, useValue: deps.standardResponses ?? new MemoryStandardResponseStore() },
        BrandAccess,
        DispositionsService,
        StandardResponsesService,
        ...contactsProviders(deps.contacts),
        AuditRecorder,
        AuditTrailGuard,
        AuditInterceptor,
        PerchExceptionFilter,
        AgentAuthGuard,
        RolesGuard,
        HolderChecks,
        InteractionQueryService,
        AgentCommandsService,
        PresenceService,
        OutboundActionsService,
        ClassificationCorrectionsService,
        ConsultationsService,
        AgentSocketHub,
        AgentPushService,
        { provide: PushStoreGuard, useValue: deps.pushStoreGuard ?? new PushStoreGuard() },
        LocalViewCache,
        ...(edge ? [AgentSocketServer, AgentPushConsumer, SupervisorPushConsumer] : []),
        SupervisorDataService,
        SupervisorSeriesService,
        SupervisorAgentActionsService,
        SupervisorPushService,
        SupervisorCountersConsumer,
        // After the consumers above, which put their handlers in during onModuleInit; it opens the groups.
        GatewayFanInConsumer,
      ],
      exports: [AgentSocketHub, RestIntakeGate],
    };
  }
}
