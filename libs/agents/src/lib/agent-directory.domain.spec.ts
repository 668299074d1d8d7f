import { ValidationFailedError } from '@perch/platform';

import { AuthenticationFailedError } from './agent-auth.errors';
import { agentRecordsFromJson } from './agent-records.util';
import { type AgentRecord, AgentDirectory, mayPostAs } from './agent-directory.domain';
import { hashPassword, verifyPassword } from './password-hash.util';

const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

describe('AgentDirectory', () => {
  let agents: AgentRecord[];
  let now: number;
  const clock = { now: () => now };

  beforeAll(async () => {
    agents = [
      {
        id: 'ada',
        displayName: 'Ada Lovelace',
        passwordHash: await hashPassword('correct horse'),
        capacity: 3,
        skills: ['billing'],
        role: 'agent',
        brands: ['acme_support'],
      },
    ];
  });

  beforeEach(() => {
    now = 1_760_000_000_000;
  });

  it('signs an agent in with the right password and returns a token any replica accepts', async () => {
    const replicaA = new AgentDirectory({ agents, tokenSecret: SECRET, clock });
    const replicaB = new AgentDirectory({ agents, tokenSecret: SECRET, clock });
    const signedIn = await replicaA.authenticate('ada', 'correct horse');
    expect(signedIn.agent).toEqual({ id: 'ada', displayName: 'Ada Lovelace', capacity: 3, skills: ['billing'], role: 'agent', brands: ['acme_support'] });
    expect(signedIn.agent).not.toHaveProperty('passwordHash');
    await expect(replicaB.verifyToken(signedIn.token)).resolves.toEqual(signedIn.agent);
  });

  it('refuses a wrong password and an unknown username with the same error', async () => {
    const directory = new AgentDirectory({ agents, tokenSecret: SECRET, clock });
    await expect(directory.authenticate('ada', 'wrong')).rejects.toThrow(
      new AuthenticationFailedError('Unknown username or wrong password', 'bad-credentials'),
    );
    await expect(directory.authenticate('nobody', 'correct horse')).rejects.toThrow('Unknown username or wrong password');
  });

  it('refuses an expired token', async () => {
    const directory = new AgentDirectory({ agents, tokenSecret: SECRET, clock, tokenTtlMs: 60_000 });
    const { token, expiresAt } = directory.issueToken('ada');
    expect(expiresAt).toBe(now + 60_000);
    now += 60_000;
    await expect(directory.verifyToken(token)).rejects.toMatchObject({ code: 'token-expired' });
  });

  it('refuses a token signed with another secret, or tampered with', async () => {
    const directory = new AgentDirectory({ agents, tokenSecret: SECRET, clock });
    const other = new AgentDirectory({ agents, tokenSecret: `${SECRET}-other`, clock });
    const forged = other.issueToken('ada').token;
    await expect(directory.verifyToken(forged)).rejects.toThrow(AuthenticationFailedError);

    const [version, claims, signature] = directory.issueToken('ada').token.split('.');
    const widened = Buffer.from(JSON.stringify({ sub: 'ada', jti: 'x', iat: now, exp: now + 10 ** 12 })).toString('base64url');
    await expect(directory.verifyToken(`${version}.${widened}.${signature}`)).rejects.toThrow(AuthenticationFailedError);
    await expect(directory.verifyToken(`${version}.${claims}`)).rejects.toThrow(AuthenticationFailedError);
    await expect(directory.verifyToken('garbage')).rejects.toThrow(AuthenticationFailedError);
  });

  it('refuses the token of an agent who was removed', async () => {
    const token = new AgentDirectory({ agents, tokenSecret: SECRET, clock }).issueToken('ada').token;
    const withoutAda = new AgentDirectory({ agents: [], tokenSecret: SECRET, clock });
    await expect(withoutAda.verifyToken(token)).rejects.toThrow(AuthenticationFailedError);
  });

  it('insists on a secret long enough to resist guessing', () => {
    expect(() => new AgentDirectory({ agents, tokenSecret: 'short' })).toThrow(/at least 32/);
  });
});

describe('mayPostAs', () => {
  it('lets a person post only from the brand accounts granted to them, or from all with *', () => {
    expect(mayPostAs({ brands: ['acme_support'] }, 'ACME_Support')).toBe(true);
    expect(mayPostAs({ brands: ['acme_support'] }, 'acme_sales')).toBe(false);
    expect(mayPostAs({ brands: [] }, 'acme_support')).toBe(false);
    expect(mayPostAs({ brands: ['*'] }, 'acme_sales')).toBe(true);
  });
});

describe('password hashing', () => {
  it('verifies the password it hashed and nothing else; a malformed hash never verifies', async () => {
    const hash = await hashPassword('s3cret', { N: 1024 });
    expect(hash).toMatch(/^scrypt\$1024\$8\$1\$/);
    await expect(verifyPassword('s3cret', hash)).resolves.toBe(true);
    await expect(verifyPassword('s3cret!', hash)).resolves.toBe(false);
    await expect(verifyPassword('s3cret', 'plain-text')).resolves.toBe(false);
  });
});

describe('agentRecordsFromJson', () => {
  it('reads agents from configuration, hashing plain passwords and filling defaults', async () => {
    const existing = await hashPassword('kept', { N: 1024 });
    const records = await agentRecordsFromJson(
      JSON.stringify([
        { id: 'alice', password: 'wonderland', capacity: 2, skills: ['billing'], role: 'supervisor', brands: ['acme_support', 'Acme_Sales'] },
        { id: 'bob', displayName: 'Bob B.', passwordHash: existing },
      ]),
    );
    expect(records).toEqual([
      {
        id: 'alice',
        displayName: 'alice',
        capacity: 2,
        skills: ['billing'],
        role: 'supervisor',
        brands: ['acme_support', 'Acme_Sales'],
        passwordHash: expect.stringMatching(/^scrypt\$/),
      },
      // Least privilege by default: an agent, and no brand to post from until one is granted.
      { id: 'bob', displayName: 'Bob B.', capacity: 1, skills: [], role: 'agent', brands: [], passwordHash: existing },
    ]);
    await expect(verifyPassword('wonderland', records[0]?.passwordHash ?? '')).resolves.toBe(true);
  });

  it('reads separate public and DM limits, the capacity capping their sum (default: the sum)', async () => {
    const records = await agentRecordsFromJson(
      JSON.stringify([
        { id: 'carol', password: 'x', capacityByChannel: { public: 3, dm: 2 } },
        { id: 'dan', password: 'x', capacity: 4, capacityByChannel: { public: 3, dm: 2 } },
      ]),
      { passwordParams: { N: 1024, r: 8, p: 1 } },
    );
    expect(records.map(({ id, capacity, capacityByChannel }) => ({ id, capacity, capacityByChannel }))).toEqual([
      { id: 'carol', capacity: 5, capacityByChannel: { public: 3, dm: 2 } },
      { id: 'dan', capacity: 4, capacityByChannel: { public: 3, dm: 2 } },
    ]);
    await expect(
      agentRecordsFromJson(
        JSON.stringify([
          { id: 'a', password: 'x', capacityByChannel: { public: 0, dm: 0 } },
          { id: 'b', password: 'x', capacityByChannel: { public: 51, dm: 1 } },
          { id: 'c', password: 'x', capacityByChannel: { public: 1, dm: 1, voice: 1 } },
        ]),
      ),
    ).rejects.toMatchObject({
      problems: [{ field: '[0].capacityByChannel' }, { field: '[1].capacityByChannel' }, { field: '[2].capacityByChannel' }],
    });
  });

  it('reads skills with levels and refuses a malformed level at start-up', async () => {
    const records = await agentRecordsFromJson(JSON.stringify([{ id: 'eve', password: 'x', skills: ['language:fr=3', 'billing'] }]), {
      passwordParams: { N: 1024, r: 8, p: 1 },
    });
    expect(records[0]?.skills).toEqual(['language:fr=3', 'billing']);
    await expect(
      agentRecordsFromJson(
        JSON.stringify([
          { id: 'a', password: 'x', skills: ['language:fr=0'] },
          { id: 'b', password: 'x', skills: ['x=1=2'] },
        ]),
      ),
    ).rejects.toMatchObject({ problems: [{ field: '[0].skills' }, { field: '[1].skills' }] });
  });

  it('refuses at start-up an agent skill outside the skill catalog, naming the agent and the skill', async () => {
    const json = JSON.stringify([
      { id: 'eve', password: 'x', skills: ['language:fr=3', 'billing'] },
      { id: 'mal', password: 'x', skills: ['language:fr', 'cooking=2'] },
    ]);
    const params = { passwordParams: { N: 1024, r: 8, p: 1 } };
    await expect(agentRecordsFromJson(json, { ...params, skillCatalog: ['language:fr', 'billing', 'cooking'] })).resolves.toHaveLength(2);
    await expect(agentRecordsFromJson(json, { ...params, skillCatalog: ['language:fr', 'billing'] })).rejects.toMatchObject({
      problems: [{ field: '[1].skills', messages: ['"cooking=2" not in the skill catalog (ROUTER_SKILLS)'] }],
    });
  });

  it('names every bad field at once', async () => {
    const bad = JSON.stringify([
      { id: 'a b', capacity: 0 },
      { id: 'ok', password: 'x', passwordHash: 'scrypt$1', role: 'root', brands: ['acme support'], team: 'x' },
      3,
    ]);
    await expect(agentRecordsFromJson(bad)).rejects.toMatchObject({
      problems: [
        { field: '[0].id' },
        { field: '[0].password' },
        { field: '[0].capacity' },
        { field: '[1].team' },
        { field: '[1].password' },
        { field: '[1].role' },
        { field: '[1].brands' },
        { field: '[2]' },
      ],
    });
    await expect(agentRecordsFromJson('{not json')).rejects.toBeInstanceOf(ValidationFailedError);
  });
});
