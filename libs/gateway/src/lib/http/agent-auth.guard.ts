import { type IncomingHttpHeaders } from 'node:http';

import { type CanActivate, createParamDecorator, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { type AgentDirectory, type AgentProfile, type AgentSession, AuthenticationFailedError, AuthErrorCode } from '@perch/agents';

import { GATEWAY_AGENTS } from '../gateway.constants';

export interface AuthenticatedRequest {
  headers: IncomingHttpHeaders;
  agent?: AgentProfile;
  /** The verified token (id and expiry), e.g. for sign-out. */
  session?: AgentSession;
}

/**
 * Requires `Authorization: Bearer <token>` from sign-in, not expired and not revoked (the revocation store is
 * asked on every call); the agent is then available as @CurrentAgent(), the token as @CurrentSession().
 */
@Injectable()
export class AgentAuthGuard implements CanActivate {
  constructor(@Inject(GATEWAY_AGENTS) private readonly agents: AgentDirectory) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<AuthenticatedRequest>();
    const header = request.headers.authorization;
    const match = typeof header === 'string' ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match?.[1]) throw new AuthenticationFailedError('Sign in first: send Authorization: Bearer <token>', AuthErrorCode.MissingToken);
    const session = await this.agents.verifySession(match[1]);
    request.session = session;
    request.agent = session.agent;
    return true;
  }
}

export const CurrentAgent = createParamDecorator((_data: unknown, context: ExecutionContext): AgentProfile => {
  const agent = context.switchToHttp().getRequest<AuthenticatedRequest>().agent;
  // Only reachable on a route that forgot the guard: a programming error, not the caller's.
  if (!agent) throw new Error('@CurrentAgent() used on a route without AgentAuthGuard');
  return agent;
});

export const CurrentSession = createParamDecorator((_data: unknown, context: ExecutionContext): AgentSession => {
  const session = context.switchToHttp().getRequest<AuthenticatedRequest>().session;
  if (!session) throw new Error('@CurrentSession() used on a route without AgentAuthGuard');
  return session;
});
