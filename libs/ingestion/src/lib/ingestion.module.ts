import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { AccountActivityWebhookModule } from './account-activity/account-activity-webhook.module';
import { type AccountActivityWebhookSource } from './account-activity/account-activity-webhook-source.adapter';
import { type IngestorService } from './ingestor.domain';

export const INGESTOR = Symbol('INGESTOR');

@Injectable()
export class IngestorLifecycle implements OnApplicationBootstrap, OnApplicationShutdown {
  constructor(@Inject(INGESTOR) private readonly ingestor: IngestorService) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.ingestor.start();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.ingestor.stop();
  }
}

/**
 * The ingestor service: X sources in, x.inbound.received.v1 out. With `webhook` (which must also be one of the
 * ingestor's sources) it mounts X's Account Activity webhook at /webhooks/x; the app keeps that path's raw body.
 */
@Module({})
export class IngestionModule {
  static register(deps: { ingestor: IngestorService; webhook?: AccountActivityWebhookSource }): DynamicModule {
    return {
      module: IngestionModule,
      imports: deps.webhook ? [AccountActivityWebhookModule.register({ webhook: deps.webhook })] : [],
      providers: [{ provide: INGESTOR, useValue: deps.ingestor }, IngestorLifecycle],
    };
  }
}
