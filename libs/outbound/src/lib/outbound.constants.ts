/** DI token for OutboundModule's dependencies (provided with useValue by OutboundModule.register). */
export const OUTBOUND_DEPS = Symbol('OUTBOUND_DEPS');

/**
 * The longest the outbound worker's X client waits in the Kafka handler for a rate-limit window; a longer
 * wait defers the command instead (kept aside until due; the partition goes on). Pass it to the RateLimitBudget.
 */
export const OUTBOUND_MAX_INLINE_WAIT_MS = 2_000;
