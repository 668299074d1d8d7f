import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ConfigError, createLogger, loadConfig } from '@perch/platform';

import { DistributedEnv, kafkaTransportOptionsOf } from './distributed-env.config';
import { kafkaSecurityOptions } from './kafka-env.util';

const BASE = { KAFKA_BROKERS: 'kafka-1:9093,kafka-2:9093' };

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig(DistributedEnv, env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems.map((p) => p.field).sort();
    throw error;
  }
  return [];
}

describe('Kafka security and replication settings', () => {
  const dir = mkdtempSync(join(tmpdir(), 'perch-kafka-env-'));
  const ca = join(dir, 'ca.pem');
  const cert = join(dir, 'client.pem');
  const key = join(dir, 'client.key');
  writeFileSync(ca, 'CA PEM');
  writeFileSync(cert, 'CERT PEM');
  writeFileSync(key, 'KEY PEM');

  it('maps TLS with a private CA and client certificate, SASL and replication onto the transport options', () => {
    const env = loadConfig(DistributedEnv, {
      ...BASE,
      KAFKA_SSL: 'true',
      KAFKA_SSL_CA_FILE: ca,
      KAFKA_SSL_CERT_FILE: cert,
      KAFKA_SSL_KEY_FILE: key,
      KAFKA_SASL_MECHANISM: 'scram-sha-512',
      KAFKA_SASL_USERNAME: 'perch',
      KAFKA_SASL_PASSWORD: 's3cret',
      KAFKA_REPLICATION_FACTOR: '3',
    });
    expect(kafkaSecurityOptions(env)).toEqual({
      ssl: { rejectUnauthorized: true, ca: ['CA PEM'], cert: 'CERT PEM', key: 'KEY PEM' },
      sasl: { mechanism: 'scram-sha-512', username: 'perch', password: 's3cret' },
      replicationFactor: 3,
      minInsyncReplicas: 2,
    });
  });

  it('uses the system CAs when TLS is on without files, and an explicit min.insync.replicas', () => {
    const env = loadConfig(DistributedEnv, { ...BASE, KAFKA_SSL: 'true', KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u', KAFKA_SASL_PASSWORD: 'p', KAFKA_REPLICATION_FACTOR: '5', KAFKA_MIN_INSYNC_REPLICAS: '3' });
    expect(kafkaSecurityOptions(env)).toEqual({ ssl: true, sasl: { mechanism: 'plain', username: 'u', password: 'p' }, replicationFactor: 5, minInsyncReplicas: 3 });
  });

  it('leaves min.insync.replicas to the broker below three replicas, and everything to it when unset', () => {
    expect(kafkaSecurityOptions(loadConfig(DistributedEnv, { ...BASE, KAFKA_REPLICATION_FACTOR: '2' }))).toEqual({ replicationFactor: 2 });
    expect(kafkaSecurityOptions(loadConfig(DistributedEnv, BASE))).toEqual({});
  });

  it('names every bad Kafka variable in one error', () => {
    expect(
      problemsOf({
        ...BASE,
        KAFKA_SSL: 'yes',
        KAFKA_SSL_CA_FILE: join(dir, 'missing.pem'),
        KAFKA_SSL_CERT_FILE: cert,
        KAFKA_SASL_MECHANISM: 'gssapi',
        KAFKA_SASL_USERNAME: 'perch',
        KAFKA_REPLICATION_FACTOR: 'three',
        KAFKA_MIN_INSYNC_REPLICAS: '0',
      }),
    ).toEqual([
      'KAFKA_MIN_INSYNC_REPLICAS',
      'KAFKA_REPLICATION_FACTOR',
      'KAFKA_SASL_MECHANISM',
      'KAFKA_SASL_PASSWORD',
      'KAFKA_SSL',
      'KAFKA_SSL_CA_FILE',
      'KAFKA_SSL_CERT_FILE',
      'KAFKA_SSL_KEY_FILE',
    ]);
  });

  it('refuses SASL with a username but no password, or a password but no username', () => {
    expect(problemsOf({ ...BASE, KAFKA_SASL_MECHANISM: 'plain', KAFKA_SASL_USERNAME: 'u' })).toEqual(['KAFKA_SASL_PASSWORD']);
    expect(problemsOf({ ...BASE, KAFKA_SASL_PASSWORD: 'p' })).toEqual(['KAFKA_SASL_MECHANISM', 'KAFKA_SASL_USERNAME']);
  });

  it('refuses certificate files without KAFKA_SSL=true, which would silently talk plaintext', () => {
    expect(problemsOf({ ...BASE, KAFKA_SSL_CA_FILE: ca })).toEqual(['KAFKA_SSL_CA_FILE']);
  });

  it("takes the bus's keys in flight per partition from BUS_KEY_CONCURRENCY, 16 unless set, and refuses what is not 1..4096", () => {
    expect(loadConfig(DistributedEnv, BASE).BUS_KEY_CONCURRENCY).toBe(16);
    expect(loadConfig(DistributedEnv, { ...BASE, BUS_KEY_CONCURRENCY: '64' }).BUS_KEY_CONCURRENCY).toBe(64);
    for (const bad of ['0', '4097', '2.5', 'many']) expect(problemsOf({ ...BASE, BUS_KEY_CONCURRENCY: bad })).toEqual(['BUS_KEY_CONCURRENCY']);
  });

  it('takes the Kafka fetch limits from KAFKA_FETCH_MAX_BYTES (256 kB) and KAFKA_FETCH_MAX_BYTES_PER_PARTITION (32 kB), and refuses what is not 1 kB..100 MB', () => {
    const defaults = loadConfig(DistributedEnv, BASE);
    expect([defaults.KAFKA_FETCH_MAX_BYTES, defaults.KAFKA_FETCH_MAX_BYTES_PER_PARTITION]).toEqual([262_144, 32_768]);
    const set = loadConfig(DistributedEnv, { ...BASE, KAFKA_FETCH_MAX_BYTES: '10485760', KAFKA_FETCH_MAX_BYTES_PER_PARTITION: '1048576' });
    expect([set.KAFKA_FETCH_MAX_BYTES, set.KAFKA_FETCH_MAX_BYTES_PER_PARTITION]).toEqual([10_485_760, 1_048_576]);
    for (const bad of ['0', '1023', '104857601', '2.5', 'lots']) {
      expect(problemsOf({ ...BASE, KAFKA_FETCH_MAX_BYTES: bad, KAFKA_FETCH_MAX_BYTES_PER_PARTITION: bad })).toEqual(['KAFKA_FETCH_MAX_BYTES', 'KAFKA_FETCH_MAX_BYTES_PER_PARTITION']);
    }
  });

  it('takes the consumer session timeout from KAFKA_SESSION_TIMEOUT_MS (30 s) and refuses what the broker would refuse (under 6 s, over 30 min)', () => {
    expect(loadConfig(DistributedEnv, BASE).KAFKA_SESSION_TIMEOUT_MS).toBe(30_000);
    expect(loadConfig(DistributedEnv, { ...BASE, KAFKA_SESSION_TIMEOUT_MS: '10000' }).KAFKA_SESSION_TIMEOUT_MS).toBe(10_000);
    for (const bad of ['5999', '1800001', '7.5', 'soon']) expect(problemsOf({ ...BASE, KAFKA_SESSION_TIMEOUT_MS: bad })).toEqual(['KAFKA_SESSION_TIMEOUT_MS']);
  });

  it("hands KAFKA_SESSION_TIMEOUT_MS to the app's Kafka transport (which heartbeats at a third of it)", () => {
    const logger = createLogger('kafka-env-spec');
    const of = (timeout: string | undefined) =>
      kafkaTransportOptionsOf(loadConfig(DistributedEnv, timeout === undefined ? BASE : { ...BASE, KAFKA_SESSION_TIMEOUT_MS: timeout }), 'router', logger);
    expect(of(undefined).sessionTimeout).toBe(30_000);
    expect(of('6000').sessionTimeout).toBe(6_000);
    expect(of('600000').sessionTimeout).toBe(600_000);
  });

  it("hands KAFKA_LINGER_MS (2 ms, at most 1 s) to the app's Kafka producer", () => {
    const logger = createLogger('kafka-env-spec');
    expect(kafkaTransportOptionsOf(loadConfig(DistributedEnv, BASE), 'gateway', logger).lingerMs).toBe(2);
    expect(kafkaTransportOptionsOf(loadConfig(DistributedEnv, { ...BASE, KAFKA_LINGER_MS: '0' }), 'gateway', logger).lingerMs).toBe(0);
    expect(kafkaTransportOptionsOf(loadConfig(DistributedEnv, { ...BASE, KAFKA_LINGER_MS: '5' }), 'gateway', logger).lingerMs).toBe(5);
    for (const bad of ['-1', '1001', '0.5', 'later']) expect(problemsOf({ ...BASE, KAFKA_LINGER_MS: bad })).toEqual(['KAFKA_LINGER_MS']);
  });

  it("hands the environment's fetch limits, brokers and security to the app's Kafka transport", () => {
    const logger = createLogger('kafka-env-spec');
    const env = loadConfig(DistributedEnv, {
      ...BASE,
      KAFKA_FETCH_MAX_BYTES: '1048576',
      KAFKA_FETCH_MAX_BYTES_PER_PARTITION: '65536',
      KAFKA_SASL_MECHANISM: 'scram-sha-256',
      KAFKA_SASL_USERNAME: 'perch',
      KAFKA_SASL_PASSWORD: 's3cret',
      KAFKA_SSL: 'true',
    });
    expect(kafkaTransportOptionsOf(env, 'router', logger)).toMatchObject({
      brokers: ['kafka-1:9093', 'kafka-2:9093'],
      clientId: 'perch-router',
      fetchMaxBytes: 1_048_576,
      fetchMaxBytesPerPartition: 65_536,
      sasl: { mechanism: 'scram-sha-256', username: 'perch', password: 's3cret' },
      ssl: true,
    });
    expect(kafkaTransportOptionsOf(loadConfig(DistributedEnv, BASE), 'gateway', logger)).toMatchObject({ fetchMaxBytes: 262_144, fetchMaxBytesPerPartition: 32_768 });
  });

  it('refuses a min.insync.replicas above the replication factor', () => {
    expect(problemsOf({ ...BASE, KAFKA_REPLICATION_FACTOR: '3', KAFKA_MIN_INSYNC_REPLICAS: '4' })).toEqual(['KAFKA_MIN_INSYNC_REPLICAS']);
  });
});
