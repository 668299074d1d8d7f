import { applyDecorators, type CanActivate, type ExecutionContext, Injectable, SetMetadata, UseGuards } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiForbiddenResponse } from '@nestjs/swagger';
import { type AgentRole, ForbiddenError } from '@perch/agents';

import { GatewayErrorCode } from '../gateway.errors';
import { type AuthenticatedRequest } from './agent-auth.guard';

/** Where @RequireRole() keeps a route's roles (the endpoint-auth spec reads it too). */
export const ROLES_KEY = 'perch:roles';

/** Refuses (403 `role-required`) a signed-in caller whose role is not one of the route's. */
@Injectable()
export class RolesGuard implements CanActivate {
  constructor(private readonly reflector: Reflector) {}

  canActivate(context: ExecutionContext): boolean {
    const roles = this.reflector.getAllAndOverride<readonly AgentRole[] | undefined>(ROLES_KEY, [context.getHandler(), context.getClass()]);
    if (!roles || roles.length === 0) return true;
    const agent = context.switchToHttp().getRequest<AuthenticatedRequest>().agent;
    // Guards run controller-first, so @SignedIn() on the controller has set the agent; without it the
    // route is misdeclared, which must not fail open.
    if (!agent) throw new Error('@RequireRole() used on a route without @SignedIn()');
    if (!roles.includes(agent.role)) {
      throw new ForbiddenError<GatewayErrorCode>(`This needs the ${roles.join(' or ')} role`, GatewayErrorCode.RoleRequired, { required: [...roles], role: agent.role });
    }
    return true;
  }
}

/** Only callers with one of these roles; use on a @SignedIn() controller or route. */
export function RequireRole(...roles: AgentRole[]): ClassDecorator & MethodDecorator {
  return applyDecorators(
    SetMetadata(ROLES_KEY, roles),
    UseGuards(RolesGuard),
    ApiForbiddenResponse({ description: `role-required: only ${roles.join(', ')}` }),
  );
}
