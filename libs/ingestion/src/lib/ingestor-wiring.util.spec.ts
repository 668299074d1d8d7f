import { type EventBus, MemoryTransport, startEventBus } from '@perch/messaging';
import { createLogger } from '@perch/platform';

import { AccountActivityRegistration } from './account-activity/account-activity-registration.domain';
import { AccountActivityWebhookModule } from './account-activity/account-activity-webhook.module';
import { MemoryCursorStore } from './cursor/memory-cursor-store.adapter';
import { MemoryDedupeStore } from './dedupe/memory-dedupe-store.adapter';
import { IngestionModule } from './ingestion.module';
import { type IngestorWiringOptions, wireIngestor } from './ingestor-wiring.util';
import { MemoryLeaderLease } from './leadership/memory-leader-lease.adapter';

const BRANDS = [{ id: '100', username: 'acme_support', token: 'acme-user-token' }];

describe(wireIngestor.name, () => {
  let transport: MemoryTransport;
  let bus: EventBus;

  beforeEach(async () => {
    transport = new MemoryTransport();
    bus = await startEventBus(transport, { producer: 'ingestor-wiring-test', logger: createLogger('test') });
  });

  afterEach(async () => {
    await bus.stop();
    await transport.disconnect();
  });

  const options = (extra: Partial<IngestorWiringOptions> = {}): IngestorWiringOptions => ({
    brands: BRANDS,
    bus,
    cursors: new MemoryCursorStore(),
    dedupe: new MemoryDedupeStore(),
    logger: createLogger('test'),
    xApiBaseUrl: 'http://127.0.0.1:1',
    appBearer: 'app-bearer-token',
    mentionsPollMs: 10_000,
    dmPollMs: 60_000,
    ...extra,
  });

  it('runs every source in one process and mounts the webhook receiver when given the consumer secret', () => {
    const wiring = wireIngestor(options({ consumerSecret: 'a-consumer-secret-of-the-x-app' }));

    expect(wiring.leadership).toBeUndefined();
    expect(wiring.webhook).toBeDefined();
    expect(wiring.module.module).toBe(IngestionModule);
    expect(wiring.module.imports?.[0]).toMatchObject({ module: AccountActivityWebhookModule });
    expect(wiring.metrics.map((m) => m.prefix)).toEqual(['ingestor', 'stream', 'mentions_poll', 'dm_poll', 'webhook']);
  });

  it('puts the stream and the polls behind the lease on replicas, and serves no webhook without the secret', () => {
    const wiring = wireIngestor(
      options({ leadership: { lease: new MemoryLeaderLease(), holder: 'replica-1', ttlMs: 15_000 }, mentionsPollMs: 0, dmPollMs: 0 }),
    );

    expect(wiring.leadership?.counters.leader).toBe(0);
    expect(wiring.webhook).toBeUndefined();
    expect(wiring.module.imports).toEqual([]);
    expect(wiring.metrics.map((m) => m.prefix)).toEqual(['ingestor', 'leadership', 'stream', 'mentions_poll', 'dm_poll']);
  });

  it('shows only numbers on /metrics, polls that are off included', () => {
    const wiring = wireIngestor(options({ mentionsPollMs: 0 }));

    for (const source of wiring.metrics) {
      for (const value of Object.values(source.read())) expect(typeof value).toBe('number');
    }
    expect(wiring.metrics.find((m) => m.prefix === 'mentions_poll')?.read()).toEqual({ polls: 0, delivered: 0, failures: 0 });
  });

  it('makes the webhook registration for a URL, left to the app to start once the URL is served', () => {
    const wiring = wireIngestor(options({ consumerSecret: 'a-consumer-secret-of-the-x-app' }));

    const registration = wiring.webhookRegistration('https://perch.example.com/webhooks/x');

    expect(registration).toBeInstanceOf(AccountActivityRegistration);
    expect(registration.counters.attempts).toBe(0);
  });
});
