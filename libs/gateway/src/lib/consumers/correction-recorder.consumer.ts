import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { Topics } from '@perch/contracts';
import { type ConsumerHandle, type EventBus } from '@perch/messaging';
import { correctionRecordFromEvent, type CorrectionStore } from '@perch/interactions';
import { createLogger } from '@perch/platform';

import { type GatewayOptions } from '../gateway-deps.types';
import { CORRECTIONS_RECORDER_GROUP, GATEWAY_BUS, GATEWAY_CORRECTION_STORE, GATEWAY_OPTIONS } from '../gateway.constants';

/**
 * classification.corrected.v1 → the CorrectionStore, where corrections wait to become training data.
 * One shared group from the earliest offset: every correction ever published is kept, once (the store is
 * idempotent on correctionId, so redeliveries and a replay of the topic change nothing).
 */
@Injectable()
export class CorrectionRecorderConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = createLogger('gateway-corrections');
  private handle: ConsumerHandle | null = null;

  constructor(
    @Inject(GATEWAY_BUS) private readonly bus: EventBus,
    @Inject(GATEWAY_CORRECTION_STORE) private readonly store: CorrectionStore,
    @Inject(GATEWAY_OPTIONS) private readonly options: GatewayOptions,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.options.run?.correctionRecorder === false) return;
    this.handle = await this.bus.subscribe(
      Topics.ClassificationCorrected,
      CORRECTIONS_RECORDER_GROUP,
      async (event) => {
        const kept = await this.store.record(correctionRecordFromEvent(event.payload));
        if (kept) {
          this.logger.info(
            { correlationId: event.correlationId, correctionId: event.payload.correctionId, agentId: event.payload.agentId },
            'classification correction kept',
          );
        }
      },
      { fromBeginning: true },
    );
  }

  async onApplicationShutdown(): Promise<void> {
    await this.handle?.stop();
    this.handle = null;
  }
}
