import { Kafka, logLevel } from 'kafkajs';

/**
 * Deletes every topic whose name starts with `prefix` (a run's namespace and its dot), so a broker that tests share
 * does not pile them up. `brokers` as in KAFKA_BROKERS, or already split. Resolves to the topics deleted.
 */
export async function deleteTopicsWithPrefix(brokers: string | readonly string[], prefix: string, clientId: string): Promise<string[]> {
  const admin = new Kafka({ clientId, brokers: typeof brokers === 'string' ? brokers.split(',') : [...brokers], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    const topics = (await admin.listTopics()).filter((topic) => topic.startsWith(prefix));
    if (topics.length > 0) await admin.deleteTopics({ topics });
    return topics;
  } finally {
    await admin.disconnect();
  }
}
