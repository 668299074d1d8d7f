import {
  type AgentSnapshot,
  compareQueues,
  type LiveQueue,
  type LiveQueues,
  type QueueCounts,
  type QueueDayCounts,
  queueKeyOf,
  type QueueRef,
  zeroCounts,
} from '@perch/routing';

import {
  type QueueCountsView,
  type QueueLiveView,
  type QueueView,
  type SupervisedAgentView,
  type SupervisorQueuesView,
} from './supervisor-view.types';

export interface QueuesViewInput {
  live: LiveQueues;
  /** The counters of the window's day. */
  counts: QueueDayCounts[];
  at: number;
  serviceLevelMs: number;
}

/** The queues view: the router's live state and the day's counters side by side, per queue and for the tenant. */
export function queuesView(input: QueuesViewInput): SupervisorQueuesView {
  const { live, counts, at } = input;
  const byKey = new Map<string, { queue: QueueRef; live?: LiveQueue; counts?: QueueCounts }>();
  for (const queue of live.queues) byKey.set(queueKeyOf(queue), { queue, live: queue });
  for (const entry of counts) {
    const key = queueKeyOf(entry.queue);
    byKey.set(key, { queue: entry.queue, ...byKey.get(key), counts: entry.counts });
  }
  const queues: QueueView[] = [...byKey.values()]
    .sort((a, b) => compareQueues(a.queue, b.queue))
    .map(({ queue, live: now, counts: day }) => ({
      id: queue.skill === undefined ? queue.channel : `${queue.channel}/${queue.skill}`,
      channel: queue.channel,
      skill: queue.skill ?? null,
      ...liveView(now?.waiting ?? 0, now?.oldestCreatedAt, now?.agentsAvailable ?? 0, at),
      agentsSignedIn: now?.agentsSignedIn ?? 0,
      ...countsView(day ?? zeroCounts()),
    }));
  const sum = zeroCounts();
  for (const entry of counts) for (const name of Object.keys(sum) as (keyof QueueCounts)[]) sum[name] += entry.counts[name];
  const midnight = new Date(at);
  midnight.setUTCHours(0, 0, 0, 0);
  return {
    at: new Date(at).toISOString(),
    serviceLevelThresholdMs: input.serviceLevelMs,
    window: { from: midnight.toISOString(), to: new Date(at).toISOString() },
    queues,
    total: { ...liveView(live.waiting, live.oldestCreatedAt, live.agentsAvailable, at), ...countsView(sum) },
  };
}

function liveView(waiting: number, oldestCreatedAt: number | undefined, agentsAvailable: number, at: number): QueueLiveView {
  return {
    waiting,
    oldestWaitMs: oldestCreatedAt === undefined ? null : Math.max(0, at - oldestCreatedAt),
    oldestWaitingSince: oldestCreatedAt === undefined ? null : new Date(oldestCreatedAt).toISOString(),
    agentsAvailable,
  };
}

/** Ratios from the raw counts: the service level over everything that left the queue (answered or abandoned). */
export function countsView(counts: QueueCounts): QueueCountsView {
  const settled = counts.answered + counts.abandoned;
  return {
    offered: counts.offered,
    answered: counts.answered,
    answeredWithinSl: counts.answeredWithinSl,
    abandoned: counts.abandoned,
    serviceLevel: settled === 0 ? null : counts.answeredWithinSl / settled,
    averageAnswerMs: counts.answered === 0 ? null : Math.round(counts.answerMsTotal / counts.answered),
    agentOffers: counts.agentOffers,
    agentDeclines: counts.agentDeclines,
    agentTimeouts: counts.agentTimeouts,
  };
}

export function supervisedAgentView(agent: AgentSnapshot, at: number, displayName: string | undefined): SupervisedAgentView {
  return {
    agentId: agent.agentId,
    displayName: displayName ?? null,
    state: agent.state,
    reason: agent.reason ?? null,
    stateSince: new Date(agent.stateSince).toISOString(),
    timeInStateMs: Math.max(0, at - agent.stateSince),
    capacity: agent.capacity,
    capacityByChannel: { ...agent.capacityByChannel },
    load: agent.load,
    loadByChannel: { ...agent.loadByChannel },
    skills: [...agent.skills],
  };
}

/** What must change for a snapshot to be pushed again: everything but the clock (waits and times in state run on). */
export function queuesFingerprint(view: SupervisorQueuesView): string {
  return JSON.stringify(view, (key, value: unknown) => (key === 'at' || key === 'oldestWaitMs' || key === 'window' ? undefined : value));
}

export function agentFingerprint(agent: AgentSnapshot): string {
  return JSON.stringify(agent);
}
