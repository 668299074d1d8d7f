import { newId, ValidationFailedError } from '@perch/platform';

import { type CounterFact, type QueueCounterStore, zeroCounts } from '../supervision/queue-counter-store.port';

export interface QueueCounterStoreHarness {
  store: QueueCounterStore;
  dispose(): Promise<void>;
}

const DAY = '2026-12-03';

/** One contract for every QueueCounterStore: each fact counted once per interaction and mark, atomically. */
export function describeQueueCounterStoreContract(name: string, factory: () => Promise<QueueCounterStoreHarness>): void {
  describe(`${name} (QueueCounterStore contract)`, () => {
    let harness: QueueCounterStoreHarness;

    beforeEach(async () => {
      harness = await factory();
    });

    afterEach(async () => {
      await harness.dispose();
    });

    function fact(overrides: Partial<CounterFact> = {}): CounterFact {
      return { interactionId: newId(), mark: 'created', day: DAY, queue: { channel: 'public' }, add: { offered: 1 }, ...overrides };
    }

    it('reads a day with nothing counted as no queue', async () => {
      expect(await harness.store.countsOn(DAY)).toEqual([]);
    });

    it('counts a fact once per interaction and mark, however often it comes', async () => {
      const created = fact();
      expect(await harness.store.record(created)).toBe('counted');
      expect(await harness.store.record(created)).toBe('duplicate');
      expect(await harness.store.record({ ...created, add: { offered: 5 } })).toBe('duplicate');
      expect(await harness.store.record(fact())).toBe('counted');
      expect(await harness.store.countsOn(DAY)).toEqual([{ queue: { channel: 'public' }, counts: { ...zeroCounts(), offered: 2 } }]);
    });

    it('keeps each queue and each day apart, queues by channel then skill', async () => {
      const interactionId = newId();
      await harness.store.record(fact({ interactionId, queue: { channel: 'public', skill: 'billing' } }));
      await harness.store.record(
        fact({ interactionId, mark: 'answered', queue: { channel: 'public', skill: 'billing' }, add: { answered: 1, answeredWithinSl: 1, answerMsTotal: 12_345 } }),
      );
      await harness.store.record(fact({ queue: { channel: 'dm', skill: 'langue:fr' } }));
      await harness.store.record(fact({ day: '2026-12-04' }));
      expect(await harness.store.countsOn(DAY)).toEqual([
        { queue: { channel: 'dm', skill: 'langue:fr' }, counts: { ...zeroCounts(), offered: 1 } },
        { queue: { channel: 'public', skill: 'billing' }, counts: { ...zeroCounts(), offered: 1, answered: 1, answeredWithinSl: 1, answerMsTotal: 12_345 } },
      ]);
      expect(await harness.store.countsOn('2026-12-04')).toEqual([{ queue: { channel: 'public' }, counts: { ...zeroCounts(), offered: 1 } }]);
    });

    it('counts a conditional fact only when its conditions hold, and sets its mark either way', async () => {
      const abandoned = (interactionId: string): CounterFact =>
        fact({ interactionId, mark: 'ended', unlessMarked: 'answered', ifMarked: 'created', add: { abandoned: 1 } });
      const answered = newId();
      await harness.store.record(fact({ interactionId: answered }));
      await harness.store.record(fact({ interactionId: answered, mark: 'answered', add: { answered: 1 } }));
      expect(await harness.store.record(abandoned(answered))).toBe('not-counted');
      expect(await harness.store.record(abandoned(answered))).toBe('duplicate');

      const neverSeenCreated = newId();
      expect(await harness.store.record(abandoned(neverSeenCreated))).toBe('not-counted');

      const leftWaiting = newId();
      await harness.store.record(fact({ interactionId: leftWaiting }));
      expect(await harness.store.record(abandoned(leftWaiting))).toBe('counted');
      expect(await harness.store.countsOn(DAY)).toEqual([
        { queue: { channel: 'public' }, counts: { ...zeroCounts(), offered: 2, answered: 1, abandoned: 1 } },
      ]);
    });

    it('counts a fact raced by its redeliveries exactly once', async () => {
      const raced = fact({ mark: 'answered', add: { answered: 1 } });
      const outcomes = await Promise.all(Array.from({ length: 12 }, () => harness.store.record(raced)));
      expect(outcomes.filter((outcome) => outcome === 'counted')).toHaveLength(1);
      expect(await harness.store.countsOn(DAY)).toEqual([{ queue: { channel: 'public' }, counts: { ...zeroCounts(), answered: 1 } }]);
    });

    it('refuses a malformed fact and counts nothing', async () => {
      await expect(harness.store.record(fact({ day: '3 Dec' }))).rejects.toThrow(ValidationFailedError);
      await expect(harness.store.record(fact({ add: { offered: -1 } }))).rejects.toThrow(ValidationFailedError);
      await expect(harness.store.record(fact({ mark: '' }))).rejects.toThrow(ValidationFailedError);
      expect(await harness.store.countsOn(DAY)).toEqual([]);
    });
  });
}
