import { type Type } from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { RequestMethod } from '@nestjs/common/enums';
import { AgentDirectory, type AgentRole, hashPassword, MemoryTokenRevocationStore } from '@perch/agents';
import { newId } from '@perch/platform';
import { TwitterApiXAdapter } from '@perch/x-client';

import { type GatewayModuleDeps } from '../gateway-deps.types';
import { GatewayModule } from '../gateway.module';
import { type GatewayTestbed, startGatewayTestbed, TESTBED_TOKEN_SECRET } from '../testing/gateway-testbed.fixtures';
import { testbedClient } from '../testing/testbed-client.fixtures';
import { AgentAuthGuard } from './agent-auth.guard';
import { ROLES_KEY } from './roles.guard';

// Every route the gateway declares, read from its controllers' metadata, so a route added tomorrow is
// covered without touching this file: each must refuse a missing, malformed, forged, expired or revoked
// token, unless it is on the short list of public routes below.

interface Route {
  method: string;
  path: string;
  signedIn: boolean;
  /** The roles @RequireRole() allows (the handler's, else the controller's); empty: any signed-in caller. */
  roles: readonly AgentRole[];
}

/** Reachable without a token, on purpose. Anything new here is a decision, not an accident. */
const PUBLIC_ROUTES = [
  'POST /api/auth/sign-in',
  'GET /health',
  // The desktop SPA's page, bundles and public files, and the page again at its own routes: no data, the API is guarded.
  'GET /',
  'GET /:asset.:ext',
  'GET /assets/:asset.:ext',
  'GET /supervisor',
  'GET /supervisor/{*rest}',
  'GET /admin',
  'GET /admin/{*rest}',
  'GET /contacts',
  'GET /contacts/{*rest}',
];

/** Signed-in routes that only some roles may call (403 role-required for the others). Also a decision each. */
const ROLE_ROUTES: Record<string, readonly AgentRole[]> = {
  'GET /api/admin/audit': ['admin'],
  'GET /api/admin/audit/export': ['admin'],
  // A supervisor sets another agent's presence (an agent sets only their own, at /api/agents/me/presence).
  'PUT /api/agents/:agentId/presence': ['supervisor', 'admin'],
  // The embedded mode's caught mails: what agents emailed customers, every brand's (404 where no catcher runs).
  'GET /api/dev/mailbox': ['admin'],
  // Deleting a customer's record (a data-protection request) is an admin's decision; agents create and change them.
  'DELETE /api/contacts/:contactId': ['admin'],
  'GET /api/supervisor/queues': ['supervisor', 'admin'],
  'GET /api/supervisor/agents': ['supervisor', 'admin'],
  'GET /api/supervisor/series': ['supervisor', 'admin'],
  // A supervisor signs another agent out everywhere (an agent signs only themselves out, at /api/auth/sign-out).
  'POST /api/supervisor/agents/:agentId/sign-out': ['supervisor', 'admin'],
  // Admins manage the people who sign in (the JSON env only seeds them).
  'GET /api/admin/users': ['admin'],
  'POST /api/admin/users': ['admin'],
  'PATCH /api/admin/users/:userId': ['admin'],
  'PUT /api/admin/users/:userId/password': ['admin'],
  // Supervisors manage each brand's disposition codes and the standard responses; agents read and use them.
  'POST /api/dispositions/:brand/codes': ['supervisor', 'admin'],
  'PATCH /api/dispositions/:brand/codes/:code': ['supervisor', 'admin'],
  'PUT /api/dispositions/:brand/settings': ['supervisor', 'admin'],
  'POST /api/standard-responses': ['supervisor', 'admin'],
  'PATCH /api/standard-responses/:id': ['supervisor', 'admin'],
  'DELETE /api/standard-responses/:id': ['supervisor', 'admin'],
};

function declaredRoutes(): Route[] {
  const controllers = (GatewayModule.register({ options: {} } as unknown as GatewayModuleDeps).controllers ?? []) as Type[];
  return controllers.flatMap((controller) => {
    const base = String(Reflect.getMetadata(PATH_METADATA, controller) ?? '').replace(/^\/|\/$/g, '');
    const controllerGuards = (Reflect.getMetadata(GUARDS_METADATA, controller) ?? []) as unknown[];
    const controllerRoles = (Reflect.getMetadata(ROLES_KEY, controller) ?? []) as AgentRole[];
    const prototype = controller.prototype as Record<string, unknown>;
    return Object.getOwnPropertyNames(prototype).flatMap((name) => {
      const handler = prototype[name];
      if (typeof handler !== 'function' || name === 'constructor') return [];
      const paths = Reflect.getMetadata(PATH_METADATA, handler) as string | string[] | undefined;
      const method = Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod | undefined;
      if (paths === undefined || method === undefined) return [];
      const guards = [...controllerGuards, ...((Reflect.getMetadata(GUARDS_METADATA, handler) ?? []) as unknown[])];
      const roles = (Reflect.getMetadata(ROLES_KEY, handler) as AgentRole[] | undefined) ?? controllerRoles;
      // A handler may serve several paths (@Get(['a', 'b'])): each is a route of its own.
      return (Array.isArray(paths) ? paths : [paths]).map((path) => {
        const full = `/${[base, path.replace(/^\/|\/$/g, '')].filter((part) => part.length > 0).join('/')}`;
        return { method: RequestMethod[method], path: full, signedIn: guards.includes(AgentAuthGuard), roles };
      });
    });
  });
}

describe('who may call each gateway endpoint', () => {
  const routes = declaredRoutes();
  const guarded = routes.filter((route) => route.signedIn);
  let testbed: GatewayTestbed;
  let now = Date.now();
  const clock = { now: () => now };

  async function call(route: Route, token?: string): Promise<{ status: number; code: unknown }> {
    const path = route.path.replace(/:[A-Za-z]+/g, newId());
    const response = await fetch(`${testbed.baseUrl}${path}`, {
      method: route.method,
      headers: { 'content-type': 'application/json', ...(token === undefined ? {} : { authorization: `Bearer ${token}` }) },
      ...(route.method === 'GET' ? {} : { body: '{}' }),
    });
    const text = await response.text();
    let code: unknown;
    try {
      code = (JSON.parse(text) as Record<string, unknown>)['code'];
    } catch {
      code = undefined;
    }
    return { status: response.status, code };
  }

  function signIn(): Promise<string> {
    return testbedClient(() => testbed.baseUrl).signIn('ada', 'correct horse');
  }

  beforeAll(async () => {
    testbed = await startGatewayTestbed({
      xApi: new TwitterApiXAdapter({ apiBaseUrl: 'http://127.0.0.1:9' }),
      brands: [],
      agents: [
        { id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse', role: 'admin', brands: ['*'] },
        { id: 'sam', displayName: 'Sam Agent', password: 'sam pw', role: 'agent' },
        { id: 'carol', displayName: 'Carol Supervisor', password: 'carol pw', role: 'supervisor' },
      ],
      auth: { clock, tokenTtlMs: 60 * 60 * 1000, revocations: new MemoryTokenRevocationStore(clock) },
      // Unknown interactions answer 404 at once instead of waiting for the projector.
      options: { consistencyWaitMs: 0 },
    });
  });

  afterAll(async () => {
    await testbed?.close();
  });

  it('declares every route either signed-in or on the public list', () => {
    expect(guarded.length).toBeGreaterThan(10);
    expect(routes.filter((route) => !route.signedIn).map((route) => `${route.method} ${route.path}`).sort()).toEqual([...PUBLIC_ROUTES].sort());
  });

  it('reads the routes added for routing (presence, offers, roster, supervisor, transfer, consultations, conference) as signed-in', () => {
    const signedIn = guarded.map((route) => `${route.method} ${route.path}`);
    expect(signedIn).toEqual(
      expect.arrayContaining([
        'GET /api/agents/me/presence',
        'PUT /api/agents/me/presence',
        'PUT /api/agents/:agentId/presence',
        'GET /api/agents/me/offers',
        // Issue 10's reload gaps: who among the signed-in reads which consultations is in what-a-reload-finds.spec.ts.
        'GET /api/agents/me/consultations',
        'GET /api/agents/roster',
        'GET /api/supervisor/queues',
        'GET /api/supervisor/agents',
        'GET /api/supervisor/series',
        'POST /api/supervisor/agents/:agentId/sign-out',
        'POST /api/interactions/:id/transfer',
        'POST /api/interactions/:id/consultations',
        // Conference (ADR 0018): who among the signed-in may (holder, guest) is in two-agents-in-a-conference.spec.ts.
        'POST /api/interactions/:id/conference',
        'POST /api/interactions/:id/conference/leave',
      ]),
    );
  });

  it('reads the contact, email, call and history routes as signed-in (who among the signed-in may: contacts-and-channels.spec.ts)', () => {
    const signedIn = guarded.map((route) => `${route.method} ${route.path}`);
    expect(signedIn).toEqual(
      expect.arrayContaining([
        'GET /api/contacts',
        'GET /api/contacts/:contactId',
        'POST /api/contacts',
        'PATCH /api/contacts/:contactId',
        'DELETE /api/contacts/:contactId',
        'GET /api/contacts/:contactId/history',
        'GET /api/interactions/:id/contact',
        'POST /api/interactions/:id/contact',
        'POST /api/interactions/:id/email',
        'POST /api/interactions/:id/call',
        'GET /api/interactions/:id/history',
        'GET /api/dev/mailbox',
      ]),
    );
  });

  it('reads the user, disposition, standard response and config routes as signed-in (who among the signed-in may: users-and-libraries.spec.ts)', () => {
    const signedIn = guarded.map((route) => `${route.method} ${route.path}`);
    expect(signedIn).toEqual(
      expect.arrayContaining([
        'GET /api/admin/users',
        'POST /api/admin/users',
        'PATCH /api/admin/users/:userId',
        'PUT /api/admin/users/:userId/password',
        'GET /api/dispositions',
        'POST /api/dispositions/:brand/codes',
        'PATCH /api/dispositions/:brand/codes/:code',
        'PUT /api/dispositions/:brand/settings',
        'GET /api/standard-responses',
        'GET /api/standard-responses/:id',
        'POST /api/standard-responses',
        'PATCH /api/standard-responses/:id',
        'DELETE /api/standard-responses/:id',
        'POST /api/standard-responses/:id/render',
        'GET /api/config',
      ]),
    );
  });

  it('refuses every signed-in route without a token, with a malformed one, and with one signed by another secret', async () => {
    const forger = new AgentDirectory({
      agents: [{ id: 'ada', displayName: 'Ada', passwordHash: await hashPassword('x'), capacity: 1, skills: [], role: 'admin', brands: ['*'] }],
      tokenSecret: `${TESTBED_TOKEN_SECRET}-not-ours`,
    });
    const forged = forger.issueToken('ada').token;
    for (const route of guarded) {
      const label = `${route.method} ${route.path}`;
      expect({ label, ...(await call(route)) }).toEqual({ label, status: 401, code: 'missing-token' });
      expect({ label, ...(await call(route, 'not-a-token')) }).toEqual({ label, status: 401, code: 'bad-token' });
      expect({ label, ...(await call(route, forged)) }).toEqual({ label, status: 401, code: 'bad-token' });
    }
  });

  it('refuses every signed-in route with an expired token', async () => {
    const token = await signIn();
    now += 60 * 60 * 1000;
    try {
      for (const route of guarded) {
        const label = `${route.method} ${route.path}`;
        expect({ label, ...(await call(route, token)) }).toEqual({ label, status: 401, code: 'token-expired' });
      }
    } finally {
      now = Date.now();
    }
  });

  it('refuses every signed-in route with a token revoked by signing out', async () => {
    const token = await signIn();
    const signOut = await fetch(`${testbed.baseUrl}/api/auth/sign-out`, { method: 'POST', headers: { authorization: `Bearer ${token}` } });
    expect(signOut.status).toBe(204);
    for (const route of guarded) {
      const label = `${route.method} ${route.path}`;
      expect({ label, ...(await call(route, token)) }).toEqual({ label, status: 401, code: 'token-revoked' });
    }
  });

  it('lets a valid token past authentication on every signed-in route', async () => {
    const token = await signIn();
    for (const route of guarded.filter((r) => r.path !== '/api/auth/sign-out')) {
      const label = `${route.method} ${route.path}`;
      const { status } = await call(route, token);
      // Past the guard the answer depends on the route (404 unknown interaction, 400 empty body…), never 401.
      expect({ label, unauthenticated: status === 401 }).toEqual({ label, unauthenticated: false });
    }
  });

  it('declares which roles may call each role-restricted route, and no other route is restricted', () => {
    const restricted = Object.fromEntries(routes.filter((route) => route.roles.length > 0).map((route) => [`${route.method} ${route.path}`, [...route.roles].sort()]));
    expect(restricted).toEqual(Object.fromEntries(Object.entries(ROLE_ROUTES).map(([route, roles]) => [route, [...roles].sort()])));
  });

  it('refuses each role-restricted route to the other roles (403 role-required) and lets its roles past', async () => {
    const client = testbedClient(() => testbed.baseUrl);
    const tokens: Record<AgentRole, string> = {
      admin: await client.signIn('ada', 'correct horse'),
      agent: await client.signIn('sam', 'sam pw'),
      supervisor: await client.signIn('carol', 'carol pw'),
    };
    for (const route of routes.filter((r) => r.roles.length > 0)) {
      for (const role of ['agent', 'supervisor', 'admin'] as const) {
        const label = `${route.method} ${route.path} as ${role}`;
        const { status, code } = await call(route, tokens[role]);
        const refused = status === 403 && code === 'role-required';
        expect({ label, refused }).toEqual({ label, refused: !route.roles.includes(role) });
      }
    }
  });
});
