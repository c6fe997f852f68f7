// Reconnection delays: exponential backoff with full jitter (AWS Architecture Blog, "Exponential
// Backoff And Jitter"), bounded, so a venue's screens do not reconnect in lockstep after an outage.

export interface Backoff {
  /** The ceiling of the first retry's delay. Default 500 ms. */
  initialMs: number;
  /** No delay ever exceeds this. Default 30 s. */
  maxMs: number;
  /** Each further retry multiplies the ceiling by this. Default 2. */
  factor: number;
}

export const DEFAULT_BACKOFF: Backoff = { initialMs: 500, maxMs: 30_000, factor: 2 };

/** The delay before retry number `retry` (0 for the first): a uniformly random whole number of
 *  milliseconds in [0, min(maxMs, initialMs * factor^retry)). `random` returns [0, 1). */
export function backoffDelay(backoff: Backoff, retry: number, random: () => number): number {
  const ceiling = Math.min(backoff.maxMs, backoff.initialMs * backoff.factor ** retry);
  return Math.floor(random() * ceiling);
}

/** Wait `ms`, or less if the signal aborts (then it resolves at once and leaves no timer behind). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
