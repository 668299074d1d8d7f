import type { ClientMessage, ServerMessage } from '@perch/desktop-api';

/** The gateway closes the socket with this code when the token is missing, bad, expired or revoked. */
export const WS_CLOSE_UNAUTHENTICATED = 4401;
export const FIRST_RECONNECT_DELAY_MS = 500;
export const MAX_RECONNECT_DELAY_MS = 10_000;

export type ConnectionState = 'connecting' | 'online' | 'offline';

/** The wait before the next reconnect: doubling up to 10 s, so a restarting gateway is not hammered. */
export function nextReconnectDelay(previous: number): number {
  return Math.min(MAX_RECONNECT_DELAY_MS, previous * 2);
}

export interface DeskSocketOptions {
  token: string;
  /** The socket closed with 4401: reconnecting would not help. */
  onUnauthenticated: () => void;
  url?: string;
  createSocket?: (url: string) => WebSocket;
}

/**
 * The gateway's WebSocket (/ws) for one session: authenticates with the token in its first message (never in the
 * URL, which access logs keep), hands every push to the listeners, and reconnects with backoff. Each `hello` (the
 * first and every reconnect) is a listener's cue to read the state again (presence, offers, interactions).
 */
export class DeskSocket {
  private socket: WebSocket | null = null;
  private stopped = false;
  private delay = FIRST_RECONNECT_DELAY_MS;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private readonly listeners = new Set<(message: ServerMessage) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private current: ConnectionState = 'offline';

  constructor(private readonly options: DeskSocketOptions) {}

  get state(): ConnectionState {
    return this.current;
  }

  start(): void {
    this.stopped = false;
    this.open();
  }

  /** Closes for good (sign-out, session ended). */
  stop(): void {
    this.stopped = true;
    if (this.timer !== null) clearTimeout(this.timer);
    this.timer = null;
    const socket = this.socket;
    this.socket = null;
    socket?.close();
    this.setState('offline');
  }

  send(message: ClientMessage): void {
    if (this.socket?.readyState === WebSocket.OPEN) this.socket.send(JSON.stringify(message));
  }

  /** Every push; returns the unsubscribe. */
  subscribe(listener: (message: ServerMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  private open(): void {
    this.setState('connecting');
    const url = this.options.url ?? `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/ws`;
    const socket = this.options.createSocket ? this.options.createSocket(url) : new WebSocket(url);
    this.socket = socket;
    socket.addEventListener('open', () => socket.send(JSON.stringify({ type: 'auth', token: this.options.token } satisfies ClientMessage)));
    socket.addEventListener('message', (event) => {
      if (this.socket !== socket) return;
      const message = parse(event.data);
      if (!message) return;
      if (message.type === 'hello') {
        this.delay = FIRST_RECONNECT_DELAY_MS;
        this.setState('online');
      }
      for (const listener of [...this.listeners]) listener(message);
    });
    socket.addEventListener('close', (event) => {
      if (this.socket !== socket || this.stopped) return;
      this.socket = null;
      if (event.code === WS_CLOSE_UNAUTHENTICATED) {
        this.stopped = true;
        this.setState('offline');
        this.options.onUnauthenticated();
        return;
      }
      this.setState('offline');
      this.timer = setTimeout(() => this.open(), this.delay);
      this.delay = nextReconnectDelay(this.delay);
    });
  }

  private setState(state: ConnectionState): void {
    if (state === this.current) return;
    this.current = state;
    for (const listener of [...this.stateListeners]) listener(state);
  }
}

function parse(data: unknown): ServerMessage | null {
  try {
    const message: unknown = JSON.parse(String(data));
    return typeof message === 'object' && message !== null && 'type' in message ? (message as ServerMessage) : null;
  } catch {
    return null;
  }
}
