import { type EventEnvelope, type InboundReceivedPayload, Topics } from '@perch/contracts';
import { type EventPublisher } from '@perch/messaging';
import { type Clock } from '@perch/platform';

import { type TextClassifier } from './classifier.port';

/** Adds sentiment and actionability to each inbound message and passes it on to the router. */
export class ClassifierService {
  constructor(
    private readonly classifier: TextClassifier,
    private readonly publisher: EventPublisher,
    private readonly clock: Clock,
  ) {}

  async handleReceived(event: EventEnvelope<InboundReceivedPayload>): Promise<void> {
    const classification = this.classifier.classify(event.payload.text);
    await this.publisher.publish(
      Topics.InboundClassified,
      { message: event.payload, classification, classifiedAt: this.clock.now() },
      { correlationId: event.correlationId, causationId: event.eventId },
    );
  }
}
