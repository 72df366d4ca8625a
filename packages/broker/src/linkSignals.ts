export interface LinkedSignal {
  signal: AbortSignal;
  /** Detaches from the sources; call it once the work the signal guards is over. */
  dispose(): void;
}

/**
 * A signal that aborts when any of `sources` does, with the sources' reason. Unlike
 * `AbortSignal.any`, nothing stays attached to a long-lived source once disposed: Node keeps a
 * WeakRef per dependent signal in every source until a finalizer runs, which piles up on a sync
 * loop's signal that outlives thousands of requests.
 */
export function linkSignals(sources: readonly AbortSignal[]): LinkedSignal {
  const controller = new AbortController();
  const already = sources.find((source) => source.aborted);
  if (already) {
    controller.abort(already.reason);
    return { signal: controller.signal, dispose: () => {} };
  }
  const onAbort = (event: Event) => {
    dispose();
    controller.abort((event.target as AbortSignal).reason);
  };
  const dispose = () => {
    for (const source of sources) source.removeEventListener('abort', onAbort);
  };
  for (const source of sources) source.addEventListener('abort', onAbort, { once: true });
  return { signal: controller.signal, dispose };
}
