import { Body, Controller, HttpCode, Inject, Ip, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { type AgentDirectory, type AgentSession } from '@perch/agents';
import { createLogger } from '@perch/platform';

import { AgentCommandsService } from '../agents/agent-commands.service';
import { GATEWAY_AGENTS } from '../gateway.constants';
import { GatewayErrorCode } from '../gateway.errors';
import { Audited } from '../audit/audited.decorator';
import { CurrentSession } from '../http/agent-auth.guard';
import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';
import { AgentSocketHub } from '../ws/agent-socket-hub.service';
import { SignInDto, SignInResponseDto } from './sign-in.dto';

@ApiTags('auth')
@GatewayController()
@Controller('api/auth')
export class AuthController {
  private readonly logger = createLogger('gateway-auth');

  constructor(
    @Inject(GATEWAY_AGENTS) private readonly agents: AgentDirectory,
    private readonly hub: AgentSocketHub,
    private readonly commands: AgentCommandsService,
  ) {}

  // 201: a new credential (the bearer token) is created; it works on every replica until it expires or is revoked.
  // The address is Express's req.ip: the peer, or the client named by X-Forwarded-For only behind a trusted
  // proxy (GATEWAY_TRUST_PROXY), so a caller cannot dodge the per-address limit by forging that header.
  @Post('sign-in')
  @Audited('sign-in')
  @ApiOperation({ summary: 'Sign in; the token works on every gateway replica until it expires or is signed out' })
  @ApiCreatedResponse({ type: SignInResponseDto })
  @ApiUnauthorizedResponse({ description: 'bad-credentials: unknown username or wrong password' })
  @ApiTooManyRequestsResponse({
    description: 'too-many-sign-ins: too many failures for this username or from this address; Retry-After says when to try again',
  })
  signIn(@Body() body: SignInDto, @Ip() address: string | undefined): Promise<SignInResponseDto> {
    return this.agents.authenticate(body.username, body.password, { address });
  }

  // 204: the token is revoked on every replica; this replica closes its sockets at once, the others within
  // their next revocation check.
  @Post('sign-out')
  @Audited('sign-out')
  @HttpCode(204)
  @SignedIn()
  @ApiOperation({
    summary: "Sign out: revokes the caller's token now, closes its WebSockets (4401 signed-out) and tells the router the agent is offline",
  })
  @ApiNoContentResponse({ description: 'Signed out' })
  @ApiUnauthorizedResponse({ description: 'missing-token, bad-token, token-expired or token-revoked' })
  async signOut(@CurrentSession() session: AgentSession): Promise<void> {
    await this.agents.revoke(session);
    // The agent is gone: the router withdraws its offers now (not at their deadlines) and flags the work it keeps.
    // Should the command not go out, the sockets' close still reports the agent offline after the grace period.
    let offlineSent = false;
    try {
      await this.commands.presence(session.agent, 'offline', { cause: 'sign-out' });
      offlineSent = true;
    } catch (error) {
      this.logger.warn({ agentId: session.agent.id, err: error }, 'could not tell the router the agent signed out');
    }
    this.hub.closeToken(session.tokenId, GatewayErrorCode.SignedOut, { offlineSent });
  }
}
