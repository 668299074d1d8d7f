import { type DynamicModule, Injectable, Module, type OnApplicationShutdown } from '@nestjs/common';

export type ShutdownHook = () => Promise<unknown> | unknown;

/**
 * Runs infrastructure teardown (consumers, then connections) when Nest shuts down, in the order given, after every
 * other module's onApplicationShutdown: those still flush through the connections these hooks close.
 */
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

    // Nest shuts modules down nearest the root first, and global modules last: a plain import one level below the
    // root closed the pool before the gateway's deeper modules flushed their audit entries into it.
    return { module: ShutdownHostModule, global: true };
  }
}
