// Ready when a command exits 0. It runs with the service's environment,
// directory and user, through the one ProcessTable (never child_process, which
// would race the reaper), in its own session so a timeout kills all of it.
import { SIG } from '../../core/signals.js';
import { SpawnError } from '../../core/process-table.js';
import { findProgram } from '../command-path.js';
import type { Probe } from '../types.js';
import type { ProbeContext } from './probe.js';

export async function execProbe(
  probe: Extract<Probe, { kind: 'exec' }>,
  ctx: ProbeContext,
  deadline: number,
  signal: AbortSignal,
): Promise<boolean> {
  if (signal.aborted) return false;
  let child;
  try {
    child = ctx.table.spawn({
      argv: probe.argv,
      // Found with the service's PATH, as the service's own command is.
      file: findProgram(probe.argv[0] ?? '', ctx.env, { cwd: ctx.service.cwd ?? process.cwd(), user: ctx.service.user }),
      env: ctx.env,
      session: 'new-session',
      stdio: [{ kind: 'null' }, { kind: 'null' }, { kind: 'null' }],
      ...(ctx.service.cwd !== undefined ? { cwd: ctx.service.cwd } : {}),
      ...(ctx.service.user ? { user: ctx.service.user } : {}),
    });
  } catch (err) {
    if (err instanceof SpawnError) return false;
    throw err;
  }
  let timer: NodeJS.Timeout | undefined;
  const stop = () => child.signalGroup(SIG.KILL);
  signal.addEventListener('abort', stop);
  try {
    const outcome = await Promise.race([
      child.exited,
      new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), Math.max(0, deadline - Date.now())))),
    ]);
    if (outcome === 'timeout') {
      stop();
      await child.exited;
      return false;
    }
    return outcome.kind === 'exited' && outcome.code === 0 && !signal.aborted;
  } finally {
    clearTimeout(timer);
    signal.removeEventListener('abort', stop);
  }
}
