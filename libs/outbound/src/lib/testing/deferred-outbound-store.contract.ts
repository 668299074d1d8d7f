import { randomUUID } from 'node:crypto';

import { type EventEnvelope, type OutboundRequestedPayload } from '@perch/contracts';

import { type DeferredOutboundStore } from '../deferred-outbound-store.port';

function command(): EventEnvelope<OutboundRequestedPayload> {
  return {
    eventId: randomUUID(),
    occurredAt: new Date(0).toISOString(),
    correlationId: 'corr-1',
    schemaVersion: 1,
    producer: 'gateway',
    payload: {
      commandId: randomUUID(),
      kind: 'reply',
      brandAccountId: '1001',
      agentId: 'ada',
      interactionId: randomUUID(),
      inReplyToTweetId: '1790000000000000001',
      text: '@dana we are on it',
      requestedAt: 1000,
    },
  };
}

/** The behaviour every DeferredOutboundStore adapter must have; run by the memory spec and the Redis integration spec. */
export function describeDeferredOutboundStoreContract(name: string, factory: () => DeferredOutboundStore | Promise<DeferredOutboundStore>): void {
  describe(`DeferredOutboundStore contract: ${name}`, () => {
    let store: DeferredOutboundStore;
    const ids = (due: { event: EventEnvelope<OutboundRequestedPayload> }[]) => due.map((d) => d.event.payload.commandId);

    beforeEach(async () => {
      store = await factory();
    });

    it('keeps a command until it is due, then hands it back whole, soonest first', async () => {
      const [late, early] = [command(), command()];
      await store.defer(late, 5_000);
      await store.defer(early, 2_000);
      expect(await store.due(1_000, 10)).toEqual([]);
      expect(ids(await store.due(3_000, 10))).toEqual([early.payload.commandId]);
      const due = await store.due(9_000, 10);
      expect(due).toEqual([
        { event: early, dueAt: 2_000 },
        { event: late, dueAt: 5_000 },
      ]);
      expect(ids(await store.due(9_000, 1))).toEqual([early.payload.commandId]);
    });

    it('moves a command deferred again to its new time', async () => {
      const event = command();
      await store.defer(event, 2_000);
      await store.defer(event, 8_000);
      expect(await store.due(5_000, 10)).toEqual([]);
      expect(await store.due(8_000, 10)).toEqual([{ event, dueAt: 8_000 }]);
    });

    it('removes a command only at the time it was taken, so a newer deferral of it survives', async () => {
      const event = command();
      await store.defer(event, 2_000);
      await store.defer(event, 7_000);
      await store.remove(event.payload.commandId, 2_000);
      expect(ids(await store.due(9_000, 10))).toEqual([event.payload.commandId]);
      await store.remove(event.payload.commandId, 7_000);
      expect(await store.due(9_000, 10)).toEqual([]);
    });

    it("pauses a brand's X window for every worker until it runs out, and a shorter pause never cuts a longer one", async () => {
      const scope = `1001:tweets:${randomUUID()}`;
      expect(await store.pausedForMs(scope)).toBe(0);
      await store.pause(scope, 5_000);
      expect(await store.pausedForMs(scope)).toBeGreaterThan(4_000);
      expect(await store.pausedForMs(`${scope}:other`)).toBe(0);
      await store.pause(scope, 1_000);
      expect(await store.pausedForMs(scope)).toBeGreaterThan(4_000);
      await store.pause(scope, 20_000);
      expect(await store.pausedForMs(scope)).toBeGreaterThan(15_000);
    });

    it('lets a paused window go once its pause has run out', async () => {
      const scope = `1001:dm:${randomUUID()}`;
      await store.pause(scope, 40);
      expect(await store.pausedForMs(scope)).toBeGreaterThan(0);
      await new Promise((resolve) => setTimeout(resolve, 80));
      expect(await store.pausedForMs(scope)).toBe(0);
    });
  });
}
