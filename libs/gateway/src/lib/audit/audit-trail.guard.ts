import { type CanActivate, type ExecutionContext, Injectable } from '@nestjs/common';
import { GUARDS_METADATA } from '@nestjs/common/constants';
import { Reflector } from '@nestjs/core';

import { AUDIT_SPEC_KEY, type AuditSpec } from './audited.decorator';
import { type AuditedRequest, AuditRecorder } from './audit-recorder.service';

/**
 * Marks a request to an @Audited() route before any other guard runs, so a refusal by the sign-in or role guard
 * (which never reaches an interceptor) is recorded too, by the exception filter. Lets every request through.
 */
@Injectable()
export class AuditTrailGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly recorder: AuditRecorder,
  ) {}

  canActivate(context: ExecutionContext): boolean {
    const spec = this.reflector.get<AuditSpec | undefined>(AUDIT_SPEC_KEY, context.getHandler());
    if (spec) this.recorder.track(context.switchToHttp().getRequest<AuditedRequest>(), spec);
    return true;
  }
}

/**
 * Puts AuditTrailGuard first among a controller's guards, whatever the order of its decorators (UseGuards
 * appends; controller guards run before route guards).
 */
export function AuditTrailFirst(): ClassDecorator {
  return (target) => {
    const guards: unknown[] = Reflect.getMetadata(GUARDS_METADATA, target) ?? [];
    Reflect.defineMetadata(GUARDS_METADATA, [AuditTrailGuard, ...guards.filter((guard) => guard !== AuditTrailGuard)], target);
  };
}
