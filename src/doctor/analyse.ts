// From what the observer saw to the report: who got the stop signal, how each
// process ended, the exit code the runtime would record, and the findings.
// One function per finding, each saying why in its message and how to fix it.
import { signalName } from '../core/signals.js';
import { shellExitCode, type ExitStatus } from '../core/wait-status.js';
import type { Pid1Class } from './classify.js';
import type { KernelEvents, SignalEvent } from './kernel-trace.js';
import type { Tracked } from './observer.js';
import type { EventSource, FullReport, Mode, Outcome, ProcessRecord, ReceivedSignal, SignalOutcome, TimelineRow } from './report.js';
import type { Finding } from './types.js';

export interface Observation {
  mode: Exclude<Mode, 'static'>;
  subject: string;
  records: readonly Tracked[];
  pid1: Tracked;
  pid1Class: Pid1Class;
  stopSignal: number;
  /** Observer time of the stop signal, and of the end of the grace period if it ran out. */
  stopMs: number;
  graceMs: number;
  forced: boolean;
  /** Processes alive (not zombies) when the grace period ran out. */
  aliveAtGrace: readonly Tracked[];
  /** Processes still running when PID 1 ended, SIGKILLed by the kernel with it. */
  outlivedPid1: readonly Tracked[];
  /** How long each slow process really needed after the signal (undefined: more than the doctor waited). */
  needed: ReadonlyMap<Tracked, number | undefined>;
  /** How long the doctor waited past the grace period to measure slow processes. */
  overtimeMs: number;
  /** The stop signal did not reach PID 1 (no handler: the kernel drops it, or the doctor emulated that). */
  dropped: boolean;
  /** The exit code the runtime records, when it is known. */
  exitCode: number | null;
  settledAfterMs: number;
  notes: string[];
  /** Host pid of the doctor itself: zombies it would reap at once are not the tree's. */
  ownPid?: number;
  /** The kernel's signal events, when they could be recorded (tracefs). */
  kernel?: KernelEvents;
  /** Why the kernel's events could not be had, when they could not. */
  kernelUnavailable?: string;
}

const SIGCHLD = 17;
const SIGKILL = 9;

/** What a process was sent, from the kernel's events: exact sender, time and outcome. */
function kernelSignals(o: Observation, r: Tracked, events: KernelEvents, byHost: ReadonlyMap<number, Tracked>): ReceivedSignal[] {
  // Signals to a process that is already exiting (the doctor's clean-up, the
  // namespace's teardown) change nothing: the kernel discards them.
  const exit = events.processes.find((p) => p.kind === 'exit' && p.hostPid === r.hostPid)?.atMs ?? Infinity;
  return events.signals
    // A SIGKILL the kernel did not queue met a process already dying of one (the
    // runtime's and the namespace's teardown race): one SIGKILL is the story.
    .filter((e) => e.targetHostPid === r.hostPid && e.signal !== SIGCHLD && e.atMs < exit && !(e.signal === SIGKILL && e.generation !== 'queued'))
    .map((e) => ({
      signal: signalName(e.signal),
      // A sender outside the tree is outside the namespace: as for the kernel's si_pid, 0.
      senderPid: byHost.get(e.senderHostPid)?.pid ?? 0,
      // Down to 0.1 ms: rounded up, a signal could show after the exit it caused.
      atMs: Math.floor(((e.delivered?.atMs ?? e.atMs) - o.stopMs) * 10) / 10,
      outcome: kernelOutcome(o, r, e),
    }));
}

function kernelOutcome(o: Observation, r: Tracked, e: SignalEvent): SignalOutcome {
  if (e.generation === 'ignored') return r === o.pid1 && !r.ignores.includes(e.signal) ? 'dropped' : 'ignored';
  if (e.generation === 'already-pending') return 'merged';
  if (e.delivered) return e.delivered.action === 'handler' ? 'handled' : e.delivered.action === 'default' ? 'default-action' : 'ignored';
  if (r.sigwait) return 'taken-by-sigwait';
  if (r.blocks.includes(e.signal)) return 'blocked';
  // A fatal signal nobody handles kills the process when it is sent: the kernel
  // turns it into SIGKILL at once, so it is never delivered as itself.
  if (!r.catches.includes(e.signal) && !r.ignores.includes(e.signal) && !NOT_FATAL.has(e.signal)) return 'default-action';
  return 'not-taken';
}

/** Signals whose default action is not to end the process: CHLD, CONT, STOP, TSTP, TTIN, TTOU, URG, WINCH. */
const NOT_FATAL = new Set([17, 18, 19, 20, 21, 22, 23, 28]);

/** What a process was sent, as /proc polling infers it: the doctor's own signal to PID 1, and what a known init forwards. */
function inferredSignals(o: Observation, r: Tracked, got: 'sent' | 'forwarded' | 'dropped' | undefined): ReceivedSignal[] {
  const signal = signalName(o.stopSignal);
  if (got === 'dropped') return [{ signal, senderPid: 0, atMs: 0, outcome: 'dropped' }];
  if (got === 'sent') {
    const outcome: SignalOutcome = r.catches.includes(o.stopSignal) ? 'handled' : r.sigwait ? 'taken-by-sigwait' : r.ignores.includes(o.stopSignal) ? 'ignored' : 'unknown';
    return [{ signal, senderPid: 0, atMs: 0, outcome }];
  }
  if (got === 'forwarded') return [{ signal, senderPid: o.pid1.pid, atMs: null, outcome: 'unknown' }];
  return [];
}

export function sourceOf(o: Observation): EventSource {
  return o.kernel ? 'kernel-events' : 'proc-polling';
}

/** The parent a process had when the stop signal was sent (re-parenting during the kill is noise). */
export const parentOf = (r: Tracked) => r.ppidAtStop ?? r.firstPpid;
const names = (signals: readonly number[]) => signals.map(signalName);
const secs = (ms: number) => `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
const who = (r: Tracked) => `pid ${r.pid} (${r.command})`;

/** Processes the stop signal reached: PID 1, and what a known init forwards it to. */
export function receivers(o: Observation): Map<Tracked, 'sent' | 'forwarded' | 'dropped'> {
  const out = new Map<Tracked, 'sent' | 'forwarded' | 'dropped'>();
  out.set(o.pid1, o.dropped ? 'dropped' : 'sent');
  const alive = o.records.filter((r) => r !== o.pid1 && r.startedMs <= o.stopMs && (r.endedMs ?? Infinity) > o.stopMs);
  if (o.pid1Class.kind === 'init' && !o.dropped && takes(o.pid1, o.stopSignal)) {
    const children = alive.filter((r) => parentOf(r) === o.pid1.hostPid);
    if (o.pid1Class.forwarding === 'single-child') for (const c of children) out.set(c, 'forwarded');
    if (o.pid1Class.forwarding === 'group') {
      const groups = new Set(children.map((c) => c.pgrp));
      for (const r of alive) if (groups.has(r.pgrp)) out.set(r, 'forwarded');
    }
  }
  return out;
}

function outcomeOf(o: Observation, r: Tracked): { outcome: Outcome; status?: ExitStatus; killedBy?: 'grace' | 'pid1-exit' } {
  if (o.aliveAtGrace.includes(r)) return { outcome: 'killed', status: { kind: 'killed', signal: 9, coreDumped: false }, killedBy: 'grace' };
  if (o.outlivedPid1.includes(r)) return { outcome: 'killed', status: { kind: 'killed', signal: 9, coreDumped: false }, killedBy: 'pid1-exit' };
  if (r.endedMs === undefined) return { outcome: 'still-running' };
  return r.status ? { outcome: 'exited', status: r.status } : { outcome: 'exited' };
}

function describeStatus(s: ExitStatus | undefined): string | undefined {
  if (!s) return undefined;
  return s.kind === 'exited' ? `exit ${s.code}` : `${signalName(s.signal)}`;
}

export function analyse(o: Observation): FullReport {
  const byHost = new Map(o.records.map((r) => [r.hostPid, r]));
  const got = o.kernel ? kernelReceivers(o, o.kernel) : receivers(o);
  const ppidOf = (r: Tracked) => byHost.get(parentOf(r))?.pid ?? 0;
  const processes: ProcessRecord[] = [];
  const rows: TimelineRow[] = [];
  for (const r of o.records) {
    const end = outcomeOf(o, r);
    const p: ProcessRecord = {
      pid: r.pid,
      ppid: ppidOf(r),
      command: r.command,
      catches: names(r.catches),
      ignores: names(r.ignores),
      blocks: names(r.blocks),
      outcome: end.outcome,
    };
    if (end.status?.kind === 'exited') p.exitCode = end.status.code;
    if (end.status?.kind === 'killed') p.signal = signalName(end.status.signal);
    p.signals = o.kernel ? kernelSignals(o, r, o.kernel, byHost) : inferredSignals(o, r, got.get(r));
    processes.push(p);
    const endedMs =
      end.killedBy === 'grace' ? o.stopMs + o.graceMs : r.endedMs;
    const row: TimelineRow = {
      pid: r.pid,
      ppid: p.ppid,
      command: r.command,
      startedMs: r.startedMs - o.stopMs,
      outcome: end.outcome,
    };
    if (endedMs !== undefined) row.endedMs = endedMs - o.stopMs;
    const g = got.get(r);
    if (g) row.signal = g;
    const stopName = signalName(o.stopSignal);
    const stop = p.signals.find((x) => x.signal === stopName && (x.atMs === null || x.atMs >= -1));
    if (stop) row.stop = { atMs: stop.atMs, senderPid: stop.senderPid, outcome: stop.outcome };
    if (end.killedBy) row.killedBy = end.killedBy;
    const st = describeStatus(end.status);
    if (st) row.status = st;
    rows.push(row);
  }

  const pid1End = o.forced ? o.graceMs : o.pid1.endedMs !== undefined ? o.pid1.endedMs - o.stopMs : null;
  const findings = [
    ...pid1NoHandler(o),
    ...shellDoesNotForward(o),
    ...packageManagerPid1(o),
    ...singleChildForwarding(o),
    ...ignoresSignal(o),
    ...slowShutdown(o),
    ...zombies(o),
    ...orphansLeft(o),
  ];
  findings.push(...stopHeld(o, findings, got));
  const killed = [
    ...o.aliveAtGrace.map((r) => ({ pid: r.pid, command: r.command, by: 'grace' as const })),
    ...o.outlivedPid1.map((r) => ({ pid: r.pid, command: r.command, by: 'pid1-exit' as const })),
  ];
  return {
    report: {
      verdict: o.forced ? 'forced' : 'graceful',
      durationMs: pid1End === null ? null : Math.max(0, Math.round(pid1End)),
      exitCode: o.exitCode,
      mode: o.mode,
      source: sourceOf(o),
      processes,
      findings,
    },
    details: {
      subject: o.subject,
      stopSignal: signalName(o.stopSignal),
      graceMs: o.graceMs,
      settledAfterMs: Math.round(o.stopMs),
      rows,
      killed,
      zombies: zombieRecords(o).length,
      orphans: o.outlivedPid1.map((r) => ({ pid: r.pid, command: r.command })),
      notes: o.notes,
      pid1: { ...o.pid1Class },
      source: sourceOf(o),
      ...(o.kernelUnavailable ? { sourceNote: o.kernelUnavailable } : {}),
    },
  };
}

/** Who got the stop signal, as the kernel recorded it: PID 1 from the runtime, the others from within the tree. */
function kernelReceivers(o: Observation, events: KernelEvents): Map<Tracked, 'sent' | 'forwarded' | 'dropped'> {
  const out = new Map<Tracked, 'sent' | 'forwarded' | 'dropped'>();
  const byHost = new Map(o.records.map((r) => [r.hostPid, r]));
  for (const e of events.signals) {
    if (e.signal !== o.stopSignal || e.atMs < o.stopMs - 1) continue;
    const r = byHost.get(e.targetHostPid);
    if (!r || out.has(r)) continue;
    if (r === o.pid1) out.set(r, e.generation === 'ignored' && !r.ignores.includes(e.signal) ? 'dropped' : 'sent');
    else out.set(r, 'forwarded');
  }
  return out;
}

/**
 * Every verdict but graceful names the process that held the stop. When no
 * other finding names one of those still running at the deadline, this one
 * does: what it was sent and what it was doing (waiting for a child it
 * started after the signal: a trap's or a handler's command).
 */
function stopHeld(o: Observation, findings: readonly Finding[], got: ReadonlyMap<Tracked, string>): Finding[] {
  if (!o.forced) return [];
  const named = (r: Tracked) => findings.some((f) => f.message.includes(`pid ${r.pid} (`) || (r === o.pid1 && /PID 1/.test(f.message)));
  const held = o.aliveAtGrace.filter((r) => r !== o.pid1 || o.aliveAtGrace.length === 1);
  if (held.length === 0 || held.some(named)) return [];
  const sig = signalName(o.stopSignal);
  // A process that got the signal and is waiting for a child it started after it holds the stop; the child is what it waits for.
  const startedAfter = (r: Tracked) => r.startedMs > o.stopMs;
  const holders = held.filter((r) => !startedAfter(r) || !held.some((p) => p.hostPid === parentOf(r)));
  return holders.map((r) => {
    const gotIt = got.get(r);
    const how = gotIt === undefined
      ? `never got ${sig}${o.kernel ? '' : ' as far as /proc polling can tell'}`
      : gotIt === 'dropped' ? `had ${sig} dropped (PID 1 without a handler)` : `got ${sig}${takes(r, o.stopSignal) ? ' and handled it' : ''}`;
    const waiting = waitingFor(o, r);
    const slow = gotIt !== undefined && gotIt !== 'dropped';
    return {
      id: slow ? 'slow-shutdown' : 'never-signalled',
      severity: 'error' as const,
      message: `${who(r)} ${how}, and was still running when the ${secs(o.graceMs)} grace period ran out${waiting}.`,
      fix: slow
        ? `make its shutdown faster (what its handler or trap runs), or give the container more time: docker stop -t / terminationGracePeriodSeconds (with usher: --stop-timeout below it)`
        : `have the stop signal reach it: ${USHER_ENTRYPOINT} forwards to the whole process group; a process in a session or group of its own needs its parent to stop it`,
    };
  });
}

/** What a process still shutting down waited for: children it started after the signal (its trap's or handler's commands), still running at the deadline. */
function waitingFor(o: Observation, r: Tracked): string {
  const children = o.aliveAtGrace.filter((c) => parentOf(c) === r.hostPid && c.startedMs > o.stopMs);
  if (children.length === 0) return '';
  const after = (c: Tracked) => (c.startedMs - o.stopMs < 1000 ? `${Math.round(c.startedMs - o.stopMs)} ms` : secs(c.startedMs - o.stopMs));
  return `, waiting for ${children.map((c) => `${who(c)}, which it started ${after(c)} after the signal`).join(' and ')}`;
}

/** The exit code a runtime records for PID 1's status. */
export function runtimeExitCode(status: ExitStatus | undefined): number | null {
  return status ? shellExitCode(status) : null;
}

const USHER_ENTRYPOINT = 'ENTRYPOINT ["usher", "--"]';

function handles(r: Tracked, signal: number): boolean {
  return takes(r, signal) || r.ignores.includes(signal);
}

/** Catches the signal, or blocks it to take it with sigwait (tini): either way it gets it. */
export function takes(r: Tracked, signal: number): boolean {
  return r.catches.includes(signal) || r.blocks.includes(signal) || r.sigwait;
}

function hadChildren(o: Observation, r: Tracked): boolean {
  return o.records.some((c) => parentOf(c) === r.hostPid && c.startedMs <= o.stopMs && (c.endedMs ?? Infinity) > o.stopMs);
}

function pid1NoHandler(o: Observation): Finding[] {
  const { pid1, pid1Class, stopSignal } = o;
  if (handles(pid1, stopSignal)) return [];
  if (pid1Class.kind === 'shell' && hadChildren(o, pid1)) return []; // shell-does-not-forward says it better
  if (pid1Class.kind === 'package-manager') return [];
  const sig = signalName(stopSignal);
  const outcome = o.forced ? ` and the runtime SIGKILLed it after ${secs(o.graceMs)}` : '';
  const how = o.mode === 'subreaper' ? ' (the doctor ran without a PID namespace and withheld the signal as the kernel would)' : '';
  return [{
    id: 'pid1-no-handler',
    severity: 'error',
    message: `PID 1 (${pid1.command}) neither catches nor ignores ${sig}. The kernel gives PID 1 no default action, so ${sig} was dropped${how}${outcome}.`,
    fix: `handle ${sig} in the app (Node.js: process.on('${sig}', shutdown)), or run it under an init: ${USHER_ENTRYPOINT}`,
  }];
}

function shellDoesNotForward(o: Observation): Finding[] {
  const { pid1, pid1Class, stopSignal } = o;
  if (pid1Class.kind !== 'shell' || !hadChildren(o, pid1)) return [];
  const stranded = [...o.aliveAtGrace, ...o.outlivedPid1].filter((r) => r !== pid1);
  if (!o.forced && stranded.length === 0) return [];
  const sig = signalName(stopSignal);
  const trap = takes(pid1, stopSignal)
    ? ` It traps ${sig}, but a shell runs a trap only after the foreground command ends, which never came.`
    : ` It has no trap for ${sig}, and as PID 1 the kernel drops it.`;
  const names = stranded.map(who).join(', ');
  return [{
    id: 'shell-does-not-forward',
    severity: 'error',
    message: `PID 1 is a shell (${pid1.command}) that runs the app as its child without exec; the shell does not pass ${sig} on.${trap}${names ? ` Never stopped: ${names}.` : ''}`,
    fix: `start the app with exec in the script (exec node server.js), or make usher PID 1: ${USHER_ENTRYPOINT}`,
  }];
}

function packageManagerPid1(o: Observation): Finding[] {
  if (o.pid1Class.kind !== 'package-manager') return [];
  const bad = o.forced || o.outlivedPid1.length > 0;
  const pm = o.pid1Class.name;
  return [{
    id: 'package-manager-pid1',
    severity: bad ? 'error' : 'warning',
    message: `PID 1 is ${pm} (${o.pid1.command}). ${pm} runs the start script through a shell and does not reliably pass ${signalName(o.stopSignal)} on or wait for the app${bad ? '; here the app was not stopped in time' : ''}; it also adds a process and its memory.`,
    fix: `run the start script's command itself in exec form (CMD ["node", "server.js"]), or put usher in front: ${USHER_ENTRYPOINT}`,
  }];
}

function singleChildForwarding(o: Observation): Finding[] {
  const { pid1, pid1Class } = o;
  if (pid1Class.kind !== 'init' || pid1Class.forwarding !== 'single-child' || o.dropped) return [];
  const grandchildren = [...o.aliveAtGrace, ...o.outlivedPid1].filter((r) => r !== pid1 && parentOf(r) !== pid1.hostPid);
  if (grandchildren.length === 0) return [];
  const fixes: Record<string, string> = {
    tini: 'tini -g -- … (or TINI_KILL_PROCESS_GROUP=1)',
    catatonit: 'catatonit -g -- …',
    'dumb-init': 'dumb-init without -c (and without DUMB_INIT_SETSID=0)',
    usher: 'usher without -c',
  };
  return [{
    id: 'single-child-forwarding',
    severity: 'error',
    message: `PID 1 is ${pid1Class.name} forwarding ${signalName(o.stopSignal)} to its direct child only, but ${grandchildren.map(who).join(', ')} below it needed the signal and never got it.`,
    fix: `${fixes[pid1Class.name] ?? 'forward to the whole process group'}, or ${USHER_ENTRYPOINT} (group forwarding is its default)`,
  }];
}

function ignoresSignal(o: Observation): Finding[] {
  const sig = o.stopSignal;
  const out: Finding[] = [];
  for (const r of o.records) {
    if (r.startedMs > o.stopMs || (r.endedMs ?? Infinity) <= o.stopMs) continue;
    const ignored = r.ignores.includes(sig);
    // An init that blocks every signal takes them with sigwait (tini): that is how it receives them.
    const blocked = r.blocks.includes(sig) && !(r === o.pid1 && o.pid1Class.kind === 'init');
    if (!ignored && !blocked) continue;
    const killed = o.aliveAtGrace.includes(r) || o.outlivedPid1.includes(r);
    out.push({
      id: 'ignores-signal',
      severity: killed ? 'error' : 'warning',
      message: `${who(r)} ${ignored ? 'ignores' : 'blocks'} ${signalName(sig)}${killed ? ` and was SIGKILLed` : ''}: it cannot stop gracefully on it.`,
      fix: ignored
        ? `remove the ignore (trap '' ${signalName(sig).slice(3)}, signal(${signalName(sig)}, SIG_IGN), nohup) from what starts it; an ignored signal stays ignored across exec`
        : `unblock ${signalName(sig)} in that program (sigprocmask), or stop it with a signal it handles (STOPSIGNAL)`,
    });
  }
  return out;
}

function slowShutdown(o: Observation): Finding[] {
  if (o.needed.size === 0) return [];
  const out: Finding[] = [];
  for (const r of o.needed.keys()) {
    const needed = o.needed.get(r);
    const fit = Math.ceil(((needed ?? o.graceMs + o.overtimeMs) * 1.25) / 1000) + (needed === undefined ? 1 : 0);
    const took = needed === undefined ? `more than ${secs(o.graceMs + o.overtimeMs)} (it was still going when the doctor stopped waiting)` : secs(needed);
    out.push({
      id: 'slow-shutdown',
      severity: 'error',
      message: `${who(r)} caught ${signalName(o.stopSignal)} and was still shutting down when the ${secs(o.graceMs)} grace period ran out${waitingFor(o, r)}; it needed ${took}.`,
      fix: `give it ${fit} s: docker stop -t ${fit} / docker run --stop-timeout ${fit} / terminationGracePeriodSeconds: ${fit} (with usher: --stop-timeout below it), or make its shutdown faster`,
    });
  }
  return out;
}

/** How long a zombie must stay unreaped to count: far beyond a busy parent's reaction time. */
export const ZOMBIE_MS = 500;

function zombieRecords(o: Observation): Tracked[] {
  // Between exit and reap a process is a zombie for an instant; one left for
  // ZOMBIE_MS (seen on looks that far apart) was not reaped.
  return o.records.filter(
    (r) => r.zombieUntilMs !== undefined && r.endedMs !== undefined && r.zombieUntilMs - r.endedMs >= ZOMBIE_MS && r.hostPpid !== o.ownPid,
  );
}

function zombies(o: Observation): Finding[] {
  const z = zombieRecords(o);
  if (z.length === 0) return [];
  const parents = [...new Set(z.map((r) => parentOf(r)))].map((p) => o.records.find((r) => r.hostPid === p)).filter((r): r is Tracked => r !== undefined);
  return [{
    id: 'zombies',
    severity: 'warning',
    message: `${z.length} zombie${z.length === 1 ? '' : 's'} piled up: ${parents.map(who).join(', ') || 'their parent'} did not reap ${z.length === 1 ? 'it' : 'them'}. PID 1 must reap every orphan; zombies fill the pid table.`,
    fix: `run an init as PID 1, which reaps every zombie: ${USHER_ENTRYPOINT} (or docker run --init)`,
  }];
}

function orphansLeft(o: Observation): Finding[] {
  if (o.outlivedPid1.length === 0) return [];
  return [{
    id: 'orphans-left',
    severity: 'error',
    message: `${o.outlivedPid1.length} process${o.outlivedPid1.length === 1 ? ' was' : 'es were'} still running when the main process exited, and the kernel SIGKILLed ${o.outlivedPid1.length === 1 ? 'it' : 'them'} with PID 1: ${o.outlivedPid1.map(who).join(', ')}.`,
    fix: `have the main process wait for its children, or ${USHER_ENTRYPOINT}: usher lets leftovers finish (--drain-timeout) before it exits`,
  }];
}
