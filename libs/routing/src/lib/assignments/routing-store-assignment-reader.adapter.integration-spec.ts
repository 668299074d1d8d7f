import { newId } from '@perch/platform';

import { describeAssignmentReaderContract } from '../testing/assignment-reader.contract';
import { redisReaderHarness } from '../testing/redis-reader-harness.fixtures';
import { inboundMessage, upsertInput } from '../testing/routing.fixtures';
import { assignmentOfRecord, redisAssignmentReader } from './routing-store-assignment-reader.adapter';

const harnessOf = redisReaderHarness('assignments', redisAssignmentReader);

describeAssignmentReaderContract('redisAssignmentReader', harnessOf);

describe('redisAssignmentReader reads a third of the record (ADR 45)', () => {
  const OFFER_TIMEOUT_MS = 30_000;

  it('answers at every step of an interaction what the router’s whole record says', async () => {
    const harness = await harnessOf();
    try {
      const { reader, store } = harness;
      const sameAsRecord = async (interactionId: string): Promise<void> => {
        const record = await store.getInteraction(interactionId);
        expect(record).toBeDefined();
        if (record) expect(await reader.holderOf(interactionId)).toEqual(assignmentOfRecord(record));
      };
      const now = 1_760_000_000_000;
      const interactionId = newId();
      await store.setPresence({ agentId: 'ada', state: 'ready', capacity: 2, now });
      await store.upsertInteraction(upsertInput(now, { interactionIdIfNew: interactionId, message: inboundMessage({ kind: 'dm' }) }));
      const steps: [string, () => Promise<unknown>][] = [
        ['offered', () => store.dispatch(now + 1, OFFER_TIMEOUT_MS, 'offer-1')],
        ['declined', () => store.decline(interactionId, 'offer-1', 'ada', now + 2)],
        ['offered to bob', () => store.setPresence({ agentId: 'bob', state: 'ready', capacity: 2, now: now + 3 }).then(() => store.dispatch(now + 4, OFFER_TIMEOUT_MS, 'offer-2'))],
        ['assigned', () => store.accept(interactionId, 'offer-2', 'bob', now + 5)],
        [
          'transfer offered',
          () => store.offerTransfer({ interactionId, fromAgentId: 'bob', toAgentId: 'ada', offerId: 'xfer-1', now: now + 6, offerTimeoutMs: OFFER_TIMEOUT_MS, reason: 'billing question' }),
        ],
        ['transfer declined', () => store.decline(interactionId, 'xfer-1', 'ada', now + 7)],
        [
          'invited',
          () =>
            store.setPresence({ agentId: 'eve', state: 'ready', capacity: 2, now: now + 8 }).then(() =>
              store.offerConference({ interactionId, fromAgentId: 'bob', toAgentId: 'eve', offerId: 'conf-1', now: now + 9, offerTimeoutMs: OFFER_TIMEOUT_MS, maxAgents: 3, reason: 'second opinion' }),
            ),
        ],
        ['in conference', () => store.accept(interactionId, 'conf-1', 'eve', now + 10)],
      ];
      await sameAsRecord(interactionId);
      for (const [, step] of steps) {
        await step();
        await sameAsRecord(interactionId);
      }
      expect(await reader.holderOf(interactionId)).toMatchObject({ state: 'assigned', agentId: 'bob', conferenceAgentIds: ['eve'], channel: 'dm' });

      await store.leaveConference({ interactionId, agentId: 'eve', now: now + 11 });
      await store.complete(interactionId, 'bob', now + 12);
      // Completed: the live record is gone and the retained copy answers.
      await sameAsRecord(interactionId);
      expect(await reader.holderOf(interactionId)).toMatchObject({ state: 'completed', agentId: 'bob', channel: 'dm' });
    } finally {
      await harness.dispose();
    }
  });
});
