import { type DynamicModule, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';

export type ShutdownHook = () => Promise<unknown> | unknown;

/** Runs infrastructure teardown (consumers, then connections) when Nest shuts down, in the order given. */
export class ShutdownHooksModule {
  static register(hooks: ShutdownHook[]): DynamicModule {
    @Injectable()
    class ShutdownRunner implements OnApplicationShutdown {
      async onApplicationShutdown(): Promise<void> {
        for (const hook of hooks) {
          await Promise.resolve(hook()).catch(() => undefined);
        }
      }
    }

    @Module({ providers: [ShutdownRunner] })
    class ShutdownHostModule {}

    return { module: ShutdownHostModule };
  }
}
