import { type DynamicModule, Module } from '@nestjs/common';

import { CorrectionRecorderConsumer } from './correction-recorder.consumer';
import { type InteractionsModuleDeps } from './interactions-deps.types';
import { INTERACTIONS_DEPS } from './interactions.constants';
import { InteractionProjectionConsumer } from './interaction-projection.consumer';

/**
 * The agent's view of a conversation, kept current from Kafka: the projector (routing events, X's answers and
 * classification corrections → InteractionStore) and the recorder of corrections as training data.
 */
@Module({})
export class InteractionsModule {
  static register(deps: InteractionsModuleDeps): DynamicModule {
    return {
      module: InteractionsModule,
      providers: [{ provide: INTERACTIONS_DEPS, useValue: deps }, InteractionProjectionConsumer, CorrectionRecorderConsumer],
    };
  }
}
