// The parts of a run that do not depend on how the tree was started (a PID
// namespace, a subreaper, a container): waiting for it to settle or be ready,
// and watching it after the stop signal.
import { SIG } from '../core/signals.js';
import type { KernelEvents } from './kernel-trace.js';
import type { Tracked, TreeObserver } from './observer.js';
import { LineMatcher, probeOnce, type ReadyCondition } from './ready.js';

/** Longest wait for --settle quiet or a --ready condition before the check gives up. */
export const READY_LIMIT_MS = 60_000;
/** How long the tree must use no CPU to count as idle (CPU time is counted in 10 ms ticks). */
const IDLE_MS = 300;
const SETTLE_BUSY_FACTOR = 5;

export interface ReadyWait {
  settleMs: number;
  ready?: ReadyCondition;
  /** For log: conditions, fed with the command's output by the caller. */
  matcher?: LineMatcher;
}

/** 'busy': processes kept starting (a loop of short commands); stopped anyway after settleLimit(). */
export type ReadyResult = 'ready' | 'busy' | 'pid1-ended' | 'timeout';

/** How long a tree that keeps starting processes is watched before it is stopped anyway. */
export function settleLimit(settleMs: number): number {
  return Math.max(settleMs * 10, 5000);
}

/** Waits until no new process appeared for settleMs (or the ready condition holds), PID 1 ends, or the limit. */
export async function waitUntilReady(observer: TreeObserver, pid1: Tracked, wait: ReadyWait, limitMs = READY_LIMIT_MS): Promise<ReadyResult> {
  const started = performance.now();
  const startedAt = observer.now();
  let probeOk = false;
  let probing = false;
  let stopped = false;
  const probe = async () => {
    if (!wait.ready || wait.ready.kind === 'log' || probing || stopped) return;
    probing = true;
    probeOk = await probeOnce(wait.ready);
    probing = false;
  };
  const done = () => {
    if (pid1.endedMs !== undefined) return true;
    if (wait.ready) {
      if (wait.ready.kind === 'log' ? wait.matcher?.matched : probeOk) return true;
      void probe();
      return false;
    }
    // Settled: no new process for settleMs, and the tree idle (no CPU used) for
    // a while too, since a process that is still starting (node loading its
    // modules, installing its handlers) forks nothing yet. A tree that never
    // idles counts as settled after SETTLE_BUSY_FACTOR times settleMs.
    const quietFor = observer.now() - Math.max(observer.lastNewMs, startedAt);
    const idleFor = observer.now() - observer.cpuChangedMs;
    return quietFor >= wait.settleMs && (idleFor >= Math.min(wait.settleMs, IDLE_MS) || quietFor >= wait.settleMs * SETTLE_BUSY_FACTOR);
  };
  const limit = wait.ready ? limitMs : Math.min(limitMs, settleLimit(wait.settleMs));
  try {
    await observer.watch(done, started + limit);
  } finally {
    stopped = true;
  }
  if (pid1.endedMs !== undefined) return 'pid1-ended';
  if (done()) return 'ready';
  return wait.ready ? 'timeout' : 'busy';
}

/**
 * The processes the kernel SIGKILLed as PID 1 ended (a stop in time only; at
 * the deadline everything left is killed anyway). The poll cannot tell a
 * process that exited by itself just before PID 1 (an init reaps it, then
 * exits, within one poll) from one killed with it, nor see an orphan
 * re-parented before its first look; the kernel's events can: PID 1's exit
 * event comes first, then its teardown of the namespace SIGKILLs what is
 * left. Without events (or some lost, or no exit
 * event of PID 1), the poll's answer stands.
 */
export function killedWithPid1(watched: StopWatch, records: readonly Tracked[], pid1: Tracked, events: KernelEvents | string): Tracked[] {
  if (watched.forced || typeof events === 'string' || events.lost) return watched.outlivedPid1;
  const exits = events.processes.filter((p) => p.kind === 'exit' && p.hostPid === pid1.hostPid).map((p) => p.atMs);
  if (exits.length === 0) return watched.outlivedPid1;
  const endedAt = Math.min(...exits);
  // Orphans only, as with the poll: PID 1's own children dying with it are a
  // shell's background jobs, told by shell-does-not-forward.
  const forkedBy = (r: Tracked) => [...events.processes].reverse().find((p) => p.kind === 'fork' && p.hostPid === r.hostPid)?.parentHostPid ?? r.firstPpid;
  // The sender is not checked: the teardown runs in PID 1's last thread, whose
  // thread group the trace does not always record; after PID 1's exit, in a
  // stop that ended in time, nothing else SIGKILLs inside the namespace.
  return records.filter((r) => r !== pid1 && forkedBy(r) !== pid1.hostPid && events.signals.some((e) =>
    e.signal === SIG.KILL && e.targetHostPid === r.hostPid && e.atMs >= endedAt));
}

export interface StopWatch {
  forced: boolean;
  aliveAtGrace: Tracked[];
  outlivedPid1: Tracked[];
  needed: Map<Tracked, number | undefined>;
  overtimeMs: number;
}

/** How long the doctor keeps watching slow processes past the grace period to learn how long they need. */
export function overtimeFor(graceMs: number): number {
  return Math.min(Math.max(graceMs, 2000), 30_000);
}

/**
 * After the stop signal: watches until PID 1 ends or the grace period runs out.
 * `onPid1Ended` gets what outlived PID 1 (the caller kills it in subreaper mode,
 * the kernel does in a namespace). At the deadline, the processes that
 * `isSlow` picks get overtime, so the report can say how long they needed.
 */
export async function watchStop(
  observer: TreeObserver,
  pid1: Tracked,
  stopAt: number,
  graceMs: number,
  hooks: {
    outlived: () => Tracked[];
    isSlow: (r: Tracked) => boolean;
    /** Called at the deadline, before any overtime: e.g. kill what is not slow. */
    onDeadline?: (alive: Tracked[]) => void;
    /** False when something else (a container engine) SIGKILLs at the deadline: no overtime to measure in. */
    measure?: boolean;
  },
): Promise<StopWatch> {
  const deadline = stopAt + graceMs;
  let lastAlive: Tracked[] = hooks.outlived();
  const inTime = await observer.watch(() => {
    if (pid1.endedMs !== undefined) return true;
    lastAlive = hooks.outlived();
    return false;
  }, deadline, true);
  const result: StopWatch = { forced: !inTime, aliveAtGrace: [], outlivedPid1: [], needed: new Map(), overtimeMs: 0 };
  if (inTime) {
    // What was alive at the last look before PID 1 ended and was orphaned by then.
    // One seen ending normally (its zombie's status) was waited for, not killed.
    result.outlivedPid1 = lastAlive.filter(
      (r) => (r.endedMs === undefined || r.endedMs >= (pid1.endedMs ?? 0)) && (r.status === undefined || (r.status.kind === 'killed' && r.status.signal === 9)),
    );
    return result;
  }
  result.aliveAtGrace = observer.alive();
  const slow = result.aliveAtGrace.filter(hooks.isSlow);
  hooks.onDeadline?.(result.aliveAtGrace);
  if (slow.length > 0 && hooks.measure === false) {
    for (const r of slow) result.needed.set(r, undefined);
  } else if (slow.length > 0) {
    result.overtimeMs = overtimeFor(graceMs);
    await observer.watch(() => slow.every((r) => r.endedMs !== undefined), deadline + result.overtimeMs);
    for (const r of slow) result.needed.set(r, r.endedMs === undefined ? undefined : r.endedMs - (stopAt - observerOrigin(observer)));
  }
  return result;
}

/** performance.now() of the observer's time 0. */
function observerOrigin(observer: TreeObserver): number {
  return performance.now() - observer.now();
}

export function busyNote(settleMs: number): string {
  return `the tree never settled (a new process at least every ${settleMs} ms); stopped after ${settleLimit(settleMs) / 1000} s anyway: use --ready to say when the app is up`;
}
