import { type EventBus, type FanInTarget } from '@perch/messaging';

import { type CorrectionStore } from './corrections/correction-store.port';
import { type InteractionStore } from './view/interaction-store.port';

/** Everything InteractionsModule needs, already built (and started) by the app. */
export interface InteractionsModuleDeps {
  bus: EventBus;
  interactionStore: InteractionStore;
  /** Where agents' classification corrections are kept as training data. */
  correctionStore: CorrectionStore;
  /**
   * Turn parts off to scale them separately. `projector` keeps the InteractionStore current; `correctionRecorder`
   * writes classification.corrected.v1 into the CorrectionStore. Both on by default.
   */
  options?: { run?: { projector?: boolean; correctionRecorder?: boolean } };
  /**
   * The app's lifecycle groups (ConsumerFanIn): when given, the handlers join them (one group per topic for all the
   * app's shared handlers) instead of opening groups of their own; the app starts them.
   */
  fanIn?: FanInTarget;
}
