// Checks a running service every `interval`; `failures` failed attempts in a
// row mean it is dead (the service is then restarted per its policy). A timer
// exists only while such a check is configured and the service runs.
import { attempt, sleep, type ProbeContext } from './probes/probe.js';
import type { LiveSpec } from './types.js';

/** Resolves with the number of failures in a row once the service counts as dead; undefined when cancelled. */
export async function watchLiveness(spec: LiveSpec, ctx: ProbeContext, signal: AbortSignal): Promise<number | undefined> {
  let failures = 0;
  let since = Date.now();
  for (;;) {
    await sleep(spec.intervalMs, signal);
    if (signal.aborted) return undefined;
    const started = Date.now();
    // A log probe counts a matching line printed since the previous attempt.
    const ok = await attempt(spec.probe, ctx, since, started + spec.timeoutMs, signal);
    since = started;
    if (signal.aborted) return undefined;
    failures = ok ? 0 : failures + 1;
    if (failures >= spec.failures) return failures;
  }
}
