import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown, type OnModuleInit } from '@nestjs/common';
import { ConsumerGroups, Topics } from '@perch/contracts';
import { ConsumerFanIn, type ConsumerHandle, fanInTargetOf, type FanInTarget, legacyGroupOf } from '@perch/messaging';
import { createLogger } from '@perch/platform';

import { correctionRecordFromEvent } from './corrections/correction-record.util';
import { type InteractionsModuleDeps } from './interactions-deps.types';
import { INTERACTIONS_DEPS } from './interactions.constants';

/**
 * classification.corrected.v1 → the CorrectionStore, where corrections wait to become training data.
 * A shared group from the earliest offset: every correction ever published is kept, once (the store is
 * idempotent on correctionId, so redeliveries, a retry for another handler of the group and a replay of the topic
 * change nothing). In the gateway it joins the gateway's lifecycle group on that topic (deps.fanIn); booted on its
 * own the module opens ConsumerGroups.CorrectionsRecorder.
 */
@Injectable()
export class CorrectionRecorderConsumer implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = createLogger('gateway-corrections');
  private readonly handles: ConsumerHandle[] = [];
  private readonly own: ConsumerFanIn | undefined;
  private readonly target: FanInTarget;

  constructor(@Inject(INTERACTIONS_DEPS) private readonly deps: InteractionsModuleDeps) {
    ({ target: this.target, own: this.own } = fanInTargetOf(
      deps.fanIn,
      () =>
        new ConsumerFanIn(deps.bus, {
          groupOf: legacyGroupOf({ [Topics.ClassificationCorrected]: ConsumerGroups.CorrectionsRecorder }),
          fromBeginning: true,
        }),
    ));
  }

  onModuleInit(): void {
    const target = this.target;
    target.add(Topics.ClassificationCorrected, {
      name: 'corrections-recorder',
      enabled: this.deps.options?.run?.correctionRecorder !== false,
      replaces: [ConsumerGroups.CorrectionsRecorder],
      handle: async (event) => {
        const kept = await this.deps.correctionStore.record(correctionRecordFromEvent(event.payload));
        if (kept) {
          this.logger.info(
            { correlationId: event.correlationId, correctionId: event.payload.correctionId, agentId: event.payload.agentId },
            'classification correction kept',
          );
        }
      },
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    if (this.own) this.handles.push(...(await this.own.start()));
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.all(this.handles.splice(0).map((handle) => handle.stop()));
  }
}
