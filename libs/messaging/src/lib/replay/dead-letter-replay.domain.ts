import { randomUUID } from 'node:crypto';

import { type DeadLetterRecord, deadLetterTopicOf, replayCursorGroup } from '@perch/contracts';
import { errorMessage, type Logger, RetryableError } from '@perch/platform';

import { MessagingErrorCode } from '../messaging.errors';
import { type ConsumedMessage, type PartitionPosition, type Transport } from '../port/transport.port';
import { REPLAY_GROUP_HEADER, REPLAYED_FROM_HEADER } from './dead-letter-replay.constants';

export interface ReplayDeadLettersOptions {
  /** Connected, and namespaced like the apps (PERCH_NAMESPACE): topic and group names here are the logical ones. */
  transport: Transport;
  /** The topic whose `<topic>.dlq` is replayed back onto it. */
  topic: string;
  /** Replays only what this consumer group dead-lettered. Has its own position on the dead-letter topic. */
  group?: string;
  /** Reads and counts, sends nothing, moves no position. */
  dryRun?: boolean;
  /** At most this many replayed; the rest stays for the next run. */
  limit?: number;
  logger: Logger;
  /** Fails when the dead letters present at the start are not all read within this long. */
  timeoutMs?: number;
}

export interface ReplaySummary {
  topic: string;
  deadLetterTopic: string;
  group?: string;
  dryRun: boolean;
  /** Sent back (or, in a dry run, would be). */
  replayed: number;
  /** Read and passed over for good: not an event of this topic, unreadable, or failed by another group. */
  skipped: number;
  replayedByReason: Record<string, number>;
  skippedByReason: Record<string, number>;
  /** Replayed per consumer group the message was addressed to ("(topic)" when the record names none). */
  replayedByGroup: Record<string, number>;
  /** True when --limit stopped the run before the end of the dead-letter topic. */
  limitReached: boolean;
}

/** Rejects the rest of a batch that must stay uncommitted (beyond the end or the limit): not a failure. */
class ReplayStopped extends Error {
  constructor() {
    super('dead-letter replay finished; the rest of the batch stays for the next run');
  }
}

/**
 * Publishes every dead letter of `<topic>.dlq` written before the run started back onto `<topic>`: the original
 * bytes, key and headers (so event ids, and consumers' idempotency on them, are unchanged), addressed through a
 * header to the one consumer group that failed it; other groups skip it. Idempotent: the replay's own consumer
 * group commits each dead letter's offset after its republish, so a second run replays nothing again, and a crash
 * mid-run replays at most the one in flight (which consumers dedupe by event id).
 */
export async function replayDeadLetters(options: ReplayDeadLettersOptions): Promise<ReplaySummary> {
  const { transport, topic, logger } = options;
  const deadLetterTopic = deadLetterTopicOf(topic);
  const dryRun = options.dryRun ?? false;
  const limit = options.limit ?? Number.POSITIVE_INFINITY;
  const summary: ReplaySummary = {
    topic,
    deadLetterTopic,
    ...(options.group ? { group: options.group } : {}),
    dryRun,
    replayed: 0,
    skipped: 0,
    replayedByReason: {},
    skippedByReason: {},
    replayedByGroup: {},
    limitReached: false,
  };
  const cursorGroup = replayCursorGroup(options.group);
  // Only what is there now: dead letters written during the run (a replay failing again) wait for the next run.
  const pending = pendingRanges(await transport.positions(cursorGroup, deadLetterTopic));
  if (pending.size === 0 || limit <= 0) {
    summary.limitReached = pending.size > 0;
    return summary;
  }

  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  let done = false;
  const remaining = new Set(pending.keys());

  const handleOne = async (message: ConsumedMessage): Promise<void> => {
    const range = pending.get(message.partition);
    if (!range || BigInt(message.offset) < range.from) return; // a dry run's fresh group reads what was replayed before
    const record = parseDeadLetter(message.value);
    const skip = !record
      ? 'unreadable dead letter'
      : record.sourceTopic !== topic
        ? `not an event of ${topic} (from ${record.sourceTopic})`
        : options.group !== undefined && record.consumerGroup !== options.group
          ? `failed by another group (${record.consumerGroup || 'none'})`
          : undefined;
    if (skip || !record) {
      summary.skipped += 1;
      increment(summary.skippedByReason, skip ?? 'unreadable dead letter');
      return;
    }
    if (!dryRun) {
      const headers: Record<string, string> = { ...record.headers, [REPLAYED_FROM_HEADER]: `${deadLetterTopic}/${message.partition}/${message.offset}` };
      if (record.consumerGroup) headers[REPLAY_GROUP_HEADER] = record.consumerGroup;
      else delete headers[REPLAY_GROUP_HEADER];
      await transport.send(topic, [{ key: record.key, value: record.value, headers }]);
    }
    summary.replayed += 1;
    increment(summary.replayedByReason, shortReason(record.reason));
    increment(summary.replayedByGroup, record.consumerGroup || '(topic)');
    logger.debug({ offset: message.offset, key: record.key, group: record.consumerGroup, dryRun }, 'dead letter replayed');
  };

  const readGroup = dryRun ? `${cursorGroup}.dry-run.${randomUUID()}` : cursorGroup;
  const handle = await transport.consume({ groupId: readGroup, topics: [deadLetterTopic], fromBeginning: true }, async (messages, onProgress) => {
    for (const message of messages) {
      const range = pending.get(message.partition);
      if (done || !range || BigInt(message.offset) >= range.to) throw new ReplayStopped();
      await handleOne(message);
      // Committed before the next one is sent (the CLI's Kafka transport commits every resolved offset at once).
      onProgress(message);
      if (BigInt(message.offset) + 1n >= range.to) remaining.delete(message.partition);
      if (summary.replayed >= limit && remaining.size > 0) summary.limitReached = true;
      if (remaining.size === 0 || summary.replayed >= limit) {
        done = true;
        finish();
      }
    }
  });
  const timeoutMs = options.timeoutMs ?? 120_000;
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      finished,
      new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new RetryableError<MessagingErrorCode>(`dead-letter replay did not reach the end of ${deadLetterTopic} within ${timeoutMs} ms`, MessagingErrorCode.ReplayTimeout, { ...summary })),
          timeoutMs,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
    done = true;
    await handle.stop().catch((error: unknown) => logger.warn({ err: errorMessage(error) }, 'stopping the replay consumer failed'));
  }
  return summary;
}

/** Partitions with dead letters the cursor group has not passed yet: [from, to) in offsets. */
function pendingRanges(positions: readonly PartitionPosition[]): Map<number, { from: bigint; to: bigint }> {
  const pending = new Map<number, { from: bigint; to: bigint }>();
  for (const position of positions) {
    const low = BigInt(position.low);
    const committed = position.committed === undefined ? low : BigInt(position.committed);
    const from = committed > low ? committed : low;
    const to = BigInt(position.high);
    if (from < to) pending.set(position.partition, { from, to });
  }
  return pending;
}

function parseDeadLetter(value: string): DeadLetterRecord | undefined {
  try {
    const parsed: unknown = JSON.parse(value);
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const record = parsed as Partial<DeadLetterRecord>;
    const headersOk = typeof record.headers === 'object' && record.headers !== null;
    if (typeof record.sourceTopic !== 'string' || typeof record.key !== 'string' || typeof record.value !== 'string' || !headersOk) {
      return undefined;
    }
    return {
      ...(record as DeadLetterRecord),
      consumerGroup: typeof record.consumerGroup === 'string' ? record.consumerGroup : '',
      reason: typeof record.reason === 'string' ? record.reason : '(no reason)',
    };
  } catch {
    return undefined;
  }
}

/**
 * Reasons carry ids and names after their kind ("permanent: interaction 42 not found", "gave up after 5 attempts: …"):
 * the summary groups by the kind, the part before the first ": ".
 */
function shortReason(reason: string): string {
  const separator = reason.indexOf(': ');
  const kind = separator > 0 ? reason.slice(0, separator) : reason;
  return kind.length > 120 ? `${kind.slice(0, 117)}...` : kind;
}

function increment(counts: Record<string, number>, key: string): void {
  counts[key] = (counts[key] ?? 0) + 1;
}
