import type { AgentStateName } from '@perch/contracts';

// What supervisors read (GET /api/supervisor/…) and are pushed (`supervisor-snapshot` on the socket); the gateway's
// supervisor-view.types.ts re-exports these.

/** A queue's counts since the window's start (midnight UTC), from the router's lifecycle events. */
export interface QueueCountsView {
  /** Interactions that entered the queue. */
  offered: number;
  /** Interactions an agent accepted (each once). */
  answered: number;
  /** Of those, accepted within `serviceLevelThresholdMs` of their creation. */
  answeredWithinSl: number;
  /** Interactions that ended without ever being accepted. */
  abandoned: number;
  /** answeredWithinSl / (answered + abandoned), 0..1; null while neither happened. */
  serviceLevel: number | null;
  /** Mean wait from creation to accept (ms) of the answered ones; null while none. */
  averageAnswerMs: number | null;
  /** Offers the router made to agents, and those declined or left to time out. */
  agentOffers: number;
  agentDeclines: number;
  agentTimeouts: number;
}

/** What waits now, as the router's store holds it at `at`. */
export interface QueueLiveView {
  waiting: number;
  /** How long the oldest waiting interaction has waited at `at` (ms); null when none waits. */
  oldestWaitMs: number | null;
  /** When it was created (ISO): clients add the time since `at` to keep the wait running. */
  oldestWaitingSince: string | null;
  /** Ready agents with room who may take this work now. */
  agentsAvailable: number;
}

export interface QueueView extends QueueLiveView, QueueCountsView {
  /** `<channel>` or `<channel>/<skill>`. */
  id: string;
  channel: 'public' | 'dm';
  /** The skill its work requires; null: anyone may take it. */
  skill: string | null;
  /** Signed-in agents with capacity in the channel and the skill. */
  agentsSignedIn: number;
}

export interface SupervisorQueuesView {
  /** When this was read (ISO). */
  at: string;
  serviceLevelThresholdMs: number;
  /** The counters' window: since midnight UTC, up to `at`. */
  window: { from: string; to: string };
  /** By channel, then skill: every queue with waiting work, signed-in agents or counts in the window. */
  queues: QueueView[];
  /** The tenant: each waiting interaction once (an overflowed one waits in two queues), counts summed over queues. */
  total: QueueLiveView & QueueCountsView;
}

export interface SupervisedAgentView {
  agentId: string;
  /** From the agent directory; null for an agent the router knows and this gateway's configuration does not. */
  displayName: string | null;
  state: AgentStateName;
  /** The not-ready reason code, when one was given. */
  reason: string | null;
  stateSince: string;
  /** At the view's `at`. */
  timeInStateMs: number;
  capacity: number;
  capacityByChannel: { public: number; dm: number };
  load: number;
  loadByChannel: { public: number; dm: number };
  skills: string[];
}

export interface SupervisedAgentsPage {
  at: string;
  agents: SupervisedAgentView[];
  /** Pass as `cursor` for the next page; null on the last. */
  nextCursor: string | null;
}
