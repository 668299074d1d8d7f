import { WebSocket } from 'ws';

import { type ServerMessage } from '../ws/ws-messages.types';

/** The message kinds whose `type` can be T (some kinds have two types, e.g. action-sent | action-failed). */
type MessageOf<T extends ServerMessage['type'], M = ServerMessage> = M extends { type: infer U } ? (T extends U ? M : never) : never;

/** A desktop's socket as a test sees it: every message kept, and a way to wait for the next of a kind. */
export class AgentSocketProbe {
  readonly messages: ServerMessage[] = [];
  /** Settles when the server (or the test) closes the socket: the close code and reason. */
  readonly closed: Promise<{ code: number; reason: string }>;
  private readonly waiters: { test: (message: ServerMessage) => boolean; resolve: (message: ServerMessage) => void }[] = [];

  private constructor(readonly socket: WebSocket) {
    this.closed = new Promise((resolve) => {
      socket.once('close', (code, reason) => resolve({ code, reason: reason.toString('utf8') }));
    });
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as ServerMessage;
      this.messages.push(message);
      for (const waiter of [...this.waiters]) {
        if (!waiter.test(message)) continue;
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        waiter.resolve(message);
      }
    });
  }

  /** Opens /ws and signs in on it as the desktop does (first message {type:'auth', token}); resolves on 'hello'. */
  static async connect(baseUrl: string, token: string): Promise<AgentSocketProbe> {
    const probe = await AgentSocketProbe.open(baseUrl);
    probe.send({ type: 'auth', token });
    const refused = await Promise.race([probe.next('hello').then(() => null), probe.closed]);
    if (refused) throw new Error(`The gateway closed the socket instead of saying hello: ${refused.code} ${refused.reason}`);
    return probe;
  }

  /** Opens /ws without signing in (for tests of what an unauthenticated socket gets). */
  static async open(baseUrl: string, path = '/ws'): Promise<AgentSocketProbe> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}${path}`);
    const probe = new AgentSocketProbe(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    return probe;
  }

  /** The first message of this type (and matching `where`) not yet consumed, waiting for it if needed. */
  next<T extends ServerMessage['type']>(type: T, where: (message: MessageOf<T>) => boolean = () => true): Promise<MessageOf<T>> {
    const test = (message: ServerMessage): boolean => message.type === type && where(message as MessageOf<T>);
    const seen = this.messages.find(test);
    if (seen) {
      this.messages.splice(this.messages.indexOf(seen), 1);
      return Promise.resolve(seen as MessageOf<T>);
    }
    return new Promise((resolve) => {
      this.waiters.push({
        test,
        resolve: (message) => {
          this.messages.splice(this.messages.indexOf(message), 1);
          resolve(message as MessageOf<T>);
        },
      });
    });
  }

  send(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  async close(): Promise<void> {
    if (this.socket.readyState === WebSocket.CLOSED) return;
    await new Promise<void>((resolve) => {
      this.socket.once('close', () => resolve());
      this.socket.close();
    });
  }
}
