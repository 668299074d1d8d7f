/** DI token for AuditRecorderModule's dependencies (provided with useValue by AuditRecorderModule.register). */
export const AUDIT_RECORDER_DEPS = Symbol('AUDIT_RECORDER_DEPS');
