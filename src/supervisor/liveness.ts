// Checks a running service every `interval`; `failures` failed attempts in a
// row mean it is dead (the service is then restarted per its policy). A timer
// exists only while such a check is configured and the service runs.
import { attempt, sleep, type ProbeContext } from './probes/probe.js';
import type { NotifyChannel } from './notify.js';
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

/**
 * A `live: { watchdog }` check: resolves with why the service counts as hung
 * once `ms` pass without a WATCHDOG=1 (counted from now, when the service
 * became ready, as systemd arms WatchdogSec=), or at once on WATCHDOG=trigger;
 * undefined when cancelled. One timer, moved on only when it fires: a service
 * pinging often costs no timer churn.
 */
export function watchWatchdog(ms: number, channel: NotifyChannel | undefined, signal: AbortSignal): Promise<string | undefined> {
  const armedAt = Date.now();
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let unsubscribe = () => {};
    const finish = (why: string | undefined) => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', abort);
      resolve(why);
    };
    const abort = () => finish(undefined);
    const check = () => {
      clearTimeout(timer);
      if (channel?.watchdogTriggered) return finish('the service sent WATCHDOG=trigger');
      const left = Math.max(armedAt, channel?.lastWatchdog ?? 0) + ms - Date.now();
      if (left <= 0) return finish(`no WATCHDOG=1 within ${+(ms / 1000).toFixed(3)}s`);
      timer = setTimeout(check, left);
    };
    if (signal.aborted) return finish(undefined);
    signal.addEventListener('abort', abort);
    if (channel) unsubscribe = channel.subscribe(() => channel.watchdogTriggered && check());
    check();
  });
}
