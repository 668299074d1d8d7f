// The e2e tier's teardown: each suite starts the apps in a namespace of its own (~20 topics with their partitions,
// Redis keys, schemas). A developer's broker is not fresh each run as CI's is: without this, every `npm test` left
// about 250 topics behind and the broker slowed with them. A failed removal is reported, not failed: it costs disk.
// The run's namespaces are those made since this process (Jest's, which also ran the setup) started: no state kept.
// Required here, at load: Jest compiles the TypeScript this file requires only while it loads it.
const { isE2eNamespaceOf, removeNamespacesWhere } = require('./lib/namespace-cleanup.util');
const { serviceEnv } = require('./lib/service-env.util');
const globalTeardown = require('./global-teardown');

module.exports = async function e2eGlobalTeardown() {
  const since = Math.floor(performance.timeOrigin);
  try {
    const env = serviceEnv();
    const until = Date.now();
    const removed = await removeNamespacesWhere(
      { brokers: env.kafkaBrokers.split(','), redisUrl: env.redisUrl, databaseUrl: env.databaseUrl },
      (namespace) => isE2eNamespaceOf(namespace, since, until),
    );
    const topics = removed.reduce((sum, r) => sum + r.topics, 0);
    process.stdout.write(`\ne2e teardown: removed this run's ${removed.length} namespaces (${topics} topics) from Kafka, Redis and PostgreSQL\n`);
  } catch (error) {
    process.stderr.write(`\ne2e teardown: could not remove this run's namespaces: ${error instanceof Error ? error.message : String(error)}\n`);
  } finally {
    await globalTeardown();
  }
};
