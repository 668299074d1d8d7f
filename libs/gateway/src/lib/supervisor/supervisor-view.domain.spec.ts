import { type LiveQueues, type QueueCounts, zeroCounts } from '@perch/routing';

import { agentFingerprint, countsView, queuesFingerprint, queuesView, supervisedAgentView } from './supervisor-view.domain';

const AT = Date.parse('2026-12-03T10:15:00.000Z');

function counts(overrides: Partial<QueueCounts>): QueueCounts {
  return { ...zeroCounts(), ...overrides };
}

describe('supervisor views', () => {
  const live: LiveQueues = {
    queues: [
      { channel: 'dm', waiting: 0, agentsAvailable: 2, agentsSignedIn: 3 },
      { channel: 'public', waiting: 4, oldestCreatedAt: AT - 90_000, agentsAvailable: 0, agentsSignedIn: 3 },
    ],
    waiting: 4,
    oldestCreatedAt: AT - 90_000,
    agentsAvailable: 2,
  };

  it('puts the live state and the day’s counts of each queue side by side, waits measured at the read', () => {
    const view = queuesView({
      live,
      counts: [
        { queue: { channel: 'public' }, counts: counts({ offered: 10, answered: 8, answeredWithinSl: 6, answerMsTotal: 8 * 30_000, abandoned: 2 }) },
        // Counted today, nothing there now: still listed.
        { queue: { channel: 'public', skill: 'billing' }, counts: counts({ offered: 1, answered: 1, answeredWithinSl: 1, answerMsTotal: 5_000 }) },
      ],
      at: AT,
      serviceLevelMs: 60_000,
    });
    expect(view.at).toBe('2026-12-03T10:15:00.000Z');
    expect(view.window).toEqual({ from: '2026-12-03T00:00:00.000Z', to: '2026-12-03T10:15:00.000Z' });
    expect(view.serviceLevelThresholdMs).toBe(60_000);
    expect(view.queues.map((queue) => queue.id)).toEqual(['dm', 'public', 'public/billing']);
    expect(view.queues[1]).toEqual({
      id: 'public',
      channel: 'public',
      skill: null,
      waiting: 4,
      oldestWaitMs: 90_000,
      oldestWaitingSince: '2026-12-03T10:13:30.000Z',
      agentsAvailable: 0,
      agentsSignedIn: 3,
      offered: 10,
      answered: 8,
      answeredWithinSl: 6,
      abandoned: 2,
      serviceLevel: 0.6,
      averageAnswerMs: 30_000,
      agentOffers: 0,
      agentDeclines: 0,
      agentTimeouts: 0,
    });
    expect(view.queues[2]).toMatchObject({ skill: 'billing', waiting: 0, oldestWaitMs: null, oldestWaitingSince: null, agentsSignedIn: 0, offered: 1 });
    expect(view.total).toMatchObject({ waiting: 4, oldestWaitMs: 90_000, agentsAvailable: 2, offered: 11, answered: 9, answeredWithinSl: 7, abandoned: 2, serviceLevel: 7 / 11 });
    expect(view.total.averageAnswerMs).toBe(Math.round((8 * 30_000 + 5_000) / 9));
  });

  it('gives no service level or speed of answer before anything was answered or abandoned', () => {
    expect(countsView(counts({ offered: 3 }))).toMatchObject({ serviceLevel: null, averageAnswerMs: null });
    expect(countsView(counts({ abandoned: 1 }))).toMatchObject({ serviceLevel: 0, averageAnswerMs: null });
  });

  it('shows an agent with its reason, time in state at the read and both channels', () => {
    const agent = {
      agentId: 'ada',
      state: 'not-ready' as const,
      reason: 'break',
      stateSince: AT - 5 * 60_000,
      capacity: 3,
      capacityByChannel: { public: 2, dm: 1 },
      load: 1,
      loadByChannel: { public: 0, dm: 1 },
      skills: ['billing'],
    };
    expect(supervisedAgentView(agent, AT, 'Ada Lovelace')).toEqual({
      agentId: 'ada',
      displayName: 'Ada Lovelace',
      state: 'not-ready',
      reason: 'break',
      stateSince: '2026-12-03T10:10:00.000Z',
      timeInStateMs: 300_000,
      capacity: 3,
      capacityByChannel: { public: 2, dm: 1 },
      load: 1,
      loadByChannel: { public: 0, dm: 1 },
      skills: ['billing'],
    });
    const { reason: _reason, ...ready } = { ...agent, state: 'ready' as const };
    expect(supervisedAgentView(ready, AT, undefined)).toMatchObject({ displayName: null, reason: null });
  });

  it('sees a change in the queues, never the clock alone, as a reason to push again', () => {
    const view = (at: number, waiting: number): string =>
      queuesFingerprint(queuesView({ live: { ...live, waiting }, counts: [], at, serviceLevelMs: 60_000 }));
    expect(view(AT + 1_000, 4)).toBe(view(AT, 4));
    expect(view(AT, 5)).not.toBe(view(AT, 4));
    const agent = { agentId: 'a', state: 'ready' as const, stateSince: 1, capacity: 1, capacityByChannel: { public: 1, dm: 1 }, load: 0, loadByChannel: { public: 0, dm: 0 }, skills: [] };
    expect(agentFingerprint({ ...agent, load: 1 })).not.toBe(agentFingerprint(agent));
  });
});
