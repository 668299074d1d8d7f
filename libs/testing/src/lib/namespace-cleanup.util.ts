import { Redis } from 'ioredis';
import { Kafka, logLevel } from 'kafkajs';
import { Client } from 'pg';

import { deleteTopicsWithPrefix } from './kafka-topics.fixtures';

// What a PERCH_NAMESPACE holds on shared infrastructure: topics and consumer groups (`<namespace>.` on Kafka), Redis
// keys (`<namespace>-` in every app's prefix) and PostgreSQL schemas (`_<namespace>` ending their name). A benchmark
// run leaves about 150 MB in PostgreSQL and 70,000 Redis keys, and every namespace adds its partitions to the broker:
// removed after each run (bench) or at the next start (start:distributed), so repeated runs on a developer's machine
// neither fill the disk nor slow each other down. Best effort: leftovers cost disk, not correctness.

/** Drops the schemas the run's apps made: PERCH_NAMESPACE, lower-cased with `_` for anything else, ends their name. */
export async function dropNamespaceSchemas(databaseUrl: string, namespace: string): Promise<string[]> {
  const suffix = `_${namespace.toLowerCase().replace(/[^a-z0-9_]/g, '_')}`;
  const client = new Client({ connectionString: databaseUrl });
  try {
    await client.connect();
    const { rows } = await client.query<{ name: string }>(
      `SELECT nspname AS name FROM pg_namespace WHERE right(nspname, length($1)) = $1`,
      [suffix],
    );
    for (const { name } of rows) await client.query(`DROP SCHEMA IF EXISTS "${name.replace(/"/g, '""')}" CASCADE`);
    return rows.map((row) => row.name);
  } catch {
    return [];
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Deletes the run's Redis keys: every app's prefix holds `<namespace>-` right after `{` or `:`
 * (`perch:{<namespace>-default}:…`, `perch:<namespace>-ingest:…`), so "mydev-1" is not taken for "dev-1".
 */
export async function deleteNamespaceKeys(redis: Redis, namespace: string): Promise<number> {
  const pattern = `*[{:]${namespace.replace(/[*?[\]\\]/g, '\\$&')}-*`;
  let deleted = 0;
  try {
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', pattern, 'COUNT', 1000);
      if (keys.length > 0) deleted += await redis.unlink(...keys);
      cursor = next;
    } while (cursor !== '0');
  } catch {
    // see above
  }
  return deleted;
}

/** Removes a namespace's consumer groups, then its topics (deleteTopicsWithPrefix). */
export async function deleteNamespaceTopics(brokers: readonly string[], namespace: string): Promise<string[]> {
  const admin = new Kafka({ clientId: 'perch-namespace-cleanup', brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const groups = (await admin.listGroups()).groups.map((g) => g.groupId).filter((g) => g.startsWith(`${namespace}.`));
    if (groups.length > 0) await admin.deleteGroups(groups).catch(() => undefined);
  } catch {
    // see above: the topics are still worth removing
  } finally {
    await admin.disconnect();
  }
  return deleteTopicsWithPrefix(brokers, `${namespace}.`, 'perch-namespace-cleanup').catch(() => []);
}

/** The namespaces that own a topic on the broker (a topic is `<namespace>.<name>`) and that `select` picks, sorted. */
export async function namespacesOnBroker(brokers: readonly string[], select: (namespace: string) => boolean): Promise<string[]> {
  const admin = new Kafka({ clientId: 'perch-namespace-cleanup', brokers: [...brokers], logLevel: logLevel.NOTHING }).admin();
  try {
    await admin.connect();
    const found = (await admin.listTopics()).filter((t) => t.includes('.')).map((t) => t.slice(0, t.indexOf('.')));
    return [...new Set(found)].filter(select).sort();
  } finally {
    await admin.disconnect();
  }
}

/**
 * `prefix` followed by digits only: the shape start:distributed gives its runs (`dev-<time>`), never a name a person
 * chose, such as "dev-team".
 */
export function isThrowawayNamespace(namespace: string, prefix: string): boolean {
  return namespace.startsWith(prefix) && /^\d+$/.test(namespace.slice(prefix.length));
}

/** A namespace for one e2e suite's apps: `e2e-<what>-<Date.now()>`, the shape isE2eNamespaceOf takes back at the end. */
export function e2eNamespace(what: string): string {
  const label = what.replace(/[^\w-]/g, '-');
  if (label === '') throw new Error('an e2e namespace needs a label naming its suite');
  return `e2e-${label}-${Date.now()}`;
}

/** A namespace e2eNamespace made at a time within [since, until] (ms): what the e2e tier's teardown removes. */
export function isE2eNamespaceOf(namespace: string, since: number, until: number): boolean {
  const match = /^e2e-[\w-]+-(\d{13})$/.exec(namespace);
  const at = match ? Number(match[1]) : Number.NaN;
  return at >= since && at <= until;
}

export interface NamespaceInfrastructure {
  brokers: readonly string[];
  redisUrl: string;
  databaseUrl: string;
}

export interface RemovedNamespace {
  namespace: string;
  topics: number;
  redisKeys: number;
  schemas: number;
}

/**
 * Removes every throwaway namespace `<prefix><digits>` found on the broker, except `keep`: their Redis keys, schemas,
 * and last their topics and groups, so a removal cut short is found again by the next one.
 */
export async function removeNamespaces(infrastructure: NamespaceInfrastructure, prefix: string, keep: readonly string[] = []): Promise<RemovedNamespace[]> {
  if (prefix.length < 2) throw new Error(`refusing to remove namespaces by the prefix "${prefix}": name a throwaway prefix such as "dev-"`);
  return removeNamespacesWhere(infrastructure, (namespace) => isThrowawayNamespace(namespace, prefix) && !keep.includes(namespace));
}

/** Removes what each namespace on the broker that `select` picks holds: Redis keys, schemas, and last its topics. */
export async function removeNamespacesWhere(infrastructure: NamespaceInfrastructure, select: (namespace: string) => boolean): Promise<RemovedNamespace[]> {
  const namespaces = await namespacesOnBroker(infrastructure.brokers, select);
  const redis = new Redis(infrastructure.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 1 });
  const removed: RemovedNamespace[] = [];
  try {
    await redis.connect();
    for (const namespace of namespaces) {
      const redisKeys = await deleteNamespaceKeys(redis, namespace);
      const schemas = await dropNamespaceSchemas(infrastructure.databaseUrl, namespace);
      const topics = await deleteNamespaceTopics(infrastructure.brokers, namespace);
      removed.push({ namespace, topics: topics.length, redisKeys, schemas: schemas.length });
    }
  } finally {
    redis.disconnect();
  }
  return removed;
}
