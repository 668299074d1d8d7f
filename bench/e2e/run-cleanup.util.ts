import type { Redis } from 'ioredis';
import { Client } from 'pg';

// A run leaves about 150 MB in PostgreSQL and 70,000 Redis keys behind: removed after each run, so that repeated
// runs on a developer's machine neither fill the disk nor slow each other down. Best effort, like the topics'.

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

/** Deletes the run's Redis keys: every app's prefix holds `<namespace>-`. */
export async function deleteNamespaceKeys(redis: Redis, namespace: string): Promise<number> {
  const pattern = `*${namespace.replace(/[*?[\]\\]/g, '\\$&')}-*`;
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
