import { Body, Controller, Get, HttpCode, Param, Patch, Post, Put, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AgentProfile } from '@perch/agents';
import { type DispositionCode } from '@perch/interactions';

import { Audited } from '../audit/audited.decorator';
import { CurrentAgent } from '../http/agent-auth.guard';
import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';
import { RequireRole } from '../http/roles.guard';
import {
  BrandDispositionsDto,
  CreateDispositionCodeDto,
  DispositionCodeDto,
  DispositionQueryDto,
  DispositionSettingsDto,
  UpdateDispositionCodeDto,
} from './dispositions.dto';
import { type BrandDispositionsView, DispositionsService } from './dispositions.service';

@ApiTags('dispositions')
@GatewayController()
@SignedIn()
@Controller('api/dispositions')
export class DispositionsController {
  constructor(private readonly dispositions: DispositionsService) {}

  @Get()
  @ApiOperation({ summary: "Disposition codes of the brands you may act for (supervisors, admins: every brand), retired ones marked, and whether done requires one" })
  @ApiOkResponse({ type: [BrandDispositionsDto] })
  @ApiForbiddenResponse({ description: 'brand-not-allowed: ?brand= names a brand you may not act for' })
  @ApiNotFoundResponse({ description: 'unknown-brand' })
  list(@CurrentAgent() person: AgentProfile, @Query() query: DispositionQueryDto): Promise<BrandDispositionsView[]> {
    return this.dispositions.list(person, query.brand);
  }

  @Post(':brand/codes')
  @RequireRole('supervisor', 'admin')
  @Audited('disposition-change', { keep: ['code', 'label'] })
  @HttpCode(201)
  @ApiOperation({ summary: "Supervisors: add a disposition code to a brand's list" })
  @ApiCreatedResponse({ type: DispositionCodeDto })
  @ApiBadRequestResponse({ description: 'validation-failed naming code or label' })
  @ApiNotFoundResponse({ description: 'unknown-brand' })
  @ApiConflictResponse({ description: 'disposition-exists' })
  addCode(@Param('brand') brand: string, @Body() body: CreateDispositionCodeDto): Promise<DispositionCode> {
    return this.dispositions.addCode(brand, body);
  }

  @Patch(':brand/codes/:code')
  @RequireRole('supervisor', 'admin')
  @Audited('disposition-change', { keep: ['label', 'retired'] })
  @ApiOperation({ summary: 'Supervisors: rename a code (its label; the code stays, as interactions keep it), retire it (refused on done from now on) or restore it' })
  @ApiOkResponse({ type: DispositionCodeDto })
  @ApiBadRequestResponse({ description: 'validation-failed naming label or retired (an empty body too)' })
  @ApiNotFoundResponse({ description: 'unknown-brand, unknown-disposition' })
  updateCode(@Param('brand') brand: string, @Param('code') code: string, @Body() body: UpdateDispositionCodeDto): Promise<DispositionCode> {
    return this.dispositions.updateCode(brand, code, body);
  }

  @Put(':brand/settings')
  @RequireRole('supervisor', 'admin')
  @Audited('disposition-change', { keep: ['required'] })
  @ApiOperation({ summary: 'Supervisors: whether done requires a disposition for this brand' })
  @ApiOkResponse({ type: BrandDispositionsDto })
  @ApiBadRequestResponse({ description: 'validation-failed naming required' })
  @ApiNotFoundResponse({ description: 'unknown-brand' })
  setRequired(@Param('brand') brand: string, @Body() body: DispositionSettingsDto): Promise<BrandDispositionsView> {
    return this.dispositions.setRequired(brand, body.required);
  }
}
