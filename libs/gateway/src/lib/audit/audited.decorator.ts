import { applyDecorators, SetMetadata, UseInterceptors } from '@nestjs/common';
import { type AuditAction } from '@perch/audit';

import { AuditInterceptor } from './audit.interceptor';

export const AUDIT_SPEC_KEY = 'perch:audit';

/** What a route's calls are kept as in the audit log. */
export interface AuditSpec {
  action: AuditAction;
  /** Body (or query) fields kept in the entry's details (strings cut at 500 characters); never a password or a token. */
  keep?: readonly string[];
}

/**
 * Every call of this route goes into the audit log: who (the signed-in agent, or for a sign-in the username
 * tried), from where, which interaction, and the outcome, refusals included (401/403/409/429 with their code).
 * Needs a @GatewayController(): its AuditTrailGuard runs before the sign-in and role guards.
 */
export function Audited(action: AuditAction, options: { keep?: readonly string[] } = {}): MethodDecorator {
  const spec: AuditSpec = { action, ...(options.keep ? { keep: options.keep } : {}) };
  return applyDecorators(SetMetadata(AUDIT_SPEC_KEY, spec), UseInterceptors(AuditInterceptor));
}
