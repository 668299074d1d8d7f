import { type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { type AgentProfile, ForbiddenError } from '@perch/agents';

import { RequireRole, RolesGuard } from './roles.guard';

class AuditController {
  @RequireRole('admin')
  read(): string {
    return 'audit';
  }

  open(): string {
    return 'open';
  }
}

function contextFor(handler: () => string, agent?: AgentProfile): ExecutionContext {
  const request = { headers: {}, ...(agent ? { agent } : {}) };
  return {
    getHandler: () => handler,
    getClass: () => AuditController,
    switchToHttp: () => ({ getRequest: () => request }),
  } as unknown as ExecutionContext;
}

const person = (role: AgentProfile['role']): AgentProfile => ({ id: role, displayName: role, capacity: 1, skills: [], role, brands: [] });

describe(RolesGuard.name, () => {
  const guard = new RolesGuard(new Reflector());
  const { read, open } = AuditController.prototype;

  it('lets an admin through to an admin-only route', () => {
    expect(guard.canActivate(contextFor(read, person('admin')))).toBe(true);
  });

  it('refuses agents and supervisors on an admin-only route with 403 role-required', () => {
    for (const role of ['agent', 'supervisor'] as const) {
      expect(() => guard.canActivate(contextFor(read, person(role)))).toThrow(ForbiddenError);
      expect(() => guard.canActivate(contextFor(read, person(role)))).toThrow(expect.objectContaining({ code: 'role-required' }));
    }
  });

  it('never fails open on a route whose agent was not authenticated', () => {
    expect(() => guard.canActivate(contextFor(read))).toThrow(/without @SignedIn/);
  });

  it('leaves routes without a role requirement to the other guards', () => {
    expect(guard.canActivate(contextFor(open, person('agent')))).toBe(true);
  });
});
