import { type EventBus } from '@perch/messaging';

import { type AuditLog } from './audit-log.port';

/** Everything AuditRecorderModule needs, already built (and started) by the app. */
export interface AuditRecorderModuleDeps {
  bus: EventBus;
  auditLog: AuditLog;
  /** `auditRecorder: false` leaves routing decisions and effects on X to other processes. On by default. */
  options?: { run?: { auditRecorder?: boolean } };
}
