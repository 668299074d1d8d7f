import { MemoryAuditLog, type NewAuditEntry } from '@perch/audit';
import { waitFor } from '@perch/testing';

import { type AuditedRequest, AuditRecorder } from './audit-recorder.service';

/** A database that refuses the first `failures` writes (an outage), then takes them. */
class FlakyAuditLog extends MemoryAuditLog {
  attempts = 0;
  constructor(private failures: number) {
    super();
  }

  override async append(entry: NewAuditEntry): Promise<boolean> {
    this.attempts += 1;
    if (this.failures > 0) {
      this.failures -= 1;
      throw Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    }
    return super.append(entry);
  }
}

function signedInRequest(): AuditedRequest {
  return {
    ip: '203.0.113.7',
    params: { id: '6f1c2b9e-3c4d-4e5f-8a9b-0c1d2e3f4a5b' },
    agent: { id: 'ada', displayName: 'Ada', capacity: 1, skills: [], role: 'agent', brands: [] },
  };
}

describe(AuditRecorder.name, () => {
  it('keeps an entry the database refused during an outage, once, when it comes back', async () => {
    const log = new FlakyAuditLog(3);
    const recorder = new AuditRecorder(log);
    const request = signedInRequest();
    recorder.track(request, { action: 'done' });

    await recorder.succeeded(request, { commandId: 'c-1' });
    expect(recorder.waiting).toBe(1);

    await waitFor('the entry in the log once PostgreSQL is back', async () => (await log.query({})).entries.length === 1);
    expect(recorder.waiting).toBe(0);
    expect(log.attempts).toBe(4);
    const { entries } = await log.query({});
    expect(entries).toEqual([
      expect.objectContaining({ action: 'done', outcome: 'succeeded', interactionId: '6f1c2b9e-3c4d-4e5f-8a9b-0c1d2e3f4a5b', actor: expect.objectContaining({ id: 'ada' }) }),
    ]);
    await recorder.onApplicationShutdown();
  });

  it('writes at once, with nothing left waiting, while the database is up', async () => {
    const log = new FlakyAuditLog(0);
    const recorder = new AuditRecorder(log);
    const request = signedInRequest();
    recorder.track(request, { action: 'accept' });
    await recorder.failed(request, 409, 'offer-expired');
    expect(recorder.waiting).toBe(0);
    expect((await log.query({})).entries).toEqual([expect.objectContaining({ action: 'accept', outcome: 'refused', code: 'offer-expired' })]);
  });
});
