import { metricValue } from './prometheus-text.util';

const SCRAPE = [
  '# HELP perch_event_wait_seconds Time from an event reaching its topic',
  '# TYPE perch_event_wait_seconds histogram',
  'perch_event_wait_seconds_bucket{le="0.005",service="router",topic="x.inbound.classified.v1",group="router.classified"} 3',
  'perch_event_wait_seconds_count{service="router",topic="x.inbound.classified.v1",group="router.classified"} 7',
  'perch_event_wait_seconds_count{service="router",topic="agent.command.v1",group="router.commands"} 2',
  'perch_event_dead_letters_total{topic="agent.command.v1",group="router.commands",service="router"} 1',
  'perch_outbox_pending{service="router"} 0',
  'perch_event_loop_utilization 0.25',
  'perch_odd{path="a \\"quoted\\", value"} 4',
].join('\n');

describe(metricValue.name, () => {
  it('finds a sample by name and a subset of its labels, whatever order prom-client wrote them in', () => {
    expect(metricValue(SCRAPE, 'perch_event_wait_seconds_count', { topic: 'agent.command.v1' })).toBe(2);
    expect(metricValue(SCRAPE, 'perch_event_wait_seconds_count', { group: 'router.classified', service: 'router' })).toBe(7);
    expect(metricValue(SCRAPE, 'perch_event_dead_letters_total', { service: 'router', group: 'router.commands' })).toBe(1);
    expect(metricValue(SCRAPE, 'perch_event_wait_seconds_bucket', { le: '0.005' })).toBe(3);
  });

  it('reads samples without labels, and label values with escaped quotes and commas', () => {
    expect(metricValue(SCRAPE, 'perch_event_loop_utilization')).toBe(0.25);
    expect(metricValue(SCRAPE, 'perch_outbox_pending')).toBe(0);
    expect(metricValue(SCRAPE, 'perch_odd', { path: 'a "quoted", value' })).toBe(4);
  });

  it('answers undefined for a missing name, a name that only prefixes another, or labels no sample has', () => {
    expect(metricValue(SCRAPE, 'perch_event_wait_seconds')).toBeUndefined();
    expect(metricValue(SCRAPE, 'perch_http_request_duration_seconds_count')).toBeUndefined();
    expect(metricValue(SCRAPE, 'perch_event_wait_seconds_count', { group: 'classifier' })).toBeUndefined();
  });
});
