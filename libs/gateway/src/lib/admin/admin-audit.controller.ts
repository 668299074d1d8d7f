import { once } from 'node:events';

import { Controller, Get, Inject, Query, Res } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { type AuditLog, type AuditPage, exportAuditAsJsonLines, resolveAuditQuery } from '@perch/audit';
import { createLogger } from '@perch/platform';

import { Audited } from '../audit/audited.decorator';
import { GATEWAY_AUDIT_LOG } from '../gateway.constants';
import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';
import { RequireRole } from '../http/roles.guard';
import { AuditExportQueryDto, AuditPageDto, AuditQueryDto } from './admin-audit.dto';

/** The streamed answer, as far as the export needs it (Express's response has these). */
interface StreamingResponse extends NodeJS.WritableStream {
  setHeader(name: string, value: string): unknown;
  status(code: number): unknown;
  destroy(error?: Error): unknown;
  readonly headersSent: boolean;
}

const logger = createLogger('gateway-admin-audit');

// Guards run controller-first in decorator order from the bottom: signed in, then the role.
@ApiTags('admin')
@GatewayController()
@RequireRole('admin')
@SignedIn()
@Controller('api/admin/audit')
export class AdminAuditController {
  constructor(@Inject(GATEWAY_AUDIT_LOG) private readonly log: AuditLog) {}

  @Get()
  @Audited('audit-read', { keep: ['actor', 'action', 'interactionId', 'from', 'to'] })
  @ApiOperation({ summary: 'The audit log, a page at a time (admins only); most recent first unless order=asc' })
  @ApiOkResponse({ type: AuditPageDto })
  query(@Query() query: AuditQueryDto): Promise<AuditPage> {
    return this.log.query({ ...query, order: query.order ?? 'desc' });
  }

  @Get('export')
  @Audited('audit-export', { keep: ['actor', 'action', 'interactionId', 'from', 'to'] })
  @ApiOperation({ summary: 'The whole audit log (or what the filters keep) as JSON lines, oldest first, streamed (admins only)' })
  @ApiProduces('application/x-ndjson')
  @ApiOkResponse({ description: 'One audit entry (as in GET /api/admin/audit) per line' })
  async export(@Query() query: AuditExportQueryDto, @Res() response: StreamingResponse): Promise<void> {
    // Checked before the first byte: a bad filter is still a 400, not a broken stream.
    resolveAuditQuery(query);
    response.status(200);
    response.setHeader('Content-Type', 'application/x-ndjson; charset=utf-8');
    response.setHeader('Content-Disposition', 'attachment; filename="perch-audit.jsonl"');
    try {
      for await (const line of exportAuditAsJsonLines(this.log, query)) {
        if (!response.write(line)) await once(response, 'drain');
      }
      response.end();
    } catch (error) {
      // Headers are out: the only honest signal left is a cut connection (the client sees an incomplete body).
      logger.error({ err: error }, 'audit export failed mid-stream');
      response.destroy(error instanceof Error ? error : new Error(String(error)));
    }
  }
}
