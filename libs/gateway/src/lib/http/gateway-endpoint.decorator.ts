import { applyDecorators, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ApiBearerAuth } from '@nestjs/swagger';

import { AuditTrailFirst } from '../audit/audit-trail.guard';
import { AgentAuthGuard } from './agent-auth.guard';
import { createGatewayValidationPipe } from './gateway-validation.pipe';
import { PerchExceptionFilter } from './perch-exception.filter';

// Pipes and filters are bound per controller, not app-wide, so the gateway behaves the same whether it
// is alone in its app or one module among several (embedded mode) and does not change other modules.

/** A gateway REST controller: validated bodies, typed errors mapped to HTTP, @Audited() routes recorded. */
export function GatewayController(): ClassDecorator {
  return applyDecorators(UsePipes(createGatewayValidationPipe()), UseFilters(PerchExceptionFilter), AuditTrailFirst());
}

/** A route (or controller) that needs a signed-in agent. */
export function SignedIn(): ClassDecorator & MethodDecorator {
  return applyDecorators(UseGuards(AgentAuthGuard), ApiBearerAuth());
}
