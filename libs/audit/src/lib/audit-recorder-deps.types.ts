import { type EventBus, type FanInTarget } from '@perch/messaging';

import { type AuditLog } from './audit-log.port';

/** Everything AuditRecorderModule needs, already built (and started) by the app. */
export interface AuditRecorderModuleDeps {
  bus: EventBus;
  auditLog: AuditLog;
  /** `auditRecorder: false` leaves routing decisions and effects on X to other processes. On by default. */
  options?: { run?: { auditRecorder?: boolean } };
  /** The app's lifecycle groups (ConsumerFanIn): when given, the handlers join them instead of opening groups of their own. */
  fanIn?: FanInTarget;
}
