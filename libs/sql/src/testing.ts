// @perch/sql/testing: PGlite for specs (in a worker thread, one schema per spec). Tests only.
export * from './lib/testing/pglite-worker-sql-client.adapter';
export * from './lib/testing/pglite-spec-schemas.fixtures';
