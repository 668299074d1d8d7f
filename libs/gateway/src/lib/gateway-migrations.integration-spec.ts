import { appliedSqlMigrations, poolSqlClient, runSqlMigrations } from '@perch/sql';
import { freshSchema, sharedDatabasePool } from '@perch/testing';

import { GATEWAY_MIGRATIONS } from './gateway-migrations.constants';

const pool = sharedDatabasePool(6);
afterAll(async () => {
  await pool.end();
});

// apps/gateway's start-up on a PostgreSQL server: three replicas migrating one schema at once apply each migration once.
describe('the gateway schema on a PostgreSQL server', () => {
  it('applies every library migration once when three replicas start together', async () => {
    const schema = freshSchema(pool);
    try {
      const runs = await Promise.all([1, 2, 3].map(() => runSqlMigrations(poolSqlClient(pool), { schema: schema.name, migrations: GATEWAY_MIGRATIONS })));
      const names = GATEWAY_MIGRATIONS.map((migration) => migration.name).sort();
      expect(runs.map((run) => run.applied).sort((a, b) => b.length - a.length)).toEqual([names, [], []]);
      expect(await appliedSqlMigrations(poolSqlClient(pool), schema.name)).toEqual(names);
      const tables = await pool.query<{ table_name: string }>('SELECT table_name FROM information_schema.tables WHERE table_schema = $1', [schema.name]);
      expect(tables.rows.map((row) => row.table_name)).toEqual(
        expect.arrayContaining(['schema_migrations', 'users', 'disposition_codes', 'disposition_settings', 'standard_responses']),
      );
    } finally {
      await schema.drop();
    }
  });
});
