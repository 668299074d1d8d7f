import { Controller, type DynamicModule, Get, type INestApplicationContext, Module, ServiceUnavailableException } from '@nestjs/common';
import { performance } from 'node:perf_hooks';

import { collectDefaultMetrics, Gauge, type Metric, Registry } from 'prom-client';

import { type HttpRequestDurations, registerHttpRequestDurations } from './http-request-metrics.util';

export interface HealthCheck {
  name: string;
  check(): Promise<boolean> | boolean;
}

/** Numbers a component exposes on /metrics (internal listener), read at scrape time (no double bookkeeping). */
export interface MetricsSource {
  prefix: string;
  read(): Record<string, number>;
}

export interface ObservabilityOptions {
  service: string;
  checks?: HealthCheck[];
  sources?: MetricsSource[];
  /** Metrics a component made before the app and records into itself (the bus's EventHandlingMetrics). */
  metrics?: readonly Metric[];
}

export const OBSERVABILITY_OPTIONS = Symbol('OBSERVABILITY_OPTIONS');

export function createMetricsRegistry(options: ObservabilityOptions): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ service: options.service });
  collectDefaultMetrics({ register: registry, prefix: 'perch_' });
  // Share of wall time the event loop was busy since the previous scrape: the saturation signal to scale on.
  let lastElu = performance.eventLoopUtilization();
  new Gauge({
    name: 'perch_event_loop_utilization',
    help: 'Event loop utilization (0..1) since the previous scrape',
    registers: [registry],
    collect() {
      const now = performance.eventLoopUtilization();
      this.set(performance.eventLoopUtilization(now, lastElu).utilization);
      lastElu = now;
    },
  });
  for (const metric of options.metrics ?? []) registry.registerMetric(metric);
  for (const source of options.sources ?? []) {
    for (const name of Object.keys(source.read())) {
      const metricName = `perch_${source.prefix}_${name.replace(/[^a-zA-Z0-9_]/g, '_')}`.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
      new Gauge({
        name: metricName,
        help: `${source.prefix} ${name}`,
        registers: [registry],
        collect() {
          this.set(source.read()[name] ?? 0);
        },
      });
    }
  }
  return registry;
}

export interface HealthReport {
  status: 'ok' | 'degraded';
  service: string;
  pid: number;
  checks: Record<string, boolean>;
}

/** One process's health checks and metrics registry, answered on both listeners (see startInternalHttp). */
export interface Observability {
  readonly service: string;
  readonly registry: Registry;
  /** perch_http_request_duration_seconds on that registry, fed by instrumentHttp. */
  readonly httpRequestDurations: HttpRequestDurations;
  /** Runs every check; status is 'ok' only when all pass. */
  health(): Promise<HealthReport>;
}

/** Nest token of the process's Observability, provided by ObservabilityModule and read by startInternalHttp. */
export const OBSERVABILITY = Symbol('OBSERVABILITY');

/** The Observability an app's ObservabilityModule provides. */
export function observabilityOf(app: Pick<INestApplicationContext, 'get'>): Observability {
  return app.get<symbol, Observability>(OBSERVABILITY, { strict: false });
}

export function createObservability(options: ObservabilityOptions): Observability {
  const registry = createMetricsRegistry(options);
  return {
    service: options.service,
    registry,
    httpRequestDurations: registerHttpRequestDurations(registry),
    async health(): Promise<HealthReport> {
      const checks: Record<string, boolean> = {};
      for (const check of options.checks ?? []) {
        checks[check.name] = await Promise.resolve(check.check()).catch(() => false);
      }
      const ok = Object.values(checks).every(Boolean);
      // The pid tells a supervisor (or a test harness) which process answered on this port.
      return { status: ok ? 'ok' : 'degraded', service: options.service, pid: process.pid, checks };
    },
  };
}

/** GET /health (liveness and readiness in one): 200 when every check passes, else 503 with the same report. */
export async function answerHealth(observability: Observability): Promise<HealthReport> {
  const report = await observability.health();
  if (report.status !== 'ok') throw new ServiceUnavailableException(report);
  return report;
}

/**
 * GET /health on the app's own (public) listener. /metrics is not here: it is served only on the internal
 * listener (startInternalHttp), with /health again, which the ingress never exposes.
 */
export class ObservabilityModule {
  static register(options: ObservabilityOptions): DynamicModule {
    const observability = createObservability(options);

    @Controller()
    class HealthController {
      @Get('health')
      health(): Promise<HealthReport> {
        return answerHealth(observability);
      }
    }

    @Module({ controllers: [HealthController], providers: [{ provide: OBSERVABILITY, useValue: observability }], exports: [OBSERVABILITY] })
    class ObservabilityHostModule {}

    return { module: ObservabilityHostModule };
  }
}
