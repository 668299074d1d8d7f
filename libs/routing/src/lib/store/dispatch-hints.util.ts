/**
 * What each store call saw about the next dispatch (RoutingStore.mayDispatchAfter), keyed by the very result object it
 * returned: nothing is added to the results themselves (they stay what the outbox records and the events are built
 * from), concurrent calls cannot mix their answers up, and a result nobody asks about is garbage-collected with it.
 */
export class DispatchHints {
  private readonly known = new WeakMap<object, boolean>();

  /** Remembers `mayDispatch` for `result` (a non-object, e.g. no offer, needs none) and returns the result. */
  note<T>(result: T, mayDispatch: boolean): T {
    if (typeof result === 'object' && result !== null) this.known.set(result, mayDispatch);
    return result;
  }

  /** Unknown results may always be followed by a dispatch that finds something. */
  mayDispatchAfter(result: object): boolean {
    return this.known.get(result) ?? true;
  }
}
