/** DI token for InteractionsModule's dependencies (provided with useValue by InteractionsModule.register). */
export const INTERACTIONS_DEPS = Symbol('INTERACTIONS_DEPS');
