// Removes throwaway namespaces from the local Kafka, Redis and PostgreSQL: what `npm run start:distributed` runs before
// each start, since its X simulator starts empty and a namespace's old interactions would point at tweets X no longer
// has. Usage: node remove-namespaces.cli.js <prefix> [--keep <namespace>]… (KAFKA_BROKERS, REDIS_URL, DATABASE_URL).
import { removeNamespaces } from '../lib/namespace-cleanup.util';

async function main(argv: readonly string[]): Promise<void> {
  const [prefix, ...rest] = argv;
  const keep: string[] = [];
  for (let i = 0; i < rest.length; i += 2) {
    if (rest[i] !== '--keep' || rest[i + 1] === undefined) throw new Error(`unexpected argument "${rest[i] ?? ''}": usage <prefix> [--keep <namespace>]…`);
    keep.push(rest[i + 1] as string);
  }
  if (prefix === undefined) throw new Error('usage: <prefix> [--keep <namespace>]…');
  const [brokers = '', redisUrl = '', databaseUrl = ''] = ['KAFKA_BROKERS', 'REDIS_URL', 'DATABASE_URL'].map((name) => process.env[name]);
  const missing = Object.entries({ KAFKA_BROKERS: brokers, REDIS_URL: redisUrl, DATABASE_URL: databaseUrl }).filter(([, value]) => value === '');
  if (missing.length > 0) throw new Error(`set ${missing.map(([name]) => name).join(', ')}`);
  const removed = await removeNamespaces({ brokers: brokers.split(','), redisUrl, databaseUrl }, prefix, keep);
  for (const r of removed) process.stdout.write(`  removed namespace ${r.namespace}: ${r.topics} topics, ${r.redisKeys} Redis keys, ${r.schemas} schemas\n`);
}

main(process.argv.slice(2)).catch((error: unknown) => {
  process.stderr.write(`remove-namespaces: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exitCode = 1;
});
