import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { freePort, ServiceProcess, waitFor } from '@perch/testing';

import { AgentDesk } from './support/agent-desk.fixtures';
import { SimulatorAdmin } from './support/simulator-admin.fixtures';

// `npm start` keeps its token secret in PERCH_DATA_DIR: a restart keeps agents signed in, another folder does not.
describe('embedded mode: the data folder', () => {
  let root = '';
  let perch: ServiceProcess | undefined;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'perch-embedded-data-'));
  });

  afterEach(async () => {
    await perch?.stop();
    perch = undefined;
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  let simulatorUrl = '';

  async function startPerch(dataDir: string): Promise<string> {
    const port = await freePort();
    const gatewayUrl = `http://127.0.0.1:${port}`;
    const simPort = await freePort();
    simulatorUrl = `http://127.0.0.1:${simPort}`;
    perch = new ServiceProcess({
      app: 'perch',
      env: { PORT: String(port), X_SIM_PORT: String(simPort), PERCH_DEMO_RATE: '0', PERCH_DATA_DIR: dataDir },
      healthUrl: `${gatewayUrl}/health`,
    });
    await perch.start();
    return gatewayUrl;
  }

  async function signIn(gatewayUrl: string, username = 'alice'): Promise<string> {
    const response = await fetch(`${gatewayUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password: username }),
    });
    expect(response.status).toBe(201);
    return ((await response.json()) as { token: string }).token;
  }

  async function meStatus(gatewayUrl: string, token: string): Promise<number> {
    return (await fetch(`${gatewayUrl}/api/agents/me`, { headers: { authorization: `Bearer ${token}` } })).status;
  }

  it('keeps an agent’s token valid across a restart on the same folder and refuses it from another folder', async () => {
    const dataDir = join(root, 'install-a');
    const token = await signIn(await startPerch(dataDir));
    await perch?.stop();

    expect(await meStatus(await startPerch(dataDir), token)).toBe(200);
    await perch?.stop();

    expect(await meStatus(await startPerch(join(root, 'install-b')), token)).toBe(401);
    expect((await stat(join(dataDir, 'token-secret'))).mode & 0o777).toBe(0o600);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
  });

  it('keeps a sign-out and the audit trail across a restart, even after a SIGKILL', async () => {
    const dataDir = join(root, 'install-c');
    let gatewayUrl = await startPerch(dataDir);
    const signedOut = await signIn(gatewayUrl);
    const refused = await fetch(`${gatewayUrl}/api/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: 'alice', password: 'not-her-password' }),
    });
    expect(refused.status).toBe(401);
    expect((await fetch(`${gatewayUrl}/api/auth/sign-out`, { method: 'POST', headers: { authorization: `Bearer ${signedOut}` } })).status).toBe(204);
    expect(await meStatus(gatewayUrl, signedOut)).toBe(401);
    // No goodbye: whatever was acknowledged must already be on disk.
    await perch?.stop('SIGKILL');

    gatewayUrl = await startPerch(dataDir);
    expect(await meStatus(gatewayUrl, signedOut)).toBe(401);
    const admin = await signIn(gatewayUrl, 'dana');
    const audit = await fetch(`${gatewayUrl}/api/admin/audit?actor=alice&order=asc`, { headers: { authorization: `Bearer ${admin}` } });
    expect(audit.status).toBe(200);
    const { entries } = (await audit.json()) as { entries: { action: string; outcome: string }[] };
    expect(entries.map((entry) => `${entry.action} ${entry.outcome}`)).toEqual(
      expect.arrayContaining(['sign-in succeeded', 'sign-in refused', 'sign-out succeeded']),
    );
  });

  it('closes, saying why, the interaction an agent held when Perch stopped, instead of leaving it open on her desk', async () => {
    const dataDir = join(root, 'install-d');
    let gatewayUrl = await startPerch(dataDir);
    const simulator = new SimulatorAdmin(simulatorUrl);
    await simulator.createCustomer('restart_cust');
    let alice = await AgentDesk.signIn(gatewayUrl, 'alice', 'alice');
    await alice.ready();
    const tweet = await simulator.tweet('restart_cust', '@acme_support my parcel is lost, please help');
    const interactionId = await alice.accept(tweet.id);
    // The list is the projection's, a few ms behind the socket: wait until it says active, as her desk would show.
    await waitFor('the accepted interaction on her list', async () => {
      const listed = (await alice.api('GET', '/api/interactions')).body as { id: string; state: string }[];
      return listed.some((view) => view.id === interactionId && view.state === 'active') ? true : undefined;
    });
    await alice.close();
    await perch?.stop();

    // Routing, calls to X and the simulated X start empty: the interaction cannot be handled any more.
    gatewayUrl = await startPerch(dataDir);
    alice = await AgentDesk.signIn(gatewayUrl, 'alice', 'alice');
    try {
      expect((await alice.api('GET', '/api/interactions')).body).toEqual([]);
      const closed = await alice.api('GET', `/api/interactions/${interactionId}`);
      expect(closed).toMatchObject({
        status: 200,
        body: { state: 'completed', agentId: 'alice', completion: { agentId: null, note: expect.stringMatching(/Closed when Perch restarted/) } },
      });
      // Not a 404 for a view the desk shows: the interaction is there, and done says it is over.
      const done = await alice.api('POST', `/api/interactions/${interactionId}/done`, {});
      expect(done.status).toBe(409);
      expect(JSON.stringify(done.body)).toMatch(/completed/);
      // The desk works as before for new work.
      await alice.ready();
      await new SimulatorAdmin(simulatorUrl).createCustomer('after_restart');
      const next = await new SimulatorAdmin(simulatorUrl).tweet('after_restart', '@acme_support still waiting on my refund');
      const nextId = await alice.accept(next.id);
      expect(nextId).not.toBe(interactionId);
    } finally {
      await alice.close();
    }
  });
});
