// Waiting for a state that has no event to wait on (a /proc field, a file, a
// count): poll with a short back-off until it holds, and fail clearly, with the
// last value seen, when it does not within the bound. Never read once and assert.
// Imports nothing from node:test, so runners that are not tests may use it.

export interface EventuallyOptions {
  /** What is awaited, for the error message: "no zombie left". */
  what: string;
  /** Upper bound; generous, since the machine is small and shared. Default 30 s. */
  timeoutMs?: number;
}

/**
 * Resolves with the first value of `probe` that `holds` accepts (by default:
 * anything but undefined and false). `probe` may throw while the state is not
 * there yet (a file not written, a process gone); the last error is reported.
 */
export async function eventually<T>(
  probe: () => T | Promise<T>,
  options: EventuallyOptions & { holds?: (value: T) => boolean },
): Promise<Exclude<T, undefined | false>> {
  const { what, timeoutMs = 30_000 } = options;
  const holds = options.holds ?? ((v: T) => v !== undefined && v !== false);
  const deadline = Date.now() + timeoutMs;
  let last: { value?: T; error?: unknown } = {};
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    try {
      const value = await probe();
      if (holds(value)) return value as Exclude<T, undefined | false>;
      last = { value };
    } catch (error) {
      last = { error };
    }
    if (Date.now() >= deadline) {
      const seen = 'error' in last ? `last error: ${String(last.error)}` : `last value: ${describe(last.value)}`;
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}; ${seen}`);
    }
    await new Promise((r) => setTimeout(r, Math.min(delay, Math.max(1, deadline - Date.now()))));
  }
}

function describe(value: unknown): string {
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 2000 ? `${s.slice(0, 2000)}...` : s;
  } catch {
    return String(value);
  }
}

/**
 * Resolves once `probe` has returned the same value for `quietMs` in a row
 * (e.g. a context-switch counter that stopped moving), within `timeoutMs`.
 */
export async function settled<T>(probe: () => T, options: EventuallyOptions & { quietMs: number; stepMs?: number }): Promise<T> {
  const { what, quietMs, stepMs = 250, timeoutMs = 30_000 } = options;
  const deadline = Date.now() + timeoutMs;
  let value = probe();
  let since = Date.now();
  for (;;) {
    await new Promise((r) => setTimeout(r, stepMs));
    const now = probe();
    if (now !== value) {
      value = now;
      since = Date.now();
    } else if (Date.now() - since >= quietMs) {
      return value;
    }
    if (Date.now() >= deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what} to settle for ${quietMs} ms; last value ${describe(value)}`);
  }
}
