/** A new agent holds one interaction at a time until presence says otherwise. */
export const DEFAULT_AGENT_CAPACITY = 1;

/**
 * Aging (see queueScore): one priority level is worth this much waiting, so an interaction of priority p
 * created at t is served before one of priority p + 1 created after t + this. Five minutes: praise (0)
 * waits at most 15 minutes longer than a fresh unhappy customer (3) before it is served first.
 */
export const DEFAULT_AGING_STEP_MS = 5 * 60 * 1000;
/** 30 days: large enough to mean "no aging" in practice, small enough to keep every score a positive exact integer once biased (Redis lex index). */
export const MAX_AGING_STEP_MS = 30 * 24 * 60 * 60 * 1000;
/** Keeps -priority * MAX_AGING_STEP_MS far inside 2^53, so scores stay exact doubles in Redis and in JS. */
export const MAX_PRIORITY = 100;

/**
 * How long a decline or an offer timeout keeps an interaction from that agent. After it the agent may be
 * offered the interaction again, so an interaction every agent declined is never stranded.
 */
export const DEFAULT_DECLINE_MEMORY_MS = 5 * 60 * 1000;

/** Conversation channels with separate capacity: an interaction is `dm` when its first message is a DM. */
export const CHANNELS = ['public', 'dm'] as const;

/** How long a messageId is remembered to drop redeliveries (Kafka redelivers within minutes, not days). */
export const DEFAULT_DEDUPE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
/** How long a completed interaction stays readable in the store (the interactions service keeps history). */
export const DEFAULT_COMPLETED_RETENTION_MS = 24 * 60 * 60 * 1000;

export const AGENT_STATES = ['ready', 'not-ready', 'wrap-up', 'offline'] as const;
/** No wrap-up unless configured: a store built without options behaves as before (the apps default to 30 s). */
export const DEFAULT_WRAP_UP_MS = 0;
/** Apps' default wrap-up (ROUTER_WRAP_UP_MS): time to finish notes after completing, before the next offer. */
export const DEFAULT_APP_WRAP_UP_MS = 30_000;
/** Upper bound of the wrap-up timeout (1 h), so a mistyped value does not park agents for days. */
export const MAX_WRAP_UP_MS = 60 * 60 * 1000;
export const INTERACTION_STATES = ['queued', 'offered', 'assigned', 'completed'] as const;
