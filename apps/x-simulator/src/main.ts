import 'reflect-metadata';

import { configureLogging, createLogger, loadConfig } from '@perch/platform';
import { XSimulator } from '@perch/x-simulator';

import { XSimulatorConfig } from './x-simulator.config';

const log = createLogger('x-simulator-app');

async function main(): Promise<void> {
  const config = loadConfig(XSimulatorConfig);
  configureLogging({ level: config.LOG_LEVEL, service: config.PERCH_SERVICE });
  const simulator = new XSimulator({
    seed: {
      appBearerToken: config.X_SIM_APP_BEARER,
      brands: [{ username: config.X_SIM_BRAND, token: config.X_SIM_BRAND_TOKEN, name: 'Acme Support' }],
    },
    host: config.X_SIM_HOST,
    rateLimits: config.X_SIM_RATE_LIMITS,
    keepAliveMs: config.X_SIM_KEEPALIVE_MS,
    consumerSecret: config.X_SIM_CONSUMER_SECRET,
  });
  const { baseUrl } = await simulator.start(config.X_SIM_PORT);
  log.info(
    { baseUrl, brand: config.X_SIM_BRAND, rateLimits: config.X_SIM_RATE_LIMITS },
    `X simulator listening on ${baseUrl} (admin API under ${baseUrl}/admin)`,
  );
  if (config.X_SIM_RATE) {
    const status = simulator.startGenerator({
      rate: config.X_SIM_RATE,
      customers: config.X_SIM_CUSTOMERS,
      brand: config.X_SIM_BRAND,
      dmShare: config.X_SIM_DM_SHARE,
    });
    log.info({ rate: status.spec?.rate, customers: config.X_SIM_CUSTOMERS, dmShare: config.X_SIM_DM_SHARE }, 'traffic generator started');
  }

  const shutdown = (signal: string) => {
    log.info({ signal }, 'stopping X simulator');
    simulator.stop().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', () => shutdown('SIGINT'));
  process.once('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((error: unknown) => {
  log.fatal({ err: error }, 'X simulator failed to start');
  process.exit(1);
});
