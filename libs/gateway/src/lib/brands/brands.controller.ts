import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AgentProfile, type BrandAccount } from '@perch/interactions';

import { GATEWAY_BRANDS } from '../gateway.constants';
import { CurrentAgent } from '../http/agent-auth.guard';
import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';
import { ActionAcceptedDto, BrandAccountDto, NewPostDto } from '../interactions/interaction-requests.dto';
import { OutboundActionsService } from '../interactions/outbound-actions.service';

@ApiTags('brands')
@GatewayController()
@SignedIn()
@Controller('api')
export class BrandsController {
  constructor(
    @Inject(GATEWAY_BRANDS) private readonly brands: BrandAccount[],
    private readonly actions: OutboundActionsService,
  ) {}

  @Get('brands')
  @ApiOperation({ summary: 'The brand accounts an agent can post from' })
  @ApiOkResponse({ type: [BrandAccountDto] })
  list(): BrandAccountDto[] {
    // Never the token: the desktop only needs to name the account.
    return this.brands.map((brand) => ({ id: brand.id, username: brand.username }));
  }

  @Post('posts')
  @HttpCode(202)
  @ApiOperation({ summary: "A new post from a brand account; X's answer arrives on the socket" })
  @ApiAcceptedResponse({ type: ActionAcceptedDto })
  @ApiBadRequestResponse({ description: 'Unknown brand account, or text empty or over 280 weighted characters' })
  post(@CurrentAgent() agent: AgentProfile, @Body() body: NewPostDto): Promise<ActionAcceptedDto> {
    return this.actions.post(agent, body.brandAccountId, body.text, body.interactionId);
  }
}
