/** What a store contract's factory hands over: the adapter under test and how to release what it created. */
export interface StoreHarness<S> {
  store: S;
  /** Releases what the factory created (connections, schemas). */
  dispose(): Promise<void>;
}

interface StartableStore {
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * Gives each test of a store contract a fresh, started store from `factory` (handed to `use`), then stops and
 * disposes it. Call it inside the contract's describe.
 */
export function useStartedStore<S extends StartableStore>(factory: () => Promise<StoreHarness<S>>, use: (store: S) => void): void {
  let harness: StoreHarness<S>;

  beforeEach(async () => {
    harness = await factory();
    use(harness.store);
    await harness.store.start();
  });

  afterEach(async () => {
    await harness.store.stop();
    await harness.dispose();
  });
}
