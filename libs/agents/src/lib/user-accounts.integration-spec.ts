import { poolSqlClient, runSqlMigrations } from '@perch/sql';
import { freshSchema, sharedDatabasePool } from '@perch/testing';

import { AuthErrorCode } from './agent-auth.errors';
import { AgentDirectory } from './agent-directory.domain';
import { hashPassword } from './password-hash.util';
import { AGENTS_MIGRATIONS } from './migrations/agents-migrations.constants';
import { SqlTokenRevocationStore } from './sql-token-revocation-store.adapter';
import { SqlUserStore } from './sql-user-store.adapter';

const pool = sharedDatabasePool(6);
afterAll(async () => {
  await pool.end();
});

const PARAMS = { N: 1024, r: 8, p: 1 };
const SECRET = 'a-test-secret-that-is-long-enough-0123456789';

// Two gateway replicas on one PostgreSQL server: users and revocations in the database, each replica with its cache.
describe('user accounts on a PostgreSQL server, two replicas', () => {
  it('seeds once, lets a user created on one replica sign in on the other, and ends their sessions everywhere when disabled', async () => {
    const schema = freshSchema(pool);
    const sql = poolSqlClient(pool);
    const replicas: AgentDirectory[] = [];
    try {
      await runSqlMigrations(sql, { schema: schema.name, migrations: AGENTS_MIGRATIONS });
      const revocations = new SqlTokenRevocationStore({ sql, schema: schema.name });
      await revocations.start();
      const seed = [{ id: 'dana', displayName: 'Dana', passwordHash: await hashPassword('dana pw', PARAMS), capacity: 1, skills: [], role: 'admin' as const, brands: ['*'] }];
      for (let i = 0; i < 2; i++) {
        replicas.push(new AgentDirectory({ agents: seed, users: new SqlUserStore({ sql, schema: schema.name }), revocations, tokenSecret: SECRET, passwordParams: PARAMS }));
      }
      const [a, b] = replicas as [AgentDirectory, AgentDirectory];
      await Promise.all([a.start(), b.start()]);
      expect((await pool.query(`SELECT id FROM "${schema.name}".users`)).rows).toEqual([{ id: 'dana' }]);

      await a.createUser({ id: 'nina', displayName: 'Nina', password: 'nina password', capacity: 2, skills: [], role: 'agent', brands: ['acme_support'] });
      const session = await b.authenticate('nina', 'nina password');
      await expect(a.verifyToken(session.token)).resolves.toMatchObject({ id: 'nina', brands: ['acme_support'] });

      await a.updateUser('nina', { disabled: true });
      await expect(b.verifyToken(session.token)).rejects.toMatchObject({ code: AuthErrorCode.TokenRevoked });
      await expect(b.authenticate('nina', 'nina password')).rejects.toMatchObject({ code: AuthErrorCode.BadCredentials });
      await b.refresh();
      expect(b.getAgent('nina')).toBeNull();
    } finally {
      for (const replica of replicas) replica.stop();
      await schema.drop();
    }
  });
});
