/**
 * Every key of a tenant shares the hash tag `{tenant}`, so all of them live in one cluster slot and a
 * script may touch any of them. Fixed per-tenant keys hold everything a script discovers at run time
 * (which interaction heads the queue, which agent is idlest), so every key a script touches is known
 * before it runs and is passed in KEYS.
 */
export interface RoutingKeys {
  /**
   * HASH `<agentId>:state|cap|load|skills|since|cap.public|cap.dm|load.public|load.dm|reason|wrapuntil`, plus the
   * agent's own index entries `<agentId>:pidx` (its members of `pools`), `<agentId>:counted` (groups of `poolSizes`
   * it counts in) and `<agentId>:held` (JSON list of the interactions it holds, offered or assigned).
   */
  agents: string;
  /** ZSET agentId → idle-since ms: ready agents with load < capacity, longest-idle first. */
  available: string;
  /**
   * HASH `<interactionId>:state|prio|created|skill|agent|offer|deadline|declined|count|data|conv|updated|chan|ovskill|ovat`
   * (live interactions), plus `<interactionId>:qidx` (its members of `queueIndex` while queued).
   */
  interactions: string;
  /** HASH conversationKey → open interactionId. */
  conversations: string;
  /** ZSET interactionId → createdAt - priority * agingStepMs: waiting interactions, lowest score first. */
  queue: string;
  /**
   * ZSET, every score 0, members `<group><score:16 digits>:<interactionId>` where group = `<channel>:<len>:<skill>:`:
   * waiting interactions by group (channel and required skill), best first within a group (ZRANGEBYLEX).
   */
  queueIndex: string;
  /** HASH group → how many waiting interactions the group holds (the groups a dispatch looks at). */
  queueGroups: string;
  /**
   * ZSET, every score 0, members `<group><idle-since:16 digits>:<agentId>`: for each group, the available agents
   * with room in its channel and its skill (skill '' = every such agent), longest-idle first.
   */
  pools: string;
  /** HASH group → signed-in (not offline) agents with capacity in its channel and its skill (the overflow rule). */
  poolSizes: string;
  /**
   * ZSET, every score 0, members `<group><createdAt:16 digits>:<interactionId>`: the queue index again, by age
   * instead of score, so the oldest waiting interaction of a group is its first member (supervisors' oldest wait).
   */
  queueAges: string;
  /** ZSET interactionId → offer deadline ms. One member per interaction: at most one live offer each. */
  offers: string;
  /** ZSET agentId → when its wrap-up ends (ms): exactly the agents in wrap-up with a timeout, for the sweeper. */
  wrapUps: string;
  /**
   * STREAM of state changes not yet announced (op, note: the input and the caller's trace, out: the script's reply),
   * written by the script that made each change; relays read it through the consumer group OUTBOX_GROUP.
   */
  outbox: string;
  /**
   * ZSET interactionId → when its next requirement change is due (ms): a widening or the end of a sticky reservation,
   * for the sweeper (entries of completed interactions are dropped when due).
   */
  requirementsDue: string;
  /** HASH customer (brandAccountId:authorId) → the agent who completed its last interaction (sticky agent). */
  lastAgents: string;
  /** ZSET customer → when that last interaction was completed (ms): forgotten after the sticky window. */
  lastSeen: string;
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
    queueIndex: `${prefix}qidx`,
    queueGroups: `${prefix}qgroups`,
    pools: `${prefix}pools`,
    poolSizes: `${prefix}poolsizes`,
    queueAges: `${prefix}qage`,
    wrapUps: `${prefix}wrapups`,
    outbox: `${prefix}outbox`,
    requirementsDue: `${prefix}due`,
    lastAgents: `${prefix}lastagent`,
    lastSeen: `${prefix}lastseen`,
    message: (messageId) => `${prefix}msg:${messageId}`,
    completed: (interactionId) => `${prefix}done:${interactionId}`,
    pattern: `${prefix}*`,
  };
}

/**
 * The fixed keys every state-changing script gets, in this order (KEYS[1..STATE_KEY_COUNT]); a script's own extra
 * key (msg:<id>, done:<id>) comes after them (KEYS[STATE_KEY_COUNT + 1] in Lua).
 */
export function stateKeys(keys: RoutingKeys): string[] {
  return [
    keys.agents,
    keys.available,
    keys.interactions,
    keys.conversations,
    keys.queue,
    keys.offers,
    keys.queueIndex,
    keys.queueGroups,
    keys.pools,
    keys.poolSizes,
    keys.queueAges,
    keys.wrapUps,
    keys.outbox,
  ];
}

/** How many keys stateKeys() gives: a state-changing script's own key is the next one. */
export const STATE_KEY_COUNT = 13;
