import { EventBus, KafkaTransport, NamespacedTransport, type Transport } from '@perch/messaging';
import { createLogger } from '@perch/platform';

export interface EventTapOptions {
  /** Comma-separated, as in KAFKA_BROKERS. */
  brokers: string;
  /** The PERCH_NAMESPACE of the apps under test: the tap reads and writes their topics by logical name. */
  namespace: string;
  clientId: string;
}

/** A test's or benchmark's own connection to the apps' topics: subscribe to what they publish, inject raw messages. */
export class EventTap {
  private constructor(
    private readonly kafka: KafkaTransport,
    /** Logical topic and group names; the namespace is added on the wire. */
    readonly transport: Transport,
    readonly bus: EventBus,
  ) {}

  static async open(options: EventTapOptions): Promise<EventTap> {
    const logger = createLogger(options.clientId);
    const kafka = new KafkaTransport({ brokers: options.brokers.split(','), clientId: options.clientId, logger });
    await kafka.connect();
    const transport = new NamespacedTransport(kafka, `${options.namespace}.`);
    return new EventTap(kafka, transport, new EventBus(transport, { producer: options.clientId, logger }));
  }

  async close(): Promise<void> {
    await this.bus.stop();
    await this.kafka.disconnect();
  }
}
