import { type ReactNode, useEffect } from 'react';

import { ROUTES } from './app-routes.util';
import { homeRoute, matchRoute, navigate, usePath } from './core/router.util';
import { SessionProvider } from './core/session-provider.component';
import { useSession } from './core/session.hook';
import { SignInPage } from './pages/sign-in.page';

export function App(): ReactNode {
  return (
    <SessionProvider>
      <Shell />
    </SessionProvider>
  );
}

/** Signed out: the sign-in form. Signed in: the page of the path, if the person's role may open it (else their home). */
function Shell(): ReactNode {
  const { status, agent } = useSession();
  const path = usePath();
  const route = matchRoute(ROUTES, path);
  const allowed = agent !== null && route !== null && route.roles.includes(agent.role);
  const home = agent ? homeRoute(ROUTES, agent.role) : null;

  useEffect(() => {
    if (status === 'signed-in' && !allowed && home) navigate(home.path, { replace: true });
  }, [status, allowed, home]);

  if (status === 'restoring') return <p className="loading">Loading…</p>;
  if (status === 'signed-out' || !agent) return <SignInPage />;
  if (!allowed || !route) return null;
  const Page = route.page;
  return <Page />;
}
