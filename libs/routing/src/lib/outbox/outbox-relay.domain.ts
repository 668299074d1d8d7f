import { hostname } from 'node:os';

import { ContractViolationError, type DeadLetterRecord, Topics, type TopicName } from '@perch/contracts';
import { type EventPublisher } from '@perch/messaging';
import { crashPoint, type Logger, newId } from '@perch/platform';

import { type RoutingStore } from '../store/routing-store.port';
import { type RecordedChange } from './routing-change.types';
import { foldCreations } from './fold-creations.util';
import { eventsOfChange, type PlannedEvent } from './routing-events.util';

interface PlannedChange {
  change: RecordedChange;
  events: PlannedEvent[];
}

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

/**
 * Creations a drain carries to its next batch, in batches: enough for the burst the router's concurrent steps record
 * before their offers (the bus runs 256 keys of 4 partitions at once by default), little enough that creations nobody can take yet are
 * not held back long (each batch is one claim and one publish: milliseconds).
 */
const CARRIED_BATCHES = 8;

export interface OutboxRelayCounters {
  /** Changes published and acknowledged. */
  changes: number;
  /** Messages sent. */
  events: number;
  /** Of those, offers that also announced their interaction's creation (two events in one message, ADR 0035). */
  folded: number;
  /** Changes taken over from a relay that did not acknowledge them. */
  reclaimed: number;
  /** Changes whose events broke their contract: dead-lettered, not published. */
  invalid: number;
  /** Changes recorded and not yet acknowledged, as of the last sweep: a growing number means events are late. */
  pending: number;
}

export function newOutboxRelayCounters(): OutboxRelayCounters {
  return { changes: 0, events: 0, folded: 0, reclaimed: 0, invalid: 0, pending: 0 };
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
  /** Interactions whose creation waits for their step's flush (holdCreation), with how many holds each. */
  private readonly held = new Map<string, number>();
  private draining: Promise<void> = Promise.resolve();
  /** Creations this relay took and keeps for the next batch, where their offers may be (holdBack). */
  private readonly carried: PlannedChange[] = [];
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
      this.current = this.drainAlone(undefined).finally(() => {
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
    await this.drainAlone(this.reclaimIdleMs);
    this.counters.pending = await this.store.pendingChanges();
  }

  /**
   * Keeps an interaction's 'created' back until `release()`: its step is about to offer it and flushes after, so the
   * two leave as one message (ADR 0035) even when another step's flush takes the creation first. A held creation is
   * taken (not acknowledged): if this process dies, another relay reclaims it as any unacknowledged change.
   */
  holdCreation(interactionId: string): () => void {
    this.held.set(interactionId, (this.held.get(interactionId) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const holds = (this.held.get(interactionId) ?? 1) - 1;
      if (holds > 0) this.held.set(interactionId, holds);
      else this.held.delete(interactionId);
    };
  }

  /**
   * One drain at a time per process, flush or reclaim: a creation one drain carries must reach the next drain before
   * anything later of its interaction is sent (holdBack).
   */
  private drainAlone(reclaimIdleMs: number | undefined): Promise<void> {
    const run = this.draining.then(() => this.drain(reclaimIdleMs));
    this.draining = run.catch(() => undefined);
    return run;
  }

  private async drain(reclaimIdleMs: number | undefined): Promise<void> {
    for (;;) {
      const claimed = await this.store.claimChanges({
        relayId: this.relayId,
        limit: this.batchSize,
        ...(reclaimIdleMs === undefined ? {} : { reclaimIdleMs }),
      });
      if (reclaimIdleMs !== undefined && claimed.length > 0) {
        this.counters.reclaimed += claimed.length;
        this.logger.warn({ tenant: this.options.tenant, changes: claimed.length, relayId: this.relayId }, 'outbox changes reclaimed from a relay that did not acknowledge them');
      }
      // Creations held back by an earlier batch are older than anything claimed now: they go first. A reclaim may take
      // one of them again (held past reclaimIdleMs): it is the same change, planned once.
      const carried = this.carried.splice(0);
      // Loops, not arrows made per drain: a closure made per call loses its optimized code at every major GC (ADR 49).
      const carriedIds = new Set<string>();
      for (const { change } of carried) carriedIds.add(change.id);
      const planned: PlannedChange[] = carried;
      for (const change of claimed) if (!carriedIds.has(change.id)) planned.push({ change, events: eventsOfChange(change, this.options) });
      const { now, later } = this.holdBack(planned, claimed.length === this.batchSize);
      this.carried.push(...later);
      if (now.length > 0) {
        await this.publish(now);
        crashPoint('router.relay.after-publish');
        const ids: string[] = [];
        for (const { change } of now) ids.push(change.id);
        await this.store.ackChanges(ids);
        this.counters.changes += now.length;
      }
      if (claimed.length < this.batchSize) return;
    }
  }

  /**
   * Creations with nothing else about their interaction in the batch wait for the next one when their offer may be in
   * it: the creation is held for its step's flush, or the batch was full (the drain reads on at once: under a burst the
   * router's concurrent steps record hundreds of creations before their offers, which sit past the claim's limit). At
   * most CARRIED_BATCHES batches' worth waits for the second reason, the newest, so a burst nobody can take yet is not
   * carried along whole.
   */
  private holdBack(planned: PlannedChange[], full: boolean): { now: PlannedChange[]; later: PlannedChange[] } {
    if (!full && this.held.size === 0) return { now: planned, later: [] };
    const lastChangeOf = new Map<string, PlannedChange>();
    for (const entry of planned) {
      for (const event of entry.events) if (event.topic === Topics.InteractionLifecycle) lastChangeOf.set(event.payload.interactionId, entry);
    }
    const now: PlannedChange[] = [];
    const held: PlannedChange[] = [];
    const waiting: PlannedChange[] = [];
    for (const entry of planned) {
      const [event, ...others] = entry.events;
      const alone = others.length === 0 && event?.topic === Topics.InteractionLifecycle && event.payload.type === 'created' && lastChangeOf.get(event.payload.interactionId) === entry;
      if (alone && this.held.has(event.payload.interactionId)) held.push(entry);
      else if (alone && full) waiting.push(entry);
      else now.push(entry);
    }
    const overflow = Math.max(0, waiting.length - CARRIED_BATCHES * this.batchSize);
    // Sent in the batch's order: the overflow creations are older than what they are sent with, never of the same interaction.
    const sentNow = new Set([...now, ...waiting.slice(0, overflow)]);
    const sent: PlannedChange[] = [];
    for (const entry of planned) if (sentNow.has(entry)) sent.push(entry);
    return { now: sent, later: [...held, ...waiting.slice(overflow)] };
  }

  private async publish(planned: readonly PlannedChange[]): Promise<void> {
    // An interaction created and offered in this batch is announced by one message (ADR 0035).
    const changeEvents: { change: RecordedChange; event: PlannedEvent }[] = [];
    for (const { change, events: ofChange } of planned) for (const event of ofChange) changeEvents.push({ change, event });
    const events = foldCreations(changeEvents);
    // Issued in order, sent together: the transport batches them, and events of one key keep their order. The
    // publisher validates each payload before sending it (the one check on this path): an event its contract refuses
    // is never sent and marks its changes as a bug to dead-letter; any other failure leaves the batch to be retried.
    const outcomes = await Promise.allSettled(events.map(({ event }) => this.send(event)));
    const refused = new Map<RecordedChange, { topic: TopicName; error: ContractViolationError }>();
    for (const [index, outcome] of outcomes.entries()) {
      const outgoing = events[index];
      if (outgoing === undefined) continue;
      if (outcome.status === 'fulfilled') {
        this.counters.events += 1;
        if (outgoing.changes.length > 1) this.counters.folded += 1;
      } else if (outcome.reason instanceof ContractViolationError) {
        for (const change of outgoing.changes) if (!refused.has(change)) refused.set(change, { topic: outgoing.event.topic, error: outcome.reason });
      } else throw outcome.reason;
    }
    for (const [change, { topic, error }] of refused) await this.reject(change, topic, error);
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
