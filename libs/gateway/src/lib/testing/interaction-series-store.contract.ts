import { newId, ValidationFailedError } from '@perch/platform';

import { type InteractionSeriesStore, SERIES_BUCKET_MS, type SeriesFact, zeroSeriesCounts } from '../supervisor/interaction-series-store.port';

export interface InteractionSeriesStoreHarness {
  store: InteractionSeriesStore;
  dispose(): Promise<void>;
}

const T0 = Date.parse('2026-12-03T10:00:00.000Z');

/** One contract for every InteractionSeriesStore: each fact counted once per interaction and mark, in its five-minute bucket. */
export function describeInteractionSeriesStoreContract(name: string, factory: () => Promise<InteractionSeriesStoreHarness>): void {
  describe(`${name} (InteractionSeriesStore contract)`, () => {
    let harness: InteractionSeriesStoreHarness;

    beforeEach(async () => {
      harness = await factory();
    });

    afterEach(async () => {
      await harness.dispose();
    });

    function fact(overrides: Partial<SeriesFact> = {}): SeriesFact {
      return { interactionId: newId(), mark: 'created', at: T0 + 1_000, add: { created: 1, 'sentiment:negative': 1, 'actionability:actionable': 1 }, ...overrides };
    }

    it('reads a window with nothing counted as no bucket', async () => {
      expect(await harness.store.bucketsBetween(T0 - 3_600_000, T0 + 3_600_000)).toEqual([]);
    });

    it('counts a fact once per interaction and mark, however often it comes', async () => {
      const created = fact();
      expect(await harness.store.record(created)).toBe(true);
      expect(await harness.store.record(created)).toBe(false);
      expect(await harness.store.record({ ...created, add: { created: 7 } })).toBe(false);
      expect(await harness.store.record(fact())).toBe(true);
      expect(await harness.store.record({ ...created, mark: 'answered', add: { answered: 1 } })).toBe(true);
      expect(await harness.store.bucketsBetween(T0, T0 + SERIES_BUCKET_MS)).toEqual([
        { start: T0, counts: { ...zeroSeriesCounts(), created: 2, answered: 1, 'sentiment:negative': 2, 'actionability:actionable': 2 } },
      ]);
    });

    it('places each fact in the five-minute bucket it happened in, across hours, and reads only the window asked for', async () => {
      await harness.store.record(fact({ at: T0 - 1 }));
      await harness.store.record(fact({ at: T0 + SERIES_BUCKET_MS - 1 }));
      await harness.store.record(fact({ at: T0 + SERIES_BUCKET_MS }));
      await harness.store.record(fact({ at: T0 + 3 * 3_600_000 }));
      const starts = (await harness.store.bucketsBetween(T0 - 3_600_000, T0 + 4 * 3_600_000)).map((bucket) => [bucket.start - T0, bucket.counts.created]);
      expect(starts).toEqual([
        [-SERIES_BUCKET_MS, 1],
        [0, 1],
        [SERIES_BUCKET_MS, 1],
        [3 * 3_600_000, 1],
      ]);
      expect((await harness.store.bucketsBetween(T0, T0 + 2 * SERIES_BUCKET_MS)).map((bucket) => bucket.start - T0)).toEqual([0, SERIES_BUCKET_MS]);
    });

    it('sets the mark of a fact that adds nothing, so a later one under the same mark does not count', async () => {
      const interactionId = newId();
      expect(await harness.store.record(fact({ interactionId, mark: 'completed', add: {} }))).toBe(true);
      expect(await harness.store.record(fact({ interactionId, mark: 'completed', add: { completed: 1 } }))).toBe(false);
      expect(await harness.store.bucketsBetween(T0 - 3_600_000, T0 + 3_600_000)).toEqual([]);
    });

    it('counts racing deliveries of one fact once', async () => {
      const created = fact();
      const outcomes = await Promise.all(Array.from({ length: 10 }, () => harness.store.record(created)));
      expect(outcomes.filter(Boolean)).toHaveLength(1);
      expect((await harness.store.bucketsBetween(T0, T0 + SERIES_BUCKET_MS))[0]?.counts.created).toBe(1);
    });

    it('refuses a fact with an unknown counter, a negative increment or no time, naming the field', async () => {
      await expect(harness.store.record(fact({ add: { created: -1 } }))).rejects.toBeInstanceOf(ValidationFailedError);
      await expect(harness.store.record(fact({ add: { bogus: 1 } as unknown as SeriesFact['add'] }))).rejects.toMatchObject({
        problems: [{ field: 'add.bogus' }],
      });
      await expect(harness.store.record(fact({ at: Number.NaN }))).rejects.toMatchObject({ problems: [{ field: 'at' }] });
    });
  });
}
