import { type TopicName } from '@perch/contracts';
import { classifyFailure, createLogger, errorMessage, type Logger } from '@perch/platform';

import { type ConsumerHandle } from '../port/transport.port';
import { type EventBus, type TopicHandlers } from './event-bus.domain';
import { type DeliveryMeta, type EventHandler } from './event-publisher.port';

/** One module's handler of a topic, run inside a group it shares with the other handlers of that topic. */
export interface FanInHandler<T extends TopicName> {
  /** Short and stable: names the handler in logs and, when some handlers are turned off, in the group id. */
  name: string;
  handle: EventHandler<T>;
}

export interface FanInRegistration<T extends TopicName> extends FanInHandler<T> {
  /** false when this process does not run the handler (run flags): the group then changes, see ConsumerFanIn. */
  enabled?: boolean;
  /** The groups the handler ran in before: the fan-in group starts where the slowest of them stood. */
  replaces?: readonly string[];
}

export interface FanInSubscription<T extends TopicName> {
  topic: T;
  group: string;
  handlers: readonly FanInHandler<T>[];
  /** Retired groups this one takes over: seeds it from their lowest committed offsets, and takes their dead letters' replays. */
  replaces?: readonly string[];
  fromBeginning?: boolean;
}

/**
 * One handler that runs every handler of `handlers` for each event, concurrently (they are independent).
 * Every handler runs even when another fails; then, to the EventBus: a handler that failed for a reason a retry can
 * fix wins (the event is retried and every handler runs again: each must be idempotent), else a permanent failure is
 * rethrown as is (the bus dead-letters the event once, for the group, with that error's code), else it succeeded.
 */
export function fanInHandler<T extends TopicName>(handlers: readonly FanInHandler<T>[], logger: Logger = defaultLogger()): EventHandler<T> {
  if (handlers.length === 1 && handlers[0]) return handlers[0].handle;
  return async (event, meta: DeliveryMeta) => {
    const results = await Promise.allSettled(handlers.map((handler) => handler.handle(event, meta)));
    let retry: unknown;
    let permanent: unknown;
    let hasRetry = false;
    let hasPermanent = false;
    results.forEach((result, index) => {
      if (result.status === 'fulfilled') return;
      const failure = classifyFailure(result.reason);
      if (failure === 'drop') return;
      logger.warn(
        { handler: handlers[index]?.name, eventId: event.eventId, topic: meta.topic, attempt: meta.attempt, failure, error: errorMessage(result.reason) },
        'fan-in handler failed',
      );
      if (failure === 'permanent') {
        if (!hasPermanent) permanent = result.reason;
        hasPermanent = true;
      } else if (!hasRetry) {
        retry = result.reason;
        hasRetry = true;
      }
    });
    if (hasRetry) throw retry;
    if (hasPermanent) throw permanent;
  };
}

/** Subscribes one group to `topic` whose handler runs every handler given (see fanInHandler). */
export async function subscribeAll<T extends TopicName>(bus: EventBus, subscription: FanInSubscription<T>, logger?: Logger): Promise<ConsumerHandle> {
  if (subscription.handlers.length === 0) throw new RangeError(`subscribeAll on ${subscription.topic} needs at least one handler`);
  return bus.subscribe(subscription.topic, subscription.group, fanInHandler(subscription.handlers, logger), {
    ...(subscription.fromBeginning === undefined ? {} : { fromBeginning: subscription.fromBeginning }),
    ...(subscription.replaces && subscription.replaces.length > 0 ? { replaces: subscription.replaces } : {}),
  });
}

/** What a module puts its handlers into: the app's ConsumerFanIn when composed, else one of its own. */
export interface FanInTarget {
  add<T extends TopicName>(topic: T, registration: FanInRegistration<T>): void;
}

/**
 * A module's target: `shared` when an app composes the module (the app starts it), else a fan-in of the module's
 * own (`own`, which the module starts: booted alone, e.g. in its spec, it still consumes).
 */
export function fanInTargetOf(shared: FanInTarget | undefined, makeOwn: () => ConsumerFanIn): { target: FanInTarget; own: ConsumerFanIn | undefined } {
  if (shared) return { target: shared, own: undefined };
  const own = makeOwn();
  return { target: own, own };
}

/** groupOf for a fixed table of topic → group; a topic missing from it is a wiring mistake. */
export function legacyGroupOf(groups: Partial<Record<TopicName, string>>): (topic: TopicName) => string {
  return (topic) => {
    const group = groups[topic];
    if (group === undefined) throw new RangeError(`no consumer group for ${topic}`);
    return group;
  };
}

export type ConsumerFanInOptions = {
  fromBeginning: boolean;
  logger?: Logger;
} & (
  | {
      /** The group every handler of `topic` shares when all of them run in this process. */
      groupOf: (topic: TopicName) => string;
      oneGroup?: undefined;
    }
  | {
      /**
       * Every topic read in this ONE group (one consumer: one fetch loop, heartbeat and commit for all) instead of one
       * group per topic. Only for a group no other process joins with other handlers or topics (a replica's own group):
       * the members of one group must all read the same topics.
       */
      oneGroup: string;
      groupOf?: undefined;
    }
);

/**
 * Where decoupled modules put their handlers, and their composer (the app's module) opens ONE group per topic.
 * Handlers are added before start() (Nest: in onModuleInit; start() in onApplicationBootstrap).
 *
 * When a process turns some handlers of a topic off, it must not share the full group with processes that run them
 * all (each event would be handled by whichever member holds its partition, so the others' handlers would miss it):
 * its group is then `<group>.only.<names>`, seeded from the full group and from the enabled handlers' old groups.
 */
export class ConsumerFanIn implements FanInTarget {
  private readonly registrations = new Map<TopicName, FanInRegistration<TopicName>[]>();
  private readonly logger: Logger;
  private started = false;

  constructor(
    private readonly bus: EventBus,
    private readonly options: ConsumerFanInOptions,
  ) {
    this.logger = options.logger ?? defaultLogger();
  }

  add<T extends TopicName>(topic: T, registration: FanInRegistration<T>): void {
    if (this.started) throw new Error(`ConsumerFanIn: ${registration.name} on ${topic} added after start()`);
    const list = this.registrations.get(topic) ?? [];
    if (list.some((existing) => existing.name === registration.name)) throw new Error(`ConsumerFanIn: two handlers named ${registration.name} on ${topic}`);
    list.push(registration as unknown as FanInRegistration<TopicName>);
    this.registrations.set(topic, list);
  }

  /** The subscriptions start() opens: one per topic with at least one enabled handler (all in `oneGroup` if given). */
  plan(): FanInSubscription<TopicName>[] {
    const options = this.options;
    return [...this.registrations].flatMap(([topic, all]) => {
      const enabled = all.filter((registration) => registration.enabled !== false);
      if (enabled.length === 0) return [];
      if (options.oneGroup !== undefined) {
        // A group of its own (see oneGroup): no partial variant and no seeding, it starts where fromBeginning says.
        return [{ topic, group: options.oneGroup, handlers: enabled.map(({ name, handle }) => ({ name, handle })), fromBeginning: options.fromBeginning }];
      }
      const full = options.groupOf(topic);
      const partial = enabled.length < all.length;
      const group = partial ? `${full}.only.${enabled.map((r) => r.name).sort().join('+')}` : full;
      const replaces = new Set(enabled.flatMap((registration) => registration.replaces ?? []));
      if (partial) replaces.add(full);
      replaces.delete(group);
      return [
        {
          topic,
          group,
          handlers: enabled.map(({ name, handle }) => ({ name, handle })),
          fromBeginning: this.options.fromBeginning,
          ...(replaces.size > 0 ? { replaces: [...replaces] } : {}),
        },
      ];
    });
  }

  async start(): Promise<ConsumerHandle[]> {
    this.started = true;
    const plan = this.plan();
    const oneGroup = this.options.oneGroup;
    if (oneGroup !== undefined) {
      if (plan.length === 0) return [];
      const handlers: TopicHandlers = {};
      for (const subscription of plan) Object.assign(handlers, { [subscription.topic]: fanInHandler(subscription.handlers, this.logger) });
      return [await this.bus.subscribeTopics(oneGroup, handlers, { fromBeginning: this.options.fromBeginning })];
    }
    const handles: ConsumerHandle[] = [];
    for (const subscription of plan) handles.push(await subscribeAll(this.bus, subscription, this.logger));
    return handles;
  }
}

function defaultLogger(): Logger {
  return createLogger('consumer-fan-in');
}
