// Waits until a service's ready probe passes, or its `timeout` (counted from
// the start of the instance) runs out. Polled probes (tcp, http, exec) try every
// `interval`; log and delay wait for their event, so nothing polls.
import { attempt, sleep, type ProbeContext } from './probes/probe.js';
import type { ReadySpec } from './types.js';

export type ReadinessOutcome = 'ready' | 'timeout' | 'cancelled';

/** One polled attempt never waits longer than this (or the interval, when longer). */
const MIN_ATTEMPT_MS = 1000;

export async function waitUntilReady(spec: ReadySpec, ctx: ProbeContext, signal: AbortSignal): Promise<ReadinessOutcome> {
  const deadline = ctx.startedAt + spec.timeoutMs;
  const polled = spec.probe.kind === 'tcp' || spec.probe.kind === 'http' || spec.probe.kind === 'exec';
  for (;;) {
    if (signal.aborted) return 'cancelled';
    const attemptDeadline = polled ? Math.min(deadline, Date.now() + Math.max(spec.intervalMs, MIN_ATTEMPT_MS)) : deadline;
    const ok = await attempt(spec.probe, ctx, ctx.startedAt, attemptDeadline, signal);
    if (signal.aborted) return 'cancelled';
    if (ok) return 'ready';
    if (Date.now() >= deadline) return 'timeout';
    await sleep(Math.min(spec.intervalMs, deadline - Date.now()), signal);
  }
}
