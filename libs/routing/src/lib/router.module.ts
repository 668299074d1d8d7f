import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Topics } from '@perch/contracts';
import { type EventBus } from '@perch/messaging';
import { createLogger, systemClock } from '@perch/platform';

import { RouterService, type RouterServiceOptions } from './router/router.service';
import { type RoutingStore } from './store/routing-store.port';

export interface RouterModuleDeps {
  bus: EventBus;
  store: RoutingStore;
  options: RouterServiceOptions;
}

export const ROUTER_DEPS = Symbol('ROUTER_DEPS');
// One group per subscription: kafkajs assigners hand out the union of a group's topics, so members of one
// group must subscribe to the same topics.
export const ROUTER_CLASSIFIED_GROUP = 'router.classified';
export const ROUTER_COMMANDS_GROUP = 'router.commands';

@Injectable()
export class RouterConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly service: RouterService;

  constructor(@Inject(ROUTER_DEPS) private readonly deps: RouterModuleDeps) {
    this.service = new RouterService(deps.store, deps.bus, systemClock, createLogger('router'), deps.options);
  }

  async onApplicationBootstrap(): Promise<void> {
    // Work-sharing groups start from the earliest offset, so nothing published before the first deployment is lost.
    await this.deps.bus.subscribe(Topics.InboundClassified, ROUTER_CLASSIFIED_GROUP, (e) => this.service.handleClassified(e), {
      fromBeginning: true,
    });
    await this.deps.bus.subscribe(Topics.AgentCommand, ROUTER_COMMANDS_GROUP, (e) => this.service.handleAgentCommand(e), {
      fromBeginning: true,
    });
    this.service.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.service.stop();
  }
}

/** The router service: classified messages and agent commands in, interaction lifecycle events out. */
@Module({})
export class RouterModule {
  static register(deps: RouterModuleDeps): DynamicModule {
    return {
      module: RouterModule,
      providers: [{ provide: ROUTER_DEPS, useValue: deps }, RouterConsumer],
      exports: [RouterConsumer],
    };
  }
}
