import type { SeriesBucketView, SupervisedAgentView, SupervisorQueuesView } from '@perch/desktop-api';
import { describe, expect, it } from 'vitest';

import {
  agentPage,
  type AgentQuery,
  applyAgentPush,
  applySeriesPush,
  formatDuration,
  interactionsPerHour,
  mixPerHour,
  oldestWaitMs,
  serviceLevelCell,
  settleLoad,
  stateCounts,
} from './dashboard-state.util';

const NOW = Date.parse('2026-12-03T10:17:30.000Z');

function agent(agentId: string, overrides: Partial<SupervisedAgentView> = {}): SupervisedAgentView {
  return {
    agentId,
    displayName: null,
    state: 'ready',
    reason: null,
    stateSince: new Date(NOW - 60_000).toISOString(),
    timeInStateMs: 60_000,
    capacity: 2,
    capacityByChannel: { public: 2, dm: 2 },
    load: 0,
    loadByChannel: { public: 0, dm: 0 },
    skills: [],
    ...overrides,
  };
}

function bucket(start: string, counts: Partial<Omit<SeriesBucketView, 'start'>> = {}): SeriesBucketView {
  return {
    start,
    created: 0,
    answered: 0,
    completed: 0,
    sentiment: { positive: 0, negative: 0, neutral: 0, undeclared: 0 },
    actionability: { actionable: 0, 'not-actionable': 0, undeclared: 0 },
    ...counts,
  };
}

const QUERY: AgentQuery = { text: '', state: 'all', sort: 'name', page: 0, pageSize: 50 };

describe('agents on the dashboard', () => {
  it('replaces pushed agents by id and keeps the others', () => {
    const loaded = new Map([
      ['ada', agent('ada')],
      ['bob', agent('bob')],
    ]);
    const next = applyAgentPush(loaded, [agent('bob', { state: 'not-ready', reason: 'break' }), agent('cy')]);
    expect([...next.values()].map((a) => [a.agentId, a.state])).toEqual([
      ['ada', 'ready'],
      ['bob', 'not-ready'],
      ['cy', 'ready'],
    ]);
    expect(loaded.get('bob')?.state).toBe('ready');
  });

  it('shows one page of a large floor at a time, filtered by name and state', () => {
    const floor = new Map(
      Array.from({ length: 1_000 }, (_, i) => {
        const id = `agent-${String(i).padStart(4, '0')}`;
        return [id, agent(id, { state: i % 4 === 0 ? 'not-ready' : 'ready' })] as const;
      }),
    );
    const first = agentPage(floor, QUERY, NOW);
    expect(first).toMatchObject({ total: 1_000, pages: 20, page: 0 });
    expect(first.rows).toHaveLength(50);
    expect(agentPage(floor, { ...QUERY, page: 99 }, NOW)).toMatchObject({ page: 19 });
    const notReady = agentPage(floor, { ...QUERY, state: 'not-ready', text: 'agent-00' }, NOW);
    expect(notReady.total).toBe(25);
    expect(notReady.rows.every((row) => row.state === 'not-ready')).toBe(true);
  });

  it('sorts by time in state (longest first) and by load relative to capacity', () => {
    const floor = new Map([
      ['ada', agent('ada', { stateSince: new Date(NOW - 5_000).toISOString(), load: 2, capacity: 2 })],
      ['bob', agent('bob', { stateSince: new Date(NOW - 500_000).toISOString(), load: 1, capacity: 4 })],
    ]);
    expect(agentPage(floor, { ...QUERY, sort: 'time-in-state' }, NOW).rows.map((row) => row.agentId)).toEqual(['bob', 'ada']);
    expect(agentPage(floor, { ...QUERY, sort: 'load' }, NOW).rows.map((row) => row.agentId)).toEqual(['ada', 'bob']);
    expect(stateCounts(floor)).toEqual({ ready: 2, 'not-ready': 0, 'wrap-up': 0, offline: 0 });
  });
});

describe('loading the dashboard', () => {
  it('applies the pushes that arrived during a load over what the load read, so nothing newer is rolled back', () => {
    const queues = (waiting: number): SupervisorQueuesView => ({
      at: new Date(NOW).toISOString(),
      serviceLevelThresholdMs: 60_000,
      window: { from: '', to: '' },
      queues: [],
      total: { waiting, oldestWaitMs: null, oldestWaitingSince: null, agentsAvailable: 0, offered: 0, answered: 0, answeredWithinSl: 0, abandoned: 0, serviceLevel: null, averageAnswerMs: null, agentOffers: 0, agentDeclines: 0, agentTimeouts: 0 },
    });
    const loaded = { queues: queues(1), agents: new Map([['ada', agent('ada')]]), buckets: [bucket('2026-12-03T10:15:00.000Z', { created: 1 })] };
    const settled = settleLoad(
      loaded,
      [
        { type: 'supervisor-snapshot', initial: false, queues: queues(2), agents: [agent('ada', { state: 'not-ready', reason: 'break' })], series: { at: '', from: '', to: '', bucketMs: 300_000, buckets: [bucket('2026-12-03T10:15:00.000Z', { created: 2 })] } },
        { type: 'supervisor-snapshot', initial: false, queues: queues(3), agents: [] },
      ],
      NOW,
    );
    expect(settled.queues.total.waiting).toBe(3);
    expect(settled.agents.get('ada')).toMatchObject({ state: 'not-ready', reason: 'break' });
    expect(settled.buckets.map((b) => b.created)).toEqual([2]);
  });
});

describe('queues on the dashboard', () => {
  it('keeps the oldest wait running from its creation, and says whether the service level meets its target', () => {
    expect(oldestWaitMs({ oldestWaitingSince: new Date(NOW - 95_000).toISOString() }, NOW)).toBe(95_000);
    expect(oldestWaitMs({ oldestWaitingSince: null }, NOW)).toBeNull();
    expect(serviceLevelCell(0.86, 0.8)).toEqual({ text: '86 %', status: 'met' });
    expect(serviceLevelCell(0.5, 0.8)).toEqual({ text: '50 %', status: 'missed' });
    expect(serviceLevelCell(null, 0.8)).toEqual({ text: '–', status: 'none' });
    expect([formatDuration(42_000), formatDuration(725_000), formatDuration(3_723_000), formatDuration(null)]).toEqual(['0:42', '12:05', '1:02:03', '–']);
  });
});

describe('charts on the dashboard', () => {
  it('replaces pushed buckets by start and drops those older than the window', () => {
    const loaded = [bucket('2026-12-02T08:00:00.000Z', { created: 9 }), bucket('2026-12-03T10:10:00.000Z', { created: 1 })];
    const next = applySeriesPush(
      loaded,
      { at: '', from: '', to: '', bucketMs: 300_000, buckets: [bucket('2026-12-03T10:10:00.000Z', { created: 2 }), bucket('2026-12-03T10:15:00.000Z', { created: 1 })] },
      NOW,
    );
    expect(next.map((b) => [b.start, b.created])).toEqual([
      ['2026-12-03T10:10:00.000Z', 2],
      ['2026-12-03T10:15:00.000Z', 1],
    ]);
  });

  it('sums five-minute buckets into 24 hourly bars ending with the current hour', () => {
    const chart = interactionsPerHour(
      [
        bucket('2026-12-03T10:05:00.000Z', { created: 3, answered: 2 }),
        bucket('2026-12-03T10:15:00.000Z', { created: 1, completed: 1 }),
        bucket('2026-12-03T09:55:00.000Z', { created: 4 }),
        // Before the window: left out.
        bucket('2026-12-02T10:55:00.000Z', { created: 7 }),
      ],
      NOW,
    );
    expect(chart.labels).toHaveLength(24);
    const data = Object.fromEntries(chart.datasets.map((set) => [set.key, set.data.slice(-2)]));
    expect(data).toEqual({ created: [4, 4], answered: [0, 2], completed: [0, 1] });
    expect(chart.datasets.reduce((total, set) => total + set.data.reduce((a, b) => a + b, 0), 0)).toBe(11);
  });

  it("shows each hour's mix as shares of that hour's arrivals, and an hour without arrivals as zeros", () => {
    const chart = mixPerHour(
      [
        bucket('2026-12-03T10:00:00.000Z', { created: 3, sentiment: { positive: 1, negative: 2, neutral: 0, undeclared: 0 } }),
        bucket('2026-12-03T10:05:00.000Z', { created: 1, sentiment: { positive: 0, negative: 0, neutral: 1, undeclared: 0 } }),
      ],
      NOW,
      'sentiment',
      2,
    );
    expect(chart.datasets.map((set) => [set.key, set.data])).toEqual([
      ['positive', [0, 25]],
      ['neutral', [0, 25]],
      ['negative', [0, 50]],
      ['undeclared', [0, 0]],
    ]);
    const actionability = mixPerHour([bucket('2026-12-03T10:00:00.000Z', { created: 2, actionability: { actionable: 1, 'not-actionable': 1, undeclared: 0 } })], NOW, 'actionability', 1);
    expect(actionability.datasets.map((set) => set.data[0])).toEqual([50, 50, 0]);
  });
});
