import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  Optional,
} from '@nestjs/common';
import { ConsumerGroups, Topics } from '@perch/contracts';
import { type EventBus } from '@perch/messaging';
import { createLogger, LOGGER_FACTORY, type LoggerFactory, systemClock } from '@perch/platform';

import { RouterService, type RouterServiceOptions } from './router/router.domain';
import { type RoutingStore } from './store/routing-store.port';

export interface RouterModuleDeps {
  bus: EventBus;
  store: RoutingStore;
  options: RouterServiceOptions;
}

export const ROUTER_DEPS = Symbol('ROUTER_DEPS');

@Injectable()
export class RouterConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly service: RouterService;

  constructor(
    @Inject(ROUTER_DEPS) private readonly deps: RouterModuleDeps,
    @Optional() @Inject(LOGGER_FACTORY) loggers: LoggerFactory = createLogger,
  ) {
    this.service = new RouterService(deps.store, deps.bus, systemClock, loggers('router'), {
      ...deps.options,
      outboxDeadLetter: (topic, record) => deps.bus.deadLetterExternal(topic, record),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    // Work-sharing groups start from the earliest offset, so nothing published before the first deployment is lost.
    await this.deps.bus.subscribe(Topics.InboundClassified, ConsumerGroups.RouterClassified, (e) => this.service.handleClassified(e), {
      fromBeginning: true,
    });
    await this.deps.bus.subscribe(Topics.AgentCommand, ConsumerGroups.RouterCommands, (e) => this.service.handleAgentCommand(e), {
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
