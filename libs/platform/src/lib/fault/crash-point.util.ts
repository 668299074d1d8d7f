/** The environment variable that names the crash point at which the process kills itself (tests only). */
export const CRASH_AT_ENV = 'PERCH_CRASH_AT';

/**
 * Fault injection for crash tests: when PERCH_CRASH_AT equals `name`, the process SIGKILLs itself here, so nothing
 * after this line runs, nothing is flushed and no shutdown hook fires (a real crash, not an exception that some
 * handler could catch). A no-op otherwise, so a crash point can stay in production code at no cost.
 *
 * Names are `<app>.<step>`, e.g. `ingestor.after-claim`; each lib's README lists its crash points.
 */
export function crashPoint(name: string): void {
  if (process.env[CRASH_AT_ENV] === name) process.kill(process.pid, 'SIGKILL');
}
