import { Body, Controller, Get, HttpCode, Inject, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiBadRequestResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type AgentProfile, mayPostAs } from '@perch/agents';
import { type BrandAccount } from '@perch/x-client';

import { GATEWAY_BRANDS } from '../gateway.constants';
import { Audited } from '../audit/audited.decorator';
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
  @ApiOperation({ summary: 'The brand accounts the signed-in agent may post from (granted in their `brands`)' })
  @ApiOkResponse({ type: [BrandAccountDto] })
  list(@CurrentAgent() agent: AgentProfile): BrandAccountDto[] {
    // Never the token: the desktop only needs to name the account.
    return this.brands.filter((brand) => mayPostAs(agent, brand.username)).map((brand) => ({ id: brand.id, username: brand.username }));
  }

  @Post('posts')
  @Audited('post', { keep: ['text'] })
  @HttpCode(202)
  @ApiOperation({ summary: "A new post from a brand account; X's answer arrives on the socket" })
  @ApiAcceptedResponse({ type: ActionAcceptedDto })
  @ApiBadRequestResponse({ description: 'Unknown brand account, or text empty or over 280 weighted characters' })
  @ApiForbiddenResponse({ description: 'brand-not-allowed: the agent may not post from this brand account' })
  post(@CurrentAgent() agent: AgentProfile, @Body() body: NewPostDto): Promise<ActionAcceptedDto> {
    return this.actions.post(agent, body.brandAccountId, body.text, body.interactionId);
  }
}
