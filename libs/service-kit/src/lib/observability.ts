import { Controller, type DynamicModule, Get, Header, Module, ServiceUnavailableException } from '@nestjs/common';
import { performance } from 'node:perf_hooks';

import { collectDefaultMetrics, Gauge, Registry } from 'prom-client';

export interface HealthCheck {
  name: string;
  check(): Promise<boolean> | boolean;
}

/** Numbers a component exposes on /metrics, read at scrape time (no double bookkeeping). */
export interface MetricsSource {
  prefix: string;
  read(): Record<string, number>;
}

export interface ObservabilityOptions {
  service: string;
  checks?: HealthCheck[];
  sources?: MetricsSource[];
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

/** GET /health (liveness and readiness in one: every check must pass) and GET /metrics (Prometheus). */
export class ObservabilityModule {
  static register(options: ObservabilityOptions): DynamicModule {
    const registry = createMetricsRegistry(options);

    @Controller()
    class ObservabilityController {
      @Get('health')
      async health(): Promise<{ status: 'ok'; service: string; pid: number; checks: Record<string, boolean> }> {
        const results: Record<string, boolean> = {};
        for (const check of options.checks ?? []) {
          results[check.name] = await Promise.resolve(check.check()).catch(() => false);
        }
        if (Object.values(results).some((ok) => !ok)) {
          throw new ServiceUnavailableException({ status: 'degraded', service: options.service, pid: process.pid, checks: results });
        }
        // The pid tells a supervisor (or a test harness) which process answered on this port.
        return { status: 'ok', service: options.service, pid: process.pid, checks: results };
      }

      @Get('metrics')
      @Header('content-type', 'text/plain; version=0.0.4')
      async metrics(): Promise<string> {
        return registry.metrics();
      }
    }

    @Module({ controllers: [ObservabilityController] })
    class ObservabilityHostModule {}

    return { module: ObservabilityHostModule };
  }
}
