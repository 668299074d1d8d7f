import 'reflect-metadata';

import { ALL_TOPICS, deadLetterTopicOf } from '@perch/contracts';
import { KafkaTransport, perchTopicSpecs, replayDeadLetters, type ReplaySummary, withNamespace } from '@perch/messaging';
import { errorMessage, loadConfig } from '@perch/platform';
import { DistributedEnv } from '@perch/service-kit';
import pino from 'pino';

// npm run dlq:replay -- <topic> [--group <consumer group>] [--dry-run] [--limit N]
// Publishes the dead letters of <topic>.dlq back onto <topic>, each addressed to the consumer group that failed it,
// once: the tool's own consumer group on the dead-letter topic remembers what it replayed. Reads KAFKA_BROKERS and
// PERCH_NAMESPACE like the apps. The summary goes to stderr; stdout gets one JSON line (the summary), for scripts.

const USAGE = `usage: npm run dlq:replay -- <topic> [--group <consumer group>] [--dry-run] [--limit N]
topics: ${ALL_TOPICS.join(', ')}`;

interface Arguments {
  topic: string;
  group?: string;
  dryRun: boolean;
  limit?: number;
}

function parseArguments(argv: readonly string[]): Arguments {
  let topic: string | undefined;
  let group: string | undefined;
  let dryRun = false;
  let limit: number | undefined;
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--dry-run') dryRun = true;
    else if (arg === '--group') group = required(argv[++i], '--group');
    else if (arg === '--limit') {
      limit = Number(required(argv[++i], '--limit'));
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit must be a positive integer\n${USAGE}`);
    } else if (arg?.startsWith('--')) throw new Error(`unknown option ${arg}\n${USAGE}`);
    else if (topic === undefined && arg) topic = arg;
    else throw new Error(`unexpected argument ${arg}\n${USAGE}`);
  }
  if (!topic) throw new Error(USAGE);
  // Accept the dead-letter topic's own name too: it is what an operator sees in the broker.
  const logical = topic.endsWith('.dlq') ? topic.slice(0, -'.dlq'.length) : topic;
  if (!(ALL_TOPICS as readonly string[]).includes(logical)) throw new Error(`unknown topic ${topic}\n${USAGE}`);
  return { topic: logical, ...(group ? { group } : {}), dryRun, ...(limit === undefined ? {} : { limit }) };
}

function required(value: string | undefined, option: string): string {
  if (!value || value.startsWith('--')) throw new Error(`${option} needs a value\n${USAGE}`);
  return value;
}

function describe(summary: ReplaySummary): string {
  const verb = summary.dryRun ? 'would replay' : 'replayed';
  const lines = [
    `${verb} ${summary.replayed}, skipped ${summary.skipped} from ${summary.deadLetterTopic}${summary.group ? ` (group ${summary.group})` : ''}` +
      (summary.limitReached ? '; stopped at --limit, run again for the rest' : ''),
  ];
  for (const [reason, count] of Object.entries(summary.replayedByReason)) lines.push(`  ${verb} ${count}: ${reason}`);
  for (const [group, count] of Object.entries(summary.replayedByGroup)) lines.push(`  ${verb} ${count} to group ${group}`);
  for (const [reason, count] of Object.entries(summary.skippedByReason)) lines.push(`  skipped ${count}: ${reason}`);
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const args = parseArguments(process.argv.slice(2));
  const config = loadConfig(DistributedEnv);
  // Logs on stderr: stdout carries the JSON summary alone.
  const logger = pino({ level: process.env['LOG_LEVEL'] ?? 'warn', base: { service: 'dlq-replay' } }, pino.destination(2));
  const kafka = new KafkaTransport({
    brokers: config.KAFKA_BROKERS.split(','),
    clientId: 'perch-dlq-replay',
    logger,
    // One dead letter per handler call, its offset committed before the next is sent: a crash replays at most one again.
    maxBatchSize: 1,
    autoCommitThreshold: 1,
  });
  const transport = withNamespace(kafka, config.PERCH_NAMESPACE);
  await transport.connect();
  try {
    const wanted = new Set([args.topic, deadLetterTopicOf(args.topic)]);
    await transport.ensureTopics(perchTopicSpecs().filter((spec) => wanted.has(spec.name)));
    const summary = await replayDeadLetters({ transport, logger, ...args });
    process.stderr.write(describe(summary));
    process.stdout.write(`${JSON.stringify(summary)}\n`);
  } finally {
    await transport.disconnect();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`dead-letter replay failed: ${errorMessage(error)}\n`);
  process.exitCode = 1;
});
