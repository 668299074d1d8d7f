import { type ReactNode } from 'react';

import { ROUTES } from '../app-routes.util';
import { followLink, matchRoute, usePath } from './router.util';
import { useConnection, useSession } from './session.hook';

const CONNECTION_LABELS = { online: 'Connected', connecting: 'Connecting…', offline: 'Reconnecting…' } as const;

/**
 * The bar every signed-in page shows: Perch, the pages the person's role may open, the socket's state, the page's own
 * controls (`children`: the agent desk's presence), the person's name and sign-out.
 */
export function TopBar({ children }: { children?: ReactNode }): ReactNode {
  const { agent, signOut } = useSession();
  const connection = useConnection();
  const path = usePath();
  const current = matchRoute(ROUTES, path);
  const pages = agent ? ROUTES.filter((route) => route.roles.includes(agent.role)) : [];
  return (
    <header className="topbar">
      <Brand />
      {pages.length > 1 && (
        // A list, so the links stay apart as separate items even before (or without) the stylesheet.
        <nav className="pages" aria-label="Pages">
          <ul className="pages-list">
            {pages.map((route) => (
              <li key={route.path}>
                <a href={route.path.replace(/\/\*$/, '') || '/'} onClick={followLink} aria-current={route === current ? 'page' : undefined} data-testid={`nav-${route.label.toLowerCase()}`}>
                  {route.label}
                </a>
              </li>
            ))}
          </ul>
        </nav>
      )}
      <div className="session">
        <span className="connection" data-testid="connection-status" data-state={connection} role="status" aria-live="polite">
          {CONNECTION_LABELS[connection]}
        </span>
        {children}
        <span className="agent-name" data-testid="agent-name">
          {agent?.displayName}
        </span>
        <button type="button" className="link-button" data-testid="sign-out" onClick={() => signOut()}>
          Sign out
        </button>
      </div>
    </header>
  );
}

export function Brand(): ReactNode {
  return (
    <div className="brand" aria-label="Perch">
      <svg className="brand-mark" viewBox="0 0 24 24" aria-hidden="true">
        <path d="M4 15c3-6 9-9 16-8-2 2-3 4-3 6 0 4-4 7-9 7-2 0-3-1-4-2l3-1c-2 0-3-1-3-2z" />
      </svg>
      <span>Perch</span>
    </div>
  );
}
