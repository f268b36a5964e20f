// The namespaces the bench runs now. On Ctrl-C or SIGTERM each is SIGKILLed
// (unshare's --kill-child then kills the whole namespace), so that an
// interrupted bench leaves no storm of orphans or supervisors behind.
import type { ChildProcess } from 'node:child_process';

const live = new Set<ChildProcess>();

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const proc of live) proc.kill('SIGKILL');
    process.stderr.write(`bench: interrupted by ${signal}; ${live.size} running namespace(s) killed\n`);
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

/** Kills `proc` if the bench is interrupted while it runs; returns it. */
export function track<T extends ChildProcess>(proc: T): T {
  live.add(proc);
  proc.once('close', () => live.delete(proc));
  return proc;
}
