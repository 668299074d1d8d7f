import { Kafka, type ProducerConfig } from 'kafkajs';

import { KafkaTransport } from './kafka-transport.adapter';

describe(KafkaTransport.name, () => {
  afterEach(() => jest.restoreAllMocks());

  function producerConfigOf(options: Partial<ConstructorParameters<typeof KafkaTransport>[0]> = {}): ProducerConfig | undefined {
    // Observes the config the adapter hands kafkajs; nothing connects, so no broker is needed.
    const producer = jest.spyOn(Kafka.prototype, 'producer');
    new KafkaTransport({ brokers: ['127.0.0.1:9'], ...options });
    return producer.mock.lastCall?.[0];
  }

  it('creates an idempotent producer with one request in flight, as kafkajs requires for idempotence', () => {
    expect(producerConfigOf()).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
  });

  it('retries a failed produce request for about two minutes, so a broker restart does not fail publishes', () => {
    const retry = producerConfigOf()?.retry;
    expect(retry).toMatchObject({ retries: 15, initialRetryTime: 300, maxRetryTime: 10_000 });
    expect(producerConfigOf({ producerRetries: 3 })?.retry?.retries).toBe(3);
  });
});
