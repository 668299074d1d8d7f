import { describe, expect, it } from 'vitest';

import { ApiClient, ApiError } from './api-client.adapter';

const BUSY = { status: 503, body: { statusCode: 503, error: 'Service Unavailable', code: 'gateway-busy', message: 'busy' }, headers: { 'retry-after': '2' } };

/** A fetch that answers from a script, one answer per call, and records what it was asked. */
function scripted(answers: { status: number; body: unknown; headers?: Record<string, string> }[]) {
  const calls: { path: string; method: string; body: unknown }[] = [];
  const fetch = (async (path: string, init: RequestInit) => {
    calls.push({ path, method: String(init.method), body: init.body === undefined ? undefined : JSON.parse(String(init.body)) });
    const answer = answers.shift();
    if (!answer) throw new Error('no answer left');
    return new Response(JSON.stringify(answer.body), { status: answer.status, headers: answer.headers ?? {} });
  }) as unknown as typeof globalThis.fetch;
  return { fetch, calls };
}

function client(fetch: typeof globalThis.fetch, waits: number[]): ApiClient {
  return new ApiClient({ token: () => 'tok', onUnauthorized: () => undefined, fetch, sleep: async (ms) => void waits.push(ms) });
}

describe('ApiClient', () => {
  it('sends a request the gateway was too busy to take again after its Retry-After, body and all', async () => {
    const { fetch, calls } = scripted([BUSY, { status: 202, body: { commandId: 'c1' } }]);
    const waits: number[] = [];
    await expect(client(fetch, waits).post('/api/interactions/i1/replies', { text: 'hello' })).resolves.toEqual({ commandId: 'c1' });
    expect(calls.map((c) => c.body)).toEqual([{ text: 'hello' }, { text: 'hello' }]);
    expect(waits).toHaveLength(1);
    expect(waits[0]).toBeGreaterThanOrEqual(2_000);
    expect(waits[0]).toBeLessThan(2_250);
  });

  it('gives up after three retries and throws the gateway-busy refusal', async () => {
    const { fetch, calls } = scripted([BUSY, BUSY, BUSY, BUSY]);
    const refusal = await client(fetch, []).get('/api/interactions').catch((e: unknown) => e);
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).code).toBe('gateway-busy');
    expect(calls).toHaveLength(4);
  });

  it('never sends again any other refusal, not even another 503', async () => {
    const { fetch, calls } = scripted([{ status: 503, body: { statusCode: 503, code: 'routing-unavailable', message: 'try again' } }]);
    const refusal = await client(fetch, []).post('/api/interactions/i1/accept', { offerId: 'o1' }).catch((e: unknown) => e);
    expect((refusal as ApiError).code).toBe('routing-unavailable');
    expect(calls).toHaveLength(1);
  });
});
