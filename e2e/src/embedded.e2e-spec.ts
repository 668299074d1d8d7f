import { freePort, ServiceProcess } from '@perch/testing';

import { runAgentJourney } from './support/agent-journey';
import { runDmJourney } from './support/dm-journey';
import { SimulatorAdmin } from './support/simulator-admin';

// `npm start`: one process, in-memory transport and stores, the built-in simulator and the desktop.
describe('embedded mode', () => {
  let perch: ServiceProcess;
  let gatewayUrl = '';
  let simulatorUrl = '';

  beforeAll(async () => {
    const port = await freePort();
    const simPort = await freePort();
    gatewayUrl = `http://127.0.0.1:${port}`;
    simulatorUrl = `http://127.0.0.1:${simPort}`;
    perch = new ServiceProcess({
      app: 'perch',
      env: { PORT: String(port), X_SIM_PORT: String(simPort), PERCH_DEMO_RATE: '0' },
      healthUrl: `${gatewayUrl}/health`,
    });
    await perch.start();
  }, 60_000);

  afterAll(async () => {
    await perch.stop();
  });

  it('takes a customer tweet to a demo agent and the agent’s reply back to the simulated X', async () => {
    await runAgentJourney({
      gatewayUrl,
      simulator: new SimulatorAdmin(simulatorUrl),
      brand: 'acme_support',
      agent: { username: 'alice', password: 'alice' },
    });
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
