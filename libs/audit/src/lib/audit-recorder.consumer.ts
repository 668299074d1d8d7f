import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import {
  ConsumerGroups,
  type EventEnvelope,
  type InteractionEventType,
  type InteractionLifecyclePayload,
  isFinalOutbound,
  type OutboundCompletedPayload,
  Topics,
} from '@perch/contracts';
import { ConsumerFanIn, type ConsumerHandle, fanInTargetOf, type FanInTarget, legacyGroupOf } from '@perch/messaging';

import { type AuditDetails, type NewAuditEntry } from './audit-entry.types';
import { type AuditRecorderModuleDeps } from './audit-recorder-deps.types';
import { AUDIT_RECORDER_DEPS } from './audit.constants';

/** The router's decisions about who handles what; the other lifecycle events are the customer's, not decisions. */
const ROUTING_DECISIONS: ReadonlySet<InteractionEventType> = new Set([
  'offered',
  'accepted',
  'declined',
  'offer-timed-out',
  'completed',
  'transferred',
  // Who takes part in a conference (who joined, left, took over); invitations and their answers are the agents' own.
  'conference-joined',
  'conference-left',
  'conference-handed-over',
]);
const MAX_TEXT = 500;

/** Where the recorder ran alone, one group per topic (retired in the gateway, which seeds its lifecycle groups from them). */
const AUDIT_GROUPS = {
  [Topics.InteractionLifecycle]: ConsumerGroups.AuditRouting,
  [Topics.OutboundCompleted]: ConsumerGroups.AuditOutbound,
} as const;

/**
 * routing.interaction.v1 and x.outbound.completed.v1 → the audit log: each routing decision and each effect on X
 * (who asked for it, which brand, what X created or why it failed). Shared groups from the earliest offset, so
 * each event is kept once per cluster, and the log is idempotent on the event id (sourceKey, ON CONFLICT DO NOTHING:
 * redeliveries, a retry of the event for another handler of the same fan-in group, a replay of the topic, two
 * replicas racing change nothing). In the gateway the handlers join the gateway's lifecycle groups (deps.fanIn);
 * booted on its own the module opens its own groups.
 */
@Injectable()
export class AuditRecorderConsumer implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly handles: ConsumerHandle[] = [];
  private readonly own: ConsumerFanIn | undefined;
  private readonly target: FanInTarget;

  constructor(@Inject(AUDIT_RECORDER_DEPS) private readonly deps: AuditRecorderModuleDeps) {
    ({ target: this.target, own: this.own } = fanInTargetOf(
      deps.fanIn,
      () => new ConsumerFanIn(deps.bus, { groupOf: legacyGroupOf(AUDIT_GROUPS), fromBeginning: true }),
    ));
  }

  onModuleInit(): void {
    const enabled = this.deps.options?.run?.auditRecorder !== false;
    this.target.add(Topics.InteractionLifecycle, {
      name: 'audit',
      enabled,
      replaces: [AUDIT_GROUPS[Topics.InteractionLifecycle]],
      handle: async (event) => {
        const entry = routingAuditEntry(event);
        if (entry) await this.deps.auditLog.append(entry);
      },
    });
    this.target.add(Topics.OutboundCompleted, {
      name: 'audit',
      enabled,
      replaces: [AUDIT_GROUPS[Topics.OutboundCompleted]],
      handle: async (event) => {
        const entry = outboundAuditEntry(event);
        if (entry) await this.deps.auditLog.append(entry);
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.own) this.handles.push(...(await this.own.start()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.handles.splice(0).map((handle) => handle.stop()));
  }
}

/** A routing decision as an audit entry (null for events that are not decisions). The code is the decision. */
export function routingAuditEntry(event: EventEnvelope<InteractionLifecyclePayload>): NewAuditEntry | null {
  const payload = event.payload;
  if (!ROUTING_DECISIONS.has(payload.type)) return null;
  return {
    at: event.occurredAt,
    actor: { kind: 'system', id: 'router' },
    action: 'routing',
    interactionId: payload.interactionId,
    brandAccountId: payload.brandAccountId,
    outcome: 'succeeded',
    code: payload.type,
    details: compact({
      type: payload.type,
      agentId: payload.agentId,
      fromAgentId: payload.fromAgentId,
      conferenceAgentIds: payload.conferenceAgentIds,
      offerId: payload.offerId,
      offerExpiresAt: payload.offerExpiresAt,
      reason: payload.reason,
      disposition: payload.disposition,
      note: payload.note,
    }),
    correlationId: event.correlationId,
    sourceKey: `routing.interaction.v1:${event.eventId}`,
  };
}

/** What X answered to an agent's action, by the agent who asked (null while it only waits). */
export function outboundAuditEntry(event: EventEnvelope<OutboundCompletedPayload>): NewAuditEntry | null {
  const payload = event.payload;
  if (!isFinalOutbound(payload)) return null;
  const failed = payload.status === 'failed';
  return {
    at: new Date(payload.completedAt).toISOString(),
    actor: { kind: 'agent', id: payload.agentId },
    action: 'x-effect',
    ...(payload.interactionId === undefined ? {} : { interactionId: payload.interactionId }),
    brandAccountId: payload.brandAccountId,
    outcome: failed ? 'failed' : 'succeeded',
    code: failed ? payload.failure?.code ?? 'failed' : payload.kind,
    details: compact({
      kind: payload.kind,
      commandId: payload.commandId,
      status: payload.status,
      tweetId: payload.tweetId,
      inReplyToTweetId: payload.inReplyToTweetId,
      dmEventId: payload.dmEventId,
      participantId: payload.participantId,
      following: payload.following,
      pendingFollow: payload.pendingFollow,
      text: payload.text === undefined ? undefined : payload.text.slice(0, MAX_TEXT),
      failure: payload.failure ? { code: payload.failure.code, detail: payload.failure.detail.slice(0, MAX_TEXT), httpStatus: payload.failure.httpStatus } : undefined,
    }),
    correlationId: event.correlationId,
    sourceKey: `x.outbound.completed.v1:${event.eventId}`,
  };
}

function compact(details: Record<string, unknown>): AuditDetails {
  return Object.fromEntries(Object.entries(details).filter(([, value]) => value !== undefined));
}
