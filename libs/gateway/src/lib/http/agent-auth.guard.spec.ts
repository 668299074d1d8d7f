import { type ExecutionContext } from '@nestjs/common';
import { type AgentDirectory, AuthenticationFailedError, MemoryTokenRevocationStore } from '@perch/agents';

import { createTestbedDirectory } from '../testing/gateway-testbed.fixtures';
import { AgentAuthGuard, type AuthenticatedRequest } from './agent-auth.guard';

function contextFor(request: AuthenticatedRequest): ExecutionContext {
  return { switchToHttp: () => ({ getRequest: () => request }) } as unknown as ExecutionContext;
}

function bearer(token: string): AuthenticatedRequest {
  return { headers: { authorization: `Bearer ${token}` } };
}

describe(AgentAuthGuard.name, () => {
  let now: number;
  const clock = { now: () => now };
  let agents: AgentDirectory;
  let guard: AgentAuthGuard;

  async function tokenOf(username: string, password: string): Promise<string> {
    return (await agents.authenticate(username, password, { address: '203.0.113.7' })).token;
  }

  beforeEach(async () => {
    now = 1_760_000_000_000;
    agents = await createTestbedDirectory(
      [
        { id: 'ada', displayName: 'Ada Lovelace', password: 'correct horse', role: 'supervisor' },
        { id: 'bob', displayName: 'Bob Builder', password: 'battery staple' },
      ],
      { clock, tokenTtlMs: 60 * 60 * 1000, revocations: new MemoryTokenRevocationStore(clock) },
    );
    guard = new AgentAuthGuard(agents);
  });

  it('lets a valid bearer token through and hands the route its agent and session', async () => {
    const token = await tokenOf('ada', 'correct horse');
    const request = bearer(token);
    await expect(guard.canActivate(contextFor(request))).resolves.toBe(true);
    expect(request.agent).toMatchObject({ id: 'ada', displayName: 'Ada Lovelace', role: 'supervisor' });
    expect(request.session).toMatchObject({ agent: { id: 'ada' }, expiresAt: now + 60 * 60 * 1000 });
  });

  it('accepts the scheme in any case, as HTTP allows', async () => {
    const token = await tokenOf('bob', 'battery staple');
    await expect(guard.canActivate(contextFor({ headers: { authorization: `bearer ${token}` } }))).resolves.toBe(true);
  });

  it('refuses a request without a token with 401 missing-token', async () => {
    await expect(guard.canActivate(contextFor({ headers: {} }))).rejects.toThrow(AuthenticationFailedError);
    await expect(guard.canActivate(contextFor({ headers: {} }))).rejects.toMatchObject({ code: 'missing-token' });
  });

  it('refuses credentials in another scheme (Basic) as a missing token', async () => {
    const request = { headers: { authorization: 'Basic YWRhOmNvcnJlY3QgaG9yc2U=' } };
    await expect(guard.canActivate(contextFor(request))).rejects.toMatchObject({ code: 'missing-token' });
  });

  it('refuses a malformed or forged token with bad-token', async () => {
    await expect(guard.canActivate(contextFor(bearer('not-a-token')))).rejects.toMatchObject({ code: 'bad-token' });
    const [version, claims] = (await tokenOf('bob', 'battery staple')).split('.');
    await expect(guard.canActivate(contextFor(bearer(`${version}.${claims}.forged-signature`)))).rejects.toMatchObject({ code: 'bad-token' });
  });

  it('refuses an expired token with token-expired', async () => {
    const token = await tokenOf('ada', 'correct horse');
    now += 60 * 60 * 1000;
    await expect(guard.canActivate(contextFor(bearer(token)))).rejects.toMatchObject({ code: 'token-expired' });
  });

  it('refuses a signed-out token with token-revoked, and leaves the agent and session unset', async () => {
    const token = await tokenOf('ada', 'correct horse');
    await agents.revoke(await agents.verifySession(token));
    const request = bearer(token);
    await expect(guard.canActivate(contextFor(request))).rejects.toMatchObject({ code: 'token-revoked' });
    expect(request.agent).toBeUndefined();
    expect(request.session).toBeUndefined();
  });

  it("refuses every token issued before the agent's tokens were all revoked, and accepts a newer one", async () => {
    const old = await tokenOf('bob', 'battery staple');
    now += 1;
    await agents.revokeAllFor('bob');
    now += 1;
    const fresh = await tokenOf('bob', 'battery staple');
    await expect(guard.canActivate(contextFor(bearer(old)))).rejects.toMatchObject({ code: 'token-revoked' });
    await expect(guard.canActivate(contextFor(bearer(fresh)))).resolves.toBe(true);
  });
});
