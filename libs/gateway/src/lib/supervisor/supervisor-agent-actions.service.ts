import { Inject, Injectable } from '@nestjs/common';
import { type AgentDirectory, type AgentProfile } from '@perch/agents';
import { ConflictError, createLogger, NotFoundError } from '@perch/platform';

import { AgentCommandsService } from '../agents/agent-commands.service';
import { GATEWAY_AGENTS } from '../gateway.constants';
import { GatewayErrorCode } from '../gateway.errors';
import { AgentSocketHub } from '../ws/agent-socket-hub.service';
import { type SupervisorSignOutResponse } from './supervisor-series.types';

/** The answer (declared in @perch/desktop-api as SupervisorSignOutResponse, which the dashboard reads). */
export type SupervisorSignOutResult = SupervisorSignOutResponse;

/**
 * What a supervisor (or admin) does to another agent besides their presence (PresenceService.setFor): signing them
 * out everywhere. Every token issued to the agent so far is revoked (the shared revocation store: every replica
 * refuses them), the router is told the agent is offline (their offers go to others, their work stays flagged), and
 * this replica's sockets of theirs close now.
 */
@Injectable()
export class SupervisorAgentActionsService {
  private readonly logger = createLogger('gateway-supervisor-actions');

  constructor(
    @Inject(GATEWAY_AGENTS) private readonly directory: AgentDirectory,
    private readonly commands: AgentCommandsService,
    private readonly hub: AgentSocketHub,
  ) {}

  async signOut(actor: AgentProfile, agentId: string): Promise<SupervisorSignOutResult> {
    const target = this.directory.getAgent(agentId);
    if (!target) throw new NotFoundError<GatewayErrorCode>(`No agent ${agentId}`, GatewayErrorCode.UnknownAgent, { agentId });
    if (target.id === actor.id) {
      throw new ConflictError<GatewayErrorCode>('Sign yourself out with POST /api/auth/sign-out', GatewayErrorCode.SignOutSelf, { agentId });
    }
    // Revoked first: should the command fail, the agent is still out, and their sockets' close reports them offline.
    await this.directory.revokeAllFor(target.id);
    const { commandId } = await this.commands.presence(target, 'offline', { cause: 'sign-out', actorId: actor.id });
    const socketsClosed = this.hub.closeAgent(target.id, GatewayErrorCode.SignedOut, { offlineSent: true });
    this.logger.info({ agentId: target.id, actorId: actor.id, socketsClosed }, 'agent signed out by a supervisor');
    return { agentId: target.id, commandId, socketsClosed };
  }
}
