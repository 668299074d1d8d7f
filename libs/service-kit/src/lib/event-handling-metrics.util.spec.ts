import { ConsumerGroups, Topics } from '@perch/contracts';
import { metricValue } from '@perch/testing';

import { EVENT_DEAD_LETTERS_METRIC, EVENT_HANDLING_METRIC, EVENT_RETRIES_METRIC, EVENT_WAIT_METRIC, EventHandlingMetrics } from './event-handling-metrics.util';
import { createObservability } from './observability.module';

describe(EventHandlingMetrics.name, () => {
  it('reports each topic and group apart on the registry it was given: counts, sums in seconds and buckets', async () => {
    const metrics = new EventHandlingMetrics();
    const { registry } = createObservability({ service: 'router', metrics: metrics.metrics });
    metrics.handled(Topics.InboundClassified, ConsumerGroups.RouterClassified, 40, 0.8);
    metrics.handled(Topics.InboundClassified, ConsumerGroups.RouterClassified, 2_000, 3.2);
    metrics.handled(Topics.AgentCommand, ConsumerGroups.RouterCommands, 7, 12);
    const scrape = await registry.metrics();

    const classified = { service: 'router', topic: Topics.InboundClassified, group: ConsumerGroups.RouterClassified };
    const commands = { service: 'router', topic: Topics.AgentCommand, group: ConsumerGroups.RouterCommands };
    expect(metricValue(scrape, `${EVENT_WAIT_METRIC}_count`, classified)).toBe(2);
    expect(metricValue(scrape, `${EVENT_WAIT_METRIC}_sum`, classified)).toBe(2.04);
    expect(metricValue(scrape, `${EVENT_HANDLING_METRIC}_sum`, classified)).toBe(0.004);
    expect(metricValue(scrape, `${EVENT_HANDLING_METRIC}_count`, commands)).toBe(1);
    // 40 ms and 2 s: one wait under 50 ms, both under 2.5 s.
    expect(metricValue(scrape, `${EVENT_WAIT_METRIC}_bucket`, { ...classified, le: '0.05' })).toBe(1);
    expect(metricValue(scrape, `${EVENT_WAIT_METRIC}_bucket`, { ...classified, le: '2.5' })).toBe(2);
    // Handling under a millisecond has buckets of its own.
    expect(metricValue(scrape, `${EVENT_HANDLING_METRIC}_bucket`, { ...classified, le: '0.001' })).toBe(1);
  });

  it('keeps two processes\' worth in one test process apart: each registry reads only its own bus', async () => {
    const gateway = new EventHandlingMetrics();
    const router = new EventHandlingMetrics();
    const gatewayRegistry = createObservability({ service: 'gateway', metrics: gateway.metrics }).registry;
    const routerRegistry = createObservability({ service: 'router', metrics: router.metrics }).registry;
    gateway.handled(Topics.OutboundRequested, ConsumerGroups.Outbound, 5, 300);
    expect(await gatewayRegistry.metrics()).toContain(`topic="${Topics.OutboundRequested}"`);
    expect(await routerRegistry.metrics()).not.toContain(`topic="${Topics.OutboundRequested}"`);
  });

  it('times the handling of an event that came without a broker timestamp, and leaves its wait out', async () => {
    const metrics = new EventHandlingMetrics();
    const { registry } = createObservability({ service: 'classifier', metrics: metrics.metrics });
    expect(() => metrics.handled(Topics.InboundReceived, ConsumerGroups.Classifier, Number.NaN, 0.4)).not.toThrow();
    const scrape = await registry.metrics();
    const labels = { service: 'classifier', topic: Topics.InboundReceived, group: ConsumerGroups.Classifier };
    expect(metricValue(scrape, `${EVENT_HANDLING_METRIC}_count`, labels)).toBe(1);
    expect(metricValue(scrape, `${EVENT_WAIT_METRIC}_count`, labels)).toBeUndefined();
  });

  it('counts each group\'s retries and dead letters, so an alert names the failing consumer', async () => {
    const metrics = new EventHandlingMetrics();
    const { registry } = createObservability({ service: 'gateway', metrics: metrics.metrics });
    metrics.retried(Topics.OutboundRequested, ConsumerGroups.Outbound);
    metrics.retried(Topics.OutboundRequested, ConsumerGroups.Outbound);
    metrics.deadLettered(Topics.OutboundRequested, ConsumerGroups.Outbound);
    metrics.deadLettered(Topics.InteractionLifecycle, ConsumerGroups.GatewayRouting);
    const scrape = await registry.metrics();
    const outbound = { service: 'gateway', topic: Topics.OutboundRequested, group: ConsumerGroups.Outbound };
    const routing = { service: 'gateway', topic: Topics.InteractionLifecycle, group: ConsumerGroups.GatewayRouting };
    expect(scrape).toContain(`# TYPE ${EVENT_RETRIES_METRIC} counter`);
    expect(metricValue(scrape, EVENT_RETRIES_METRIC, outbound)).toBe(2);
    expect(metricValue(scrape, EVENT_DEAD_LETTERS_METRIC, outbound)).toBe(1);
    expect(metricValue(scrape, EVENT_DEAD_LETTERS_METRIC, routing)).toBe(1);
    expect(metricValue(scrape, EVENT_RETRIES_METRIC, routing)).toBeUndefined();
  });
});
