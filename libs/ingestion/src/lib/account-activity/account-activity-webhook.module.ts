import { type DynamicModule, Module } from '@nestjs/common';

import { ACCOUNT_ACTIVITY_WEBHOOK, AccountActivityWebhookController } from './account-activity-webhook.controller';
import { type AccountActivityWebhookSource } from './account-activity-webhook-source.adapter';

/** Mounts GET/POST /webhooks/x for a webhook source that is also one of the IngestorService's sources. */
@Module({})
export class AccountActivityWebhookModule {
  static register(deps: { webhook: AccountActivityWebhookSource }): DynamicModule {
    return {
      module: AccountActivityWebhookModule,
      controllers: [AccountActivityWebhookController],
      providers: [{ provide: ACCOUNT_ACTIVITY_WEBHOOK, useValue: deps.webhook }],
    };
  }
}
