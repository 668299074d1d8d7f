import { hostname } from 'node:os';

import { ContractViolationError, type DeadLetterRecord, Topics, type TopicName } from '@perch/contracts';
import { type EventPublisher } from '@perch/messaging';
import { crashPoint, type Logger, newId } from '@perch/platform';

import { type RoutingStore } from '../store/routing-store.port';
import { type RecordedChange } from './routing-change.types';
import { eventsOfChange, type PlannedEvent } from './routing-events.util';

export interface OutboxRelayOptions {
  tenant: string;
  offerTimeoutMs: number;
  /** This relay's name in the store's outbox; one per process (default: host, pid and a random suffix). */
  relayId?: string;
  /** Changes taken per read (default 256). */
  batchSize?: number;
  /**
   * Where a change whose events break their contract goes (a bug: it can never be published), so the relay goes on
   * instead of retrying it forever; the router passes the bus's dead-letter writer. Without it, such a change is
   * logged and dropped.
   */
  deadLetter?: (topic: TopicName, record: Omit<DeadLetterRecord, 'failedAt'>) => Promise<void>;
  /** Where the relay counts what it does (the router app exposes it on /metrics); a fresh object by default. */
  counters?: OutboxRelayCounters;
  /**
   * How long a change taken by a relay and not acknowledged stays with it before another relay takes it (default
   * DEFAULT_OUTBOX_RECLAIM_MS). Short enough that an offer made just before a crash is announced well within its
   * timeout; long enough that a live relay publishing a batch is not doubled (a double is harmless: same event ids).
   */
  reclaimIdleMs?: number;
}

export const DEFAULT_OUTBOX_RECLAIM_MS = 2_000;

export interface OutboxRelayCounters {
  /** Changes published and acknowledged. */
  changes: number;
  events: number;
  /** Changes taken over from a relay that did not acknowledge them. */
  reclaimed: number;
  /** Changes whose events broke their contract: dead-lettered, not published. */
  invalid: number;
  /** Changes recorded and not yet acknowledged, as of the last sweep: a growing number means events are late. */
  pending: number;
}

export function newOutboxRelayCounters(): OutboxRelayCounters {
  return { changes: 0, events: 0, reclaimed: 0, invalid: 0, pending: 0 };
}

/**
 * Publishes the router's recorded state changes (the store's outbox) and acknowledges them, in the order they were
 * made. The router flushes after each of its steps, so events leave as soon as before; what a crash left behind
 * (never read, or read and not acknowledged) is published by the next flush or reclaim of any replica. At least
 * once, with stable event ids: consumers apply each event once.
 */
export class OutboxRelay {
  readonly relayId: string;
  readonly counters: OutboxRelayCounters;
  private readonly batchSize: number;
  private readonly reclaimIdleMs: number;
  private current: Promise<void> | undefined;
  private next: Promise<void> | undefined;

  constructor(
    private readonly store: RoutingStore,
    private readonly publisher: EventPublisher,
    private readonly logger: Logger,
    private readonly options: OutboxRelayOptions,
  ) {
    this.counters = options.counters ?? newOutboxRelayCounters();
    this.relayId = options.relayId ?? `${hostname()}-${process.pid}-${newId().slice(0, 8)}`;
    this.batchSize = options.batchSize ?? 256;
    this.reclaimIdleMs = options.reclaimIdleMs ?? DEFAULT_OUTBOX_RECLAIM_MS;
  }

  /**
   * Publishes every change recorded before this call (by this replica or another one nobody relays yet). Flushes
   * are serial per process, and a call made while one runs waits for the next one, which sees its change.
   */
  flush(): Promise<void> {
    if (this.current === undefined) {
      this.current = this.drain(undefined).finally(() => {
        this.current = undefined;
      });
      return this.current;
    }
    this.next ??= this.current
      .catch(() => undefined)
      .then(() => {
        this.next = undefined;
        return this.flush();
      });
    return this.next;
  }

  /** Also takes changes a dead relay took and never acknowledged (run by the sweeper, every tick). */
  async reclaim(): Promise<void> {
    await this.flush();
    await this.drain(this.reclaimIdleMs);
    this.counters.pending = await this.store.pendingChanges();
  }

  private async drain(reclaimIdleMs: number | undefined): Promise<void> {
    for (;;) {
      const changes = await this.store.claimChanges({
        relayId: this.relayId,
        limit: this.batchSize,
        ...(reclaimIdleMs === undefined ? {} : { reclaimIdleMs }),
      });
      if (changes.length === 0) return;
      if (reclaimIdleMs !== undefined) {
        this.counters.reclaimed += changes.length;
        this.logger.warn({ tenant: this.options.tenant, changes: changes.length, relayId: this.relayId }, 'outbox changes reclaimed from a relay that did not acknowledge them');
      }
      await this.publish(changes);
      crashPoint('router.relay.after-publish');
      await this.store.ackChanges(changes.map((change) => change.id));
      this.counters.changes += changes.length;
      if (changes.length < this.batchSize) return;
    }
  }

  private async publish(changes: readonly RecordedChange[]): Promise<void> {
    const events = changes.flatMap((change) => eventsOfChange(change, this.options).map((event) => ({ change, event })));
    // Issued in order, sent together: the transport batches them, and events of one key keep their order. The
    // publisher validates each payload before sending it (the one check on this path): an event its contract refuses
    // is never sent and marks its change as a bug to dead-letter; any other failure leaves the batch to be retried.
    const outcomes = await Promise.allSettled(events.map(({ event }) => this.send(event)));
    const refused = new Map<RecordedChange, { topic: TopicName; error: ContractViolationError }>();
    let sent = 0;
    for (const [index, outcome] of outcomes.entries()) {
      const planned = events[index];
      if (outcome.status === 'fulfilled') sent += 1;
      else if (outcome.reason instanceof ContractViolationError && planned) {
        if (!refused.has(planned.change)) refused.set(planned.change, { topic: planned.event.topic, error: outcome.reason });
      } else throw outcome.reason;
    }
    for (const [change, { topic, error }] of refused) await this.reject(change, topic, error);
    this.counters.events += sent;
  }

  private async reject(change: RecordedChange, topic: TopicName, error: ContractViolationError): Promise<void> {
    this.counters.invalid += 1;
    this.logger.error({ tenant: this.options.tenant, changeId: change.id, op: change.change.op, err: error.message }, 'routing change whose events break their contract: dead-lettered');
    await this.options.deadLetter?.(topic, {
      sourceTopic: topic,
      partition: -1,
      offset: change.id,
      key: change.id,
      value: JSON.stringify(change),
      headers: {},
      consumerGroup: `router-outbox-${this.options.tenant}`,
      reason: error.message,
      problems: [...error.problems],
      attempts: 1,
    });
  }

  private async send(event: PlannedEvent): Promise<void> {
    // Narrowed per topic so each payload is checked against its own topic's type.
    switch (event.topic) {
      case Topics.InteractionLifecycle:
        await this.publisher.publish(event.topic, event.payload, event.context);
        return;
      case Topics.AgentState:
        await this.publisher.publish(event.topic, event.payload, event.context);
        return;
    }
  }
}
