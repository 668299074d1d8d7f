import { AuthErrorCode, AuthenticationFailedError } from './agent-auth.errors';
import { type AgentRecord, AgentDirectory } from './agent-directory.domain';
import { MemoryTokenRevocationStore } from './memory-token-revocation-store.adapter';
import { MemoryUserStore } from './memory-user-store.adapter';
import { hashPassword } from './password-hash.util';

// Users in a store shared by replicas (PostgreSQL in the apps; the memory adapter here, same contract): sign-in reads
// the store, admins' changes end sessions through the shared revocations.

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';
const PARAMS = { N: 1024, r: 8, p: 1 };

describe('user accounts in the user store', () => {
  let now: number;
  const clock = { now: () => now };
  let seed: AgentRecord[];
  let users: MemoryUserStore;
  let revocations: MemoryTokenRevocationStore;

  const replica = (agents: readonly AgentRecord[] = seed): AgentDirectory =>
    new AgentDirectory({ agents, users, revocations, tokenSecret: SECRET, clock, passwordParams: PARAMS });

  beforeEach(async () => {
    now = 1_760_000_000_000;
    users = new MemoryUserStore();
    revocations = new MemoryTokenRevocationStore(clock);
    seed = [
      { id: 'dana', displayName: 'Dana Admin', passwordHash: await hashPassword('dana pw', PARAMS), capacity: 1, skills: [], role: 'admin', brands: ['*'] },
    ];
  });

  it('seeds the configured people at start-up, and a second start-up keeps what an admin changed since', async () => {
    const first = replica();
    await first.start();
    await first.updateUser('dana', { displayName: 'Dana Reyes' });
    first.stop();
    const second = replica();
    await second.start();
    second.stop();
    expect(second.getAgent('dana')?.displayName).toBe('Dana Reyes');
  });

  it('lets a user an admin created on one replica sign in on another, whose token both accept', async () => {
    const a = replica();
    const b = replica();
    await a.start();
    await b.start();
    const created = await a.createUser({ id: 'nina', displayName: 'Nina', password: 'nina password', capacity: 2, skills: [], role: 'agent', brands: ['acme_support'] });
    expect(created).toEqual(expect.objectContaining({ id: 'nina', role: 'agent', disabled: false, brands: ['acme_support'] }));
    expect(created).not.toHaveProperty('passwordHash');
    const signedIn = await b.authenticate('nina', 'nina password');
    await expect(a.verifyToken(signedIn.token)).resolves.toMatchObject({ id: 'nina' });
    a.stop();
    b.stop();
  });

  it('refuses a disabled user at sign-in with the same answer as a wrong password, and ends their open sessions', async () => {
    const a = replica();
    const b = replica();
    await a.start();
    await b.start();
    await a.createUser({ id: 'omar', displayName: 'Omar', password: 'omar password', capacity: 1, skills: [], role: 'agent', brands: [] });
    const session = await b.authenticate('omar', 'omar password');
    now += 1_000;
    await a.updateUser('omar', { disabled: true });
    await expect(b.verifyToken(session.token)).rejects.toBeInstanceOf(AuthenticationFailedError);
    const refused = await b.authenticate('omar', 'omar password').catch((error: unknown) => error);
    const wrong = await b.authenticate('omar', 'not the password').catch((error: unknown) => error);
    expect(refused).toMatchObject({ code: AuthErrorCode.BadCredentials, message: (wrong as Error).message });
    expect(b.list().map((agent) => agent.id)).toEqual(['dana']);
    a.stop();
    b.stop();
  });

  it('lets a re-enabled user sign in again, with new tokens only', async () => {
    const a = replica();
    await a.start();
    await a.createUser({ id: 'pia', displayName: 'Pia', password: 'pia password', capacity: 1, skills: [], role: 'agent', brands: [] });
    const old = await a.authenticate('pia', 'pia password');
    now += 1_000;
    await a.updateUser('pia', { disabled: true });
    now += 1_000;
    await a.updateUser('pia', { disabled: false });
    const fresh = await a.authenticate('pia', 'pia password');
    await expect(a.verifyToken(old.token)).rejects.toMatchObject({ code: AuthErrorCode.TokenRevoked });
    await expect(a.verifyToken(fresh.token)).resolves.toMatchObject({ id: 'pia' });
    a.stop();
  });

  it('ends the sessions of a user whose password an admin resets, and accepts only the new password', async () => {
    const a = replica();
    await a.start();
    await a.createUser({ id: 'quin', displayName: 'Quin', password: 'old password', capacity: 1, skills: [], role: 'agent', brands: [] });
    const old = await a.authenticate('quin', 'old password');
    now += 1_000;
    await a.updateUser('quin', { password: 'new password' });
    await expect(a.verifyToken(old.token)).rejects.toMatchObject({ code: AuthErrorCode.TokenRevoked });
    await expect(a.authenticate('quin', 'old password')).rejects.toMatchObject({ code: AuthErrorCode.BadCredentials });
    await expect(a.authenticate('quin', 'new password')).resolves.toMatchObject({ agent: { id: 'quin' } });
    a.stop();
  });

  it('applies a role or brands change made on another replica once that replica re-reads the users', async () => {
    const a = replica();
    const b = replica();
    await a.start();
    await b.start();
    await a.createUser({ id: 'rui', displayName: 'Rui', password: 'rui password', capacity: 1, skills: [], role: 'agent', brands: [] });
    const session = await b.authenticate('rui', 'rui password');
    await a.updateUser('rui', { role: 'supervisor', brands: ['acme_support'] });
    await b.refresh();
    await expect(b.verifyToken(session.token)).resolves.toMatchObject({ role: 'supervisor', brands: ['acme_support'] });
    a.stop();
    b.stop();
  });
});
