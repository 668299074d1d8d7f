import { type EventEnvelope, type InteractionLifecyclePayload } from '@perch/contracts';
import { newId } from '@perch/platform';

import { CLASSIFICATION, customerTweet, lifecycleEvent } from '../testing/gateway-unit.fixtures';
import { SERIES_BUCKET_MS, zeroSeriesCounts } from './interaction-series-store.port';
import { InteractionSeriesRules, seriesFactOf } from './interaction-series-projector.domain';
import { MemoryInteractionSeriesStore } from './memory-interaction-series-store.adapter';

const T0 = Date.parse('2026-12-03T10:00:00.000Z');

const event = lifecycleEvent;

describe('InteractionSeriesRules, with a series store', () => {
  let now: number;
  let store: MemoryInteractionSeriesStore;
  /** The rules' fact for an event, recorded in the store: true when it changed a counter. */
  let projector: { apply(event: EventEnvelope<InteractionLifecyclePayload>): Promise<boolean> };

  beforeEach(() => {
    now = T0 + 60 * 60 * 1000;
    store = new MemoryInteractionSeriesStore({}, { now: () => now });
    const rules = new InteractionSeriesRules({ clock: { now: () => now } });
    projector = {
      apply: async (event) => {
        const fact = rules.factOf(event);
        return fact ? store.record(fact) : false;
      },
    };
  });

  it("counts an arrival in its bucket with the model's sentiment and actionability, then its first accept and its completion", async () => {
    const id = newId();
    await projector.apply(event(id, 'created', T0 + 1_000, { message: customerTweet(), classification: { ...CLASSIFICATION, sentiment: 'positive', actionability: 'not-actionable' } }));
    await projector.apply(event(id, 'accepted', T0 + 20_000, { agentId: 'ada' }));
    await projector.apply(event(id, 'completed', T0 + SERIES_BUCKET_MS + 1, { agentId: 'ada' }));
    expect(await store.bucketsBetween(T0, T0 + 2 * SERIES_BUCKET_MS)).toEqual([
      { start: T0, counts: { ...zeroSeriesCounts(), created: 1, answered: 1, 'sentiment:positive': 1, 'actionability:not-actionable': 1 } },
      { start: T0 + SERIES_BUCKET_MS, counts: { ...zeroSeriesCounts(), completed: 1 } },
    ]);
  });

  it('counts an interaction answered once, whether its accept is redelivered, republished or a transfer accepted later', async () => {
    const id = newId();
    const accepted = event(id, 'accepted', T0, { agentId: 'ada' });
    expect(await projector.apply(accepted)).toBe(true);
    expect(await projector.apply(accepted)).toBe(false);
    expect(await projector.apply({ ...accepted, eventId: newId() })).toBe(false);
    expect(await projector.apply(event(id, 'accepted', T0 + 5_000, { agentId: 'bob', fromAgentId: 'ada' }))).toBe(false);
    expect((await store.bucketsBetween(T0, T0 + SERIES_BUCKET_MS))[0]?.counts.answered).toBe(1);
  });

  it('counts nothing for offers, declines, queueing and messages added', () => {
    const id = newId();
    for (const type of ['queued', 'offered', 'declined', 'offer-timed-out', 'message-added', 'transferred'] as const) {
      expect(seriesFactOf(event(id, type, T0, { agentId: 'ada' }))).toBeUndefined();
    }
  });

  it('skips events older than the longest window, so a replay from the earliest offset fills nothing stale', async () => {
    now = T0 + 49 * 60 * 60 * 1000;
    expect(await projector.apply(event(newId(), 'created', T0, { message: customerTweet(), classification: CLASSIFICATION }))).toBe(false);
    expect(await store.bucketsBetween(0, now)).toEqual([]);
  });
});
