import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@perch/contracts';
import { type ConsumerHandle } from '@perch/messaging';
import { createLogger } from '@perch/platform';

import { correctionRecordFromEvent } from './corrections/correction-record.util';
import { type InteractionsModuleDeps } from './interactions-deps.types';
import { INTERACTIONS_DEPS } from './interactions.constants';

/**
 * classification.corrected.v1 → the CorrectionStore, where corrections wait to become training data.
 * One shared group from the earliest offset: every correction ever published is kept, once (the store is
 * idempotent on correctionId, so redeliveries and a replay of the topic change nothing).
 */
@Injectable()
export class CorrectionRecorderConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = createLogger('gateway-corrections');
  private handle: ConsumerHandle | null = null;

  constructor(@Inject(INTERACTIONS_DEPS) private readonly deps: InteractionsModuleDeps) {}

  async onApplicationBootstrap(): Promise<void> {
    if (this.deps.options?.run?.correctionRecorder === false) return;
    this.handle = await this.deps.bus.subscribe(
      Topics.ClassificationCorrected,
      ConsumerGroups.CorrectionsRecorder,
      async (event) => {
        const kept = await this.deps.correctionStore.record(correctionRecordFromEvent(event.payload));
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
