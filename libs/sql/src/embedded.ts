// @perch/sql/embedded: PostgreSQL compiled to WebAssembly (PGlite), for the embedded app and the command lines that
// read its data folder. The distributed apps use @perch/sql only, and so never load PGlite.
export * from './lib/pglite-sql-client.adapter';
