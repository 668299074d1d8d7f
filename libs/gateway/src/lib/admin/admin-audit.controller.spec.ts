import { PassThrough } from 'node:stream';

import { type AuditEntry, MemoryAuditLog, type NewAuditEntry } from '@perch/audit';
import { ValidationFailedError } from '@perch/platform';

import { AdminAuditController } from './admin-audit.controller';

/** The streamed answer as the export writes it: status, headers and the body's bytes. */
class RecordingResponse extends PassThrough {
  statusCode: number | undefined;
  readonly headers = new Map<string, string>();
  private readonly chunks: Buffer[] = [];

  constructor() {
    super();
    this.on('data', (chunk: Buffer) => this.chunks.push(chunk));
  }

  get headersSent(): boolean {
    return this.statusCode !== undefined;
  }

  setHeader(name: string, value: string): this {
    this.headers.set(name.toLowerCase(), value);
    return this;
  }

  status(code: number): this {
    this.statusCode = code;
    return this;
  }

  lines(): unknown[] {
    return Buffer.concat(this.chunks)
      .toString('utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => JSON.parse(line) as unknown);
  }
}

function entry(minute: number, overrides: Partial<NewAuditEntry> = {}): NewAuditEntry {
  return {
    at: new Date(Date.UTC(2026, 10, 25, 9, minute)).toISOString(),
    actor: { kind: 'agent', id: 'ada', role: 'agent' },
    action: 'reply',
    outcome: 'succeeded',
    ...overrides,
  };
}

describe(AdminAuditController.name, () => {
  let log: MemoryAuditLog;
  let controller: AdminAuditController;

  beforeEach(async () => {
    log = new MemoryAuditLog();
    controller = new AdminAuditController(log);
    await log.appendMany([entry(1), entry(2, { action: 'sign-in', actor: { kind: 'agent', id: 'bob' } }), entry(3)]);
  });

  it('answers a page of the log, most recent first unless asked for the oldest first', async () => {
    const minutes = (entries: AuditEntry[]): number[] => entries.map((e) => new Date(e.at).getUTCMinutes());
    expect(minutes((await controller.query({})).entries)).toEqual([3, 2, 1]);
    expect(minutes((await controller.query({ order: 'asc' })).entries)).toEqual([1, 2, 3]);
  });

  it('filters by actor and action, in pages that follow on with nextCursor', async () => {
    expect((await controller.query({ actor: 'bob' })).entries.map((e) => e.action)).toEqual(['sign-in']);
    const first = await controller.query({ action: 'reply', limit: 1 });
    expect(first.entries).toHaveLength(1);
    const second = await controller.query({ action: 'reply', limit: 1, cursor: first.nextCursor ?? '' });
    expect(second.entries.map((e) => e.id)).not.toEqual(first.entries.map((e) => e.id));
    expect(second.nextCursor).toBeNull();
  });

  it('exports the matching entries as JSON lines, oldest first, as a download', async () => {
    const response = new RecordingResponse();
    await controller.export({ action: 'reply' }, response);
    expect(response.statusCode).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/x-ndjson; charset=utf-8');
    expect(response.headers.get('content-disposition')).toBe('attachment; filename="perch-audit.jsonl"');
    expect(response.lines()).toEqual([
      expect.objectContaining({ action: 'reply', at: '2026-11-25T09:01:00.000Z' }),
      expect.objectContaining({ action: 'reply', at: '2026-11-25T09:03:00.000Z' }),
    ]);
  });

  it('refuses a bad filter with 400 before the first byte, so the answer is an error and not a broken file', async () => {
    const response = new RecordingResponse();
    await expect(controller.export({ from: 'yesterday' }, response)).rejects.toThrow(ValidationFailedError);
    expect(response.headersSent).toBe(false);
  });
});
