import { type TopicName } from '@perch/contracts';
import { type EventHandlingObserver } from '@perch/messaging';
import { Counter, Histogram, type Metric } from 'prom-client';

export const EVENT_WAIT_METRIC = 'perch_event_wait_seconds';
export const EVENT_HANDLING_METRIC = 'perch_event_handling_seconds';
export const EVENT_RETRIES_METRIC = 'perch_event_retries_total';
export const EVENT_DEAD_LETTERS_METRIC = 'perch_event_dead_letters_total';

/** Seconds an event waited on its topic: milliseconds when the consumers keep up, minutes in an outage's backlog. */
export const EVENT_WAIT_BUCKETS: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300];

/** Seconds a handler took: a fraction of a millisecond for most, seconds for a call to X, minutes when retried. */
export const EVENT_HANDLING_BUCKETS: readonly number[] = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5, 30, 300];

type EventLabel = 'topic' | 'group';

/** Every figure here is by topic and group, and registered by the app's ObservabilityModule, not by its constructor. */
function byTopicAndGroup(): { labelNames: EventLabel[]; registers: [] } {
  return { labelNames: ['topic', 'group'], registers: [] };
}

interface Children {
  waited: { observe(value: number): void };
  handling: { observe(value: number): void };
  retries: { inc(): void };
  deadLetters: { inc(): void };
}

/**
 * The bus's per-event figures by topic and consumer group: how long events wait on each topic before a group takes
 * them (the backlog in seconds, the signal to scale a consumer on), how long its handler takes, and the group's
 * retries and dead letters (which consumer is failing, and since when). Made before the bus, registered with the
 * app's ObservabilityModule (`metrics`). The labelled children are kept per topic and group, so a handled event
 * costs two map reads and two observations; prom-client still hashes the labels on each (`npm run bench:metrics`).
 */
export class EventHandlingMetrics implements EventHandlingObserver {
  private readonly waited = new Histogram<EventLabel>({
    name: EVENT_WAIT_METRIC,
    help: 'Time from an event reaching its topic (broker timestamp) to the consumer group starting to handle it',
    buckets: [...EVENT_WAIT_BUCKETS],
    ...byTopicAndGroup(),
  });

  private readonly handling = new Histogram<EventLabel>({
    name: EVENT_HANDLING_METRIC,
    help: 'Time a consumer group took to handle an event successfully, retries included',
    buckets: [...EVENT_HANDLING_BUCKETS],
    ...byTopicAndGroup(),
  });

  private readonly retries = new Counter<EventLabel>({
    name: EVENT_RETRIES_METRIC,
    help: 'Handler failures a consumer group tries again (an outage of Redis, PostgreSQL, Kafka or X, or a retryable error)',
    ...byTopicAndGroup(),
  });

  private readonly deadLetters = new Counter<EventLabel>({
    name: EVENT_DEAD_LETTERS_METRIC,
    help: "Messages a consumer group set aside in the topic's dead-letter topic, to be looked at and replayed",
    ...byTopicAndGroup(),
  });

  private readonly children = new Map<string, Map<string, Children>>();

  /** For ObservabilityModule.register({ metrics }). */
  get metrics(): readonly Metric[] {
    return [this.waited, this.handling, this.retries, this.deadLetters];
  }

  retried(topic: TopicName, groupId: string): void {
    this.childrenOf(topic, groupId).retries.inc();
  }

  deadLettered(topic: TopicName, groupId: string): void {
    this.childrenOf(topic, groupId).deadLetters.inc();
  }

  handled(topic: TopicName, groupId: string, waitedMs: number, handlingMs: number): void {
    const children = this.childrenOf(topic, groupId);
    // A message without a broker timestamp has no wait to tell (prom-client throws on a value that is not finite).
    if (Number.isFinite(waitedMs)) children.waited.observe(waitedMs / 1_000);
    if (Number.isFinite(handlingMs)) children.handling.observe(handlingMs / 1_000);
  }

  private childrenOf(topic: string, group: string): Children {
    let byGroup = this.children.get(topic);
    if (byGroup === undefined) {
      byGroup = new Map();
      this.children.set(topic, byGroup);
    }
    let children = byGroup.get(group);
    if (children === undefined) {
      const labels = { topic, group };
      children = {
        waited: this.waited.labels(labels),
        handling: this.handling.labels(labels),
        retries: this.retries.labels(labels),
        deadLetters: this.deadLetters.labels(labels),
      };
      byGroup.set(group, children);
    }
    return children;
  }
}
