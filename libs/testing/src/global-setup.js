// Provides the real services to the integration and e2e tiers.
// KAFKA_BROKERS, REDIS_URL and DATABASE_URL win (CI and the Maven-jar broker set them);
// where one is unset, a container is started with testcontainers for users who have Docker.
// Nothing is ever skipped: with neither the variable nor Docker, the run fails and says why.
const started = [];

async function startKafka() {
  const { KafkaContainer } = require('@testcontainers/kafka');
  const container = await new KafkaContainer(process.env.KAFKA_TEST_IMAGE ?? 'confluentinc/cp-kafka:8.1.0').start();
  started.push(container);
  return `${container.getHost()}:${container.getMappedPort(9093)}`;
}

async function startRedis() {
  const { RedisContainer } = require('@testcontainers/redis');
  const container = await new RedisContainer(process.env.REDIS_TEST_IMAGE ?? 'redis:7.4').start();
  started.push(container);
  return container.getConnectionUrl();
}

async function startPostgres() {
  const { PostgreSqlContainer } = require('@testcontainers/postgresql');
  const container = await new PostgreSqlContainer(process.env.POSTGRES_TEST_IMAGE ?? 'postgres:16').start();
  started.push(container);
  return container.getConnectionUri();
}

async function provide(name, start) {
  if (process.env[name]) return;
  try {
    process.env[name] = await start();
  } catch (error) {
    throw new Error(
      `${name} is not set and no container could be started (${error instanceof Error ? error.message : error}). ` +
        `Set ${name} to a running service (see README, "Running the tests") or install Docker.`,
    );
  }
}

module.exports = async function globalSetup() {
  await provide('KAFKA_BROKERS', startKafka);
  await provide('REDIS_URL', startRedis);
  await provide('DATABASE_URL', startPostgres);
  globalThis.__PERCH_CONTAINERS__ = started;
};
