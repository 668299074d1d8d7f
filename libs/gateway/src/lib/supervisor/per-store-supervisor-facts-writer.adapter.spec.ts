import { type CounterFact, MemoryQueueCounterStore } from '@perch/routing';

import { type SeriesFact } from './interaction-series-store.port';
import { MemoryInteractionSeriesStore } from './memory-interaction-series-store.adapter';
import { PerStoreSupervisorFactsWriter } from './per-store-supervisor-facts-writer.adapter';

const AT = Date.parse('2026-12-03T10:00:00.000Z');
const counter: CounterFact = { interactionId: 'ix-1', mark: 'created', day: '2026-12-03', queue: { channel: 'public' }, add: { offered: 1 } };
const series: SeriesFact = { interactionId: 'ix-1', mark: 'created', at: AT, add: { created: 1 } };

describe('PerStoreSupervisorFactsWriter', () => {
  it('writes each fact through its own store and reports each outcome; a part not given is absent', async () => {
    const counters = new MemoryQueueCounterStore();
    const seriesStore = new MemoryInteractionSeriesStore();
    const writer = new PerStoreSupervisorFactsWriter(counters, seriesStore);
    expect(await writer.record({ counter, series })).toEqual({ counter: 'counted', series: true });
    expect(await writer.record({ counter, series })).toEqual({ counter: 'duplicate', series: false });
    expect(await writer.record({ counter: { ...counter, mark: 'offer:1', add: { agentOffers: 1 } } })).toEqual({ counter: 'counted' });
    expect(await writer.record({})).toEqual({});
    expect((await counters.countsOn('2026-12-03'))[0]?.counts).toMatchObject({ offered: 1, agentOffers: 1 });
    expect((await seriesStore.bucketsBetween(AT, AT + 1))[0]?.counts.created).toBe(1);
  });

  it('reports a failing part only once the other has finished, so a retry of the event never overlaps its own write', async () => {
    const counters = new MemoryQueueCounterStore();
    const seriesStore = new MemoryInteractionSeriesStore();
    let seriesDone = false;
    jest.spyOn(counters, 'record').mockRejectedValue(new Error('redis down'));
    const record = seriesStore.record.bind(seriesStore);
    jest.spyOn(seriesStore, 'record').mockImplementation(async (fact) => {
      await new Promise((resolve) => setTimeout(resolve, 20));
      const counted = await record(fact);
      seriesDone = true;
      return counted;
    });
    await expect(new PerStoreSupervisorFactsWriter(counters, seriesStore).record({ counter, series })).rejects.toThrow('redis down');
    expect(seriesDone).toBe(true);
  });
});
