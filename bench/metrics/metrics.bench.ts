// npm run bench:metrics — what the per-request and per-event metrics cost, each against a baseline measured in the same
// run, alternating rounds, in CPU time of this process:
//  - the bus handling events (MemoryTransport's batch handler → decode → handler) without an observer, and with the
//    apps' EventHandlingMetrics (wait and handling histograms by topic and group);
//  - an HTTP request passing a middleware that only waits for the answer's 'finish' and 'close' (what any such
//    middleware costs), and passing instrumentHttp's timing middleware (route label, histogram).
// Prints progress lines and the figures, then (last line) one JSON object.
// Knobs (env):
//   BENCH_METRICS_EVENTS (50000)     events per timed round and path (batches of 500, 16 keys)
//   BENCH_METRICS_REQUESTS (300000)  requests per timed round and path
//   BENCH_METRICS_ROUNDS (5)         timed rounds per path (the median is reported)
import { EventEmitter } from 'node:events';

import { createEnvelope, encodeEvent, type AgentCommandPayload, Topics } from '@perch/contracts';
import { type BatchHandler, type ConsumedMessage, type ConsumeOptions, type ConsumerHandle, EventBus, MemoryTransport, perchTopicSpecs } from '@perch/messaging';
import { createLogger } from '@perch/platform';
import { createObservability, EventHandlingMetrics, httpRequestTimingMiddleware } from '@perch/service-kit';

import { benchLog, envInteger, round } from '../bench-env.util';

const log = benchLog('metrics');
const EVENTS = envInteger('BENCH_METRICS_EVENTS', 50_000);
const REQUESTS = envInteger('BENCH_METRICS_REQUESTS', 300_000);
const ROUNDS = envInteger('BENCH_METRICS_ROUNDS', 5);
const BATCH = 500;
const KEYS = 16;

/** Hands out the bus's batch handler, to feed it batches directly: the broker is not what is measured here. */
class CapturingTransport extends MemoryTransport {
  handler: BatchHandler | undefined;

  override consume(options: ConsumeOptions, handler: BatchHandler): Promise<ConsumerHandle> {
    this.handler = handler;
    return super.consume(options, handler);
  }
}

function cpuMicros(): number {
  const { user, system } = process.cpuUsage();
  return user + system;
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] ?? Number.NaN;
}

/** One batch of presence commands over KEYS keys, encoded once and fed again each time (the bus keeps no dedupe). */
function commandBatch(): ConsumedMessage[] {
  const now = Date.now();
  return Array.from({ length: BATCH }, (_, i) => {
    const payload: AgentCommandPayload = { commandId: '7d1a6c2e-5f0b-4c1e-9a51-0f2d7c3b8e4a', type: 'presence', agentId: `agent-${i % KEYS}`, presence: 'ready', capacity: 2 };
    return {
      topic: Topics.AgentCommand,
      partition: 0,
      offset: String(i),
      key: payload.agentId,
      value: encodeEvent(createEnvelope(Topics.AgentCommand, payload, { correlationId: `c-${i}` }, 'bench')),
      timestamp: now,
    };
  });
}

interface BusPath {
  run(events: number): Promise<number>;
  stop(): Promise<void>;
}

async function busPath(observed: boolean): Promise<BusPath> {
  const transport = new CapturingTransport();
  await transport.connect();
  await transport.ensureTopics(perchTopicSpecs());
  const metrics = new EventHandlingMetrics();
  if (observed) createObservability({ service: 'bench', metrics: metrics.metrics });
  const bus = new EventBus(transport, { producer: 'bench', logger: createLogger('bench-metrics'), ...(observed ? { observer: metrics } : {}) });
  let handled = 0;
  await bus.subscribe(Topics.AgentCommand, 'bench-metrics', async () => {
    handled += 1;
  });
  const handler = transport.handler;
  if (handler === undefined) throw new Error('the transport did not hand out its batch handler');
  const batch = commandBatch();
  const signal = new AbortController().signal;
  const noProgress = (): void => undefined;
  return {
    async run(events) {
      const before = handled;
      const start = cpuMicros();
      for (let fed = 0; fed < events; fed += BATCH) await handler(batch, noProgress, signal);
      const cpu = cpuMicros() - start;
      if (handled - before < events) throw new Error(`handled ${handled - before} of ${events}`);
      return cpu / (handled - before);
    },
    async stop() {
      await bus.stop();
      await transport.disconnect();
    },
  };
}

type Middleware = (req: unknown, res: unknown, next: () => void) => void;

/** The least a middleware that waits for the answer costs: the same two listeners, nothing recorded. */
const listeningOnly: Middleware = (_req, res, next) => {
  const emitter = res as EventEmitter;
  emitter.once('finish', () => undefined);
  emitter.once('close', () => undefined);
  next();
};

const ROUTES = ['/api/interactions/:id/accept', '/api/interactions/:id/replies', '/api/interactions/:id/done', '/api/interactions'];

function requestsThrough(middleware: Middleware, requests: number): number {
  const next = (): void => undefined;
  const start = cpuMicros();
  for (let i = 0; i < requests; i += 1) {
    const res = Object.assign(new EventEmitter(), { statusCode: 202 });
    const req = { method: 'POST', baseUrl: '', route: { path: ROUTES[i & 3], methods: { post: true } } };
    middleware(req, res, next);
    res.emit('finish');
    res.emit('close');
  }
  return (cpuMicros() - start) / requests;
}

async function main(): Promise<void> {
  log(`bus: ${ROUNDS} rounds of ${EVENTS} events per path; HTTP: ${ROUNDS} rounds of ${REQUESTS} requests per path`);
  const plain = await busPath(false);
  const observed = await busPath(true);
  const timing = httpRequestTimingMiddleware(createObservability({ service: 'bench' }).httpRequestDurations) as Middleware;
  // Warm-up: JIT both paths before timing.
  await plain.run(EVENTS);
  await observed.run(EVENTS);
  requestsThrough(listeningOnly, REQUESTS);
  requestsThrough(timing, REQUESTS);
  const bus = { plain: [] as number[], observed: [] as number[] };
  const http = { listening: [] as number[], timed: [] as number[] };
  for (let round_ = 1; round_ <= ROUNDS; round_ += 1) {
    // Alternating which path goes first, so neither always runs on a warmer or cooler machine.
    const busOrder = round_ % 2 === 1 ? (['plain', 'observed'] as const) : (['observed', 'plain'] as const);
    for (const path of busOrder) bus[path].push(await (path === 'plain' ? plain : observed).run(EVENTS));
    const httpOrder = round_ % 2 === 1 ? (['listening', 'timed'] as const) : (['timed', 'listening'] as const);
    for (const path of httpOrder) http[path].push(requestsThrough(path === 'listening' ? listeningOnly : timing, REQUESTS));
    log(
      `round ${round_}: bus ${round(bus.plain.at(-1) ?? 0, 3)} → ${round(bus.observed.at(-1) ?? 0, 3)} µs CPU/event; ` +
        `HTTP ${round(http.listening.at(-1) ?? 0, 3)} → ${round(http.timed.at(-1) ?? 0, 3)} µs CPU/request`,
    );
  }
  await plain.stop();
  await observed.stop();
  const busPlain = median(bus.plain);
  const busObserved = median(bus.observed);
  const httpListening = median(http.listening);
  const httpTimed = median(http.timed);
  const report = {
    busCpuMicrosPerEvent: { withoutObserver: round(busPlain, 3), withEventHandlingMetrics: round(busObserved, 3), addedMicros: round(busObserved - busPlain, 3), ratio: round(busObserved / busPlain, 3) },
    httpCpuMicrosPerRequest: { listeningOnly: round(httpListening, 3), timed: round(httpTimed, 3), addedMicros: round(httpTimed - httpListening, 3), ratio: round(httpTimed / httpListening, 3) },
    rounds: { bus, http },
  };
  log(
    `bus handling: ${report.busCpuMicrosPerEvent.withoutObserver} → ${report.busCpuMicrosPerEvent.withEventHandlingMetrics} µs CPU/event (+${report.busCpuMicrosPerEvent.addedMicros}, ×${report.busCpuMicrosPerEvent.ratio}); ` +
      `HTTP middleware: ${report.httpCpuMicrosPerRequest.listeningOnly} → ${report.httpCpuMicrosPerRequest.timed} µs CPU/request (+${report.httpCpuMicrosPerRequest.addedMicros})`,
  );
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
