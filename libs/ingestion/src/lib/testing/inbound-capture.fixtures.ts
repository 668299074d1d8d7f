import { type DeadLetterRecord, deadLetterTopicOf, type InboundReceivedPayload, Topics } from '@perch/contracts';
import { EventBus, type MemoryTransport, perchTopicSpecs } from '@perch/messaging';
import { createLogger } from '@perch/platform';

import { type InboundSource, type InboundSourceHandlers } from '../inbound-source.port';

/** A source the spec drives by hand: it calls the handlers the ingestor gave it. */
export class ManualSource implements InboundSource {
  handlers?: InboundSourceHandlers;
  async start(handlers: InboundSourceHandlers): Promise<void> {
    this.handlers = handlers;
  }
  async stop(): Promise<void> {
    this.handlers = undefined;
  }
}

/**
 * Connects `transport` and returns the ingestor's bus on it, with readers that collect what is published on
 * inbound.received into `published` and what is dead-lettered from it into `deadLetters` (the spec clears both).
 */
export async function ingestorBusCapturing(
  transport: MemoryTransport,
  published: InboundReceivedPayload[],
  deadLetters: DeadLetterRecord[],
): Promise<EventBus> {
  await transport.connect();
  await transport.ensureTopics(perchTopicSpecs());
  const bus = new EventBus(transport, { producer: 'ingestor', logger: createLogger('test') });
  await bus.subscribe(Topics.InboundReceived, 'reader', async (e) => void published.push(e.payload), { fromBeginning: true });
  await transport.consume({ groupId: 'dlq', topics: [deadLetterTopicOf(Topics.InboundReceived)], fromBeginning: true }, async (messages) => {
    for (const m of messages) deadLetters.push(JSON.parse(m.value) as DeadLetterRecord);
  });
  return bus;
}
