// Ready when the service prints a line (stdout or stderr) matching a pattern.
// Event-driven: it wakes on matching lines, never polls.
import type { LineWatch } from './probe.js';

export function logProbe(lines: LineWatch, since: number, deadline: number, signal: AbortSignal): Promise<boolean> {
  if (lines.lastMatch >= since && lines.lastMatch > 0) return Promise.resolve(true);
  return new Promise((resolve) => {
    const done = (ok: boolean) => {
      clearTimeout(timer);
      unsubscribe();
      signal.removeEventListener('abort', abort);
      resolve(ok);
    };
    const abort = () => done(false);
    const unsubscribe = lines.subscribe(() => done(true));
    const timer = setTimeout(abort, Math.max(0, deadline - Date.now()));
    signal.addEventListener('abort', abort);
  });
}
