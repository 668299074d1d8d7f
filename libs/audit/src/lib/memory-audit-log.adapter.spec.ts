import { MemoryAuditLog } from './memory-audit-log.adapter';
import { describeAuditLogContract } from './testing/audit-log.contract';

describeAuditLogContract('memory', async () => ({ log: new MemoryAuditLog(), dispose: async () => undefined }));
