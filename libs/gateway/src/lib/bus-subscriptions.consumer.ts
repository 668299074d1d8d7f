import { type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { type ConsumerHandle } from '@perch/messaging';

/**
 * A gateway consumer's subscriptions: opened once the application has started (so every handler's dependencies
 * are ready) and stopped when it shuts down. Subclasses say only what they subscribe to.
 */
export abstract class BusSubscriptionsConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handles: ConsumerHandle[] = [];

  /** Opens the subscriptions, one after the other; [] when this process does not run them. */
  protected abstract subscribe(): Promise<ConsumerHandle[]>;

  async onApplicationBootstrap(): Promise<void> {
    this.handles.push(...(await this.subscribe()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.handles.splice(0).map((handle) => handle.stop()));
  }
}
