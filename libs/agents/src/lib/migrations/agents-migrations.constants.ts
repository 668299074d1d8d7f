import { type SqlMigration } from '@perch/sql';

import { usersMigration } from './0001-users.migration';

/** @perch/agents' migrations (numbers from 0001-0099, shared with @perch/interactions; global), run by the apps with the others'. */
export const AGENTS_MIGRATIONS: readonly SqlMigration[] = [usersMigration];
