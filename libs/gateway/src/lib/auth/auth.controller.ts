import { Body, Controller, Inject, Post } from '@nestjs/common';
import { ApiCreatedResponse, ApiOperation, ApiTags, ApiUnauthorizedResponse } from '@nestjs/swagger';
import { type AgentDirectory } from '@perch/interactions';

import { GATEWAY_AGENTS } from '../gateway.constants';
import { GatewayController } from '../http/gateway-endpoint.decorator';
import { SignInDto, SignInResponseDto } from './sign-in.dto';

@ApiTags('auth')
@GatewayController()
@Controller('api/auth')
export class AuthController {
  constructor(@Inject(GATEWAY_AGENTS) private readonly agents: AgentDirectory) {}

  // 201: a new credential (the bearer token) is created; it works on every replica until it expires.
  @Post('sign-in')
  @ApiOperation({ summary: 'Sign in; the token works on every gateway replica until it expires' })
  @ApiCreatedResponse({ type: SignInResponseDto })
  @ApiUnauthorizedResponse({ description: 'Unknown username or wrong password' })
  signIn(@Body() body: SignInDto): Promise<SignInResponseDto> {
    return this.agents.authenticate(body.username, body.password);
  }
}
