import { isContractViolation, PerchError } from './platform.errors';

/**
 * How a failure should be treated by whoever retries work (the event bus, workers):
 * - `transient`: it will pass by waiting (a RetryableError, or Redis / PostgreSQL / Kafka unreachable or
 *   failing over). Retried with backoff for a time budget long enough to ride out an outage.
 * - `unknown`: nothing says it is transient, nor that it is permanent (a handler's bug, an unexpected
 *   reply). Retried a few times only, then dead-lettered, so a bug neither vanishes nor loops forever.
 * - `permanent`: can never succeed (PermanentError, validation, a domain refusal, an event that breaks its
 *   contract): dead-letter at once.
 * - `drop`: nothing to do and nothing lost (DropError).
 */
export type FailureClass = 'transient' | 'unknown' | 'permanent' | 'drop';

export function classifyFailure(error: unknown): FailureClass {
  if (error instanceof PerchError) {
    if (error.disposition === 'retry') return 'transient';
    return error.disposition === 'drop' ? 'drop' : 'permanent';
  }
  if (isContractViolation(error)) return 'permanent';
  return isInfrastructureError(error) ? 'transient' : 'unknown';
}

/** Socket-level failures Node reports while a server restarts, fails over or is unreachable. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
]);

/**
 * PostgreSQL SQLSTATEs that a later attempt can pass: class 08 (connection exception), 57P01-57P03
 * (admin / crash shutdown, cannot connect now: a restart or failover), 53300 (too many connections),
 * 40001 / 40P01 (serialization failure, deadlock: the transaction may simply be run again).
 */
const PG_TRANSIENT_SQLSTATES = new Set(['57P01', '57P02', '57P03', '53300', '40001', '40P01']);

/** node-postgres and pg-pool raise these as plain Errors when the connection drops or cannot be made. */
const PG_TRANSIENT_MESSAGES = [
  'Connection terminated unexpectedly',
  'Connection terminated due to connection timeout',
  'timeout exceeded when trying to connect',
  'Client has encountered a connection error and is not queryable',
  'Query read timeout',
];

/** ioredis: the offline queue gave up on a command, or the connection closed under it. */
const REDIS_TRANSIENT_MESSAGES = ['Connection is closed.', "Stream isn't writeable and enableOfflineQueue options is false"];
/** Redis replies that mean "not now": loading its dataset, a replica after failover, cluster resharding. */
const REDIS_TRANSIENT_REPLY = /^(LOADING|READONLY|MASTERDOWN|TRYAGAIN|CLUSTERDOWN|BUSY)\b/;

/** kafkajs errors that say the broker or the network is the problem, whatever their `retriable` flag. */
const KAFKAJS_TRANSIENT_NAMES = new Set([
  'KafkaJSConnectionError',
  'KafkaJSConnectionClosedError',
  'KafkaJSRequestTimeoutError',
  'KafkaJSBrokerNotFound',
  'KafkaJSNoBrokerAvailableError',
  'KafkaJSMetadataNotLoaded',
  'KafkaJSTopicMetadataNotLoaded',
  'KafkaJSGroupCoordinatorNotFound',
  'KafkaJSLockTimeout',
]);

/**
 * True when the error (or one of its causes) comes from Redis, PostgreSQL or Kafka being unreachable,
 * restarting or failing over. Duck-typed on names, codes and messages so this library needs none of
 * the clients; covered against the real clients by libs/service-kit's outage integration spec.
 */
export function isInfrastructureError(error: unknown): boolean {
  return someCause(error, (candidate) => {
    const { name, message } = candidate;
    const code = typeof candidate['code'] === 'string' ? candidate['code'] : undefined;
    if (code !== undefined && NETWORK_CODES.has(code)) return true;
    if (code !== undefined && (code.startsWith('08') || PG_TRANSIENT_SQLSTATES.has(code)) && code.length === 5) return true;
    if (name === 'MaxRetriesPerRequestError') return true;
    if (name === 'ReplyError' && REDIS_TRANSIENT_REPLY.test(message)) return true;
    if (KAFKAJS_TRANSIENT_NAMES.has(name)) return true;
    // KafkaJSNumberOfRetriesExceeded is flagged non-retriable but wraps the retriable cause (walked below).
    if (name.startsWith('KafkaJS') && candidate['retriable'] === true) return true;
    return [...PG_TRANSIENT_MESSAGES, ...REDIS_TRANSIENT_MESSAGES].some((known) => message.startsWith(known));
  });
}

type ErrorLike = { name: string; message: string } & Record<string, unknown>;

function someCause(error: unknown, test: (candidate: ErrorLike) => boolean, depth = 0): boolean {
  if (depth > 5 || typeof error !== 'object' || error === null) return false;
  const candidate = error as Partial<ErrorLike>;
  const name = typeof candidate.name === 'string' ? candidate.name : '';
  const message = typeof candidate.message === 'string' ? candidate.message : '';
  if (test({ ...(candidate as Record<string, unknown>), name, message })) return true;
  // Wrappers: Error.cause, kafkajs' originalError, AggregateError (Node's happy-eyeballs connect, kafkajs).
  const record = candidate as Record<string, unknown>;
  const nested = [record['cause'], record['originalError'], ...(Array.isArray(record['errors']) ? record['errors'] : [])];
  return nested.some((inner) => inner !== undefined && inner !== error && someCause(inner, test, depth + 1));
}

/**
 * PostgreSQL's answer to one row's data rather than to the connection: a data exception or an integrity violation
 * (SQLSTATE classes 22 and 23, e.g. a NUL in a text), or a value that could not be encoded at all.
 */
export function isSqlRowError(error: unknown): boolean {
  if (error instanceof RangeError || error instanceof TypeError) return true;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.length === 5 && (code.startsWith('22') || code.startsWith('23'));
}
