import { Topics } from '@perch/contracts';
import { type EventPublisher } from '@perch/messaging';
import { type Clock, createLogger, errorMessage, type Logger, systemClock } from '@perch/platform';

import { type DeferredOutboundStore } from './deferred-outbound-store.port';

export interface OutboundRedriverOptions {
  store: DeferredOutboundStore;
  publisher: EventPublisher;
  /** How often due commands are looked for. Default 500 ms. */
  intervalMs?: number;
  /** Commands put back per look. Default 200. */
  batchSize?: number;
  clock?: Clock;
  logger?: Logger;
}

/**
 * Puts deferred outbound commands back on x.outbound.requested.v1 once they are due. Published first, removed
 * after: a crash in between publishes a command twice, which the outbound worker's claims make harmless, and
 * several replicas may run it for the same reason.
 */
export class OutboundRedriver {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;
  private readonly clock: Clock;
  private readonly logger: Logger;

  constructor(private readonly options: OutboundRedriverOptions) {
    this.clock = options.clock ?? systemClock;
    this.logger = options.logger ?? createLogger('outbound-redriver');
  }

  start(): void {
    this.timer = setInterval(() => {
      if (this.running) return;
      this.running = this.redriveDue()
        .then(() => undefined)
        .catch((error: unknown) => this.logger.warn({ err: errorMessage(error) }, 'could not put deferred outbound commands back'))
        .finally(() => (this.running = undefined));
    }, this.options.intervalMs ?? 500);
    // The consumers keep the process alive; this timer alone must not.
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.running;
  }

  /** One pass: every command due now goes back on its topic. Returns how many. */
  async redriveDue(): Promise<number> {
    const due = await this.options.store.due(this.clock.now(), this.options.batchSize ?? 200);
    for (const { event, dueAt } of due) {
      await this.options.publisher.publish(Topics.OutboundRequested, event.payload, {
        correlationId: event.correlationId,
        causationId: event.eventId,
      });
      await this.options.store.remove(event.payload.commandId, dueAt);
    }
    return due.length;
  }
}
