import { type SqlMigration } from '@perch/sql';

import { dispositionCodesMigration } from './0002-disposition-codes.migration';
import { standardResponsesMigration } from './0003-standard-responses.migration';

/** @perch/interactions' migrations (numbers from 0001-0099, shared with @perch/agents; global), run by the apps with the others'. */
export const INTERACTIONS_MIGRATIONS: readonly SqlMigration[] = [dispositionCodesMigration, standardResponsesMigration];
