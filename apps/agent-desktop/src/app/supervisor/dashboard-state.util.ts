import type {
  QueueView,
  SeriesBucketView,
  SupervisedAgentView,
  SupervisorQueuesView,
  SupervisorSeriesView,
  SupervisorSnapshotMessage,
} from '@perch/desktop-api';

// The dashboard's state rules, without React: what a push changes, how the agents are filtered, sorted and paged, and
// how the series become chart data. The page holds the state and renders it; these are unit-tested (Vitest).

export const HOUR_MS = 60 * 60 * 1000;
export const SERIES_WINDOW_HOURS = 24;

/** The agents by id, as loaded over REST then replaced record by record by the pushes. */
export type AgentsById = ReadonlyMap<string, SupervisedAgentView>;

/** A push's agents (whole records) replace those with the same id; the others stay as they were. */
export function applyAgentPush(agents: AgentsById, pushed: readonly SupervisedAgentView[]): AgentsById {
  if (pushed.length === 0) return agents;
  const next = new Map(agents);
  for (const agent of pushed) next.set(agent.agentId, agent);
  return next;
}

/**
 * A push's buckets (whole five-minute buckets) replace those with the same start; buckets older than the window drop
 * off. Returns the buckets oldest first.
 */
export function applySeriesPush(buckets: readonly SeriesBucketView[], pushed: SupervisorSeriesView | undefined, now: number): SeriesBucketView[] {
  const byStart = new Map(buckets.map((bucket) => [bucket.start, bucket]));
  for (const bucket of pushed?.buckets ?? []) byStart.set(bucket.start, bucket);
  const horizon = now - SERIES_WINDOW_HOURS * HOUR_MS - HOUR_MS;
  return [...byStart.values()].filter((bucket) => Date.parse(bucket.start) >= horizon).sort((a, b) => a.start.localeCompare(b.start));
}

export interface DashboardSnapshot {
  queues: SupervisorQueuesView;
  agents: AgentsById;
  buckets: SeriesBucketView[];
}

/**
 * What a REST load shows once the pushes that arrived while it ran are applied again over it, in order: a load that
 * started before a push never rolls that push back.
 */
export function settleLoad(loaded: DashboardSnapshot, pushedMeanwhile: readonly SupervisorSnapshotMessage[], now: number): DashboardSnapshot {
  let { queues, agents, buckets } = loaded;
  for (const push of pushedMeanwhile) {
    queues = push.queues;
    agents = applyAgentPush(agents, push.agents);
    buckets = applySeriesPush(buckets, push.series, now);
  }
  return { queues, agents, buckets: applySeriesPush(buckets, undefined, now) };
}

export type AgentStateFilter = 'all' | SupervisedAgentView['state'];
export type AgentSort = 'name' | 'state' | 'time-in-state' | 'load';

export interface AgentQuery {
  /** Matches id or display name, case-insensitive. */
  text: string;
  state: AgentStateFilter;
  sort: AgentSort;
  page: number;
  pageSize: number;
}

export interface AgentPageResult {
  rows: SupervisedAgentView[];
  /** After filtering. */
  total: number;
  page: number;
  pages: number;
}

const STATE_ORDER: Record<SupervisedAgentView['state'], number> = { 'not-ready': 0, 'wrap-up': 1, ready: 2, offline: 3 };

/** The page of agents to show: filtered, sorted, then cut to one page (the table never renders the whole floor). */
export function agentPage(agents: AgentsById, query: AgentQuery, now: number): AgentPageResult {
  const text = query.text.trim().toLowerCase();
  const matching = [...agents.values()].filter(
    (agent) =>
      (query.state === 'all' || agent.state === query.state) &&
      (text === '' || agent.agentId.toLowerCase().includes(text) || (agent.displayName ?? '').toLowerCase().includes(text)),
  );
  const name = (agent: SupervisedAgentView): string => (agent.displayName ?? agent.agentId).toLowerCase();
  const compare: Record<AgentSort, (a: SupervisedAgentView, b: SupervisedAgentView) => number> = {
    name: (a, b) => name(a).localeCompare(name(b)),
    state: (a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state] || name(a).localeCompare(name(b)),
    // Longest in their state first: who has been on a break for too long.
    'time-in-state': (a, b) => timeInStateMs(b, now) - timeInStateMs(a, now) || name(a).localeCompare(name(b)),
    load: (a, b) => b.load / Math.max(1, b.capacity) - a.load / Math.max(1, a.capacity) || name(a).localeCompare(name(b)),
  };
  matching.sort(compare[query.sort]);
  const pages = Math.max(1, Math.ceil(matching.length / query.pageSize));
  const page = Math.min(Math.max(0, query.page), pages - 1);
  return { rows: matching.slice(page * query.pageSize, (page + 1) * query.pageSize), total: matching.length, page, pages };
}

/** How many agents are in each state. */
export function stateCounts(agents: AgentsById): Record<SupervisedAgentView['state'], number> {
  const counts = { ready: 0, 'not-ready': 0, 'wrap-up': 0, offline: 0 };
  for (const agent of agents.values()) counts[agent.state] += 1;
  return counts;
}

/** Time in state now (the record says since when; the clock keeps running between pushes). */
export function timeInStateMs(agent: SupervisedAgentView, now: number): number {
  return Math.max(0, now - Date.parse(agent.stateSince));
}

/** The oldest wait now, from when it was created (null when nothing waits). */
export function oldestWaitMs(queue: Pick<QueueView, 'oldestWaitingSince'>, now: number): number | null {
  return queue.oldestWaitingSince === null ? null : Math.max(0, now - Date.parse(queue.oldestWaitingSince));
}

export type ServiceLevelStatus = 'none' | 'met' | 'missed';

export interface ServiceLevelCell {
  /** "87 %" or "–". */
  text: string;
  status: ServiceLevelStatus;
}

/** The service level against the target share (e.g. 0.8: "80 % answered within the threshold"). */
export function serviceLevelCell(serviceLevel: number | null, target: number): ServiceLevelCell {
  if (serviceLevel === null) return { text: '–', status: 'none' };
  return { text: `${Math.round(serviceLevel * 100)} %`, status: serviceLevel >= target ? 'met' : 'missed' };
}

/** 0:42, 12:05, 1:02:03: short enough for a table cell. */
export function formatDuration(ms: number | null): string {
  if (ms === null) return '–';
  const total = Math.floor(ms / 1000);
  const hours = Math.floor(total / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const seconds = total % 60;
  const two = (n: number): string => String(n).padStart(2, '0');
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds)}` : `${minutes}:${two(seconds)}`;
}

/** The queues view with the totals row last, for the table. */
export function queueRows(view: SupervisorQueuesView): (QueueView | (SupervisorQueuesView['total'] & { id: 'total' }))[] {
  return [...view.queues, { ...view.total, id: 'total' as const }];
}

export interface ChartSeries {
  /** One label per bucket (local HH:MM of its start). */
  labels: string[];
  datasets: { key: string; label: string; data: number[] }[];
}

/** The five-minute buckets summed into hours: the last `hours` hours ending with the current one. */
export function hourlyBuckets(buckets: readonly SeriesBucketView[], now: number, hours = SERIES_WINDOW_HOURS): { start: number; buckets: SeriesBucketView[] }[] {
  const currentHour = Math.floor(now / HOUR_MS) * HOUR_MS;
  const hoursOut = Array.from({ length: hours }, (_, i) => ({ start: currentHour - (hours - 1 - i) * HOUR_MS, buckets: [] as SeriesBucketView[] }));
  const first = hoursOut[0]?.start ?? currentHour;
  for (const bucket of buckets) {
    const index = Math.floor((Date.parse(bucket.start) - first) / HOUR_MS);
    hoursOut[index]?.buckets.push(bucket);
  }
  return hoursOut;
}

function hourLabel(start: number): string {
  const date = new Date(start);
  return `${String(date.getHours()).padStart(2, '0')}:${String(date.getMinutes()).padStart(2, '0')}`;
}

function sum(buckets: readonly SeriesBucketView[], pick: (bucket: SeriesBucketView) => number): number {
  return buckets.reduce((total, bucket) => total + pick(bucket), 0);
}

/** Interactions per hour: created, answered and completed, one bar group per hour. */
export function interactionsPerHour(buckets: readonly SeriesBucketView[], now: number, hours = SERIES_WINDOW_HOURS): ChartSeries {
  const byHour = hourlyBuckets(buckets, now, hours);
  return {
    labels: byHour.map((hour) => hourLabel(hour.start)),
    datasets: (['created', 'answered', 'completed'] as const).map((key) => ({
      key,
      label: { created: 'Arrived', answered: 'Answered', completed: 'Completed' }[key],
      data: byHour.map((hour) => sum(hour.buckets, (bucket) => bucket[key])),
    })),
  };
}

type Sentiment = keyof SeriesBucketView['sentiment'];
type Actionability = keyof SeriesBucketView['actionability'];

const SENTIMENT_LABELS: Record<Sentiment, string> = { positive: 'Positive', neutral: 'Neutral', negative: 'Negative', undeclared: 'Unclear' };
const ACTIONABILITY_LABELS: Record<Actionability, string> = { actionable: 'Actionable', 'not-actionable': 'Not actionable', undeclared: 'Unclear' };

/**
 * The arrivals' mix per hour, each hour as shares (0..100 %) of that hour's arrivals, so hours of different traffic
 * compare; an hour without arrivals shows 0 for every value.
 */
export function mixPerHour(
  buckets: readonly SeriesBucketView[],
  now: number,
  kind: 'sentiment' | 'actionability',
  hours = SERIES_WINDOW_HOURS,
): ChartSeries {
  const byHour = hourlyBuckets(buckets, now, hours);
  const labels = kind === 'sentiment' ? SENTIMENT_LABELS : ACTIONABILITY_LABELS;
  const keys = Object.keys(labels) as (keyof typeof labels)[];
  return {
    labels: byHour.map((hour) => hourLabel(hour.start)),
    datasets: keys.map((key) => ({
      key,
      label: labels[key as never],
      data: byHour.map((hour) => {
        const arrivals = sum(hour.buckets, (bucket) => bucket.created);
        if (arrivals === 0) return 0;
        const count = sum(hour.buckets, (bucket) => (bucket[kind] as Record<string, number>)[key] ?? 0);
        return Math.round((count / arrivals) * 1000) / 10;
      }),
    })),
  };
}

/** The totals of the window, for the charts' headings. */
export function seriesTotals(buckets: readonly SeriesBucketView[]): { created: number; answered: number; completed: number } {
  return {
    created: sum(buckets, (bucket) => bucket.created),
    answered: sum(buckets, (bucket) => bucket.answered),
    completed: sum(buckets, (bucket) => bucket.completed),
  };
}
