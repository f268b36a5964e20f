// Ending what is left of a process tree: wait for it within a deadline, then
// SIGKILL the stragglers and say which ones they were. dumb-init and tini leave
// this to the kernel (everything dies with PID 1, without a word); usher names
// the processes so the user learns which part of the app ignores SIGTERM.
import { hasChildren, sendSignal } from './libc.js';
import { commandLineOf, descendantsOf, type ProcessInfo } from './proc-fs.js';
import { processTableChanges, type ProcessTable } from './process-table.js';
import { SIG } from './signals.js';

export interface Straggler {
  pid: number;
  command: string;
}

/**
 * What the last look at /proc found below usher, while it still holds: until
 * the process table reaps or spawns, and at most until the event loop turns.
 * A stop of ten services asked /proc the same question about 120 times in a
 * row (each service's stop, and every waiter again at every reap); the answer
 * changes only when a process ends, and an end below usher is either reaped
 * here (which drops this) or noticed by a waiter's next timed look.
 */
let seen: { changes: number; below: ProcessInfo[] } | undefined;

/** Live (non-zombie) processes below root: zombies are already dead and will be reaped. */
export function liveDescendants(root: number): ProcessInfo[] {
  if (root !== process.pid) return liveIn(descendantsOf(root));
  // Reading /proc costs one file per process on the machine (thousands on a
  // busy host when usher is a subreaper there); with no child there is nothing
  // below us, and that is the common case when the command exits cleanly.
  if (!hasChildren()) return [];
  const changes = processTableChanges();
  if (seen?.changes !== changes) {
    if (!seen) setImmediate(() => (seen = undefined));
    seen = { changes, below: liveIn(descendantsOf(root)) };
  }
  return seen.below.slice();
}

function liveIn(processes: ProcessInfo[]): ProcessInfo[] {
  return processes.filter((p) => p.state !== 'Z' && p.state !== 'X');
}

/** SIGTERM (or another signal) to every live process below root; returns how many were signalled. */
export function signalDescendants(root: number, signal: number, spare?: (p: ProcessInfo) => boolean): number {
  let count = 0;
  for (const p of liveDescendants(root)) if (!spare?.(p) && sendSignal(p.pid, signal)) count++;
  return count;
}

/**
 * Resolves once nothing lives below root, or at the deadline. Wakes on every
 * reap; between reaps it re-reads /proc on a short back-off, because a
 * grandchild whose parent is still alive ends without telling us.
 */
export function waitForDescendants(root: number, table: ProcessTable, deadline: number): Promise<boolean> {
  return waitUntilNone(() => liveDescendants(root), table, deadline);
}

/**
 * Resolves true once `find` returns no process, false at the deadline. Wakes on
 * every reap, and re-reads /proc on a short back-off in between (a grandchild
 * whose parent still lives ends without telling us). No timer outlives it.
 */
export function waitUntilNone(find: () => ProcessInfo[], table: ProcessTable, deadline: number): Promise<boolean> {
  return new Promise((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let afterReaps: NodeJS.Immediate | undefined;
    let backoff = 10;
    let done = false;
    const finish = (empty: boolean) => {
      done = true;
      if (timer) clearTimeout(timer);
      if (afterReaps) clearImmediate(afterReaps);
      table.off('exit', onReaped);
      table.off('orphan', onReaped);
      resolve(empty);
    };
    function check(): void {
      afterReaps = undefined;
      if (done) return;
      if (find().length === 0) return finish(true);
      const left = deadline - Date.now();
      if (left <= 0) return finish(false);
      if (timer) clearTimeout(timer);
      timer = setTimeout(check, Math.min(backoff, left));
      backoff = Math.min(backoff * 2, 250);
    }
    // One reaping pass can reap many processes: look once after it, not once per process.
    function onReaped(): void {
      afterReaps ??= setImmediate(check);
    }
    table.on('exit', onReaped);
    table.on('orphan', onReaped);
    check();
  });
}

/**
 * Gives every process below root until the deadline to end, then SIGKILLs each
 * one still alive and returns them, so the caller can name them.
 */
export async function drainDescendants(root: number, table: ProcessTable, deadline: number): Promise<Straggler[]> {
  if (await waitForDescendants(root, table, deadline)) return [];
  const stragglers = liveDescendants(root).map((p) => ({ pid: p.pid, command: commandLineOf(p.pid, p.comm) }));
  for (const s of stragglers) sendSignal(s.pid, SIG.KILL);
  // SIGKILL is not instant (a process in uninterruptible sleep finishes its I/O
  // first); give the kernel a moment so usher does not exit before them.
  await waitForDescendants(root, table, Date.now() + 2000);
  return stragglers;
}

/**
 * Live processes below usher that belong to session `sid`: a service started
 * in its own session, plus whatever it left behind in it (orphans keep their
 * session id after their parent dies, even in another process group).
 */
export function liveSessionMembers(sid: number): ProcessInfo[] {
  return liveDescendants(process.pid).filter((p) => p.session === sid);
}

/**
 * Sends `signal` to every process group of session `sid` (its leader's group
 * first): kill(-pgid) reaches a whole pipeline, and the other groups catch what
 * a shell with job control moved out of the leader's group. Returns how many
 * groups were signalled.
 */
export function signalSession(sid: number, signal: number, members: ProcessInfo[] = liveSessionMembers(sid)): number {
  const groups = new Set([sid, ...members.map((p) => p.pgrp)]);
  let count = 0;
  for (const group of groups) if (sendSignal(-group, signal)) count++;
  return count;
}
