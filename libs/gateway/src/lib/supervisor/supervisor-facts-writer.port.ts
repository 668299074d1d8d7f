import { type CounterFact, type CounterFactOutcome } from '@perch/routing';

import { type SeriesFact } from './interaction-series-store.port';

/** What one lifecycle event adds to the supervisors' queue counters and to their charts' series: either, both or neither. */
export interface SupervisorFacts {
  counter?: CounterFact;
  series?: SeriesFact;
}

/** What each part given did (a part not given is absent): the counter's outcome, and whether the series counted. */
export interface SupervisorFactsOutcome {
  counter?: CounterFactOutcome;
  series?: boolean;
}

/**
 * Records an event's supervisor facts, each under its own store's rules (its mark set once per interaction, its
 * increments with it), so reading either store gives the same counts however the facts were written.
 */
export interface SupervisorFactsWriter {
  record(facts: SupervisorFacts): Promise<SupervisorFactsOutcome>;
}
