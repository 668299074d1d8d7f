import { Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';
import { Test } from '@nestjs/testing';

import { ShutdownHooksModule } from './shutdown-hooks.module';

describe(ShutdownHooksModule.name, () => {
  it('closes connections only after every other module, however deep, has shut down', async () => {
    const order: string[] = [];

    @Injectable()
    class DeepWriter implements OnApplicationShutdown {
      async onApplicationShutdown(): Promise<void> {
        await new Promise((resolve) => setTimeout(resolve, 5));
        order.push('deep writer flushed');
      }
    }
    @Module({ providers: [DeepWriter] })
    class DeepModule {}
    @Module({ imports: [DeepModule] })
    class FeatureModule {}

    const moduleRef = await Test.createTestingModule({
      imports: [FeatureModule, ShutdownHooksModule.register([() => order.push('consumers stopped'), () => order.push('pool ended')])],
    }).compile();
    const app = moduleRef.createNestApplication();
    await app.init();

    await app.close();

    expect(order).toEqual(['deep writer flushed', 'consumers stopped', 'pool ended']);
  });

  it('goes on with the next hook when one fails, so one bad connection does not keep the others open', async () => {
    const order: string[] = [];
    const moduleRef = await Test.createTestingModule({
      imports: [
        ShutdownHooksModule.register([
          () => Promise.reject(new Error('broker gone')),
          () => order.push('pool ended'),
        ]),
      ],
    }).compile();
    await moduleRef.init();

    await moduleRef.close();

    expect(order).toEqual(['pool ended']);
  });
});
