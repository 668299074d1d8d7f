import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { createLogger, type Logger } from '@perch/platform';
import Redis from 'ioredis';

import { connectRedis, type RedisEnv } from './distributed-env.config';
import { checkRedisPersistence, RedisNotPersistentError } from './redis-persistence.util';

// Each case runs its own redis-server on a free port (the shared Redis is never reconfigured), with the persistence
// settings under test: none, AOF, RDB, and CONFIG disabled as on managed Redis.

interface OwnRedis {
  url: string;
  stop(): Promise<void>;
}

const started: OwnRedis[] = [];

async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function startRedis(args: string[]): Promise<OwnRedis> {
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'perch-redis-persistence-'));
  const child: ChildProcess = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--dir', dir, ...args], { stdio: 'ignore' });
  const url = `redis://127.0.0.1:${port}`;
  const probe = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  for (let attempt = 0; ; attempt += 1) {
    try {
      await probe.connect();
      await probe.ping();
      break;
    } catch (error) {
      if (attempt > 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
  probe.disconnect();
  const own: OwnRedis = {
    url,
    stop: async () => {
      if (child.exitCode === null) {
        child.kill('SIGKILL');
        await once(child, 'exit');
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  started.push(own);
  return own;
}

/** A logger that keeps what was logged, to check the warning an operator would see. */
function recordingLogger(): { logger: Logger; lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const base = createLogger('redis-persistence-test');
  const logger = Object.assign(Object.create(base) as Logger, {
    info: (_bindings: unknown, msg: string) => void lines.push({ level: 'info', msg }),
    warn: (_bindings: unknown, msg: string) => void lines.push({ level: 'warn', msg }),
  });
  return { logger, lines };
}

function env(url: string, extra: Partial<RedisEnv> = {}): RedisEnv {
  return { KAFKA_BROKERS: '127.0.0.1:9092', HTTP_PORT: 0, REDIS_URL: url, ...extra } as RedisEnv;
}

afterAll(async () => {
  await Promise.all(started.map((r) => r.stop()));
});

describe('Redis persistence check at start-up', () => {
  it('refuses to connect to a Redis with neither AOF nor RDB, naming what to set', async () => {
    const redis = await startRedis(['--save', '', '--appendonly', 'no']);
    const attempt = connectRedis(env(redis.url));
    await expect(attempt).rejects.toBeInstanceOf(RedisNotPersistentError);
    await expect(attempt).rejects.toThrow(/appendonly yes.*REDIS_ALLOW_EPHEMERAL=true/s);
  });

  it('starts on a Redis without persistence when REDIS_ALLOW_EPHEMERAL=true, with a loud warning', async () => {
    const server = await startRedis(['--save', '', '--appendonly', 'no']);
    const connected = await connectRedis(env(server.url, { REDIS_ALLOW_EPHEMERAL: 'true' }));
    expect(await connected.ping()).toBe('PONG');
    connected.disconnect();

    const client = new Redis(server.url);
    const { logger, lines } = recordingLogger();
    const verdict = await checkRedisPersistence(client, server.url, { allowEphemeral: true }, logger);
    client.disconnect();
    expect(verdict.status).toBe('ephemeral-allowed');
    expect(lines).toEqual([{ level: 'warn', msg: expect.stringMatching(/REDIS PERSISTS NOTHING/) }]);
  });

  it('starts on a Redis with AOF on', async () => {
    const server = await startRedis(['--save', '', '--appendonly', 'yes', '--appendfsync', 'everysec']);
    const connected = await connectRedis(env(server.url));
    expect(await connected.ping()).toBe('PONG');
    connected.disconnect();
    const client = new Redis(server.url);
    const verdict = await checkRedisPersistence(client, server.url, { allowEphemeral: false }, recordingLogger().logger);
    client.disconnect();
    expect(verdict).toMatchObject({ status: 'persistent', aof: true, rdb: false });
  });

  it('starts on a Redis with RDB snapshots only', async () => {
    const server = await startRedis(['--save', '60 1', '--appendonly', 'no']);
    const client = new Redis(server.url);
    const verdict = await checkRedisPersistence(client, server.url, { allowEphemeral: false }, recordingLogger().logger);
    client.disconnect();
    expect(verdict).toMatchObject({ status: 'persistent', aof: false, rdb: true });
  });

  it('warns that it cannot check a Redis whose CONFIG command is disabled, and starts', async () => {
    const server = await startRedis(['--save', '', '--appendonly', 'no', '--rename-command', 'CONFIG', '']);
    const client = new Redis(server.url);
    const { logger, lines } = recordingLogger();
    const verdict = await checkRedisPersistence(client, server.url, { allowEphemeral: false }, logger);
    expect(verdict.status).toBe('unchecked');
    expect(lines).toEqual([{ level: 'warn', msg: expect.stringMatching(/cannot be checked.*REDIS_PERSISTENCE=verified/) }]);

    const trusted = recordingLogger();
    const trustedVerdict = await checkRedisPersistence(client, server.url, { allowEphemeral: false, persistence: 'verified' }, trusted.logger);
    client.disconnect();
    expect(trustedVerdict.status).toBe('unchecked-verified');
    expect(trusted.lines.map((l) => l.level)).toEqual(['info']);
  });
});
