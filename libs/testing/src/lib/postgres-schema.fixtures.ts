import { randomUUID } from 'node:crypto';

import { Pool } from 'pg';

import { serviceEnv } from './service-env.util';

/** A pool on the shared test database (DATABASE_URL, which the integration global setup provides); the spec ends it. */
export function sharedDatabasePool(max: number): Pool {
  return new Pool({ connectionString: serviceEnv().databaseUrl, max });
}

/** One test's own schema on the shared database: a name no other test uses, and the way to drop it afterwards. */
export interface FreshSchema {
  name: string;
  drop(): Promise<void>;
}

/** A schema name of its own for one test (the database is shared by every test and helper), dropped through `pool`. */
export function freshSchema(pool: Pool): FreshSchema {
  const name = `perch_it_${randomUUID().replace(/-/g, '').slice(0, 16)}`;
  return {
    name,
    drop: async () => {
      await pool.query(`DROP SCHEMA IF EXISTS "${name}" CASCADE`);
    },
  };
}
