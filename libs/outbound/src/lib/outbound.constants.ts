/** DI token for OutboundModule's dependencies (provided with useValue by OutboundModule.register). */
export const OUTBOUND_DEPS = Symbol('OUTBOUND_DEPS');

/**
 * The longest the outbound worker's X client waits in the Kafka handler for a rate-limit window; a longer
 * wait defers the command instead (kept aside until due; the partition goes on). Pass it to the RateLimitBudget.
 */
export const OUTBOUND_MAX_INLINE_WAIT_MS = 2_000;
/**
 * Calls to X at once per brand in one process (OUTBOUND_BRAND_CONCURRENCY): enough for well over 1,000 replies a
 * second against a fast X, few enough that a burst opens tens of sockets, not hundreds.
 */
export const DEFAULT_OUTBOUND_BRAND_CONCURRENCY = 32;
/**
 * The most OUTBOUND_BRAND_CONCURRENCY may say, and the keys of a batch the outbound consumer handles at once: its
 * handlers wait on X (hundreds of ms), so it keeps this many in flight whatever the bus's BUS_KEY_CONCURRENCY, and
 * the per-brand limit is what holds calls back.
 */
export const MAX_OUTBOUND_BRAND_CONCURRENCY = 256;
