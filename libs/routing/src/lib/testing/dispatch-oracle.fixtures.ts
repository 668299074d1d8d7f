import { channelOf, queueScore } from '../priority.util';
import { type AgentRecord, type InteractionRecord } from '../routing.types';
import { skillMatchOf } from '../skill-rules.util';

/** A routing decision: this interaction offered to this agent. */
export interface DispatchPair {
  interactionId: string;
  agentId: string;
}

/**
 * Whether the agent may be offered the interaction now, from the records alone: ready (not in wrap-up, not
 * not-ready, not offline), room overall and in the interaction's channel, the required skill at its minimum level
 * (or the overflow skill, at any level, once it overflowed), no remembered decline or missed offer of it, and, while
 * the interaction is reserved for a returning customer's last agent (`stickyUntil` set), being that agent.
 */
export function mayOffer(agent: AgentRecord, interaction: InteractionRecord, now: number): boolean {
  if (agent.state !== 'ready' || agent.load >= agent.capacity) return false;
  const channel = channelOf(interaction.firstMessage);
  // Without per-channel limits each channel may use the whole capacity, which load < capacity already checks.
  if (agent.capacityByChannel && agent.loadByChannel && agent.loadByChannel[channel] >= agent.capacityByChannel[channel]) return false;
  if (skillMatchOf(agent.skills, interaction.requiredSkill, interaction.overflowSkill, interaction.requiredLevel) === undefined) return false;
  if (interaction.stickyUntil !== undefined && interaction.stickyAgentId !== agent.agentId) return false;
  return (interaction.declinedUntil?.[agent.agentId] ?? 0) <= now;
}

/**
 * The pair a dispatch must make (the oracle of the dispatch property and of the router guarantees): the best
 * waiting interaction by queueScore (priority, then age, with aging), then id, that any agent may take, to the
 * best-matching of the agents who may (highest level in the required skill at or above its minimum level, or the
 * overflow skill once overflowed; plain skill names are level 1), then the longest-idle (idle time, then id). Undefined: no waiting interaction fits a free agent.
 */
export function expectedPair(
  agents: readonly AgentRecord[],
  queued: readonly InteractionRecord[],
  now: number,
  agingStepMs: number,
): DispatchPair | undefined {
  const byIdle = [...agents]
    .filter((agent) => agent.idleSince !== undefined)
    .sort((a, b) => (a.idleSince ?? 0) - (b.idleSince ?? 0) || (a.agentId < b.agentId ? -1 : 1));
  const byScore = [...queued].sort((a, b) => {
    const delta = queueScore(a.priority, a.createdAt, agingStepMs) - queueScore(b.priority, b.createdAt, agingStepMs);
    return delta || (a.interactionId < b.interactionId ? -1 : 1);
  });
  for (const interaction of byScore) {
    const match = (agent: AgentRecord): number =>
      skillMatchOf(agent.skills, interaction.requiredSkill, interaction.overflowSkill, interaction.requiredLevel) ?? -1;
    // The best-matching first (highest level in the skill that makes it eligible), then the longest-idle.
    const agent = byIdle.filter((candidate) => mayOffer(candidate, interaction, now)).reduce<AgentRecord | undefined>(
      (best, candidate) => (best === undefined || match(candidate) > match(best) ? candidate : best),
      undefined,
    );
    if (agent) return { interactionId: interaction.interactionId, agentId: agent.agentId };
  }
  return undefined;
}
