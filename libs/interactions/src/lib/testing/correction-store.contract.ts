import { randomUUID } from 'node:crypto';

import { type CorrectionRecord, type CorrectionStore } from '../corrections/correction-store.port';
import { correctionRecordFromEvent } from '../corrections/correction-record.util';
import { buildCorrected } from './interaction.fixtures';
import { type StoreHarness, useStartedStore } from './started-store.fixtures';

export type CorrectionStoreHarness = StoreHarness<CorrectionStore>;

function record(overrides: Partial<CorrectionRecord> = {}): CorrectionRecord {
  return { ...correctionRecordFromEvent(buildCorrected()), ...overrides };
}

/** Behaviour every CorrectionStore adapter must show; run by each adapter's spec. */
export function describeCorrectionStoreContract(name: string, factory: () => Promise<CorrectionStoreHarness>): void {
  describe(`CorrectionStore contract: ${name}`, () => {
    let store: CorrectionStore;
    useStartedStore(factory, (opened) => (store = opened));

    it('returns null for a correction it never kept, and lists nothing when empty', async () => {
      expect(await store.get(randomUUID())).toBeNull();
      expect(await store.list()).toEqual([]);
    });

    it('keeps every field of a correction: message, text, the model’s labels and scores, the agent’s labels, the note', async () => {
      const full = record({
        corrected: { sentiment: 'positive', actionability: 'not-actionable' },
        note: 'thanking us, nothing to do — “sarcasm” it is not',
        text: '@PerchAir you are the best 🙌 thanks for the upgrade',
        original: { sentiment: 'undeclared', sentimentScore: 0.3333, actionability: 'actionable', actionabilityScore: 0.51, model: 'logreg@2026-11-25' },
      });
      expect(await store.record(full)).toBe(true);
      expect(await store.get(full.correctionId)).toEqual(full);
    });

    it('keeps a correction of one label without inventing the other, and without a note', async () => {
      const onlyActionability = record({ corrected: { actionability: 'actionable' } });
      await store.record(onlyActionability);
      const kept = await store.get(onlyActionability.correctionId);
      expect(kept).toEqual(onlyActionability);
      expect(kept && 'sentiment' in kept.corrected).toBe(false);
      expect(kept && 'note' in kept).toBe(false);
    });

    it('keeps a redelivered correction once, as first written', async () => {
      const first = record({ corrected: { sentiment: 'neutral' } });
      expect(await store.record(first)).toBe(true);
      expect(await store.record({ ...first, corrected: { sentiment: 'positive' } })).toBe(false);
      expect(await store.get(first.correctionId)).toEqual(first);
      expect(await store.list()).toHaveLength(1);
    });

    it('lists corrections in the order they were made, then by id, a page at a time after a cursor', async () => {
      const ids = Array.from({ length: 4 }, () => randomUUID()).sort();
      const records = [
        record({ correctedAt: 3000, correctionId: ids[0] ?? '' }),
        record({ correctedAt: 1000, correctionId: ids[3] ?? '' }),
        record({ correctedAt: 2000, correctionId: ids[2] ?? '' }),
        record({ correctedAt: 2000, correctionId: ids[1] ?? '' }),
      ];
      for (const each of records) await store.record(each);
      const order = [ids[3], ids[1], ids[2], ids[0]];
      expect((await store.list()).map((r) => r.correctionId)).toEqual(order);

      const firstPage = await store.list({ limit: 2 });
      expect(firstPage.map((r) => r.correctionId)).toEqual(order.slice(0, 2));
      const last = firstPage[1];
      if (!last) throw new Error('a page of two');
      const secondPage = await store.list({ after: { correctedAt: last.correctedAt, correctionId: last.correctionId }, limit: 2 });
      expect(secondPage.map((r) => r.correctionId)).toEqual(order.slice(2));
      expect(await store.list({ after: { correctedAt: 3000, correctionId: ids[0] ?? '' } })).toEqual([]);
    });

    it('keeps every correction when many arrive at once', async () => {
      const many = Array.from({ length: 200 }, (_, index) => record({ correctedAt: 10_000 + index }));
      const results = await Promise.all([...many, ...many.slice(0, 50)].map((each) => store.record(each)));
      expect(results.filter(Boolean)).toHaveLength(200);
      expect(await store.list({ limit: 1000 })).toHaveLength(200);
    });

    it('returns copies: changing a returned record does not change the store', async () => {
      const kept = record();
      await store.record(kept);
      const read = await store.get(kept.correctionId);
      if (read) read.corrected.sentiment = 'positive';
      expect((await store.get(kept.correctionId))?.corrected).toEqual(kept.corrected);
    });
  });
}
