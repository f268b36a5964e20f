// `usher doctor -- command`: runs the command the way a container runs its
// PID 1, stops it the way a runtime does, and reports what happened.
//
// Where it can (root, or unprivileged user namespaces), the command is PID 1 of
// a new PID namespace with its own /proc (`unshare --pid --fork --mount-proc`,
// spawned through the core's ProcessTable), so the kernel's PID-1 signal rules
// apply for real, and the doctor watches from the host's /proc. Otherwise the
// doctor becomes a subreaper and runs the command as its child: PID 1's rules
// are then emulated from the command's signal masks, a weaker verdict.
import { readFileSync } from 'node:fs';
import { sendSignal, setChildSubreaper } from '../core/libc.js';
import { ProcessTable, SpawnError, type ChildProcess } from '../core/process-table.js';
import { SIG } from '../core/signals.js';
import { shellExitCode, type ExitStatus } from '../core/wait-status.js';
import { analyse, parentOf, takes } from './analyse.js';
import { spawnWithOutput, type SpawnedWithOutput } from './capture.js';
import { classifyProcess, drainsOrphans } from './classify.js';
import { KernelTrace, monotonicToObserver, type KernelEvents } from './kernel-trace.js';
import { TreeObserver, type Tracked } from './observer.js';
import { onPath } from './on-path.js';
import { busyNote, killedWithPid1, waitUntilReady, watchStop, READY_LIMIT_MS } from './phases.js';
import { describeReady, LineMatcher, type ReadyCondition } from './ready.js';
import { errorReport, type FullReport, type Mode } from './report.js';
import { onAbort } from './abort.js';

export interface RunOptions {
  command: readonly string[];
  graceMs: number;
  stopSignal: number;
  settleMs: number;
  ready?: ReadyCondition;
  /** Skip the PID namespace (USHER_DOCTOR_NO_NAMESPACE=1): for tests of the fallback. */
  noNamespace?: boolean;
  /** The command's own output (stdout and stderr), as it comes; the doctor's stdout stays for the report. */
  onOutput?: (text: string) => void;
}

/** Whether this process may create a PID namespace: root, or unprivileged user namespaces allowed. */
export function namespaceAccess(): 'root' | 'user-namespace' | undefined {
  if (process.getuid?.() === 0) return 'root';
  try {
    if (readFileSync('/proc/sys/kernel/unprivileged_userns_clone', 'utf8').trim() === '0') return undefined;
  } catch {
    // the knob exists on Debian-patched kernels only; elsewhere the default allows it
  }
  try {
    if (Number(readFileSync('/proc/sys/user/max_user_namespaces', 'utf8')) === 0) return undefined;
  } catch {
    return undefined;
  }
  return 'user-namespace';
}

/** The kernel's events for a run in a PID namespace, or why there are none. */
function startKernelTrace(options: RunOptions): KernelTrace | string {
  if (options.noNamespace) return 'no PID namespace';
  if (process.env.USHER_DOCTOR_NO_KERNEL_EVENTS === '1') return 'USHER_DOCTOR_NO_KERNEL_EVENTS=1';
  return KernelTrace.start();
}

interface Started {
  mode: Exclude<Mode, 'static' | 'container'>;
  spawned: SpawnedWithOutput;
  /** Every process below this host pid is the tree. */
  anchor: number;
  notes: string[];
}

function start(options: RunOptions, table: ProcessTable, onChunk: (text: string) => void, forceSubreaper: boolean): Started {
  const notes: string[] = [];
  const access = forceSubreaper || options.noNamespace ? undefined : namespaceAccess();
  if (access) {
    const userns = access === 'user-namespace' ? ['--user', '--map-root-user'] : [];
    // --kill-child: unshare's death SIGKILLs the namespace's PID 1, and with
    // it the namespace. setpriv --pdeathsig: the doctor's death (even by
    // SIGKILL, when it cleans up nothing) kills unshare. No process outlives
    // the doctor.
    const dieWithDoctor = onPath('setpriv') ? ['setpriv', '--pdeathsig', 'KILL', '--'] : [];
    const argv = [...dieWithDoctor, 'unshare', ...userns, '--pid', '--fork', '--mount-proc', '--kill-child', '--', ...options.command];
    try {
      const spawned = spawnWithOutput(table, argv, { session: 'new-session', onChunk });
      return { mode: 'pid-namespace', spawned, anchor: spawned.child.pid, notes };
    } catch (err) {
      if (!(err instanceof SpawnError)) throw err;
      notes.push(`unshare (util-linux) could not run (${err.reason}), so no PID namespace`);
    }
  } else if (options.noNamespace) {
    notes.push('PID namespace skipped (USHER_DOCTOR_NO_NAMESPACE)');
  } else if (!forceSubreaper) {
    notes.push('not root and no unprivileged user namespaces, so no PID namespace');
  }
  setChildSubreaper();
  const spawned = spawnWithOutput(table, options.command, { session: 'new-session', onChunk });
  notes.push(
    'subreaper mode: the command was not PID 1 of a namespace, so the kernel\'s PID-1 rules were emulated from its signal masks; a weaker verdict than a real PID 1',
  );
  return { mode: 'subreaper', spawned, anchor: process.pid, notes };
}

const tail = (text: string) => text.trim().split('\n').slice(-5).join('\n');

export async function doctorRun(options: RunOptions): Promise<FullReport> {
  const table = ProcessTable.open();
  let output = '';
  const matcher = options.ready?.kind === 'log' ? new LineMatcher(options.ready.pattern) : undefined;
  const shown = new NoiseFilter((text) => options.onOutput?.(text));
  const onChunk = (text: string) => {
    output += text;
    if (output.length > 65536) output = output.slice(-32768);
    matcher?.feed(text);
    shown.feed(text);
  };
  const subject = options.command.join(' ');
  // Before the spawn: the trace follows every fork from the doctor on.
  const trace = startKernelTrace(options);
  let started: Started;
  try {
    started = start(options, table, onChunk, false);
  } catch (err) {
    if (typeof trace !== 'string') trace.close();
    if (err instanceof SpawnError) {
      return { report: errorReport('subreaper', `cannot run ${err.file}: ${err.reason}`, 'check the command: is it installed, on PATH, executable?') };
    }
    throw err;
  }
  let observer = new TreeObserver(started.anchor, table);
  const killAll = () => {
    for (const r of observer.alive()) sendSignal(r.hostPid, SIG.KILL);
    started.spawned.child.signalGroup(SIG.KILL);
  };
  // An interrupted doctor (SIGINT, SIGTERM, SIGHUP) kills the tree before it
  // exits: in subreaper mode nothing else would, the tree lives in its own session.
  const dropUndo = onAbort('every process of the run, killed, and the kernel trace removed', () => {
    killAll();
    if (typeof trace !== 'string') trace.close();
  });
  try {
    let pid1 = await findPid1(observer, started);
    if (!pid1 && started.mode === 'pid-namespace') {
      const status = await settleWithin(started.spawned.child, 2000);
      if (/unshare failed|Operation not permitted|cannot open \/proc|mount.*failed/i.test(output)) {
        // Namespaces refused after all (a container without CAP_SYS_ADMIN): fall back.
        const refused = tail(output);
        output = '';
        observer.close();
        started = start(options, table, onChunk, true);
        started.notes.unshift(`PID namespace refused (${refused})`);
        observer = new TreeObserver(started.anchor, table);
        pid1 = await findPid1(observer, started);
      } else if (/unshare: failed to execute/.test(output)) {
        return { report: errorReport(started.mode, `the command did not start: ${tail(output)}`, 'check the command: is it installed, on PATH, executable?') };
      }
    }
    if (!pid1) {
      const status = await settleWithin(started.spawned.child, 2000);
      return { report: errorReport(started.mode, `the command ended at once${status ? ` (exit ${shellExitCode(status)})` : ''}: ${tail(output) || 'no output'}`, 'check the command and its arguments: it must keep running until it is stopped') };
    }

    const ready = await waitUntilReady(observer, pid1, { settleMs: options.settleMs, ...(options.ready ? { ready: options.ready } : {}), ...(matcher ? { matcher } : {}) });
    if (ready === 'pid1-ended') {
      const status = pid1.status ?? (await settleWithin(started.spawned.child, 2000));
      return { report: errorReport(started.mode, `the command exited by itself before it could be stopped${status ? ` (exit ${shellExitCode(status)})` : ''}${output.trim() ? `; its last output: ${tail(output)}` : ''}`, 'doctor checks a long-running service: run the command that keeps running (a server, a worker)') };
    }
    if (ready === 'timeout') {
      killAll();
      const what = options.ready ? `waiting for ${describeReady(options.ready)}` : `waiting for the tree to settle (${options.settleMs} ms without a new process)`;
      return { report: errorReport(started.mode, `gave up after ${READY_LIMIT_MS / 1000} s ${what}`, options.ready ? 'check the --ready condition (the port, the URL, the pattern)' : 'use --ready to say when the app is up, or a shorter --settle') };
    }
    if (ready === 'busy') started.notes.push(busyNote(options.settleMs));
    return await stopAndReport(options, started, observer, pid1, subject, started.mode === 'pid-namespace' ? trace : 'no PID namespace');
  } finally {
    if (typeof trace !== 'string') trace.close();
    killAll();
    await settleWithin(started.spawned.child, 5000);
    // The output ends when every holder of the pipe is gone; never hang on a stray one.
    await Promise.race([started.spawned.output, new Promise((r) => setTimeout(r, 500).unref())]);
    shown.end();
    started.spawned.close();
    observer.close();
    dropUndo();
  }
}

async function stopAndReport(options: RunOptions, started: Started, observer: TreeObserver, pid1: Tracked, subject: string, trace: KernelTrace | string): Promise<FullReport> {
  observer.poll();
  const pid1Class = classifyProcess(pid1.hostPid);
  const sig = options.stopSignal;
  const stopAt = performance.now();
  const stopMs = observer.now();
  observer.freezeDispositions();
  // As PID 1 of a namespace, the kernel itself drops a signal PID 1 has no
  // handler for. Without a namespace the doctor withholds it the same way.
  // Blocked counts: an init such as tini blocks every signal and takes them with sigtimedwait.
  const handled = takes(pid1, sig) || pid1.ignores.includes(sig);
  const dropped = !handled;
  if (started.mode === 'pid-namespace' || handled) sendSignal(pid1.hostPid, sig);

  const namespace = started.mode === 'pid-namespace';
  const drains = drainsOrphans(pid1.hostPid, pid1Class);
  const watched = await watchStop(observer, pid1, stopAt, options.graceMs, {
    // In a namespace, leftovers die with PID 1 at the same instant; the ones
    // that can be told apart are orphans PID 1 never waited for (usher's
    // drain waits for those re-parented to it).
    outlived: () =>
      observer
        .alive()
        .filter((r) => r !== pid1 && (!namespace || (r.hostPpid !== r.firstPpid && !(drains && r.hostPpid === pid1.hostPid)))),
    isSlow: (r) => {
      const kind = classifyProcess(r.hostPid).kind;
      const reached = r === pid1 ? !dropped : isForwardedTo(r, pid1, pid1Class, observer, sig);
      // A shell whose trap is running (it started a command after the signal) is slow.
      if (kind === 'shell') return reached && r.catches.includes(sig) && startedChildAfter(observer, r, stopMs);
      // A shell's trap that never ran (it waits for its foreground child), a package
      // manager waiting for its script: their own findings explain them, overtime
      // would not. An init waits for its children: they are the slow ones, not it.
      return !['package-manager', 'init'].includes(kind) && r.catches.includes(sig) && reached;
    },
  });
  if (!watched.forced && !namespace) {
    // Without a namespace nothing kills the leftovers when the main process ends: do what the kernel would.
    observer.poll();
    watched.outlivedPid1 = observer.alive().filter((r) => r !== pid1);
    for (const r of watched.outlivedPid1) sendSignal(r.hostPid, SIG.KILL);
  }
  // The runtime's SIGKILL (after any overtime spent measuring slow processes).
  if (namespace) sendSignal(pid1.hostPid, SIG.KILL);
  for (const r of observer.alive()) sendSignal(r.hostPid, SIG.KILL);
  await observer.watch(() => observer.alive().length === 0, performance.now() + 5000);
  const status = await settleWithin(started.spawned.child, 5000);

  let exitCode: number | null = null;
  if (watched.forced && watched.aliveAtGrace.includes(pid1)) exitCode = 128 + SIG.KILL;
  else if (pid1.status) exitCode = shellExitCode(pid1.status);
  else if (status) exitCode = namespace && status.kind === 'killed' ? null : shellExitCode(status);

  const events = typeof trace === 'string' ? trace : trace.read(monotonicToObserver(performance.now() - observer.now()));
  if (typeof events !== 'string') {
    if (events.lost) started.notes.push('the kernel\'s trace buffer overflowed: some signal events are missing');
    exactEnds(observer, events);
  }
  return analyse({
    ...(typeof events === 'string' ? { kernelUnavailable: events } : { kernel: events }),
    mode: started.mode,
    subject,
    records: observer.records,
    pid1,
    pid1Class,
    stopSignal: sig,
    stopMs,
    graceMs: options.graceMs,
    forced: watched.forced,
    aliveAtGrace: watched.aliveAtGrace,
    outlivedPid1: killedWithPid1(watched, observer.records, pid1, events),
    needed: watched.needed,
    overtimeMs: watched.overtimeMs,
    dropped,
    exitCode,
    settledAfterMs: stopMs,
    notes: started.notes,
    ownPid: process.pid,
  });
}

/** When each process ended, from the kernel's exit events rather than from the poll that noticed it. */
function exactEnds(observer: TreeObserver, events: KernelEvents): void {
  for (const r of observer.records) {
    if (r.endedMs === undefined) continue;
    const exit = events.processes.find((p) => p.kind === 'exit' && p.hostPid === r.hostPid && p.atMs >= r.startedMs - 1);
    if (exit) r.endedMs = exit.atMs;
  }
}

/**
 * The command's output as it comes, without what the doctor's own tools say
 * about the doctor's doing: unshare complains when the namespace's PID 1 dies
 * of the SIGKILL the doctor sent. Whole lines only, so a line split across two
 * reads is still recognised.
 */
class NoiseFilter {
  static readonly NOISE = /^unshare: sigprocmask unblock failed: /;
  #partial = '';

  constructor(private readonly emit: (text: string) => void) {}

  feed(text: string): void {
    const lines = (this.#partial + text).split('\n');
    this.#partial = lines.pop() ?? '';
    const kept = lines.filter((l) => !NoiseFilter.NOISE.test(l));
    if (kept.length > 0) this.emit(`${kept.join('\n')}\n`);
  }

  end(): void {
    if (this.#partial && !NoiseFilter.NOISE.test(this.#partial)) this.emit(this.#partial);
    this.#partial = '';
  }
}

/** Whether r started a process after the stop signal: its trap or handler is running a command. */
function startedChildAfter(observer: TreeObserver, r: Tracked, stopMs: number): boolean {
  return observer.records.some((c) => c.hostPpid === r.hostPid && c.startedMs > stopMs);
}

/** Whether a known init in front of r passes the stop signal on to it. */
function isForwardedTo(r: Tracked, pid1: Tracked, cls: ReturnType<typeof classifyProcess>, observer: TreeObserver, sig: number): boolean {
  if (cls.kind !== 'init' || !takes(pid1, sig)) return false;
  if (cls.forwarding === 'single-child') return parentOf(r) === pid1.hostPid;
  if (cls.forwarding === 'group') {
    const groups = new Set(observer.records.filter((c) => parentOf(c) === pid1.hostPid).map((c) => c.pgrp));
    return groups.has(r.pgrp);
  }
  return false;
}

/** The tree's PID 1: unshare's child in a namespace, the spawned command otherwise. */
async function findPid1(observer: TreeObserver, started: Started): Promise<Tracked | undefined> {
  const child = started.spawned.child;
  let found: Tracked | undefined;
  const pick = () => {
    found = started.mode === 'pid-namespace'
      ? observer.records.find((r) => r.firstPpid === child.pid)
      : observer.byHostPid(child.pid);
    return found !== undefined || !child.running;
  };
  await observer.watch(pick, performance.now() + 10_000);
  if (found && started.mode === 'pid-namespace') {
    // Between unshare's fork and the exec the child still looks like unshare: wait for the exec.
    const f = found;
    await observer.watch(() => f.endedMs !== undefined || !/^unshare /.test(f.command), performance.now() + 5000);
  }
  return found;
}

function settleWithin(child: ChildProcess, ms: number): Promise<ExitStatus | undefined> {
  if (child.status) return Promise.resolve(child.status);
  return Promise.race([child.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), ms).unref())]);
}
