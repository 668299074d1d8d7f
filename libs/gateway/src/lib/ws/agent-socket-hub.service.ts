import { type Writable } from 'node:stream';

import { Inject, Injectable, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { type AgentDirectory, type AgentProfile, type AgentSession, AuthErrorCode } from '@perch/agents';
import { createLogger, errorMessage, PerchError, PlatformErrorCode, systemClock, validateInto, ValidationFailedError } from '@perch/platform';
import { type RawData, WebSocket } from 'ws';

import { AgentCommandsService } from '../agents/agent-commands.service';
import { type AuditedRequest, AuditRecorder } from '../audit/audit-recorder.service';
import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_AGENTS, GATEWAY_OPTIONS, WS_CLOSE_UNAUTHENTICATED } from '../gateway.constants';
import { GatewayErrorCode } from '../gateway.errors';
import { HTTP_STATUS_BY_KIND } from '../http/perch-exception.filter';
import { FrameCoalescer } from './frame-coalescer.util';
import { SocketReadGate } from './socket-read-gate.util';
import { WsOfferDecisionDto } from './ws-client-message.dto';
import { type ServerMessage } from './ws-messages.types';

type ConnectedListener = (agent: AgentProfile) => void;

export interface AgentSocketStats {
  sockets: number;
  agents: number;
  messagesInFlight: number;
  messagesWaiting: number;
  pauses: number;
}

/** Messages from agents' sockets handled at once per replica; past it they wait as they came, their sockets paused. */
export const DEFAULT_MAX_SOCKET_MESSAGES_IN_FLIGHT = 256;

/** How long an agent's last socket may stay closed (a reload, a network blip) before the router hears it is offline. */
export const DEFAULT_OFFLINE_GRACE_MS = 60_000;

/**
 * The agents' sockets on this replica. An agent may have several (tabs, devices): every push goes to
 * all of them. Sockets that stop answering pings are closed; an agent whose last socket stays gone
 * past the grace period is reported offline to the router. A socket lives no longer than its token: it is
 * closed (4401) when the token expires, at once when it is signed out here, and within one revocation check
 * (every few seconds, one store round trip for all of this replica's sockets) when it is revoked elsewhere.
 */
@Injectable()
export class AgentSocketHub implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = createLogger('gateway-sockets');
  private readonly sockets = new Map<string, Set<WebSocket>>();
  private readonly alive = new WeakMap<WebSocket, boolean>();
  private readonly offlineTimers = new Map<string, NodeJS.Timeout>();
  /** Sockets closed by a sign-out that already told the router the agent is offline: their close starts no timer. */
  private readonly signedOut = new WeakSet<WebSocket>();
  private readonly connectedListeners: ConnectedListener[] = [];
  private readonly sessions = new Map<WebSocket, { session: AgentSession; expiry: NodeJS.Timeout }>();
  /** Each socket's TCP connection (given at attach), corked while a turn of the event loop sends to it. */
  private readonly connections = new WeakMap<WebSocket, Writable>();
  private readonly frames = new FrameCoalescer();
  /** Bounds the messages from the sockets handled at once (ADR 39). */
  private readonly reads: SocketReadGate;
  private readonly heartbeatIntervalMs: number;
  private readonly offlineGraceMs: number;
  private readonly revocationCheckIntervalMs: number;
  private heartbeat: NodeJS.Timeout | null = null;
  private revocationCheck: NodeJS.Timeout | null = null;
  private checkingRevocations = false;

  constructor(
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
    private readonly commands: AgentCommandsService,
    @Inject(GATEWAY_AGENTS) private readonly agents: AgentDirectory,
    private readonly audit: AuditRecorder,
  ) {
    this.heartbeatIntervalMs = options.heartbeatIntervalMs ?? 25_000;
    this.offlineGraceMs = options.offlineGraceMs ?? DEFAULT_OFFLINE_GRACE_MS;
    this.revocationCheckIntervalMs = options.revocationCheckIntervalMs ?? 5_000;
    this.reads = new SocketReadGate(options.maxSocketMessagesInFlight ?? DEFAULT_MAX_SOCKET_MESSAGES_IN_FLIGHT);
  }

  onModuleInit(): void {
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatIntervalMs);
    this.heartbeat.unref();
    this.revocationCheck = setInterval(() => void this.closeRevoked(), this.revocationCheckIntervalMs);
    this.revocationCheck.unref();
  }

  onApplicationShutdown(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    if (this.revocationCheck) clearInterval(this.revocationCheck);
    for (const { expiry } of this.sessions.values()) clearTimeout(expiry);
    this.sessions.clear();
    for (const timer of this.offlineTimers.values()) clearTimeout(timer);
    this.offlineTimers.clear();
    for (const set of this.sockets.values()) for (const socket of set) socket.close(1001, 'gateway shutting down');
    this.sockets.clear();
  }

  /** Called on every new connection, e.g. to warm caches for that agent. */
  onConnected(listener: ConnectedListener): void {
    this.connectedListeners.push(listener);
  }

  /**
   * Takes over a socket whose token was verified; closes it when the token expires. `connection`: the socket's TCP
   * connection (the one its upgrade came on), so frames sent to it in one turn leave in one write.
   */
  attach(session: AgentSession, socket: WebSocket, connection?: Writable): void {
    if (connection) this.connections.set(socket, connection);
    const agent = session.agent;
    // setTimeout fires at once for delays past 2^31-1 ms (24.8 days); tokens live far less, but stay safe.
    const expiry = setTimeout(
      () => socket.close(WS_CLOSE_UNAUTHENTICATED, AuthErrorCode.TokenExpired),
      Math.min(2_147_483_647, Math.max(0, session.expiresAt - (this.options.clock ?? systemClock).now())),
    );
    expiry.unref();
    this.sessions.set(socket, { session, expiry });
    let set = this.sockets.get(agent.id);
    if (!set) {
      set = new Set();
      this.sockets.set(agent.id, set);
    }
    set.add(socket);
    const pendingOffline = this.offlineTimers.get(agent.id);
    if (pendingOffline) {
      clearTimeout(pendingOffline);
      this.offlineTimers.delete(agent.id);
    }
    this.alive.set(socket, true);
    socket.on('pong', () => this.alive.set(socket, true));
    socket.on('message', (data: RawData, isBinary: boolean) => {
      this.reads.run(socket, () =>
        this.onMessage(agent, socket, data, isBinary).catch((error: unknown) => this.logger.warn({ agentId: agent.id, err: error }, 'socket message failed')),
      );
    });
    socket.on('close', () => {
      this.reads.forget(socket);
      const held = this.sessions.get(socket);
      if (held) clearTimeout(held.expiry);
      this.sessions.delete(socket);
      this.detach(agent, socket);
    });
    socket.on('error', (error) => this.logger.debug({ agentId: agent.id, err: error }, 'socket error'));
    this.logger.info({ agentId: agent.id, sockets: set.size }, 'agent connected');
    this.sendTo(socket, {
      type: 'hello',
      agent,
      replicaId: this.options.replicaId,
      heartbeatIntervalMs: this.heartbeatIntervalMs,
      tokenExpiresAt: session.expiresAt,
    });
    for (const listener of this.connectedListeners) listener(agent);
  }

  isConnected(agentId: string): boolean {
    return (this.sockets.get(agentId)?.size ?? 0) > 0;
  }

  /** Sends to every socket of the agent on this replica; returns how many got it. */
  send(agentId: string, message: ServerMessage): number {
    const set = this.sockets.get(agentId);
    if (!set || set.size === 0) return 0;
    const data = JSON.stringify(message);
    let sent = 0;
    for (const socket of set) {
      if (socket.readyState !== WebSocket.OPEN) continue;
      this.hold(socket);
      socket.send(data);
      sent += 1;
    }
    return sent;
  }

  /**
   * Closes (4401) every socket on this replica opened with this token, e.g. at once on sign-out; how many.
   * `offlineSent`: the router was already told the agent is offline (sign-out), so no disconnect follows.
   */
  closeToken(tokenId: string, reason: AuthErrorCode | GatewayErrorCode, options: { offlineSent?: boolean } = {}): number {
    let closed = 0;
    for (const [socket, { session }] of this.sessions) {
      if (session.tokenId !== tokenId) continue;
      if (options.offlineSent) this.signedOut.add(socket);
      socket.close(WS_CLOSE_UNAUTHENTICATED, reason);
      closed += 1;
    }
    return closed;
  }

  /**
   * Closes (4401) every socket of the agent on this replica, whatever its token (a supervisor signed them out); how
   * many. `offlineSent` as for closeToken. Other replicas close theirs at their next revocation check.
   */
  closeAgent(agentId: string, reason: AuthErrorCode | GatewayErrorCode, options: { offlineSent?: boolean } = {}): number {
    let closed = 0;
    for (const [socket, { session }] of this.sessions) {
      if (session.agent.id !== agentId) continue;
      if (options.offlineSent) this.signedOut.add(socket);
      socket.close(WS_CLOSE_UNAUTHENTICATED, reason);
      closed += 1;
    }
    return closed;
  }

  /**
   * Closes the sockets whose tokens were revoked (on any replica): one store round trip for all of them.
   * Runs every revocationCheckIntervalMs; a failed check is logged and the next one tries again.
   */
  async closeRevoked(): Promise<number> {
    if (this.checkingRevocations || this.sessions.size === 0) return 0;
    this.checkingRevocations = true;
    try {
      const revoked = await this.agents.revokedAmong([...this.sessions.values()].map(({ session }) => session));
      let closed = 0;
      for (const [socket, { session }] of this.sessions) {
        if (!revoked.has(session.tokenId)) continue;
        socket.close(WS_CLOSE_UNAUTHENTICATED, AuthErrorCode.TokenRevoked);
        closed += 1;
      }
      if (closed > 0) this.logger.info({ closed }, 'closed sockets of revoked tokens');
      return closed;
    } catch (error) {
      this.logger.warn({ err: error }, 'could not check open sockets for revoked tokens');
      return 0;
    } finally {
      this.checkingRevocations = false;
    }
  }

  agentCount(): number {
    return this.sockets.size;
  }

  /** For /metrics: open sockets, agents connected, messages from the sockets being handled and waiting, pauses since start. */
  stats(): AgentSocketStats {
    return {
      sockets: this.socketCount(),
      agents: this.agentCount(),
      messagesInFlight: this.reads.messagesInFlight,
      messagesWaiting: this.reads.messagesWaiting,
      pauses: this.reads.pauses,
    };
  }

  socketCount(): number {
    let count = 0;
    for (const set of this.sockets.values()) count += set.size;
    return count;
  }

  private detach(agent: AgentProfile, socket: WebSocket): void {
    const set = this.sockets.get(agent.id);
    if (!set?.delete(socket)) return;
    this.logger.info({ agentId: agent.id, sockets: set.size }, 'agent socket closed');
    if (set.size > 0) return;
    this.sockets.delete(agent.id);
    if (this.offlineGraceMs <= 0 || this.signedOut.has(socket)) return;
    // A page reload or a network blip reconnects within the grace period and changes nothing. Past it, the router
    // is told explicitly (cause disconnect): it withdraws the agent's offers and flags the work it keeps.
    const timer = setTimeout(() => {
      this.offlineTimers.delete(agent.id);
      if (this.isConnected(agent.id)) return;
      this.logger.info({ agentId: agent.id, graceMs: this.offlineGraceMs }, 'agent disconnected past the grace period: offline');
      this.commands
        .presence(agent, 'offline', { cause: 'disconnect' })
        .catch((error: unknown) => this.logger.warn({ agentId: agent.id, err: error }, 'could not report the agent offline'));
    }, this.offlineGraceMs);
    timer.unref();
    this.offlineTimers.set(agent.id, timer);
  }

  private beat(): void {
    for (const set of this.sockets.values()) {
      for (const socket of set) {
        // Not read while paused: its pong waits in the buffer with the rest, and the connection is known to be busy.
        if (this.reads.isPaused(socket)) continue;
        if (this.alive.get(socket) === false) {
          // No pong since the last ping: the connection is dead even if TCP has not noticed.
          socket.terminate();
          continue;
        }
        this.alive.set(socket, false);
        socket.ping();
      }
    }
  }

  private async onMessage(agent: AgentProfile, socket: WebSocket, data: RawData, isBinary: boolean): Promise<void> {
    let message: unknown;
    try {
      if (isBinary) throw new Error('binary frames are not part of the protocol');
      message = JSON.parse(rawToString(data));
    } catch (error) {
      this.sendTo(socket, { type: 'error', code: GatewayErrorCode.BadMessage, message: `Not a JSON message: ${errorMessage(error)}` });
      return;
    }
    const type = typeof message === 'object' && message !== null ? (message as { type?: unknown }).type : undefined;
    if (type === 'ping') {
      this.sendTo(socket, { type: 'pong' });
      return;
    }
    let decision: WsOfferDecisionDto;
    try {
      decision = validateInto(WsOfferDecisionDto, message, 'WebSocket message');
    } catch (error) {
      const requestId = (message as { requestId?: unknown } | null)?.requestId;
      this.sendTo(socket, {
        type: 'error',
        ...(typeof requestId === 'string' ? { requestId } : {}),
        code: PlatformErrorCode.ValidationFailed,
        message: errorMessage(error),
        ...(error instanceof ValidationFailedError ? { problems: [...error.problems] } : {}),
      });
      return;
    }
    const reply = decision.requestId === undefined ? {} : { requestId: decision.requestId };
    // The desktop decides offers here as often as over REST: the audit trail records both alike.
    const audited: AuditedRequest = { params: { id: decision.interactionId }, body: { offerId: decision.offerId, via: 'socket' }, agent };
    this.audit.track(audited, { action: decision.type, keep: ['offerId', 'via'] });
    try {
      const { commandId } =
        decision.type === 'accept'
          ? await this.commands.accept(agent, decision.interactionId, decision.offerId)
          : await this.commands.decline(agent, decision.interactionId, decision.offerId);
      await this.audit.succeeded(audited, { commandId });
      this.sendTo(socket, { type: 'ack', ...reply, action: decision.type, interactionId: decision.interactionId, commandId });
    } catch (error) {
      if (isRefusal(error)) {
        // Not this agent's offer, or no longer live: the same code and reason REST would answer, nothing sent on.
        await this.audit.failed(audited, HTTP_STATUS_BY_KIND[error.kind], error.code);
        this.sendTo(socket, { type: 'error', ...reply, code: error.code, message: error.message });
        return;
      }
      this.logger.warn({ agentId: agent.id, err: error }, 'offer decision failed');
      await this.audit.failed(audited, 503, GatewayErrorCode.CommandFailed);
      this.sendTo(socket, { type: 'error', ...reply, code: GatewayErrorCode.CommandFailed, message: 'The decision could not be sent; try again' });
    }
  }

  private sendTo(socket: WebSocket, message: ServerMessage): void {
    if (socket.readyState !== WebSocket.OPEN) return;
    this.hold(socket);
    socket.send(JSON.stringify(message));
  }

  private hold(socket: WebSocket): void {
    const connection = this.connections.get(socket);
    if (connection) this.frames.hold(connection);
  }
}

/** A decision refused for a reason the agent should read (403, 404, 409), as opposed to one that could not be sent. */
function isRefusal(error: unknown): error is PerchError & { kind: 'forbidden' | 'not-found' | 'conflict' } {
  return error instanceof PerchError && (error.kind === 'forbidden' || error.kind === 'not-found' || error.kind === 'conflict');
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}
