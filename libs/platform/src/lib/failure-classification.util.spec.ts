import { dispositionOf, DropError, PermanentError, RetryableError, ValidationFailedError } from './platform.errors';
import { classifyFailure, isInfrastructureError, isSqlRowError } from './failure-classification.util';

/** Builds errors shaped like the clients' own (names, codes, causes), without needing the clients here. */
function clientError(message: string, fields: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(message), fields);
}

class NamedError extends Error {
  constructor(
    message: string,
    private readonly clientName: string,
  ) {
    super(message);
  }
  override get name(): string {
    return this.clientName;
  }
}

describe(classifyFailure.name, () => {
  it('maps the typed errors to their disposition', () => {
    expect(classifyFailure(new RetryableError('later'))).toBe('transient');
    expect(classifyFailure(new PermanentError('never'))).toBe('permanent');
    expect(classifyFailure(new ValidationFailedError('bad', []))).toBe('permanent');
    expect(classifyFailure(new DropError('stale'))).toBe('drop');
  });

  it("treats a contract violation as permanent, although @perch/contracts' error is not a PerchError", () => {
    // Shaped like @perch/contracts' ContractViolationError, which this library cannot import.
    const violation = Object.assign(new Error('perch.agent.command.v1: refusing to publish an invalid payload'), { name: 'ContractViolationError' });
    expect(classifyFailure(violation)).toBe('permanent');
    expect(dispositionOf(violation)).toBe('dead-letter');
  });

  it('treats an unrecognised error as unknown: neither permanent nor retried forever', () => {
    expect(classifyFailure(new TypeError("Cannot read properties of undefined (reading 'id')"))).toBe('unknown');
    expect(classifyFailure('a string was thrown')).toBe('unknown');
    expect(classifyFailure(undefined)).toBe('unknown');
  });

  it('treats Redis, PostgreSQL and Kafka outages as transient', () => {
    expect(classifyFailure(clientError('connect ECONNREFUSED 127.0.0.1:5432', { code: 'ECONNREFUSED' }))).toBe('transient');
  });
});

describe(isInfrastructureError.name, () => {
  it.each([
    ['a refused connection', clientError('connect ECONNREFUSED 127.0.0.1:6390', { code: 'ECONNREFUSED', errno: -111 })],
    ['a reset connection', clientError('read ECONNRESET', { code: 'ECONNRESET' })],
    ['PostgreSQL admin shutdown (57P01)', clientError('terminating connection due to administrator command', { code: '57P01', severity: 'FATAL' })],
    ['PostgreSQL cannot connect now (57P03)', clientError('the database system is starting up', { code: '57P03' })],
    ['a PostgreSQL connection exception (class 08)', clientError('connection failure', { code: '08006' })],
    ['a PostgreSQL serialization failure', clientError('could not serialize access', { code: '40001' })],
    ['node-postgres losing its socket', clientError('Connection terminated unexpectedly')],
    ['pg-pool timing out on connect', clientError('timeout exceeded when trying to connect')],
    ['ioredis giving up on a queued command', new NamedError('Reached the max retries per request limit (which is 3).', 'MaxRetriesPerRequestError')],
    ['ioredis with a closed connection', clientError('Connection is closed.')],
    ['Redis loading its dataset after a restart', new NamedError('LOADING Redis is loading the dataset in memory', 'ReplyError')],
    ['Redis replica after a failover', new NamedError("READONLY You can't write against a read only replica.", 'ReplyError')],
    ['a kafkajs connection error', new NamedError('Connection error: connect ECONNREFUSED 127.0.0.1:9092', 'KafkaJSConnectionError')],
    ['a kafkajs retriable protocol error', Object.assign(new NamedError('This server is not the leader for that topic-partition', 'KafkaJSProtocolError'), { retriable: true })],
    [
      'kafkajs out of retries over a connection error',
      Object.assign(new NamedError('Connection error', 'KafkaJSNumberOfRetriesExceeded'), {
        retriable: false,
        cause: new NamedError('Connection error', 'KafkaJSConnectionError'),
      }),
    ],
    ['an AggregateError of refused connections', new AggregateError([clientError('connect ECONNREFUSED ::1:5432', { code: 'ECONNREFUSED' })], '')],
    ['an error whose cause is an outage', new Error('saving the view failed', { cause: clientError('Connection terminated unexpectedly') })],
  ])('recognises %s', (_label, error) => {
    expect(isInfrastructureError(error)).toBe(true);
  });

  it.each([
    ['a unique violation', clientError('duplicate key value violates unique constraint', { code: '23505' })],
    ['a syntax error', clientError('syntax error at or near "selec"', { code: '42601' })],
    ['a Redis script error', new NamedError('ERR Error running script', 'ReplyError')],
    ['a kafkajs non-retriable protocol error', Object.assign(new NamedError('Topic authorization failed', 'KafkaJSProtocolError'), { retriable: false })],
    ['kafkajs out of retries over a non-retriable cause', Object.assign(new NamedError('bad', 'KafkaJSNumberOfRetriesExceeded'), { retriable: false, cause: new Error('bad') })],
    ['a plain bug', new RangeError('Invalid array length')],
  ])('does not take %s for an outage', (_label, error) => {
    expect(isInfrastructureError(error)).toBe(false);
  });
});

describe(isSqlRowError.name, () => {
  it('blames the row for PostgreSQL data and integrity errors and for values that cannot be encoded, never the connection', () => {
    expect(isSqlRowError(Object.assign(new Error('invalid byte sequence'), { code: '22021' }))).toBe(true);
    expect(isSqlRowError(Object.assign(new Error('duplicate key'), { code: '23505' }))).toBe(true);
    expect(isSqlRowError(new RangeError('Not a time'))).toBe(true);
    expect(isSqlRowError(Object.assign(new Error('connection refused'), { code: 'ECONNREFUSED' }))).toBe(false);
    expect(isSqlRowError(Object.assign(new Error('terminating connection'), { code: '57P01' }))).toBe(false);
    expect(isSqlRowError(new Error('timeout exceeded when trying to connect'))).toBe(false);
  });
});
