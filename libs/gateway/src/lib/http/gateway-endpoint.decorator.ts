import { applyDecorators, HttpCode, Param, type Type, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiBearerAuth,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
} from '@nestjs/swagger';
import { type AuditAction } from '@perch/audit';

import { AuditTrailFirst } from '../audit/audit-trail.guard';
import { Audited } from '../audit/audited.decorator';
import { AgentAuthGuard } from './agent-auth.guard';
import { createGatewayValidationPipe, uuidParam } from './gateway-validation.pipe';
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

/** The route's `:id` (an interaction's, a contact's…), refused with 400 naming `id` unless it is a UUID. */
export function IdParam(): ParameterDecorator {
  return Param('id', uuidParam('id'));
}

/** What an audited command route answers and documents; each refusal's text lists its codes. */
export interface CommandRouteDoc {
  readonly audit: AuditAction;
  /** Body fields kept in the audit entry (as @Audited's keep). */
  readonly keep?: readonly string[];
  readonly status: 201 | 202;
  readonly summary?: string;
  /** The success body's class, or a description of it. */
  readonly response: Type<unknown> | { readonly description: string };
  readonly badRequest?: string;
  readonly forbidden?: string;
  readonly notFound?: boolean;
  readonly conflict?: string;
  readonly unavailable?: string;
}

/** An audited command route: its HTTP status and its OpenAPI success and refusal responses, from one description. */
export function CommandRoute(doc: CommandRouteDoc): MethodDecorator {
  const success = typeof doc.response === 'function' ? { type: doc.response } : doc.response;
  const decorators: MethodDecorator[] = [
    Audited(doc.audit, doc.keep ? { keep: doc.keep } : {}),
    HttpCode(doc.status),
    ...(doc.summary === undefined ? [] : [ApiOperation({ summary: doc.summary })]),
    doc.status === 201 ? ApiCreatedResponse(success) : ApiAcceptedResponse(success),
    ...(doc.badRequest === undefined ? [] : [ApiBadRequestResponse({ description: doc.badRequest })]),
    ...(doc.forbidden === undefined ? [] : [ApiForbiddenResponse({ description: doc.forbidden })]),
    ...(doc.notFound ? [ApiNotFoundResponse()] : []),
    ...(doc.conflict === undefined ? [] : [ApiConflictResponse({ description: doc.conflict })]),
    ...(doc.unavailable === undefined ? [] : [ApiServiceUnavailableResponse({ description: doc.unavailable })]),
  ];
  // Applied last to first, as the same decorators written one above the other would be.
  return applyDecorators(...decorators.reverse());
}
