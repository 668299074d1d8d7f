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
