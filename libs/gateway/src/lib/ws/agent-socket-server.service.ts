import { type IncomingMessage, type Server } from 'node:http';
import { type Duplex } from 'node:stream';

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type AgentDirectory, AuthenticationFailedError, AuthErrorCode } from '@perch/agents';
import { createLogger, errorMessage, validateInto } from '@perch/platform';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';

import { type GatewayOptions } from '../gateway-deps.types';
import { GatewayErrorCode } from '../gateway.errors';
import { GATEWAY_AGENTS, GATEWAY_OPTIONS, WS_CLOSE_UNAUTHENTICATED, WS_PATH } from '../gateway.constants';
import { AgentSocketHub } from './agent-socket-hub.service';
import { WsAuthDto } from './ws-client-message.dto';

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Accepts agent WebSockets at /ws on Nest's own HTTP server (no extra port, no Nest WebSocket adapter to
 * configure in main.ts).
 *
 * The token comes in the socket's first message, {type:'auth', token}, within socketAuthTimeoutMs; else,
 * or when it is bad, expired or revoked, the socket is closed with 4401 and the reason. Not in the URL
 * (proxies' and servers' access logs keep URLs), and not in Sec-WebSocket-Protocol either: that is a
 * request header some ingresses log too, and a browser that sends it must have the server echo it back.
 * A message travels only inside the encrypted stream and lets the close say why (4401 + reason), which the
 * desktop reads to send the agent back to sign-in. `/ws?token=` is refused outright (400).
 */
@Injectable()
export class AgentSocketServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = createLogger('gateway-sockets');
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private server: Server | null = null;
  private dispatcher: UpgradeListener | null = null;
  private others: UpgradeListener[] = [];

  private readonly authTimeoutMs: number;

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_AGENTS) private readonly agents: AgentDirectory,
    private readonly hub: AgentSocketHub,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
  ) {
    this.authTimeoutMs = options.socketAuthTimeoutMs ?? 5_000;
  }

  onApplicationBootstrap(): void {
    const server = this.adapterHost.httpAdapter?.getHttpServer() as Server | undefined;
    if (!server || typeof server.on !== 'function') {
      this.logger.warn('no HTTP server (application context only): agent WebSockets are disabled');
      return;
    }
    // Other upgrade listeners (e.g. @nestjs/platform-ws, which destroys sockets on paths it does not
    // own) would kill /ws connections; so one dispatcher routes /ws here and everything else to them.
    this.others = server.listeners('upgrade') as UpgradeListener[];
    server.removeAllListeners('upgrade');
    this.dispatcher = (request, socket, head) => {
      if (pathOf(request) === WS_PATH) this.upgrade(request, socket, head);
      else for (const listener of this.others) listener.call(server, request, socket, head);
    };
    server.on('upgrade', this.dispatcher);
    this.server = server;
  }

  onApplicationShutdown(): void {
    if (this.server && this.dispatcher) {
      this.server.removeListener('upgrade', this.dispatcher);
      for (const listener of this.others) this.server.on('upgrade', listener);
    }
    this.server = null;
    this.dispatcher = null;
    this.wss.close();
  }

  private upgrade(request: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (hasTokenInUrl(request)) {
      // Old clients: refuse loudly rather than leave the token's use in the URL working.
      this.logger.info('refused a WebSocket with its token in the URL');
      const body = 'Send the token in the first message ({"type":"auth","token":"…"}), not in the URL';
      socket.end(`HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Type: text/plain\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.awaitAuth(ws, socket));
  }

  /** Until the first message proves who this is, nothing else is read and nothing is sent. */
  private awaitAuth(ws: WebSocket, connection: Duplex): void {
    const refuse = (reason: AuthErrorCode | GatewayErrorCode): void => ws.close(WS_CLOSE_UNAUTHENTICATED, reason);
    const timer = setTimeout(() => refuse(GatewayErrorCode.AuthTimeout), this.authTimeoutMs);
    timer.unref();
    ws.once('close', () => clearTimeout(timer));
    ws.once('message', (data: RawData, isBinary: boolean) => {
      clearTimeout(timer);
      void this.authenticate(ws, connection, data, isBinary).catch((error: unknown) => {
        if (error instanceof AuthenticationFailedError) {
          this.logger.info({ reason: errorMessage(error) }, 'refused a WebSocket without a valid token');
          refuse(error.code);
          return;
        }
        // The revocation store did not answer: 1013 (try again later), so the client reconnects instead of signing out.
        this.logger.warn({ err: error }, 'could not check a socket token');
        ws.close(1013, GatewayErrorCode.TryAgain);
      });
    });
  }

  private async authenticate(ws: WebSocket, connection: Duplex, data: RawData, isBinary: boolean): Promise<void> {
    let token: string;
    try {
      if (isBinary) throw new Error('binary frame');
      token = validateInto(WsAuthDto, JSON.parse(rawToString(data)), 'auth message').token;
    } catch {
      throw new AuthenticationFailedError('The first message must be {"type":"auth","token":…}', AuthErrorCode.AuthRequired);
    }
    const session = await this.agents.verifySession(token);
    // Closed while the store was asked: nothing to attach.
    if (ws.readyState !== ws.OPEN) return;
    this.hub.attach(session, ws, connection);
  }
}

function hasTokenInUrl(request: IncomingMessage): boolean {
  try {
    return new URL(request.url ?? '/', 'http://gateway.invalid').searchParams.has('token');
  } catch {
    return false;
  }
}

function rawToString(data: RawData): string {
  if (Buffer.isBuffer(data)) return data.toString('utf8');
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  return Buffer.from(data).toString('utf8');
}

function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://gateway.invalid').pathname;
  } catch {
    return '';
  }
}
