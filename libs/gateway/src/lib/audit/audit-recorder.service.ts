import { randomUUID } from 'node:crypto';

import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type AuditActor, type AuditDetails, type AuditLog, type NewAuditEntry } from '@perch/audit';
import { type AgentProfile } from '@perch/interactions';
import { backoffDelay, createLogger } from '@perch/platform';

import { GATEWAY_AUDIT_LOG } from '../gateway.constants';
import { type AuditSpec } from './audited.decorator';

/** A request as the audit trail reads it (Express's request has these). */
export interface AuditedRequest {
  ip?: string;
  params?: Record<string, unknown>;
  body?: unknown;
  query?: unknown;
  agent?: AgentProfile;
  [AUDIT_STATE]?: { spec: AuditSpec; recorded: boolean };
}

/** Where the AuditTrailGuard leaves a request's audit spec for the interceptor and the exception filter. */
export const AUDIT_STATE = Symbol('perch:audit-state');

const MAX_TEXT = 500;
const MAX_ID = 128;
// Only these of a route's answer reach the log: ids to follow the action through Kafka and X, never a token.
const RESULT_FIELDS = ['commandId', 'correctionId', 'inReplyToTweetId', 'participantId', 'kind'] as const;

/** How long an entry the database refused is tried again in the background: past a PostgreSQL failover. */
export const AUDIT_RETRY_FOR_MS = 10 * 60 * 1000;

/**
 * Turns an audited request and its outcome into one audit entry, once. Writes are awaited before the answer
 * goes out, so an answered request is in the log. If the database cannot take it (an outage), the answer still
 * goes out (the action has already happened) and the entry, with its id fixed so a retry cannot double it, is
 * tried again in the background with jittered backoff for AUDIT_RETRY_FOR_MS; only a crash of this process
 * during the outage, or an outage longer than that, loses it, and then it is in the error log whole.
 */
@Injectable()
export class AuditRecorder implements OnApplicationShutdown {
  private readonly logger = createLogger('gateway-audit');
  private readonly pending = new Map<string, { entry: NewAuditEntry; attempt: number; since: number }>();
  private timer: NodeJS.Timeout | undefined;

  constructor(@Inject(GATEWAY_AUDIT_LOG) private readonly log: AuditLog) {}

  /** Entries waiting for the database to come back. */
  get waiting(): number {
    return this.pending.size;
  }

  /** One last try for what still waits; what fails now is only in the error log. */
  async onApplicationShutdown(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    await this.retryPending(true);
  }

  track(request: AuditedRequest, spec: AuditSpec): void {
    request[AUDIT_STATE] = { spec, recorded: false };
  }

  async succeeded(request: AuditedRequest, result: unknown): Promise<void> {
    await this.record(request, (spec) => ({
      outcome: 'succeeded',
      actor: spec.action === 'sign-in' ? signedInActor(result) ?? anonymousActor(request) : actorOf(request),
      details: { ...bodyDetails(request, spec), ...resultDetails(result) },
    }));
  }

  /** 4xx: refused, with the API's error code; 5xx: failed. */
  async failed(request: AuditedRequest, status: number, code: string): Promise<void> {
    await this.record(request, (spec) => ({
      outcome: status >= 500 ? 'failed' : 'refused',
      code,
      actor: spec.action === 'sign-in' ? anonymousActor(request) : actorOf(request),
      details: { ...bodyDetails(request, spec), status },
    }));
  }

  private async record(
    request: AuditedRequest,
    build: (spec: AuditSpec) => Pick<NewAuditEntry, 'outcome' | 'actor' | 'details'> & { code?: string },
  ): Promise<void> {
    const state = request[AUDIT_STATE];
    if (!state || state.recorded) return;
    state.recorded = true;
    const interactionId = idOf(request.params?.['id']) ?? idOf(field(request.body, 'interactionId'));
    const brandAccountId = idOf(field(request.body, 'brandAccountId'));
    const entry: NewAuditEntry = {
      id: randomUUID(),
      at: new Date().toISOString(),
      action: state.spec.action,
      ...build(state.spec),
      ...(interactionId === undefined ? {} : { interactionId }),
      ...(brandAccountId === undefined ? {} : { brandAccountId }),
      ...(request.ip === undefined ? {} : { address: request.ip }),
    };
    try {
      await this.log.append(entry);
    } catch (error) {
      this.logger.warn({ err: error, auditId: entry.id }, 'audit entry not written yet; trying again in the background');
      this.pending.set(entry.id ?? randomUUID(), { entry, attempt: 1, since: Date.now() });
      this.schedule();
    }
  }

  private schedule(): void {
    if (this.timer || this.pending.size === 0) return;
    const attempt = Math.min(...[...this.pending.values()].map((p) => p.attempt));
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.retryPending(false).finally(() => this.schedule());
    }, backoffDelay({ attempt, baseMs: 500, maxMs: 15_000 }) + 100);
    this.timer.unref();
  }

  private async retryPending(last: boolean): Promise<void> {
    for (const [id, item] of [...this.pending]) {
      try {
        // Idempotent on the id: an attempt that reached the database before its answer was lost is not doubled.
        await this.log.append(item.entry);
        this.pending.delete(id);
      } catch (error) {
        item.attempt += 1;
        if (last || Date.now() - item.since > AUDIT_RETRY_FOR_MS) {
          this.pending.delete(id);
          this.logger.error({ err: error, auditEntry: item.entry }, 'audit entry not kept');
        }
      }
    }
  }
}

function actorOf(request: AuditedRequest): AuditActor {
  const agent = request.agent;
  return agent ? { kind: 'agent', id: agent.id, role: agent.role } : { kind: 'anonymous' };
}

/** A sign-in's caller is the username tried (cut short: it is whatever the caller sent). */
function anonymousActor(request: AuditedRequest): AuditActor {
  const username = idOf(field(request.body, 'username'));
  return username === undefined ? { kind: 'anonymous' } : { kind: 'anonymous', id: username };
}

function signedInActor(result: unknown): AuditActor | undefined {
  const agent = field(result, 'agent');
  const id = idOf(field(agent, 'id'));
  const role = field(agent, 'role');
  if (id === undefined) return undefined;
  return { kind: 'agent', id, ...(typeof role === 'string' ? { role } : {}) };
}

function bodyDetails(request: AuditedRequest, spec: AuditSpec): AuditDetails {
  const details: AuditDetails = {};
  for (const name of spec.keep ?? []) {
    const value = field(request.body, name) ?? field(request.query, name);
    if (typeof value === 'string') details[name] = value.length > MAX_TEXT ? `${value.slice(0, MAX_TEXT)}…` : value;
    else if (typeof value === 'number' || typeof value === 'boolean') details[name] = value;
  }
  return details;
}

function resultDetails(result: unknown): AuditDetails {
  const details: AuditDetails = {};
  for (const name of RESULT_FIELDS) {
    const value = field(result, name);
    if (typeof value === 'string') details[name] = value;
  }
  return details;
}

function field(value: unknown, name: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[name] : undefined;
}

function idOf(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value.slice(0, MAX_ID) : undefined;
}
