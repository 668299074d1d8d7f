import { type IncomingMessage, type Server } from 'node:http';
import { type Duplex } from 'node:stream';

import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { type AgentDirectory, type AgentProfile } from '@perch/interactions';
import { createLogger, errorMessage } from '@perch/platform';
import { WebSocketServer } from 'ws';

import { GATEWAY_AGENTS, WS_PATH } from '../gateway.constants';
import { AgentSocketHub } from './agent-socket-hub.service';

type UpgradeListener = (request: IncomingMessage, socket: Duplex, head: Buffer) => void;

/**
 * Accepts agent WebSockets at /ws?token=… on Nest's own HTTP server (no extra port, no Nest WebSocket
 * adapter to configure in main.ts). The token is checked before the upgrade: a bad one gets a plain 401.
 */
@Injectable()
export class AgentSocketServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = createLogger('gateway-sockets');
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private server: Server | null = null;
  private dispatcher: UpgradeListener | null = null;
  private others: UpgradeListener[] = [];

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(GATEWAY_AGENTS) private readonly agents: AgentDirectory,
    private readonly hub: AgentSocketHub,
  ) {}

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
    let agent: AgentProfile;
    try {
      const token = new URL(request.url ?? '/', 'http://gateway.invalid').searchParams.get('token');
      if (!token) throw new Error('missing token');
      agent = this.agents.verifyToken(token);
    } catch (error) {
      this.logger.info({ reason: errorMessage(error) }, 'refused a WebSocket without a valid token');
      socket.end('HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(request, socket, head, (ws) => this.hub.attach(agent, ws));
  }
}

function pathOf(request: IncomingMessage): string {
  try {
    return new URL(request.url ?? '/', 'http://gateway.invalid').pathname;
  } catch {
    return '';
  }
}
