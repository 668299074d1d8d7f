import {
  type DynamicModule,
  Inject,
  Injectable,
  Module,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';

import { type IngestorService } from './ingestor.service';

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

/** The ingestor service: X sources in, x.inbound.received.v1 out. */
@Module({})
export class IngestionModule {
  static register(deps: { ingestor: IngestorService }): DynamicModule {
    return {
      module: IngestionModule,
      providers: [{ provide: INGESTOR, useValue: deps.ingestor }, IngestorLifecycle],
    };
  }
}
