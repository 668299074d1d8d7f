import { Controller, Get, Inject, Query } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { type CaughtMail, ContactErrorCode } from '@perch/contacts';
import { NotFoundError } from '@perch/platform';

import { GatewayController, SignedIn } from '../http/gateway-endpoint.decorator';
import { RequireRole } from '../http/roles.guard';
import { type ContactsGatewayDeps } from './contacts-deps.types';
import { GATEWAY_CONTACTS } from './contacts-gateway.constants';
import { MailboxDto, MailboxQueryDto } from './contacts.dto';

/** The embedded mode's local SMTP catcher, read back: every mail agents sent, as it would have left (admins only). */
@ApiTags('dev')
@GatewayController()
@RequireRole('admin')
@SignedIn()
@Controller('api/dev/mailbox')
export class DevMailboxController {
  constructor(@Inject(GATEWAY_CONTACTS) private readonly deps: ContactsGatewayDeps) {}

  @Get()
  @ApiOperation({ summary: "The mails the embedded mode's SMTP catcher received, most recent first (admins only)" })
  @ApiOkResponse({ type: MailboxDto })
  @ApiNotFoundResponse({ description: 'mailbox-unavailable: no catcher in this mode (mail goes to the configured SMTP server)' })
  async list(@Query() query: MailboxQueryDto): Promise<{ location: string; items: CaughtMail[] }> {
    const mailbox = this.deps.mailbox;
    if (!mailbox) {
      throw new NotFoundError<ContactErrorCode>('No mailbox here: mail goes to the configured SMTP server (the catcher runs in the embedded mode only)', ContactErrorCode.MailboxUnavailable);
    }
    return { location: mailbox.location, items: await mailbox.list(query.limit ?? 50) };
  }
}
