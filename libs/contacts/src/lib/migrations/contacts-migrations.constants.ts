import { type SqlMigration } from '@perch/sql';

import { contactsMigration0100 } from './0100-contacts.migration';

/** @perch/contacts' migrations (numbered from 0100), run by the apps with the others through @perch/sql's runSqlMigrations. */
export const CONTACTS_MIGRATIONS: readonly SqlMigration[] = [contactsMigration0100];
