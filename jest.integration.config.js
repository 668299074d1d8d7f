// Integration tier: *.integration-spec.ts against real Kafka, Redis and PostgreSQL.
// KAFKA_BROKERS / REDIS_URL / DATABASE_URL win; otherwise globalSetup starts testcontainers.
const preset = require('./jest.preset');

module.exports = {
  ...preset,
  rootDir: __dirname,
  // bench/: the benchmarks' own helpers that touch real services (their clean-up).
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/bench'],
  testMatch: ['**/*.integration-spec.ts'],
  globalSetup: '<rootDir>/libs/testing/src/global-setup.js',
  globalTeardown: '<rootDir>/libs/testing/src/global-teardown.js',
  maxWorkers: 2,
  testTimeout: 60000,
};
