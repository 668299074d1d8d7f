import { type ChildProcess, spawn } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

import { appRuntimeEnvFor, RUNTIME_ENV_APPS } from './app-runtime-env.util';

export interface ServiceProcessOptions {
  /** The app under dist/apps/<app>/src/main.js (run `npm run build` first). */
  app: string;
  env: Record<string, string>;
  /** Polled until it answers 200, e.g. http://127.0.0.1:3102/health. */
  healthUrl: string;
  startTimeoutMs?: number;
  logDir?: string;
  /** Extra flags for node itself, e.g. ['--cpu-prof'] when profiling a benchmark; they win over app-runtime.env's NODE_OPTIONS. */
  nodeArgs?: string[];
}

/** One Perch app as a real OS process, the way it runs in production. Logs go to a file per app. */
export class ServiceProcess {
  private child?: ChildProcess;
  private exited = false;
  readonly logFile: string;

  constructor(private readonly options: ServiceProcessOptions) {
    const dir = options.logDir ?? join(process.cwd(), 'tmp', 'e2e-logs');
    mkdirSync(dir, { recursive: true });
    this.logFile = join(dir, `${options.app}-${process.pid}-${Date.now()}.log`);
  }

  /** The running process's OS pid (undefined before start and after exit): which replica did what. */
  get pid(): number | undefined {
    return this.child && !this.exited ? this.child.pid : undefined;
  }

  /** Starts the app; after stop() it can be started again (a restart), appending to the same log file. */
  async start(): Promise<void> {
    if (this.child && !this.exited) throw new Error(`${this.options.app} is already running`);
    this.exited = false;
    const log = createWriteStream(this.logFile, { flags: 'a' });
    const child = spawn(process.execPath, [...(this.options.nodeArgs ?? []), join(process.cwd(), 'dist', 'apps', this.options.app, 'src', 'main.js')], {
      // The shared test Redis persists nothing (--save "" --appendonly no): allow it explicitly, as apps refuse
      // such a Redis by default. A test on its own persistent Redis passes REDIS_ALLOW_EPHEMERAL=false.
      // The distributed apps get production's runtime settings (tools/runtime/app-runtime.env), as the image's run-app.sh gives them.
      env: { ...process.env, ...runtimeEnvOf(this.options.app), NODE_ENV: 'production', LOG_LEVEL: 'info', REDIS_ALLOW_EPHEMERAL: 'true', ...this.options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    child.stdout?.pipe(log);
    child.stderr?.pipe(log);
    child.on('exit', () => {
      this.exited = true;
    });
    const deadline = Date.now() + (this.options.startTimeoutMs ?? 60_000);
    while (Date.now() < deadline) {
      if (this.exited) throw new Error(`${this.options.app} exited during start-up; see ${this.logFile}`);
      try {
        const response = await fetch(this.options.healthUrl);
        // A free port picked for this app can be taken by another process before the app binds it: only
        // our own child's answer counts (the health body carries the answering pid).
        if (response.ok && (await answeredBy(response)) === child.pid) return;
      } catch {
        // not listening yet
      }
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    throw new Error(`${this.options.app} did not become healthy at ${this.options.healthUrl}; see ${this.logFile}`);
  }

  /** SIGTERM is a graceful stop; SIGKILL is a crash (nothing flushed, nothing closed). */
  async stop(signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
    const child = this.child;
    if (!child || this.exited) return;
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    child.kill(signal);
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }
}

function runtimeEnvOf(app: string): Record<string, string> {
  return RUNTIME_ENV_APPS.has(app) ? appRuntimeEnvFor(app) : {};
}

async function answeredBy(response: Response): Promise<number | undefined> {
  try {
    const body = (await response.json()) as { pid?: unknown };
    return typeof body.pid === 'number' ? body.pid : undefined;
  } catch {
    return undefined;
  }
}
