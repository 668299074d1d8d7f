import { buildCorrected } from '../testing/interaction.fixtures';
import { exportCorrectionsAsJsonLines, trainingExampleOf } from './correction-export.util';
import { correctionRecordFromEvent } from './correction-record.util';
import { MemoryCorrectionStore } from './memory-correction-store.adapter';

async function collect(lines: AsyncIterable<string>): Promise<string[]> {
  const out: string[] = [];
  for await (const line of lines) out.push(line);
  return out;
}

describe('exportCorrectionsAsJsonLines', () => {
  it('writes one JSON line per correction, oldest first, with the agent’s labels and the model’s', async () => {
    const store = new MemoryCorrectionStore();
    await store.record(
      correctionRecordFromEvent(
        buildCorrected({
          text: 'great, another delay',
          corrected: { sentiment: 'negative' },
          original: { sentiment: 'positive', sentimentScore: 0.7, actionability: 'not-actionable', actionabilityScore: 0.6, model: 'lexicon-baseline@1' },
          correctedAt: 2000,
          note: 'sarcasm',
        }),
      ),
    );
    await store.record(
      correctionRecordFromEvent(
        buildCorrected({
          text: 'where is my bag?',
          corrected: { sentiment: 'neutral', actionability: 'actionable' },
          original: { sentiment: 'negative', sentimentScore: 0.8, actionability: 'undeclared', actionabilityScore: 0.2, model: 'lexicon-baseline@1' },
          correctedAt: 1000,
        }),
      ),
    );

    const lines = await collect(exportCorrectionsAsJsonLines(store));
    expect(lines.every((line) => line.endsWith('\n') && !line.slice(0, -1).includes('\n'))).toBe(true);
    expect(lines.map((line) => JSON.parse(line) as unknown)).toEqual([
      {
        text: 'where is my bag?',
        sentiment: 'neutral',
        actionability: 'actionable',
        originalSentiment: 'negative',
        originalActionability: 'undeclared',
        model: 'lexicon-baseline@1',
        correctedAt: 1000,
      },
      {
        text: 'great, another delay',
        sentiment: 'negative',
        originalSentiment: 'positive',
        originalActionability: 'not-actionable',
        model: 'lexicon-baseline@1',
        correctedAt: 2000,
      },
    ]);
  });

  it('reads page by page and neither skips nor repeats a correction at page boundaries', async () => {
    const store = new MemoryCorrectionStore();
    const listed = jest.spyOn(store, 'list');
    // Seven corrections, several in the same millisecond, over pages of three.
    for (let index = 0; index < 7; index += 1) {
      await store.record(correctionRecordFromEvent(buildCorrected({ text: `message ${index}`, correctedAt: 1000 + Math.floor(index / 3) })));
    }
    const texts = (await collect(exportCorrectionsAsJsonLines(store, { pageSize: 3 }))).map((line) => (JSON.parse(line) as { text: string }).text);
    expect([...texts].sort()).toEqual(Array.from({ length: 7 }, (_, index) => `message ${index}`));
    expect(listed).toHaveBeenCalledTimes(3);
  });

  it('writes nothing for an empty store and refuses a page size that is not a positive integer', async () => {
    const store = new MemoryCorrectionStore();
    expect(await collect(exportCorrectionsAsJsonLines(store))).toEqual([]);
    await expect(collect(exportCorrectionsAsJsonLines(store, { pageSize: 0 }))).rejects.toThrow(RangeError);
  });

  it('leaves out a label the agent did not correct rather than filling in the model’s', () => {
    const example = trainingExampleOf(correctionRecordFromEvent(buildCorrected({ corrected: { actionability: 'not-actionable' } })));
    expect(example).not.toHaveProperty('sentiment');
    expect(example).toMatchObject({ actionability: 'not-actionable', originalSentiment: 'negative', originalActionability: 'actionable' });
  });
});
