import { SERIES_BUCKET_MS, type SeriesBucket, zeroSeriesCounts } from './interaction-series-store.port';
import { seriesChangesView, seriesView, seriesWindow } from './supervisor-series.domain';

const HOUR = 60 * 60 * 1000;
const AT = Date.parse('2026-12-03T10:17:30.000Z');

function bucket(start: string, counts: Partial<SeriesBucket['counts']>): SeriesBucket {
  return { start: Date.parse(start), counts: { ...zeroSeriesCounts(), ...counts } };
}

describe('supervisor series views', () => {
  it('ends the window with the bucket holding now, and starts it the hours asked for before its end', () => {
    expect(seriesWindow(AT, 24, 60)).toEqual({ from: Date.parse('2026-12-02T11:00:00.000Z'), to: Date.parse('2026-12-03T11:00:00.000Z'), bucketMs: HOUR });
    expect(seriesWindow(AT, 1, 5)).toEqual({ from: Date.parse('2026-12-03T09:20:00.000Z'), to: Date.parse('2026-12-03T10:20:00.000Z'), bucketMs: SERIES_BUCKET_MS });
  });

  it('lists every bucket of the window, empty ones as zeros, summing the stored five-minute buckets', () => {
    const view = seriesView(
      [
        bucket('2026-12-03T09:05:00.000Z', { created: 2, 'sentiment:negative': 2, 'actionability:actionable': 1, 'actionability:not-actionable': 1 }),
        bucket('2026-12-03T09:55:00.000Z', { created: 1, answered: 3, 'sentiment:positive': 1, 'actionability:actionable': 1 }),
        bucket('2026-12-03T10:15:00.000Z', { completed: 4 }),
        // Outside the window: left out.
        bucket('2026-12-03T07:55:00.000Z', { created: 9 }),
      ],
      seriesWindow(AT, 3, 60),
      AT,
    );
    expect(view).toMatchObject({ from: '2026-12-03T08:00:00.000Z', to: '2026-12-03T11:00:00.000Z', bucketMs: HOUR, at: '2026-12-03T10:17:30.000Z' });
    expect(view.buckets.map((b) => [b.start, b.created, b.answered, b.completed])).toEqual([
      ['2026-12-03T08:00:00.000Z', 0, 0, 0],
      ['2026-12-03T09:00:00.000Z', 3, 3, 0],
      ['2026-12-03T10:00:00.000Z', 0, 0, 4],
    ]);
    expect(view.buckets[1]).toMatchObject({
      sentiment: { positive: 1, negative: 2, neutral: 0, undeclared: 0 },
      actionability: { actionable: 2, 'not-actionable': 1, undeclared: 0 },
    });
  });

  it('pushes only the buckets given, at the stored size, spanning them', () => {
    const view = seriesChangesView([bucket('2026-12-03T10:10:00.000Z', { created: 1 }), bucket('2026-12-03T10:15:00.000Z', { answered: 1 })], AT);
    expect(view).toMatchObject({ from: '2026-12-03T10:10:00.000Z', to: '2026-12-03T10:20:00.000Z', bucketMs: SERIES_BUCKET_MS });
    expect(view.buckets.map((b) => b.start)).toEqual(['2026-12-03T10:10:00.000Z', '2026-12-03T10:15:00.000Z']);
  });
});
