import { type IncomingHttpHeaders } from 'node:http';

import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type AgentDirectory, type AgentProfile, AuthenticationFailedError } from '@perch/interactions';

import { GATEWAY_AGENTS } from '../gateway.constants';

export interface AuthenticatedRequest {
  headers: IncomingHttpHeaders;
  agent?: AgentProfile;
}

/** Requires `Authorization: Bearer <token>` from sign-in; the agent is then available as @CurrentAgent(). */
@Injectable()
export class AgentAuthGuard implements CanActivate {
  constructor(@Inject(GATEWAY_AGENTS) private readonly agents: AgentDirectory) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new AuthenticationFailedError('Sign in first: send Authorization: Bearer <token>', 'missing-token');
    request.agent = this.agents.verifyToken(match[1]);
    return true;
  }
}

export const CurrentAgent = createParamDecorator((_data: unknown, context: ExecutionContext): AgentProfile => {
  const agent = context.switchToHttp().getRequest<AuthenticatedRequest>().agent;
  // Only reachable on a route that forgot the guard: a programming error, not the caller's.
  if (!agent) throw new Error('@CurrentAgent() used on a route without AgentAuthGuard');
  return agent;
});
