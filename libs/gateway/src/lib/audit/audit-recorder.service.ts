import { randomUUID } from 'node:crypto';

import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import { type AgentProfile } from '@perch/agents';
import { type AuditActor, type AuditDetails, type AuditLog, type NewAuditEntry, RetryingAuditWriter } from '@perch/audit';
import { createLogger } from '@perch/platform';

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
// (`agentId`: the agent a supervisor set the presence of.)
const RESULT_FIELDS = ['commandId', 'correctionId', 'inReplyToTweetId', 'participantId', 'kind', 'agentId'] as const;

/**
 * Turns an audited request (REST, or an accept/decline on the socket) and its outcome into one audit entry, once.
 * Writes are awaited before the answer goes out, so an answered request is in the log. If the database cannot take
 * it (an outage), the answer still goes out (the action has already happened) and @perch/audit's
 * RetryingAuditWriter keeps trying in the background (AUDIT_RETRY_FOR_MS).
 */
@Injectable()
export class AuditRecorder implements OnApplicationShutdown {
  private readonly writer: RetryingAuditWriter;

  constructor(@Inject(GATEWAY_AUDIT_LOG) log: AuditLog) {
    this.writer = new RetryingAuditWriter(log, createLogger('gateway-audit'));
  }

  /** Entries waiting for the database to come back. */
  get waiting(): number {
    return this.writer.waiting;
  }

  /** One last try for what still waits; what fails now is only in the error log. */
  async onApplicationShutdown(): Promise<void> {
    await this.writer.stop();
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
    await this.writer.append(entry);
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
