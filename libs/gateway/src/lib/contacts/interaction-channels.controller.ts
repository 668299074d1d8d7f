import { Body, Controller, Get, Post, Query } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { type AgentProfile } from '@perch/agents';
import { type Contact } from '@perch/contacts';

import { CurrentAgent } from '../http/agent-auth.guard';
import { CommandRoute, GatewayController, IdParam, SignedIn } from '../http/gateway-endpoint.decorator';
import {
  CallDto,
  CallRequestedDto,
  ContactDto,
  EmailDto,
  EmailSentDto,
  HistoryQueryDto,
  InteractionContactDto,
  InteractionHistoryDto,
  SaveCustomerDto,
} from './contacts.dto';
import { type CallRequested, CustomerChannelsService, type EmailSent, type InteractionContact } from './customer-channels.service';
import { CustomerHistoryService, type HistoryPage } from './customer-history.service';

/**
 * From an interaction: its customer's contact record, the other channels to reach them (email, a call request), and
 * their earlier interactions. Reads: the agent's own interaction (held, or a conference guest), any for supervisors
 * and admins. Email and call: the holder only, like a DM (the router's record).
 */
@ApiTags('interactions')
@GatewayController()
@SignedIn()
@Controller('api/interactions')
export class InteractionChannelsController {
  constructor(
    private readonly channels: CustomerChannelsService,
    private readonly history: CustomerHistoryService,
  ) {}

  @Get(':id/contact')
  @ApiOperation({ summary: "The contact matched to the interaction's customer (by X user id, else by handle), or null, with the X author to save" })
  @ApiOkResponse({ type: InteractionContactDto })
  @ApiForbiddenResponse({ description: 'not-your-interaction' })
  @ApiNotFoundResponse()
  contact(@CurrentAgent() agent: AgentProfile, @IdParam() id: string): Promise<InteractionContact> {
    return this.channels.contactOf(agent, id);
  }

  @Post(':id/contact')
  @CommandRoute({
    audit: 'contact-create',
    keep: ['name'],
    status: 201,
    summary: "Save the interaction's customer as a contact (their X user id and handle), with emails, phones and notes",
    response: ContactDto,
    badRequest: 'The fields that are wrong, each named',
    forbidden: 'not-your-interaction',
    notFound: true,
    conflict: 'contact-x-user-taken: the customer is a contact already (details.contactId): PATCH /api/contacts/:contactId',
  })
  saveCustomer(@CurrentAgent() agent: AgentProfile, @IdParam() id: string, @Body() body: SaveCustomerDto): Promise<Contact> {
    return this.channels.saveCustomer(agent, id, body);
  }

  @Post(':id/email')
  @CommandRoute({
    audit: 'email',
    keep: ['subject', 'to', 'idempotencyKey'],
    status: 201,
    summary: "Email the customer's contact from the interaction's brand (SMTP), kept in the transcript (kind 'email', never sent to X); at most once per idempotencyKey",
    response: EmailSentDto,
    badRequest: 'subject, text, to or idempotencyKey missing or wrong',
    forbidden: 'not-your-interaction',
    notFound: true,
    conflict: 'no-contact (save the customer first), contact-has-no-email, mail-refused (the server refused it; nothing sent), mail-not-configured, idempotency-key-reused, request-in-progress; not-accepted, interaction-completed',
    unavailable: 'mail-unavailable: the mail server could not be reached, nothing was sent; retry with the same idempotencyKey',
  })
  email(@CurrentAgent() agent: AgentProfile, @IdParam() id: string, @Body() body: EmailDto): Promise<EmailSent> {
    return this.channels.email(agent, id, body);
  }

  @Post(':id/call')
  @CommandRoute({
    audit: 'call-request',
    keep: ['phone', 'reason', 'idempotencyKey'],
    status: 202,
    summary: "Ask the telephony system to call the customer's contact (telephony.call-request.v1), kept in the transcript (kind 'call-request'); at most once per idempotencyKey",
    response: CallRequestedDto,
    badRequest: 'phone, reason or idempotencyKey wrong',
    forbidden: 'not-your-interaction',
    notFound: true,
    conflict: 'no-contact, contact-has-no-phone, idempotency-key-reused, request-in-progress; not-accepted, interaction-completed',
  })
  call(@CurrentAgent() agent: AgentProfile, @IdParam() id: string, @Body() body: CallDto): Promise<CallRequested> {
    return this.channels.call(agent, id, body);
  }

  @Get(':id/history')
  @ApiOperation({
    summary:
      "The same customer's other interactions (tweets and DMs): dispositions, notes, dates, who handled them; most recent first, only of the brands you are granted",
  })
  @ApiOkResponse({ type: InteractionHistoryDto })
  @ApiForbiddenResponse({ description: 'not-your-interaction' })
  @ApiNotFoundResponse()
  customerHistory(
    @CurrentAgent() agent: AgentProfile,
    @IdParam() id: string,
    @Query() query: HistoryQueryDto,
  ): Promise<HistoryPage & { customer: { xUserId: string; xHandle: string } }> {
    return this.history.forInteraction(agent, id, query);
  }
}
