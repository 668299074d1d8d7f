import { hashPassword } from '@perch/agents';
import { metricValue, waitFor } from '@perch/testing';
import { TwitterApiXAdapter } from '@perch/x-client';

import { GatewayGauges, type GatewayGaugeSource } from './gateway-gauges.util';
import { RestIntakeGate } from './http/rest-intake-gate.util';
import { InteractionQueryService } from './interactions/interaction-query.service';
import { AgentSocketProbe } from './testing/agent-socket-probe.fixtures';
import { type GatewayTestbed, startGatewayTestbed } from './testing/gateway-testbed.fixtures';
import { testbedClient } from './testing/testbed-client.fixtures';
import { AgentSocketHub } from './ws/agent-socket-hub.service';
import { PushStoreGuard } from './ws/push-store-guard.util';

const NO_X = new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' });

function readAll(sources: GatewayGaugeSource[]): Record<string, Record<string, number>> {
  return Object.fromEntries(sources.map((source) => [source.prefix, source.read()]));
}

describe('The gateway gauges on /metrics', () => {
  let testbed: GatewayTestbed;
  const client = testbedClient(() => testbed.baseUrl);

  beforeAll(async () => {
    testbed = await startGatewayTestbed({
      xApi: NO_X,
      brands: [],
      agents: [{ id: 'ada', displayName: 'Ada', password: 'correct horse' }],
      options: { maxRestRequestsInFlight: 3 },
    });
  });

  afterAll(async () => {
    await testbed.close();
  });

  it('read the gate and the guard they were made with at once, and zero sockets until attached to the app', () => {
    const gate = new RestIntakeGate(3);
    const guard = new PushStoreGuard();
    expect(readAll(new GatewayGauges(gate, guard).sources())).toEqual({
      push_store: { done: 0, givenUp: 0, skipped: 0 },
      agent_sockets: { sockets: 0, agents: 0, messagesInFlight: 0, messagesWaiting: 0, pauses: 0 },
      rest_requests: { inFlight: 0, refused: 0, max: 3 },
      password_derivations: { running: 0, waiting: 0 },
    });
  });

  it('count the password derivations running and waiting for their turn, process-wide', async () => {
    const sources = new GatewayGauges(new RestIntakeGate(3), new PushStoreGuard()).sources();
    const storm = Array.from({ length: 5 }, (_, i) => hashPassword(`password ${i}`, { N: 1024 }));
    // p-limit starts what it may on a later microtask.
    await new Promise((resolve) => setImmediate(resolve));

    expect(readAll(sources)['password_derivations']).toEqual({ running: 2, waiting: 3 });
    expect(await Promise.all(storm)).toHaveLength(5);
    expect(readAll(sources)['password_derivations']).toEqual({ running: 0, waiting: 0 });
  });

  it('read the app’s socket hub once attached, and the gate and guard as they change', async () => {
    const gauges = new GatewayGauges(testbed.app.get(RestIntakeGate), testbed.app.get(PushStoreGuard));
    const sources = gauges.sources();
    gauges.attach(testbed.app);
    const token = await client.signIn('ada', 'correct horse');
    const socket = await AgentSocketProbe.connect(testbed.baseUrl, token);
    const queries = testbed.app.get(InteractionQueryService);
    const held: (() => void)[] = [];
    const spy = jest.spyOn(queries, 'listMine').mockImplementation(() => new Promise((resolve) => held.push(() => resolve([]))));
    try {
      const pending = client.request('GET', '/api/interactions', undefined, token);
      await waitFor('the request held', () => held.length === 1, 10_000, 5);
      // The sources made before attach() read the hub once attached: the registry keeps the sources it was given.
      expect(readAll(sources)).toEqual({
        push_store: { ...testbed.app.get(PushStoreGuard).counts },
        agent_sockets: { ...testbed.app.get(AgentSocketHub).stats(), sockets: 1, agents: 1 },
        rest_requests: { inFlight: 1, refused: 0, max: 3 },
        password_derivations: { running: 0, waiting: 0 },
      });
      expect(testbed.app.get(RestIntakeGate).stats().inFlight).toBe(1);
      for (const release of held.splice(0)) release();
      expect((await pending).status).toBe(200);
      await waitFor('the place freed', () => readAll(sources)['rest_requests']?.['inFlight'] === 0, 10_000, 5);
      await socket.close();
      await waitFor('the socket counted out', () => readAll(sources)['agent_sockets']?.['sockets'] === 0, 10_000, 5);
    } finally {
      for (const release of held) release();
      spy.mockRestore();
      await socket.close();
    }
  });

  it('time the desktop\'s REST calls by route template and status on the internal /metrics, refusals at the bound included', async () => {
    const token = await client.signIn('ada', 'correct horse');
    expect((await client.request('GET', '/api/interactions', undefined, token)).status).toBe(200);
    expect((await client.request('GET', '/api/interactions')).status).toBe(401);
    expect((await client.request('POST', '/api/interactions/i-404/accept', {}, token)).status).toBe(400);
    expect((await client.request('GET', '/api/no-such-route/4f1c9e')).status).toBe(404);
    // The bound (3 here) reached: the fourth is refused with 503 before routing, and counted as such.
    const queries = testbed.app.get(InteractionQueryService);
    const held: (() => void)[] = [];
    const spy = jest.spyOn(queries, 'listMine').mockImplementation(() => new Promise((resolve) => held.push(() => resolve([]))));
    try {
      const pending = [1, 2, 3].map(() => client.request('GET', '/api/interactions', undefined, token));
      await waitFor('three requests held', () => held.length === 3, 10_000, 5);
      expect((await client.request('GET', '/api/interactions', undefined, token)).status).toBe(503);
      for (const release of held.splice(0)) release();
      expect((await Promise.all(pending)).map((r) => r.status)).toEqual([200, 200, 200]);
    } finally {
      for (const release of held) release();
      spy.mockRestore();
    }

    const count = (scrape: string, method: string, route: string, status: string): number =>
      metricValue(scrape, 'perch_http_request_duration_seconds_count', { service: 'gateway-testbed', method, route, status }) ?? 0;
    let scrape = '';
    // The earlier tests' calls count too (one GET /api/interactions), hence at least.
    await waitFor('the held three timed', async () => {
      scrape = await (await fetch(`${testbed.internalUrl}/metrics`)).text();
      return count(scrape, 'GET', '/api/interactions', '200') >= 4;
    }, 10_000, 20);
    expect(count(scrape, 'POST', '/api/auth/sign-in', '201')).toBeGreaterThanOrEqual(1);
    expect(count(scrape, 'GET', '/api/interactions', '401')).toBe(1);
    expect(count(scrape, 'POST', '/api/interactions/:id/accept', '400')).toBe(1);
    // No handler answered these two: the path matched no route, and the bound refused before routing.
    expect(count(scrape, 'GET', 'unmatched', '404')).toBe(1);
    expect(count(scrape, 'GET', 'unmatched', '503')).toBe(1);
    // Only templates: no path a client typed, no interaction id.
    expect(scrape).not.toContain('4f1c9e');
    expect(scrape).not.toContain('i-404');
    // And the public listener does not serve it.
    expect((await client.request('GET', '/metrics')).status).toBe(404);
  }, 30_000);
});
