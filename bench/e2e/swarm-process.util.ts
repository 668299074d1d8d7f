import { type ChildProcess, fork } from 'node:child_process';
import { join } from 'node:path';

import type { SwarmAgent, SwarmMode } from './agent-swarm.util';
import type { SwarmEnvelope, SwarmPoll, SwarmRequest, SwarmResponse } from './swarm-protocol.types';

/** The parent's handle on the agent swarm's child process (agent-swarm-child.bench.js beside this file). */
export class SwarmProcess {
  private seq = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private exited = false;

  private constructor(private readonly child: ChildProcess) {
    child.on('message', (message: SwarmResponse) => {
      const waiter = this.pending.get(message.seq);
      if (!waiter) return;
      this.pending.delete(message.seq);
      if (message.ok) waiter.resolve(message.value);
      else waiter.reject(new Error(`swarm: ${message.error}`));
    });
    child.on('exit', (code) => {
      this.exited = true;
      for (const waiter of this.pending.values()) waiter.reject(new Error(`swarm process exited (${code})`));
      this.pending.clear();
    });
  }

  static spawn(): SwarmProcess {
    // Its own process: the agents' sockets and REST calls must not share an event loop with the simulator.
    const child = fork(join(__dirname, 'agent-swarm-child.bench.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    return new SwarmProcess(child);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  start(gatewayUrl: string, agents: SwarmAgent[]): Promise<void> {
    return this.call({ type: 'start', gatewayUrl, agents }).then(() => undefined);
  }

  setMode(mode: SwarmMode): Promise<void> {
    return this.call({ type: 'mode', mode }).then(() => undefined);
  }

  /** Accepts and finishes every held offer; resolves with how many there were. */
  drain(): Promise<number> {
    return this.call({ type: 'drain' }) as Promise<number>;
  }

  openWindow(): Promise<void> {
    return this.call({ type: 'window' }).then(() => undefined);
  }

  poll(): Promise<SwarmPoll> {
    return this.call({ type: 'poll' }) as Promise<SwarmPoll>;
  }

  /** Signs the agents out, then ends the process. */
  async stop(): Promise<void> {
    if (this.exited) return;
    await this.call({ type: 'stop' });
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.disconnect();
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  }

  private call(request: SwarmRequest): Promise<unknown> {
    if (this.exited) return Promise.reject(new Error('swarm process is gone'));
    const seq = (this.seq += 1);
    const envelope: SwarmEnvelope = { seq, request };
    return new Promise((resolve, reject) => {
      this.pending.set(seq, { resolve, reject });
      this.child.send(envelope);
    });
  }
}
