import { Body, Controller, Delete, Get, HttpCode, Inject, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AgentProfile } from '@perch/agents';
import { type Contact, ContactErrorCode, type ContactPage } from '@perch/contacts';
import { type Clock, NotFoundError, systemClock } from '@perch/platform';

import { Audited } from '../audit/audited.decorator';
import { type GatewayOptions } from '../gateway-deps.types';
import { GATEWAY_OPTIONS } from '../gateway.constants';
import { CurrentAgent } from '../http/agent-auth.guard';
import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';
import { uuidParam } from '../http/gateway-validation.pipe';
import { RequireRole } from '../http/roles.guard';
import { type ContactsGatewayDeps } from './contacts-deps.types';
import { GATEWAY_CONTACTS } from './contacts-gateway.constants';
import { ContactDto, ContactPageDto, ContactSearchQueryDto, CreateContactDto, HistoryPageDto, HistoryQueryDto, UpdateContactDto } from './contacts.dto';
import { CustomerHistoryService, type HistoryPage } from './customer-history.service';

/** The contact database: any signed-in agent searches, reads, creates and changes contacts (all audited but reads). */
@ApiTags('contacts')
@GatewayController()
@SignedIn()
@Controller('api/contacts')
export class ContactsController {
  private readonly clock: Clock;

  constructor(
    @Inject(GATEWAY_CONTACTS) private readonly deps: ContactsGatewayDeps,
    @Inject(GATEWAY_OPTIONS) options: GatewayOptions,
    private readonly history: CustomerHistoryService,
  ) {
    this.clock = options.clock ?? systemClock;
  }

  @Get()
  @ApiOperation({ summary: 'Search contacts by name, email, phone digits or X handle, ordered by name, a page at a time' })
  @ApiOkResponse({ type: ContactPageDto })
  @ApiBadRequestResponse({ description: 'limit out of 1..100, or a cursor this API did not return' })
  search(@Query() query: ContactSearchQueryDto): Promise<ContactPage> {
    return this.deps.store.search({
      ...(query.q === undefined ? {} : { q: query.q }),
      ...(query.limit === undefined ? {} : { limit: query.limit }),
      ...(query.cursor === undefined ? {} : { cursor: query.cursor }),
    });
  }

  @Get(':contactId')
  @ApiOkResponse({ type: ContactDto })
  @ApiNotFoundResponse({ description: 'contact-not-found' })
  async get(@Param('contactId', uuidParam('contactId')) contactId: string): Promise<Contact> {
    const contact = await this.deps.store.get(contactId);
    if (!contact) throw new NotFoundError<ContactErrorCode>(`Contact ${contactId} not found`, ContactErrorCode.NotFound, { contactId });
    return contact;
  }

  @Post()
  @Audited('contact-create', { keep: ['name', 'xHandle', 'xUserId'] })
  @HttpCode(201)
  @ApiOperation({ summary: 'Create a contact (name required; emails, phones, X handle and user id, notes)' })
  @ApiCreatedResponse({ type: ContactDto })
  @ApiBadRequestResponse({ description: 'The fields that are wrong, each named' })
  @ApiConflictResponse({ description: 'contact-x-user-taken: another contact has this X user id (details.contactId)' })
  create(@CurrentAgent() agent: AgentProfile, @Body() body: CreateContactDto): Promise<Contact> {
    return this.deps.store.create(body, { agentId: agent.id, at: this.clock.now() });
  }

  @Patch(':contactId')
  @Audited('contact-update', { keep: ['name', 'xHandle', 'xUserId', 'expectedVersion'] })
  @ApiOperation({ summary: 'Change a contact: absent fields stay, lists replace the whole list, null clears the X handle or user id' })
  @ApiOkResponse({ type: ContactDto })
  @ApiBadRequestResponse({ description: 'The fields that are wrong, each named' })
  @ApiNotFoundResponse({ description: 'contact-not-found' })
  @ApiConflictResponse({ description: 'contact-changed (expectedVersion is not the current one: details.version), contact-x-user-taken' })
  update(
    @CurrentAgent() agent: AgentProfile,
    @Param('contactId', uuidParam('contactId')) contactId: string,
    @Body() body: UpdateContactDto,
  ): Promise<Contact> {
    return this.deps.store.update(contactId, body, { agentId: agent.id, at: this.clock.now() });
  }

  @Delete(':contactId')
  @RequireRole('admin')
  @Audited('contact-delete')
  @HttpCode(204)
  @ApiOperation({ summary: 'Delete a contact (a data-protection request; admins only). Transcripts keep only its id' })
  @ApiNoContentResponse()
  @ApiNotFoundResponse({ description: 'contact-not-found' })
  async remove(@Param('contactId', uuidParam('contactId')) contactId: string): Promise<void> {
    if (!(await this.deps.store.delete(contactId))) {
      throw new NotFoundError<ContactErrorCode>(`Contact ${contactId} not found`, ContactErrorCode.NotFound, { contactId });
    }
  }

  @Get(':contactId/history')
  @ApiOperation({ summary: "The contact's interactions on X (by their X user id), most recent first, only of the brands you are granted" })
  @ApiOkResponse({ type: HistoryPageDto })
  @ApiNotFoundResponse({ description: 'contact-not-found' })
  contactHistory(
    @CurrentAgent() agent: AgentProfile,
    @Param('contactId', uuidParam('contactId')) contactId: string,
    @Query() query: HistoryQueryDto,
  ): Promise<HistoryPage> {
    return this.history.forContact(agent, contactId, query);
  }
}
