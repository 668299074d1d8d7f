/**
 * Header a replayed dead letter carries: the consumer group that failed it. Only that group handles it again; every
 * other group on the topic handled the original already and skips it (EventBus), so a replay never doubles their work.
 */
export const REPLAY_GROUP_HEADER = 'perch-replay-group';

/** Header naming where a replayed message came from (`<dlq topic>/<partition>/<offset>`), for tracing. */
export const REPLAYED_FROM_HEADER = 'perch-replayed-from';
