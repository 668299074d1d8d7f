import { type RoutingStore, STATE_CHANGING_CALLS } from '../store/routing-store.port';

/** A store that notes every state-changing call it passes on, by method name, in order. */
export function countingRoutingStore(store: RoutingStore): { store: RoutingStore; calls: string[] } {
  const calls: string[] = [];
  const counted = new Proxy(store, {
    get: (target, property, receiver) => {
      const value: unknown = Reflect.get(target, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      const method = value as (...args: unknown[]) => unknown;
      return (...args: unknown[]) => {
        if ((STATE_CHANGING_CALLS as ReadonlySet<string>).has(property)) calls.push(property);
        return method.apply(target, args);
      };
    },
  });
  return { store: counted, calls };
}
