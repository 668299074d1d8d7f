import { type DynamicModule, Module } from '@nestjs/common';

import { type AuditRecorderModuleDeps } from './audit-recorder-deps.types';
import { AuditRecorderConsumer } from './audit-recorder.consumer';
import { AUDIT_RECORDER_DEPS } from './audit.constants';

/** Records the router's decisions and X's final answers (routing.interaction.v1, x.outbound.completed.v1) in the audit log. */
@Module({})
export class AuditRecorderModule {
  static register(deps: AuditRecorderModuleDeps): DynamicModule {
    return {
      module: AuditRecorderModule,
      providers: [{ provide: AUDIT_RECORDER_DEPS, useValue: deps }, AuditRecorderConsumer],
    };
  }
}
