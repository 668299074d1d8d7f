import { type IncomingMessage } from 'node:http';

import {
  BadRequestException,
  Controller,
  ForbiddenException,
  Get,
  Headers,
  HttpCode,
  Inject,
  InternalServerErrorException,
  Post,
  Query,
  type RawBodyRequest,
  Req,
  ServiceUnavailableException,
  UnauthorizedException,
} from '@nestjs/common';
import { WEBHOOK_SIGNATURE_HEADER } from '@perch/x-client';

import { type AccountActivityWebhookSource } from './account-activity-webhook-source.adapter';

export const ACCOUNT_ACTIVITY_WEBHOOK = Symbol('ACCOUNT_ACTIVITY_WEBHOOK');
/** Where X calls us; the raw body of this path must be kept (see captureRawBody in @perch/service-kit). */
export const ACCOUNT_ACTIVITY_WEBHOOK_PATH = '/webhooks/x';

/** The HTTP side of the Account Activity webhook: CRC challenges and signed event deliveries. */
@Controller(ACCOUNT_ACTIVITY_WEBHOOK_PATH.slice(1))
export class AccountActivityWebhookController {
  constructor(@Inject(ACCOUNT_ACTIVITY_WEBHOOK) private readonly webhook: AccountActivityWebhookSource) {}

  @Get()
  crc(@Query('crc_token') crcToken: unknown): { response_token: string } {
    const answer = this.webhook.answerCrc(crcToken);
    if (answer.status !== 200) throw new BadRequestException(answer.reason);
    return answer.body;
  }

  @Post()
  @HttpCode(200)
  async deliver(@Req() request: RawBodyRequest<IncomingMessage>, @Headers(WEBHOOK_SIGNATURE_HEADER) signature: string | undefined): Promise<{ ok: true }> {
    // The signature covers the bytes X sent; a body parsed and serialized again would not match it.
    const raw = Buffer.isBuffer(request.rawBody) ? request.rawBody : undefined;
    if (!raw) throw new InternalServerErrorException(`raw body of ${ACCOUNT_ACTIVITY_WEBHOOK_PATH} was not kept: mount captureRawBody for it`);
    const outcome = await this.webhook.receive(raw, signature);
    switch (outcome.status) {
      case 200:
        return { ok: true };
      case 400:
        throw new BadRequestException(outcome.reason);
      case 401:
        throw new UnauthorizedException(outcome.reason);
      case 403:
        throw new ForbiddenException(outcome.reason);
      case 503:
        throw new ServiceUnavailableException(outcome.reason);
    }
  }
}
