// Ending what is left of a process tree: wait for it within a deadline, then
// SIGKILL the stragglers and say which ones they were. dumb-init and tini leave
// this to the kernel (everything dies with PID 1, without a word); usher names
// the processes so the user learns which part of the app ignores SIGTERM.
import { readFileSync } from 'node:fs';
import { hasChildren, sendSignal } from './libc.js';
import { commandLineOf, descendantsOf, listProcesses, readProcessInfo, readSignalDispositions, type ProcessInfo } from './proc-fs.js';
import { processTableChanges, type ProcessTable } from './process-table.js';
import { JOB_CONTROL_SIGNALS, SIG } from './signals.js';

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
let seen: { changes: number; all: ProcessInfo[]; below: ProcessInfo[] } | undefined;

/** Every process /proc shows, and the live ones below usher, as last read while that holds (see `seen`). */
function processesNow(): { all: ProcessInfo[]; below: ProcessInfo[] } {
  const changes = processTableChanges();
  if (seen?.changes !== changes) {
    if (!seen) setImmediate(() => (seen = undefined));
    const all = listProcesses();
    seen = { changes, all, below: liveIn(descendantsOf(process.pid, all)) };
  }
  return seen;
}

/** Live (non-zombie) processes below root: zombies are already dead and will be reaped. */
export function liveDescendants(root: number): ProcessInfo[] {
  if (root !== process.pid) return liveIn(descendantsOf(root));
  // Reading /proc costs one file per process on the machine (thousands on a
  // busy host when usher is a subreaper there); with no child there is nothing
  // below us, and that is the common case when the command exits cleanly.
  if (!hasChildren()) return [];
  return processesNow().below.slice();
}

function liveIn(processes: ProcessInfo[]): ProcessInfo[] {
  return processes.filter((p) => p.state !== 'Z' && p.state !== 'X');
}

/** Signals a stopped process acts on only once continued: all but those that stop, continue or kill. */
function needsContinue(signal: number): boolean {
  return signal !== SIG.KILL && signal !== SIG.CONT && signal !== SIG.STOP && !JOB_CONTROL_SIGNALS.includes(signal);
}

/**
 * Sends a signal meant to end a process (target > 0) or a process group
 * (target < 0), then SIGCONT when it (or one of the group) is stopped, as
 * systemd does. A stopped process (Ctrl-Z, `kill -TSTP 1`) keeps the signal
 * pending without running its handler, and would sit there until the SIGKILL
 * at the deadline. Only when one is stopped: an app with a SIGCONT handler
 * must not see a SIGCONT nobody sent. False when the target no longer exists.
 */
export function signalToEnd(target: number, signal: number): boolean {
  const delivered = sendSignal(target, signal);
  if (delivered && needsContinue(signal) && anyStopped(target)) sendSignal(target, SIG.CONT);
  return delivered;
}

/** Whether pid (target > 0) or a member of group -target is stopped (T; not t, a debugger's stop). */
function anyStopped(target: number): boolean {
  if (target > 0) return readProcessInfo(target)?.state === 'T';
  // The same look at /proc as the stop's others: a stop of ten services asked
  // this once per process group, each a read of every process on the machine.
  return processesNow().all.some((p) => p.pgrp === -target && p.state === 'T');
}

/** SIGTERM (or another signal) to every live process below root, each then continued; returns how many were signalled. */
export function signalDescendants(root: number, signal: number, spare?: (p: ProcessInfo) => boolean): number {
  let count = 0;
  for (const p of liveDescendants(root)) if (!spare?.(p) && signalToEnd(p.pid, signal)) count++;
  return count;
}

const identity = (p: ProcessInfo) => `${p.pid}:${p.startTicks}`;

/**
 * Context switches of pid's main thread, or undefined when /proc does not say.
 * A signal for a process goes to its main thread unless that one blocks it;
 * one file per process keeps the look before a stop signal cheap.
 */
function wakeUpsOf(pid: number): number | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'latin1');
  } catch {
    return undefined;
  }
  let total: number | undefined;
  for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)) total = (total ?? 0) + Number(m[1]);
  return total;
}

/**
 * Who below root was already asked to end, so that the drain asks no process
 * twice: many apps take a second SIGTERM as "quit now, skip the graceful part".
 *
 * usher knows whom it signalled itself (a process group, or its child). It
 * cannot know whom an init or a shell below it passed the signal on to:
 * dumb-init passes it to its child's whole group (and again when its child
 * exits), tini and catatonit to their child alone. So before the stop signal
 * goes out it notes every process of the tree and how often each had woken;
 * at the drain, one that was there then and has woken since most likely got
 * the signal from its own parent (a sleeping process wakes for a signal) and
 * is only waited for, unless it still runs when the deadline nears. One that
 * slept through was reached by nobody, and gets its SIGTERM at once.
 */
export class StopLedger {
  readonly #asked = new Set<string>();
  readonly #askedGroups = new Set<number>();
  /** Identity -> wake-ups, of every process below root just before the first stop signal went out. */
  #before: Map<string, number | undefined> | undefined;

  constructor(private readonly root: number) {}

  /**
   * Call just before usher itself sends an ending signal to `target` (a pid, or
   * a process group as -pgid). `beforeStop`: it is the stop signal being passed
   * on, and the first one also notes how the whole tree looks.
   */
  noteAsked(target: number, { beforeStop = false } = {}): void {
    const tree = liveDescendants(this.root);
    if (beforeStop && !this.#before) this.#before = new Map(tree.map((p) => [identity(p), wakeUpsOf(p.pid)]));
    if (target < 0) this.#askedGroups.add(-target);
    for (const p of tree) if (target < 0 ? p.pgrp === -target : p.pid === target) this.#asked.add(identity(p));
  }

  /**
   * Sorts what lives below root for the drain: `now` gets SIGTERM at once,
   * `nearDeadline` only if it still runs when the deadline nears; the rest
   * (asked by usher already) is only waited for.
   */
  planDrain(signal: number): { now: ProcessInfo[]; nearDeadline: ProcessInfo[] } {
    const now: ProcessInfo[] = [];
    const nearDeadline: ProcessInfo[] = [];
    for (const p of liveDescendants(this.root)) {
      if (this.#asked.has(identity(p)) || this.#askedGroups.has(p.pgrp)) continue;
      const before = this.#before?.get(identity(p));
      if (this.#before?.has(identity(p)) && this.#wokenSince(p, before, signal)) nearDeadline.push(p);
      else now.push(p);
    }
    return { now, nearDeadline };
  }

  #wokenSince(p: ProcessInfo, before: number | undefined, signal: number): boolean {
    // Running or runnable now, or the signal still pending (blocked, or not yet
    // handled): it may well be the stop signal, passed on.
    if (p.state === 'R' || readSignalDispositions(p.pid)?.pending.includes(signal)) return true;
    const after = wakeUpsOf(p.pid);
    // Without the counts, assume the worst for a second signal: it was reached.
    return before === undefined || after === undefined || after !== before;
  }
}

/**
 * Resolves once nothing lives below root, or at the deadline. Wakes on every
 * reap; between reaps it re-reads /proc on a short back-off, because a
 * grandchild whose parent is still alive ends without telling us.
 */
export function waitForDescendants(root: number, table: ProcessTable, deadline: number): Promise<boolean> {
  if (root !== process.pid) return waitUntilNone(() => liveDescendants(root), table, deadline);
  // usher's own tree is done once usher has reaped its children, not as soon
  // as /proc shows none running: a multi-threaded child whose main thread has
  // exited reads as a zombie while its other threads still exit, and cannot be
  // reaped yet. usher exiting then would have the kernel SIGKILL it with PID 1
  // (and lose its exit status); its SIGCHLD comes once it can be reaped.
  return waitUntilNone(() => {
    const live = liveDescendants(root);
    if (live.length > 0) return live;
    table.reap();
    return hasChildren() ? descendantsOf(root) : [];
  }, table, deadline);
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

/** In a drain, what happens when the deadline nears: `at` (before the deadline), `remind` runs once. */
export interface DrainReminder {
  at: number;
  remind: () => void;
}

/** How long before the drain's deadline its reminder comes: a fifth of the drain, at most a second. */
export function reminderTime(start: number, deadline: number): number {
  return deadline - Math.min(1000, (deadline - start) / 5);
}

/**
 * Gives every process below root until the deadline to end, then SIGKILLs each
 * one still alive and returns them, so the caller can name them. A reminder,
 * if any, runs at its time when something still lives.
 */
export async function drainDescendants(root: number, table: ProcessTable, deadline: number, reminder?: DrainReminder): Promise<Straggler[]> {
  if (reminder && reminder.at < deadline) {
    if (await waitForDescendants(root, table, reminder.at)) return [];
    reminder.remind();
  }
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
  return sendToSession(sid, members, (group) => sendSignal(-group, signal));
}

/** signalSession for a signal meant to end the session: each group is continued after it (signalToEnd). */
export function signalSessionToEnd(sid: number, signal: number, members: ProcessInfo[] = liveSessionMembers(sid)): number {
  return sendToSession(sid, members, (group) => signalToEnd(-group, signal));
}

function sendToSession(sid: number, members: ProcessInfo[], send: (group: number) => boolean): number {
  const groups = new Set([sid, ...members.map((p) => p.pgrp)]);
  let count = 0;
  for (const group of groups) if (send(group)) count++;
  return count;
}
