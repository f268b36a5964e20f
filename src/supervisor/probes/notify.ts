// Ready when the service sends READY=1 to its NOTIFY_SOCKET (notify.ts).
// Event-driven: it wakes on the service's messages, never polls.
import type { NotifyChannel } from '../notify.js';

export function notifyProbe(channel: NotifyChannel | undefined, deadline: number, signal: AbortSignal): Promise<boolean> {
  return waitForChannel(channel, (c) => c.ready, deadline, signal);
}

/**
 * Resolves true once `holds` is true of the channel (checked now and after each
 * message), false at `deadline` or when `signal` aborts.
 */
export function waitForChannel(
  channel: NotifyChannel | undefined,
  holds: (channel: NotifyChannel) => boolean,
  deadline: number,
  signal: AbortSignal,
): Promise<boolean> {
  if (!channel) return Promise.resolve(false);
  if (holds(channel)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', abort);
      resolve(ok);
    };
    const abort = () => done(false);
    const unsubscribe = channel.subscribe(() => holds(channel) && done(true));
    const timer = setTimeout(abort, Math.max(0, deadline - Date.now()));
    signal.addEventListener('abort', abort);
  });
}
