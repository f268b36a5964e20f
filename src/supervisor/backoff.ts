// Delay before a service's next start: exponential from `initial`, capped at
// `max`, back to `initial` once an instance has run stably. Never below a floor,
// so a service that dies at once can never make usher spin.

/** An instance that ran this long resets the back-off. */
export const STABLE_RUN_MS = 10_000;
/** No restart comes sooner than this after an exit. */
export const MIN_BACKOFF_MS = 100;

export class Backoff {
  #attempt = 0;

  constructor(
    private readonly initialMs: number,
    private readonly maxMs: number,
    private readonly stableRunMs = STABLE_RUN_MS,
  ) {}

  /** The delay before the next start, given how long the instance that just ended ran. */
  next(ranMs: number): number {
    if (ranMs >= this.stableRunMs) this.#attempt = 0;
    const initial = Math.max(MIN_BACKOFF_MS, this.initialMs);
    const max = Math.max(initial, this.maxMs);
    // 2 ** attempt grows without bound; stop doubling once the cap is reached.
    const delay = Math.min(max, initial * 2 ** Math.min(this.#attempt, 40));
    this.#attempt++;
    return delay;
  }

  reset(): void {
    this.#attempt = 0;
  }
}
