import { Test } from '@nestjs/testing';
import { type EventBus, MemoryTransport, startEventBus } from '@perch/messaging';
import { createLogger, type Logger } from '@perch/platform';
import { LoggerModule } from '@perch/service-kit';

import { RouterConsumer } from './router.module';
import { wireRouter } from './router-wiring.util';
import { MemoryRoutingStore } from './store/memory/memory-routing-store.adapter';

describe(wireRouter.name, () => {
  let transport: MemoryTransport;
  let bus: EventBus;

  beforeEach(async () => {
    transport = new MemoryTransport();
    bus = await startEventBus(transport, { producer: 'router-wiring-test', logger: createLogger('test') });
  });

  afterEach(async () => {
    await bus.stop();
    await transport.disconnect();
  });

  // RouterService refuses a store of another tenant: that the consumer is built shows the tenant came from the store.
  it("routes the store's tenant, and builds the router's logger with the app's LOGGER_FACTORY when it provides one", async () => {
    const asked: string[] = [];
    const factory = (context: string): Logger => {
      asked.push(context);
      return createLogger(context);
    };
    const wiring = wireRouter({ bus, store: new MemoryRoutingStore('acme'), offerTimeoutMs: 30_000, sweepIntervalMs: 500 });

    const app = await Test.createTestingModule({ imports: [LoggerModule.register(factory), wiring.module] }).compile();

    expect(app.get(RouterConsumer).service).toBeDefined();
    expect(asked).toEqual(['router']);
    await app.close();
  });

  it('falls back to createLogger without a LOGGER_FACTORY', async () => {
    const wiring = wireRouter({ bus, store: new MemoryRoutingStore('acme'), offerTimeoutMs: 30_000, sweepIntervalMs: 500 });

    const app = await Test.createTestingModule({ imports: [wiring.module] }).compile();

    expect(app.get(RouterConsumer).service).toBeDefined();
    await app.close();
  });
});
