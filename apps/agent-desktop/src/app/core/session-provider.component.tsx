import type { AgentProfile, SignInRequest, SignInResponse } from '@perch/desktop-api';
import { type ReactNode, useCallback, useEffect, useMemo, useRef, useState } from 'react';

import { ApiClient } from './api-client.adapter';
import { DeskSocket } from './desk-socket.adapter';
import { type Session, SessionContext, type SessionStatus } from './session.hook';
import { clearSessionStorage, readToken, writeToken } from './session-storage.util';

const SESSION_ENDED = 'Your session ended; sign in again.';

/** Holds the session (token in sessionStorage, the agent, the socket) for everything below it. */
export function SessionProvider({ children }: { children: ReactNode }): ReactNode {
  const token = useRef<string | null>(readToken());
  const [status, setStatus] = useState<SessionStatus>(token.current ? 'restoring' : 'signed-out');
  const [agent, setAgent] = useState<AgentProfile | null>(null);
  const [socket, setSocket] = useState<DeskSocket | null>(null);
  const [endedMessage, setEndedMessage] = useState<string | null>(null);
  const signOutRef = useRef<(message?: string) => void>(() => undefined);

  const api = useMemo(
    () => new ApiClient({ token: () => token.current, onUnauthorized: () => signOutRef.current(SESSION_ENDED) }),
    [],
  );

  const start = useCallback((newToken: string, profile: AgentProfile) => {
    token.current = newToken;
    writeToken(newToken);
    const desk = new DeskSocket({ token: newToken, onUnauthenticated: () => signOutRef.current(SESSION_ENDED) });
    desk.start();
    setSocket(desk);
    setAgent(profile);
    setEndedMessage(null);
    setStatus('signed-in');
  }, []);

  const signOut = useCallback(
    (message?: string) => {
      const revoked = token.current;
      // Forget the session here first, so the server's close of our socket (4401) is not taken for an expiry.
      token.current = null;
      clearSessionStorage();
      setSocket((previous) => {
        previous?.stop();
        return null;
      });
      setAgent(null);
      setStatus('signed-out');
      setEndedMessage(message ?? null);
      // Revoke the token on the gateway too (a copy of it stops working now); a 401 here is expected after an expiry.
      if (revoked && message === undefined) {
        fetch('/api/auth/sign-out', { method: 'POST', headers: { authorization: `Bearer ${revoked}` } }).catch(() => undefined);
      }
    },
    [],
  );
  signOutRef.current = signOut;

  const signIn = useCallback(
    async (username: string, password: string) => {
      const result = await api.post<SignInResponse>('/api/auth/sign-in', { username, password } satisfies SignInRequest);
      start(result.token, result.agent);
    },
    [api, start],
  );

  // A reload: the token in sessionStorage is tried once; a refusal shows the sign-in form.
  useEffect(() => {
    const saved = token.current;
    if (!saved || status !== 'restoring') return;
    api
      .get<AgentProfile>('/api/agents/me')
      .then((profile) => start(saved, profile))
      .catch(() => {
        token.current = null;
        clearSessionStorage();
        setStatus('signed-out');
      });
  }, [api, start, status]);

  useEffect(() => () => socket?.stop(), [socket]);

  const session = useMemo<Session>(
    () => ({ status, agent, api, socket, endedMessage, signIn, signOut }),
    [status, agent, api, socket, endedMessage, signIn, signOut],
  );
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}
