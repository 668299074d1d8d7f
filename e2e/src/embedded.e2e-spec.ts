import { ConsumerGroups, Topics } from '@perch/contracts';
import { freePort, metricValue, ServiceProcess, waitFor } from '@perch/testing';

import { runAgentJourney } from './support/agent-journey.fixtures';
import { runDmJourney } from './support/dm-journey.fixtures';
import { SimulatorAdmin } from './support/simulator-admin.fixtures';

// `npm start`: one process, in-memory transport and stores, the built-in simulator and the desktop.
describe('embedded mode', () => {
  let perch: ServiceProcess;
  let gatewayUrl = '';
  let simulatorUrl = '';
  let internalUrl = '';

  beforeAll(async () => {
    const port = await freePort();
    const simPort = await freePort();
    const internalPort = await freePort();
    internalUrl = `http://127.0.0.1:${internalPort}`;
    gatewayUrl = `http://127.0.0.1:${port}`;
    simulatorUrl = `http://127.0.0.1:${simPort}`;
    perch = new ServiceProcess({
      app: 'perch',
      env: { PORT: String(port), X_SIM_PORT: String(simPort), INTERNAL_PORT: String(internalPort), PERCH_DEMO_RATE: '0' },
      healthUrl: `${gatewayUrl}/health`,
    });
    await perch.start();
  }, 60_000);

  afterAll(async () => {
    await perch.stop();
  });

  it('serves the desktop with a CSP that forbids framing, and metrics and API docs on the internal port only', async () => {
    const desktop = await fetch(`${gatewayUrl}/`);
    expect(desktop.status).toBe(200);
    await desktop.arrayBuffer();
    const csp = desktop.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    expect(desktop.headers.get('x-frame-options')).toBe('DENY');
    for (const path of ['/metrics', '/api/docs', '/api/docs-json']) {
      const hidden = await fetch(`${gatewayUrl}${path}`);
      await hidden.arrayBuffer();
      expect({ path, status: hidden.status }).toEqual({ path, status: 404 });
      const served = await fetch(`${internalUrl}${path}`);
      await served.arrayBuffer();
      expect({ path, status: served.status }).toEqual({ path, status: 200 });
    }
    // The embedded gateway reports the same gauges as the distributed one: sockets, push-store calls, REST intake.
    const metrics = await (await fetch(`${internalUrl}/metrics`)).text();
    for (const gauge of ['perch_agent_sockets_sockets', 'perch_agent_sockets_messages_in_flight', 'perch_push_store_skipped', 'perch_rest_requests_in_flight', 'perch_rest_requests_refused']) {
      expect(metrics).toContain(`${gauge}{service="perch"}`);
    }
    expect(metrics).toContain('perch_rest_requests_max{service="perch"} 2048');
    // The public answers above, timed by route template and status: the desktop's page, and the probes no route answers.
    const answered = (route: string, status: string): number =>
      metricValue(metrics, 'perch_http_request_duration_seconds_count', { service: 'perch', method: 'GET', route, status }) ?? 0;
    expect(answered('/', '200')).toBeGreaterThanOrEqual(1);
    expect(answered('unmatched', '404')).toBeGreaterThanOrEqual(3);
  });

  it('takes a customer tweet to a demo agent and the agent’s reply back to the simulated X', async () => {
    await runAgentJourney({
      gatewayUrl,
      simulator: new SimulatorAdmin(simulatorUrl),
      brand: 'acme_support',
      agent: { username: 'alice', password: 'alice' },
    });
    // The in-memory bus reports its events' waits and handling times as the distributed apps do, by topic and group
    // (read until each group's count shows: its last event may be handled a moment after the journey's end).
    for (const [topic, group] of [
      [Topics.InboundReceived, ConsumerGroups.Classifier],
      [Topics.InboundClassified, ConsumerGroups.RouterClassified],
      [Topics.OutboundRequested, ConsumerGroups.Outbound],
    ]) {
      const labels = { service: 'perch', topic, group };
      await waitFor(`the ${group} timings on /metrics`, async () => {
        const metrics = await (await fetch(`${internalUrl}/metrics`)).text();
        return (metricValue(metrics, 'perch_event_wait_seconds_count', labels) ?? 0) > 0 && (metricValue(metrics, 'perch_event_handling_seconds_count', labels) ?? 0) > 0;
      });
    }
  });

  it('takes a customer DM through the webhook to a demo agent, who follows them and answers by DM', async () => {
    await runDmJourney({
      gatewayUrl,
      simulator: new SimulatorAdmin(simulatorUrl),
      brand: 'acme_support',
      agent: { username: 'alice', password: 'alice' },
    });
  });
});
