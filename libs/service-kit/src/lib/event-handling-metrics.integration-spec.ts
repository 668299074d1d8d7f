import { randomUUID } from 'node:crypto';

import { type AgentCommandPayload, Topics } from '@perch/contracts';
import { type EventBus, KafkaTransport, startEventBus, withNamespace } from '@perch/messaging';
import { createLogger, RetryableError } from '@perch/platform';
import { deleteTopicsWithPrefix, metricValue, serviceEnv, waitFor } from '@perch/testing';

import { EVENT_DEAD_LETTERS_METRIC, EVENT_HANDLING_METRIC, EVENT_RETRIES_METRIC, EVENT_WAIT_METRIC, EventHandlingMetrics } from './event-handling-metrics.util';
import { createObservability } from './observability.module';

// The real broker (the integration tier's global setup provides it; serviceEnv says so when it did not).
const brokers = serviceEnv().kafkaBrokers.split(',');

const BACKLOG = 20;
const BACKLOG_AGE_MS = 1_500;

// The wait runs from the broker's timestamp to the handler: on the real broker, a backlog shows as seconds of wait.
describe('event wait and handling times, on Kafka', () => {
  const namespace = `it-timings-${randomUUID().slice(0, 8)}`;
  const kafka = new KafkaTransport({ brokers, clientId: 'it-timings', heartbeatInterval: 500, sessionTimeout: 10_000, maxWaitTimeInMs: 100 });
  const transport = withNamespace(kafka, namespace);
  const metrics = new EventHandlingMetrics();
  const { registry } = createObservability({ service: 'router', metrics: metrics.metrics });
  let bus: EventBus;

  beforeAll(async () => {
    bus = await startEventBus(transport, { producer: 'it-timings', logger: createLogger('it-timings'), observer: metrics, retryDelayMs: () => 50 });
  });

  afterAll(async () => {
    await bus?.stop();
    await kafka.disconnect();
    await deleteTopicsWithPrefix(brokers, `${namespace}.`, 'it-timings-cleanup');
  });

  function presence(agentId: string): AgentCommandPayload {
    return { commandId: randomUUID(), type: 'presence', agentId, presence: 'ready', capacity: 1 };
  }

  /** The histogram's count and sum (seconds) for one topic and group, as Prometheus would scrape them. */
  async function scraped(name: string, group: string): Promise<{ count: number; sum: number }> {
    const text = await registry.metrics();
    const labels = { service: 'router', topic: Topics.AgentCommand, group };
    return { count: metricValue(text, `${name}_count`, labels) ?? 0, sum: metricValue(text, `${name}_sum`, labels) ?? 0 };
  }

  it('counts the seconds a backlog waited on its topic, and the handling apart from it', async () => {
    // Sent before the group exists: they wait on the topic until it starts.
    await Promise.all(Array.from({ length: BACKLOG }, (_, i) => bus.publish(Topics.AgentCommand, presence(`backlog-${i}`), { correlationId: randomUUID() })));
    await new Promise((resolve) => setTimeout(resolve, BACKLOG_AGE_MS));
    let handled = 0;
    await bus.subscribe(Topics.AgentCommand, 'it-timings-late', async () => {
      handled += 1;
    }, { fromBeginning: true });
    await waitFor(`${BACKLOG} handled`, () => handled === BACKLOG, 60_000);

    const wait = await scraped(EVENT_WAIT_METRIC, 'it-timings-late');
    const handling = await scraped(EVENT_HANDLING_METRIC, 'it-timings-late');
    expect(wait.count).toBe(BACKLOG);
    expect(handling.count).toBe(BACKLOG);
    // Every one of them waited at least the pause before the group started.
    expect(wait.sum / wait.count).toBeGreaterThanOrEqual(BACKLOG_AGE_MS / 1_000);
    // A handler that does nothing takes far less than that.
    expect(handling.sum / handling.count).toBeLessThan(BACKLOG_AGE_MS / 1_000);
  });

  it('counts a short wait for an event sent while its group is reading', async () => {
    let handled = 0;
    await bus.subscribe(Topics.AgentCommand, 'it-timings-live', async (event) => {
      if (event.payload.type === 'presence' && event.payload.agentId === 'live') handled += 1;
    });
    // The group joins at the topic's end; resend until one event sent after the join is handled.
    await waitFor('a live event handled', async () => {
      await bus.publish(Topics.AgentCommand, presence('live'), { correlationId: randomUUID() });
      await new Promise((resolve) => setTimeout(resolve, 200));
      return handled > 0;
    }, 60_000);
    const wait = await scraped(EVENT_WAIT_METRIC, 'it-timings-live');
    expect(wait.count).toBeGreaterThan(0);
    expect(wait.sum / wait.count).toBeLessThan(BACKLOG_AGE_MS / 1_000);
  });

  it('counts a group\'s retries and its dead letters by topic and group', async () => {
    let failed = false;
    let handled = 0;
    await bus.subscribe(Topics.AgentCommand, 'it-timings-failing', async (event) => {
      if (event.payload.type !== 'presence' || event.payload.agentId !== 'flaky') return;
      if (!failed) {
        failed = true;
        throw new RetryableError('redis unavailable');
      }
      handled += 1;
    });
    const counter = async (name: string): Promise<number> =>
      metricValue(await registry.metrics(), name, { service: 'router', topic: Topics.AgentCommand, group: 'it-timings-failing' }) ?? 0;
    // The group joins at the topic's end: resend until one is handled, then one message that is no event at all.
    await waitFor('the flaky event handled after a retry', async () => {
      await bus.publish(Topics.AgentCommand, presence('flaky'), { correlationId: randomUUID() });
      await new Promise((resolve) => setTimeout(resolve, 200));
      return handled > 0;
    }, 60_000);
    await transport.send(Topics.AgentCommand, [{ key: 'garbage', value: '{"not":"an event"}' }]);
    await waitFor('the unreadable message dead-lettered', async () => (await counter(EVENT_DEAD_LETTERS_METRIC)) === 1, 30_000);
    expect(await counter(EVENT_RETRIES_METRIC)).toBe(1);
  });
});
