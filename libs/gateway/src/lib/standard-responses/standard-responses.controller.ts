import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AgentProfile } from '@perch/agents';

import { Audited } from '../audit/audited.decorator';
import { CurrentAgent } from '../http/agent-auth.guard';
import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';
import { uuidParam } from '../http/gateway-validation.pipe';
import { RequireRole } from '../http/roles.guard';
import {
  CreateStandardResponseDto,
  RenderedStandardResponseDto,
  RenderStandardResponseDto,
  StandardResponseDto,
  StandardResponseSearchDto,
  UpdateStandardResponseDto,
} from './standard-responses.dto';
import { type StandardResponseView, StandardResponsesService } from './standard-responses.service';

@ApiTags('standard-responses')
@GatewayController()
@SignedIn()
@Controller('api/standard-responses')
export class StandardResponsesController {
  constructor(private readonly responses: StandardResponsesService) {}

  @Get()
  @ApiOperation({ summary: 'Search the standard responses of the brands you may act for (and those for every brand), by words, brand, language, category' })
  @ApiOkResponse({ type: [StandardResponseDto] })
  @ApiBadRequestResponse({ description: 'validation-failed naming the query fields' })
  @ApiForbiddenResponse({ description: 'brand-not-allowed: brand= names a brand you may not act for' })
  search(@CurrentAgent() person: AgentProfile, @Query() query: StandardResponseSearchDto): Promise<StandardResponseView[]> {
    return this.responses.search(person, query);
  }

  @Get(':id')
  @ApiOkResponse({ type: StandardResponseDto })
  @ApiNotFoundResponse({ description: "unknown-standard-response (another brand's too)" })
  get(@CurrentAgent() person: AgentProfile, @Param('id', uuidParam('id')) id: string): Promise<StandardResponseView> {
    return this.responses.get(person, id);
  }

  @Post()
  @RequireRole('supervisor', 'admin')
  @Audited('standard-response-change', { keep: ['title', 'brand', 'language', 'category'] })
  @HttpCode(201)
  @ApiOperation({ summary: 'Supervisors: add a standard response (an unknown placeholder is refused, naming it)' })
  @ApiCreatedResponse({ type: StandardResponseDto })
  @ApiBadRequestResponse({ description: 'validation-failed naming the fields; text naming an unknown placeholder; brand not served' })
  create(@CurrentAgent() person: AgentProfile, @Body() body: CreateStandardResponseDto): Promise<StandardResponseView> {
    return this.responses.create(person, body);
  }

  @Patch(':id')
  @RequireRole('supervisor', 'admin')
  @Audited('standard-response-change', { keep: ['title', 'brand', 'language', 'category'] })
  @ApiOperation({ summary: 'Supervisors: change a standard response' })
  @ApiOkResponse({ type: StandardResponseDto })
  @ApiBadRequestResponse({ description: 'validation-failed naming the fields (an empty body too)' })
  @ApiNotFoundResponse({ description: 'unknown-standard-response' })
  update(@Param('id', uuidParam('id')) id: string, @Body() body: UpdateStandardResponseDto): Promise<StandardResponseView> {
    return this.responses.update(id, body);
  }

  @Delete(':id')
  @RequireRole('supervisor', 'admin')
  @Audited('standard-response-change')
  @HttpCode(204)
  @ApiOperation({ summary: 'Supervisors: remove a standard response' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'unknown-standard-response' })
  remove(@Param('id', uuidParam('id')) id: string): Promise<void> {
    return this.responses.remove(id);
  }

  @Post(':id/render')
  @HttpCode(200)
  @ApiOperation({ summary: "The response's text with the interaction's values filled ({{customer.name}}, {{customer.handle}}, {{agent.name}}, {{case.number}})" })
  @ApiOkResponse({ type: RenderedStandardResponseDto })
  @ApiBadRequestResponse({ description: 'validation-failed: interactionId not a uuid; text naming a placeholder that cannot be filled' })
  @ApiForbiddenResponse({ description: 'not-your-interaction' })
  @ApiNotFoundResponse({ description: 'unknown-standard-response, interaction-not-found' })
  @ApiConflictResponse({ description: 'wrong-brand: the response is for another brand; not-accepted, interaction-completed' })
  render(
    @CurrentAgent() person: AgentProfile,
    @Param('id', uuidParam('id')) id: string,
    @Body() body: RenderStandardResponseDto,
  ): Promise<{ text: string; values: Record<string, string> }> {
    return this.responses.render(person, id, body.interactionId);
  }
}
