import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import Redis from 'ioredis';

import { freePort } from './free-port.util';

export interface RedisServerOptions {
  /** Extra redis-server flags, e.g. ['--appendonly', 'yes', '--appendfsync', 'always']. */
  args?: string[];
}

/**
 * A test's own redis-server (from PATH) on a free port with its own data directory, to crash and restart on the same
 * port and data: the shared Redis is never stopped or reconfigured.
 */
export class RedisServerProcess {
  private child?: ChildProcess;

  private constructor(
    readonly port: number,
    readonly dir: string,
    private readonly args: readonly string[],
  ) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  static async start(options: RedisServerOptions = {}): Promise<RedisServerProcess> {
    const server = new RedisServerProcess(await freePort(), mkdtempSync(join(tmpdir(), 'perch-redis-')), options.args ?? []);
    await server.start();
    return server;
  }

  /** Starts (or restarts) the server on its port and data directory; resolves once it answers PING. */
  async start(): Promise<void> {
    if (this.child && this.child.exitCode === null && this.child.signalCode === null) throw new Error('redis-server is already running');
    this.child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--dir', this.dir, ...this.args], { stdio: 'ignore' });
    const probe = new Redis(this.url, { lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
    try {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await probe.connect();
          // LOADING while it replays its AOF: not up yet.
          if ((await probe.ping()) === 'PONG') return;
        } catch (error) {
          if (attempt > 200) throw error;
          probe.disconnect();
        }
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    } finally {
      probe.disconnect();
    }
  }

  /** SIGKILL: a crash, nothing saved beyond what was already fsynced. */
  async kill(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** Kills the server and removes its data directory. */
  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
