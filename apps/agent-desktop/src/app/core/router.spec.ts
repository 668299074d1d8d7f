import { describe, expect, it } from 'vitest';

import { homeRoute, matchRoute } from './router.util';

const ROUTES = [
  { path: '/', roles: ['agent', 'supervisor', 'admin'] as const },
  { path: '/supervisor', roles: ['supervisor', 'admin'] as const },
  { path: '/admin/*', roles: ['admin'] as const },
];

describe('routes', () => {
  it('matches a path exactly, a trailing slash aside', () => {
    expect(matchRoute(ROUTES, '/')?.path).toBe('/');
    expect(matchRoute(ROUTES, '/supervisor/')?.path).toBe('/supervisor');
    expect(matchRoute(ROUTES, '/supervisor/queues')).toBeNull();
  });

  it('matches a prefix route and everything under it', () => {
    expect(matchRoute(ROUTES, '/admin')?.path).toBe('/admin/*');
    expect(matchRoute(ROUTES, '/admin/users/ada')?.path).toBe('/admin/*');
    expect(matchRoute(ROUTES, '/administrator')).toBeNull();
  });

  it('sends each role home to the first route it may open', () => {
    expect(homeRoute(ROUTES, 'agent')?.path).toBe('/');
    expect(homeRoute([ROUTES[2] ?? ROUTES[0]], 'agent')).toBeNull();
  });
});
