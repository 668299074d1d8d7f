import { freshSchema, sharedDatabasePool } from '@perch/testing';

import { poolSqlClient } from './pool-sql-client.adapter';
import { describeSqlMigratorContract } from './testing/sql-migrator.contract';

const pool = sharedDatabasePool(4);
// A second pool stands for a second replica starting at the same time (its own connections).
const otherPool = sharedDatabasePool(2);
afterAll(async () => {
  await Promise.all([pool.end(), otherPool.end()]);
});

describeSqlMigratorContract('PostgreSQL server', async () => {
  const schema = freshSchema(pool);
  return { sql: poolSqlClient(pool), other: poolSqlClient(otherPool), schema: schema.name, dispose: schema.drop };
});
