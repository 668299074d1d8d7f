import { WebSocket } from 'ws';

import { type ServerMessage } from '../ws/ws-messages.types';

/** The message kinds whose `type` can be T (some kinds have two types, e.g. action-sent | action-failed). */
type MessageOf<T extends ServerMessage['type'], M = ServerMessage> = M extends { type: infer U } ? (T extends U ? M : never) : never;

/** A desktop's socket as a test sees it: every message kept, and a way to wait for the next of a kind. */
export class AgentSocketProbe {
  readonly messages: ServerMessage[] = [];
  private readonly waiters: { test: (message: ServerMessage) => boolean; resolve: (message: ServerMessage) => void }[] = [];

  private constructor(readonly socket: WebSocket) {
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

  static async connect(baseUrl: string, token: string): Promise<AgentSocketProbe> {
    const socket = new WebSocket(`${baseUrl.replace(/^http/, 'ws')}/ws?token=${encodeURIComponent(token)}`);
    const probe = new AgentSocketProbe(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await probe.next('hello');
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
