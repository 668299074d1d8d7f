import { type DynamicModule, Module } from '@nestjs/common';

import { AdminAuditController } from './admin/admin-audit.controller';
import { AgentCommandsService } from './agents/agent-commands.service';
import { AgentsController } from './agents/agents.controller';
import { AuditInterceptor } from './audit/audit.interceptor';
import { AuditRecorder } from './audit/audit-recorder.service';
import { AuditTrailGuard } from './audit/audit-trail.guard';
import { AuthController } from './auth/auth.controller';
import { BrandsController } from './brands/brands.controller';
import { AgentPushConsumer } from './consumers/agent-push.consumer';
import { AuditRecorderConsumer } from './consumers/audit-recorder.consumer';
import { CorrectionRecorderConsumer } from './consumers/correction-recorder.consumer';
import { InteractionProjectionConsumer } from './consumers/interaction-projection.consumer';
import { OutboundRequestedConsumer } from './consumers/outbound-requested.consumer';
import { CustomerProfileService } from './customers/customer-profile.service';
import { DesktopController } from './desktop/desktop.controller';
import { type GatewayModuleDeps } from './gateway-deps.types';
import {
  GATEWAY_AGENTS,
  GATEWAY_AUDIT_LOG,
  GATEWAY_BRANDS,
  GATEWAY_BUS,
  GATEWAY_DEFERRED_OUTBOUND_STORE,
  GATEWAY_CORRECTION_STORE,
  GATEWAY_IDEMPOTENCY_STORE,
  GATEWAY_INTERACTION_STORE,
  GATEWAY_OPTIONS,
  GATEWAY_X_API,
} from './gateway.constants';
import { HealthController } from './health/health.controller';
import { AgentAuthGuard } from './http/agent-auth.guard';
import { PerchExceptionFilter } from './http/perch-exception.filter';
import { RolesGuard } from './http/roles.guard';
import { ClassificationCorrectionsService } from './interactions/classification-corrections.service';
import { InteractionQueryService } from './interactions/interaction-query.service';
import { InteractionsController } from './interactions/interactions.controller';
import { OutboundActionsService } from './interactions/outbound-actions.service';
import { AgentPushService } from './ws/agent-push.service';
import { LocalViewCache } from './ws/local-view-cache.service';
import { AgentSocketHub } from './ws/agent-socket-hub.service';
import { AgentSocketServer } from './ws/agent-socket-server.service';

/**
 * The gateway: the agent desktop's REST API, its WebSocket, the consumers that feed both, and the
 * outbound worker. Dependencies arrive built (ports and adapters chosen by the app), so the same module
 * runs in apps/gateway with Kafka, Redis and PostgreSQL and in the embedded app with memory adapters.
 * The app also calls setupGatewayOpenApi(app, internal) for /api/docs on its internal listener.
 */
@Module({})
export class GatewayModule {
  static register(deps: GatewayModuleDeps): DynamicModule {
    const run = deps.options.run ?? {};
    return {
      module: GatewayModule,
      controllers: [
        AuthController,
        AgentsController,
        InteractionsController,
        BrandsController,
        AdminAuditController,
        ...(run.healthEndpoint === false ? [] : [HealthController]),
        // Last: its `/:asset.:ext` route must not shadow the others.
        DesktopController,
      ],
      providers: [
        { provide: GATEWAY_BUS, useValue: deps.bus },
        { provide: GATEWAY_INTERACTION_STORE, useValue: deps.interactionStore },
        { provide: GATEWAY_CORRECTION_STORE, useValue: deps.correctionStore },
        { provide: GATEWAY_IDEMPOTENCY_STORE, useValue: deps.idempotencyStore },
        { provide: GATEWAY_DEFERRED_OUTBOUND_STORE, useValue: deps.deferredOutboundStore },
        { provide: GATEWAY_X_API, useValue: deps.xApi },
        { provide: GATEWAY_BRANDS, useValue: deps.brands },
        { provide: GATEWAY_AGENTS, useValue: deps.agents },
        { provide: GATEWAY_OPTIONS, useValue: deps.options },
        { provide: GATEWAY_AUDIT_LOG, useValue: deps.auditLog },
        AuditRecorder,
        AuditTrailGuard,
        AuditInterceptor,
        PerchExceptionFilter,
        AgentAuthGuard,
        RolesGuard,
        InteractionQueryService,
        AgentCommandsService,
        CustomerProfileService,
        OutboundActionsService,
        ClassificationCorrectionsService,
        AgentSocketHub,
        AgentPushService,
        LocalViewCache,
        AgentSocketServer,
        AgentPushConsumer,
        InteractionProjectionConsumer,
        OutboundRequestedConsumer,
        CorrectionRecorderConsumer,
        AuditRecorderConsumer,
      ],
      exports: [AgentSocketHub],
    };
  }
}
