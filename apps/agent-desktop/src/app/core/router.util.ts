import { type ComponentType, type MouseEvent, useSyncExternalStore } from 'react';

import type { AgentRole } from '@perch/desktop-api';

// A router of our own (a few lines): the History API, a path-to-page table, roles. The gateway serves index.html for
// every route in ROUTE_PATHS (libs/gateway's desktop module), so a reload on /supervisor works.

export interface AppRoute {
  /** Exact path, or a prefix ending in `/*` (`/admin/*` matches /admin and everything under it). */
  path: string;
  page: ComponentType;
  /** Who may open it; others are sent to their home route. */
  roles: readonly AgentRole[];
  /** In the top bar's navigation. */
  label: string;
}

const NAVIGATED = 'perch:navigated';

function subscribe(listener: () => void): () => void {
  window.addEventListener('popstate', listener);
  window.addEventListener(NAVIGATED, listener);
  return () => {
    window.removeEventListener('popstate', listener);
    window.removeEventListener(NAVIGATED, listener);
  };
}

/** The current path (re-renders on navigation). */
export function usePath(): string {
  return useSyncExternalStore(subscribe, () => location.pathname);
}

export function navigate(path: string, options: { replace?: boolean } = {}): void {
  if (path === location.pathname) return;
  if (options.replace) history.replaceState(null, '', path);
  else history.pushState(null, '', path);
  window.dispatchEvent(new Event(NAVIGATED));
}

/** For <a href> links: navigates in the page unless the user asked for a new tab. */
export function followLink(event: MouseEvent<HTMLAnchorElement>): void {
  if (event.button !== 0 || event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(event.currentTarget.pathname);
}

/** The route for a path: an exact match first, then the longest `/*` prefix. */
export function matchRoute<R extends Pick<AppRoute, 'path'>>(routes: readonly R[], path: string): R | null {
  const clean = path.length > 1 ? path.replace(/\/+$/, '') : path;
  const exact = routes.find((route) => route.path === clean);
  if (exact) return exact;
  let best: R | null = null;
  for (const route of routes) {
    if (!route.path.endsWith('/*')) continue;
    const base = route.path.slice(0, -2);
    if ((clean === base || clean.startsWith(`${base}/`)) && (!best || route.path.length > best.path.length)) best = route;
  }
  return best;
}

/** Where a person lands: the first route their role may open. */
export function homeRoute<R extends Pick<AppRoute, 'roles'>>(routes: readonly R[], role: AgentRole): R | null {
  return routes.find((route) => route.roles.includes(role)) ?? null;
}
