import { type Admin, type ConsumerConfig, Kafka, KafkaJSProtocolError, logLevel, type Producer, type ProducerConfig } from 'kafkajs';

import { type Logger } from '@perch/platform';

import { KafkaTransport, pinoLogCreator } from './kafka-transport.adapter';

describe(KafkaTransport.name, () => {
  afterEach(() => jest.restoreAllMocks());

  function producerConfigOf(options: Partial<ConstructorParameters<typeof KafkaTransport>[0]> = {}): ProducerConfig | undefined {
    // Observes the config the adapter hands kafkajs; nothing connects, so no broker is needed.
    const producer = jest.spyOn(Kafka.prototype, 'producer');
    new KafkaTransport({ brokers: ['127.0.0.1:9'], ...options });
    return producer.mock.lastCall?.[0];
  }

  async function consumerConfigOf(options: Partial<ConstructorParameters<typeof KafkaTransport>[0]> = {}): Promise<ConsumerConfig | undefined> {
    // Observes the config the adapter hands kafkajs for a group member; the member itself is refused, so nothing joins.
    jest.spyOn(Kafka.prototype, 'admin').mockReturnValue({ connect: jest.fn(), disconnect: jest.fn() } as unknown as Admin);
    jest.spyOn(Kafka.prototype, 'producer').mockReturnValue({ connect: jest.fn(), disconnect: jest.fn() } as unknown as Producer);
    const consumer = jest.spyOn(Kafka.prototype, 'consumer').mockImplementation(() => {
      throw new Error('observed, not started');
    });
    const transport = new KafkaTransport({ brokers: ['127.0.0.1:9'], ...options });
    await transport.connect();
    await expect(transport.consume({ groupId: 'g', topics: ['t'], fromBeginning: true }, async () => undefined)).rejects.toThrow('observed, not started');
    return consumer.mock.lastCall?.[0];
  }

  it('heartbeats three times per session, and never less often than every 3 s, unless told otherwise', async () => {
    expect(await consumerConfigOf()).toMatchObject({ sessionTimeout: 30_000, heartbeatInterval: 3_000 });
    expect(await consumerConfigOf({ sessionTimeout: 6_000 })).toMatchObject({ sessionTimeout: 6_000, heartbeatInterval: 2_000 });
    expect(await consumerConfigOf({ sessionTimeout: 600_000 })).toMatchObject({ sessionTimeout: 600_000, heartbeatInterval: 3_000 });
    expect(await consumerConfigOf({ sessionTimeout: 6_000, heartbeatInterval: 1_000 })).toMatchObject({ heartbeatInterval: 1_000 });
  });

  it('creates an idempotent producer with one request in flight, as kafkajs requires for idempotence', () => {
    expect(producerConfigOf()).toMatchObject({ idempotent: true, maxInFlightRequests: 1 });
  });

  it('retries a failed produce request for about two minutes, so a broker restart does not fail publishes', () => {
    const retry = producerConfigOf()?.retry;
    expect(retry).toMatchObject({ retries: 15, initialRetryTime: 300, maxRetryTime: 10_000 });
    expect(producerConfigOf({ producerRetries: 3 })?.retry?.retries).toBe(3);
  });

  it('creates its topics even when the broker answers "does not host this topic-partition" while its metadata settles', async () => {
    const notSettled = Object.assign(new KafkaJSProtocolError('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION' });
    const createTopics = jest.fn().mockRejectedValueOnce(notSettled).mockResolvedValue(true);
    const admin = { connect: jest.fn(), disconnect: jest.fn(), createTopics, fetchTopicMetadata: jest.fn().mockResolvedValue({ topics: [{ name: 't', partitions: [{}] }] }) };
    jest.spyOn(Kafka.prototype, 'admin').mockReturnValue(admin as unknown as Admin);
    jest.spyOn(Kafka.prototype, 'producer').mockReturnValue({ connect: jest.fn(), disconnect: jest.fn() } as unknown as Producer);
    const transport = new KafkaTransport({ brokers: ['127.0.0.1:9'] });
    await transport.connect();

    await transport.ensureTopics([{ name: 't', partitions: 1 }]);

    expect(createTopics).toHaveBeenCalledTimes(2);
  });

  it('still fails at once on an error that waiting will not cure', async () => {
    const refused = Object.assign(new KafkaJSProtocolError('Topic authorization failed'), { type: 'TOPIC_AUTHORIZATION_FAILED' });
    const createTopics = jest.fn().mockRejectedValue(refused);
    jest.spyOn(Kafka.prototype, 'admin').mockReturnValue({ connect: jest.fn(), disconnect: jest.fn(), createTopics } as unknown as Admin);
    jest.spyOn(Kafka.prototype, 'producer').mockReturnValue({ connect: jest.fn(), disconnect: jest.fn() } as unknown as Producer);
    const transport = new KafkaTransport({ brokers: ['127.0.0.1:9'] });
    await transport.connect();

    await expect(transport.ensureTopics([{ name: 't', partitions: 1 }])).rejects.toThrow('Topic authorization failed');
    expect(createTopics).toHaveBeenCalledTimes(1);
  });

  async function transportWithAdmin(admin: Partial<Admin>): Promise<KafkaTransport> {
    jest.spyOn(Kafka.prototype, 'admin').mockReturnValue({ connect: jest.fn(), disconnect: jest.fn(), ...admin } as unknown as Admin);
    jest.spyOn(Kafka.prototype, 'producer').mockReturnValue({ connect: jest.fn(), disconnect: jest.fn() } as unknown as Producer);
    const transport = new KafkaTransport({ brokers: ['127.0.0.1:9'] });
    await transport.connect();
    return transport;
  }

  it('reads a group\'s positions again when a partition\'s leader moved under the read, instead of failing its caller', async () => {
    const moved = new KafkaJSProtocolError(Object.assign(new Error('This server is not the leader for that topic-partition'), { type: 'NOT_LEADER_FOR_PARTITION', retriable: true, code: 6 }));
    const fetchTopicOffsets = jest.fn().mockRejectedValueOnce(moved).mockResolvedValue([{ partition: 0, offset: '5', high: '5', low: '0' }]);
    const fetchOffsets = jest.fn().mockResolvedValue([{ topic: 't', partitions: [{ partition: 0, offset: '3', metadata: null }] }]);
    const transport = await transportWithAdmin({ fetchTopicOffsets, fetchOffsets });

    await expect(transport.positions('g', 't')).resolves.toEqual([{ partition: 0, low: '0', high: '5', committed: '3' }]);
    expect(fetchTopicOffsets).toHaveBeenCalledTimes(2);
  });

  it('answers a missing topic at once rather than waiting for it, since seeding a group treats it as nothing committed', async () => {
    const missing = new KafkaJSProtocolError(Object.assign(new Error('This server does not host this topic-partition'), { type: 'UNKNOWN_TOPIC_OR_PARTITION', retriable: true, code: 3 }));
    const fetchTopicOffsets = jest.fn().mockRejectedValue(missing);
    const transport = await transportWithAdmin({ fetchTopicOffsets, fetchOffsets: jest.fn().mockResolvedValue([]) });

    await expect(transport.positions('g', 't')).rejects.toThrow('does not host');
    expect(fetchTopicOffsets).toHaveBeenCalledTimes(1);
  });

  it('logs kafkajs\' CreateTopics answers at debug, since "already exists" is every restart\'s answer, and other errors at error', () => {
    const child = { error: jest.fn(), warn: jest.fn(), info: jest.fn(), debug: jest.fn() };
    const log = pinoLogCreator({ child: () => child } as unknown as Logger)(logLevel.ERROR);
    const entry = (message: string) => ({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { message, timestamp: 'now', error: 'Topic creation errors' } });

    log(entry('Response CreateTopics(key: 19, version: 3)'));
    log(entry('Response Produce(key: 0, version: 7)'));

    expect(child.debug).toHaveBeenCalledWith(expect.objectContaining({ error: 'Topic creation errors' }), 'Response CreateTopics(key: 19, version: 3)');
    expect(child.error).toHaveBeenCalledTimes(1);
    expect(child.error).toHaveBeenCalledWith(expect.anything(), 'Response Produce(key: 0, version: 7)');
  });

  it('logs a broker refusal kafkajs retries by itself as a warning, and one it does not retry as an error', () => {
    const child = { debug: jest.fn(), error: jest.fn(), warn: jest.fn(), info: jest.fn() };
    const log = pinoLogCreator({ child: () => child } as unknown as Logger)(logLevel.ERROR);
    const answer = (error: string) => ({ namespace: 'Connection', level: logLevel.ERROR, label: 'ERROR', log: { message: 'Response InitProducerId(key: 22, version: 1)', timestamp: 'now', error } });

    log(answer("The coordinator is loading and hence can't process requests for this group"));
    log(answer('Not authorized to access topics: [Topic authorization failed]'));

    expect(child.warn).toHaveBeenCalledWith(expect.objectContaining({ error: expect.stringContaining('coordinator is loading') }), 'Response InitProducerId(key: 22, version: 1)');
    expect(child.error).toHaveBeenCalledTimes(1);
    expect(child.error).toHaveBeenCalledWith(expect.objectContaining({ error: expect.stringContaining('Not authorized') }), expect.any(String));
  });
});
