/** A new agent holds one interaction at a time until presence says otherwise. */
export const DEFAULT_AGENT_CAPACITY = 1;

/** Queue score = -priority * PRIORITY_WEIGHT + createdAtMs; epoch ms stay below 1e13 until the year 2286. */
export const PRIORITY_WEIGHT = 1e13;
/** Keeps -priority * 1e13 + ms far inside 2^53, so scores stay exact doubles in Redis and in JS. */
export const MAX_PRIORITY = 100;

/**
 * Dispatch looks at this many queue heads and this many longest-idle agents, so one call stays bounded
 * (microseconds in Lua) while an interaction that every idle agent declined, or whose skill nobody idle
 * has, does not block the ones behind it.
 */
export const DEFAULT_DISPATCH_QUEUE_SCAN = 25;
export const DEFAULT_DISPATCH_AGENT_SCAN = 50;

/** How long a messageId is remembered to drop redeliveries (Kafka redelivers within minutes, not days). */
export const DEFAULT_DEDUPE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** How long a completed interaction stays readable in the store (the interactions service keeps history). */
export const DEFAULT_COMPLETED_RETENTION_MS = 24 * 60 * 60 * 1000;

export const AGENT_STATES = ['ready', 'not-ready', 'offline'] as const;
export const INTERACTION_STATES = ['queued', 'offered', 'assigned', 'completed'] as const;
