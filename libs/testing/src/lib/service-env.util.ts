/** The real services every integration and e2e test uses; the jest global setup guarantees they are set. */
export function serviceEnv(): { kafkaBrokers: string; redisUrl: string; databaseUrl: string } {
  const kafkaBrokers = process.env['KAFKA_BROKERS'];
  const redisUrl = process.env['REDIS_URL'];
  const databaseUrl = process.env['DATABASE_URL'];
  if (!kafkaBrokers || !redisUrl || !databaseUrl) {
    throw new Error('KAFKA_BROKERS, REDIS_URL and DATABASE_URL must be set (libs/testing/src/global-setup.js provides them)');
  }
  return { kafkaBrokers, redisUrl, databaseUrl };
}
