import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

import { freePort } from './free-port.util';

const run = promisify(execFile);
const START = resolve(__dirname, '../../../../tools/kafka/start.sh');

/**
 * A test's own Kafka broker (tools/kafka/start.sh with its own ports and data folder), to crash and restart on the
 * same ports and data: the shared broker is never stopped. Needs the jars tools/kafka/fetch.sh brings (the shared
 * broker's start already fetched them).
 */
export class KafkaBrokerProcess {
  private constructor(
    readonly port: number,
    private readonly controllerPort: number,
    readonly dir: string,
  ) {}

  get brokers(): string {
    return `127.0.0.1:${this.port}`;
  }

  static async start(): Promise<KafkaBrokerProcess> {
    const broker = new KafkaBrokerProcess(await freePort(), await freePort(), mkdtempSync(join(tmpdir(), 'perch-kafka-')));
    await broker.start();
    return broker;
  }

  /** Starts (or restarts, on the same data) the broker; resolves once it takes produce requests and group joins. */
  async start(): Promise<void> {
    await run('bash', [START], {
      env: {
        ...process.env,
        KAFKA_PORT: String(this.port),
        KAFKA_CONTROLLER_PORT: String(this.controllerPort),
        KAFKA_DATA_DIR: this.dir,
        KAFKA_HEAP_OPTS: '-Xmx384m',
      },
      timeout: 180_000,
    });
  }

  /** SIGKILL of the broker's JVM: a crash, nothing flushed beyond what the broker already wrote. */
  async kill(): Promise<void> {
    const pid = this.pid();
    if (pid === undefined) return;
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      return;
    }
    for (let i = 0; i < 100; i += 1) {
      try {
        process.kill(pid, 0);
      } catch {
        return;
      }
      await new Promise((done) => setTimeout(done, 100));
    }
  }

  async dispose(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  private pid(): number | undefined {
    try {
      const pid = Number(readFileSync(join(this.dir, 'kafka.pid'), 'utf8').trim());
      return Number.isInteger(pid) && pid > 0 ? pid : undefined;
    } catch {
      return undefined;
    }
  }
}
