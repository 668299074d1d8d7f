import { randomUUID } from 'node:crypto';

import { freePort, ServiceProcess, serviceEnv } from '@perch/testing';
import { XSimulator } from '@perch/x-simulator';

import { runAgentJourney } from './support/agent-journey';
import { SimulatorAdmin } from './support/simulator-admin';

// The apps as separate OS processes on real Kafka and Redis (and PostgreSQL for the gateway's history),
// talking to the X simulator through twitter-api-v2, exactly as in production.
describe('distributed mode', () => {
  const brand = 'acme_support';
  const brandToken = `brand-${randomUUID()}`;
  const appBearer = `app-${randomUUID()}`;
  const simulator = new XSimulator({ seed: { appBearerToken: appBearer, brands: [{ username: brand, token: brandToken }] } });
  const services: ServiceProcess[] = [];
  let gatewayUrl = '';
  let simulatorUrl = '';

  beforeAll(async () => {
    simulatorUrl = (await simulator.start(await freePort())).baseUrl;
    const { kafkaBrokers, redisUrl, databaseUrl } = serviceEnv();
    const common = {
      KAFKA_BROKERS: kafkaBrokers,
      REDIS_URL: redisUrl,
      DATABASE_URL: databaseUrl,
      PERCH_NAMESPACE: `e2e-${Date.now()}`,
      X_API_BASE_URL: simulatorUrl,
      X_APP_BEARER: appBearer,
      X_BRAND_TOKENS: `${brand}=${brandToken}`,
    };
    const ports = { ingestor: await freePort(), classifier: await freePort(), router: await freePort(), gateway: await freePort() };
    gatewayUrl = `http://127.0.0.1:${ports.gateway}`;
    services.push(
      new ServiceProcess({ app: 'router', env: { ...common, HTTP_PORT: String(ports.router) }, healthUrl: `http://127.0.0.1:${ports.router}/health` }),
      new ServiceProcess({ app: 'classifier', env: { ...common, HTTP_PORT: String(ports.classifier) }, healthUrl: `http://127.0.0.1:${ports.classifier}/health` }),
      new ServiceProcess({
        app: 'gateway',
        env: {
          ...common,
          HTTP_PORT: String(ports.gateway),
          GATEWAY_TOKEN_SECRET: `${randomUUID()}${randomUUID()}`,
          GATEWAY_AGENTS: JSON.stringify([{ id: 'alice', displayName: 'Alice', password: 'alice-pw', capacity: 2 }]),
        },
        healthUrl: `${gatewayUrl}/health`,
      }),
      new ServiceProcess({ app: 'ingestor', env: { ...common, HTTP_PORT: String(ports.ingestor) }, healthUrl: `http://127.0.0.1:${ports.ingestor}/health` }),
    );
    await Promise.all(services.map((s) => s.start()));
  }, 120_000);

  afterAll(async () => {
    await Promise.all(services.map((s) => s.stop()));
    await simulator.stop();
  });

  it('takes a customer tweet to an agent and the agent’s reply back to X', async () => {
    await runAgentJourney({
      gatewayUrl,
      simulator: new SimulatorAdmin(simulatorUrl),
      brand,
      agent: { username: 'alice', password: 'alice-pw' },
    });
  });

  it('refuses to start an app whose environment is invalid, naming every bad variable', async () => {
    const broken = new ServiceProcess({
      app: 'router',
      env: { KAFKA_BROKERS: 'not a broker list', REDIS_URL: 'http://nope', HTTP_PORT: '70000' },
      healthUrl: 'http://127.0.0.1:1/health',
      startTimeoutMs: 15_000,
    });
    await expect(broken.start()).rejects.toThrow(/exited during start-up/);
    const { readFileSync } = await import('node:fs');
    const log = readFileSync(broken.logFile, 'utf8');
    expect(log).toMatch(/KAFKA_BROKERS/);
    expect(log).toMatch(/REDIS_URL/);
    expect(log).toMatch(/HTTP_PORT/);
  });
});
