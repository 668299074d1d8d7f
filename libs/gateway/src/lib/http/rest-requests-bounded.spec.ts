import { waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { InteractionQueryService } from '../interactions/interaction-query.service';
import { type GatewayTestbed, startGatewayTestbed } from '../testing/gateway-testbed.fixtures';
import { requestJson, testbedClient } from '../testing/testbed-client.fixtures';
import { RestIntakeGate } from './rest-intake-gate.util';

// ADR 41: the REST requests a replica handles at once are bounded; past the bound a request is refused at once (503
// gateway-busy, Retry-After), before authentication or any handler. Proved on the gateway module over real HTTP.

const NO_X = new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' });

describe('REST requests to one gateway replica', () => {
  let testbed: GatewayTestbed;
  const client = testbedClient(() => testbed.baseUrl);

  beforeAll(async () => {
    testbed = await startGatewayTestbed({
      xApi: NO_X,
      brands: [],
      agents: [{ id: 'ada', displayName: 'Ada', password: 'correct horse' }],
      options: { maxRestRequestsInFlight: 2 },
    });
  });

  afterAll(async () => {
    await testbed.close();
  });

  /** Holds GET /api/interactions unanswered until released, as when the store behind it is slow. */
  function holdInteractionLists(): { held: (() => void)[]; restore: () => void } {
    const queries = testbed.app.get(InteractionQueryService);
    const held: (() => void)[] = [];
    const spy = jest.spyOn(queries, 'listMine').mockImplementation(() => new Promise((resolve) => held.push(() => resolve([]))));
    return { held, restore: () => spy.mockRestore() };
  }

  it('are refused past the bound with 503 gateway-busy and Retry-After, whoever calls, and taken again once a place is free', async () => {
    const gate = testbed.app.get(RestIntakeGate);
    const token = await client.signIn('ada', 'correct horse');
    const { held, restore } = holdInteractionLists();
    try {
      const first = client.request('GET', '/api/interactions', undefined, token);
      const second = client.request('GET', '/api/interactions', undefined, token);
      await waitFor('two requests held', () => held.length === 2, 10_000, 5);
      expect(gate.stats()).toMatchObject({ inFlight: 2, refused: 0, max: 2 });

      // Signed in or not: refused before any guard, handler or audit ran.
      const busy = await fetch(`${testbed.baseUrl}/api/interactions`, { headers: { authorization: `Bearer ${token}` } });
      expect(busy.status).toBe(503);
      expect(busy.headers.get('retry-after')).toBe('1');
      // The security headers are set before the bound (hardenHttp runs first).
      expect(busy.headers.get('x-content-type-options')).toBe('nosniff');
      expect(await busy.json()).toEqual({
        statusCode: 503,
        error: 'Service Unavailable',
        code: 'gateway-busy',
        message: 'This gateway is handling its limit of 2 requests; try again in 1 s',
      });
      const signIn = await requestJson(testbed.baseUrl, 'POST', '/api/auth/sign-in', { username: 'ada', password: 'wrong' });
      expect(signIn).toMatchObject({ status: 503, body: { code: 'gateway-busy' } });
      expect(gate.stats()).toMatchObject({ inFlight: 2, refused: 2 });
      // The desktop's files are not API requests: served as ever.
      expect((await fetch(`${testbed.baseUrl}/`)).status).not.toBe(503);

      for (const release of held.splice(0)) release();
      expect((await first).status).toBe(200);
      expect((await second).status).toBe(200);
      await waitFor('both places free', () => gate.stats().inFlight === 0, 10_000, 5);
      restore();
      expect((await client.request('GET', '/api/interactions', undefined, token)).status).toBe(200);
    } finally {
      for (const release of held) release();
      restore();
    }
  });

  it('frees the place of a request whose caller hung up, so an aborted call never shrinks the bound', async () => {
    const gate = testbed.app.get(RestIntakeGate);
    const token = await client.signIn('ada', 'correct horse');
    const { held, restore } = holdInteractionLists();
    try {
      const controller = new AbortController();
      const aborted = fetch(`${testbed.baseUrl}/api/interactions`, { headers: { authorization: `Bearer ${token}` }, signal: controller.signal });
      await waitFor('the request held', () => held.length === 1, 10_000, 5);
      expect(gate.stats().inFlight).toBe(1);
      controller.abort();
      await expect(aborted).rejects.toThrow();
      await waitFor('its place free', () => gate.stats().inFlight === 0, 10_000, 5);
    } finally {
      for (const release of held) release();
      restore();
    }
  });
});
