import type { AgentProfile, ServerMessage } from '@perch/desktop-api';
import { createContext, useContext, useEffect, useRef, useSyncExternalStore } from 'react';

import { type ApiClient } from './api-client.adapter';
import { type ConnectionState, type DeskSocket } from './desk-socket.adapter';

export type SessionStatus = 'restoring' | 'signed-out' | 'signed-in';

export interface Session {
  status: SessionStatus;
  /** The signed-in person (role decides which routes they see). */
  agent: AgentProfile | null;
  /** REST with this session's token. */
  api: ApiClient;
  /** The session's WebSocket while signed in. */
  socket: DeskSocket | null;
  /** Why the last session ended, shown on the sign-in form ("Your session ended; sign in again."). */
  endedMessage: string | null;
  signIn: (username: string, password: string) => Promise<void>;
  /** Forgets the session here, closes the socket and revokes the token on the gateway. */
  signOut: (message?: string) => void;
}

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside <SessionProvider>');
  return session;
}

/** The signed-in person; for pages behind the sign-in gate. */
export function useAgent(): AgentProfile {
  const { agent } = useSession();
  if (!agent) throw new Error('useAgent while signed out');
  return agent;
}

/**
 * Calls `handler` with every push of the session's socket (the latest handler, without resubscribing). A `hello` comes
 * first and after every reconnect: read the state again then.
 */
export function useServerMessages(handler: (message: ServerMessage) => void): void {
  const { socket } = useSession();
  const latest = useRef(handler);
  useEffect(() => {
    latest.current = handler;
  });
  useEffect(() => (socket ? socket.subscribe((message) => latest.current(message)) : undefined), [socket]);
}

const noSubscription = (): (() => void) => () => undefined;

/** The socket's state: connecting, online (after hello) or offline (reconnecting). */
export function useConnection(): ConnectionState {
  const { socket } = useSession();
  return useSyncExternalStore(
    socket ? (listener) => socket.onState(listener) : noSubscription,
    () => socket?.state ?? 'offline',
  );
}
