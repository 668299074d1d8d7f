/**
 * Every key of a tenant shares the hash tag `{tenant}`, so all of them live in one cluster slot and a
 * script may touch any of them. Fixed per-tenant keys hold everything a script discovers at run time
 * (which interaction heads the queue, which agent is idlest), so every key a script touches is known
 * before it runs and is passed in KEYS.
 */
export interface RoutingKeys {
  /** HASH `<agentId>:state|cap|load|skills|since`. */
  agents: string;
  /** ZSET agentId → idle-since ms: ready agents with load < capacity, longest-idle first. */
  available: string;
  /** HASH `<interactionId>:state|prio|created|skill|agent|offer|deadline|declined|count|data|conv|updated` (live interactions). */
  interactions: string;
  /** HASH conversationKey → open interactionId. */
  conversations: string;
  /** ZSET interactionId → -priority * 1e13 + createdAt: waiting interactions, lowest score first. */
  queue: string;
  /** ZSET interactionId → offer deadline ms. One member per interaction: at most one live offer each. */
  offers: string;
  /** STRING interactionId, PX dedupe TTL: this message was stored. */
  message(messageId: string): string;
  /** HASH of a completed interaction's fields (unprefixed), PX retention. */
  completed(interactionId: string): string;
  /** Everything of the tenant, for tests' cleanup (SCAN MATCH). */
  pattern: string;
}

export function routingKeys(tenant: string): RoutingKeys {
  const prefix = `perch:{${tenant}}:`;
  return {
    agents: `${prefix}agents`,
    available: `${prefix}available`,
    interactions: `${prefix}ix`,
    conversations: `${prefix}conv`,
    queue: `${prefix}queue`,
    offers: `${prefix}offers`,
    message: (messageId) => `${prefix}msg:${messageId}`,
    completed: (interactionId) => `${prefix}done:${interactionId}`,
    pattern: `${prefix}*`,
  };
}
