import { setMaxListeners } from 'node:events';

export interface LinkedAbortSignal {
  /** Aborted, with the source's reason, as soon as any source signal aborts. */
  readonly signal: AbortSignal;
  /** Detaches from the sources; call it when the work the signal guards is over. */
  release(): void;
}

/**
 * What AbortSignal.any does, for short-lived work (one batch) under long-lived sources (the bus's stop signal). On
 * Node 20 every signal AbortSignal.any derives stays referenced by its sources until they abort (one per batch: tens of
 * MB an hour, and MaxListenersExceededWarning); here the listeners go away on release(), and nothing is left behind.
 */
export function linkAbortSignals(sources: readonly AbortSignal[]): LinkedAbortSignal {
  const controller = new AbortController();
  const alreadyAborted = sources.find((source) => source.aborted);
  if (alreadyAborted) {
    controller.abort(alreadyAborted.reason);
    return { signal: controller.signal, release: () => undefined };
  }
  const listeners: { source: AbortSignal; onAbort: () => void }[] = [];
  const release = (): void => {
    for (const { source, onAbort } of listeners.splice(0)) source.removeEventListener('abort', onAbort);
  };
  for (const source of sources) {
    const onAbort = (): void => {
      release();
      controller.abort(source.reason);
    };
    listeners.push({ source, onAbort });
    source.addEventListener('abort', onAbort, { once: true });
  }
  return { signal: controller.signal, release };
}

/** Listeners a shared signal may hold before Node warns of a leak: far above the batches a process has in flight. */
export const SHARED_SIGNAL_MAX_LISTENERS = 10_000;

/**
 * A controller whose signal many pieces of work link to at once (linkAbortSignals), such as the bus's stop signal:
 * every batch in flight, across every subscription of a process, listens to it until the batch ends, dozens at once
 * in a gateway. Node warns of a leak past 10 listeners; a real leak (links never released) still reaches the limit.
 */
export function sharedAbortController(): AbortController {
  const controller = new AbortController();
  setMaxListeners(SHARED_SIGNAL_MAX_LISTENERS, controller.signal);
  return controller;
}
