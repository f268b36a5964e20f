// The doctor's report: one object for the text renderer and for --json. The
// JSON shape is a stable interface, published as schema/doctor-report.schema.json.
import type { Finding } from './types.js';

export type Verdict = 'graceful' | 'forced' | 'error';
export type Mode = 'pid-namespace' | 'subreaper' | 'container' | 'static';
export type Outcome = 'exited' | 'killed' | 'still-running';
/** Where the signal events of a run came from: the kernel's trace events, or looks at /proc (which can only infer them). */
export type EventSource = 'kernel-events' | 'proc-polling';
/**
 * What became of a signal a process was sent. handled: a handler ran;
 * default-action: the kernel's default (most often: it died of it); ignored:
 * set to be ignored; dropped: PID 1 had no handler and the kernel discarded
 * it; merged: one of the same kind was already pending; taken-by-sigwait: an
 * init took it with sigtimedwait (tini); blocked: blocked and never taken;
 * not-taken: the process ended before it took it; unknown: /proc polling
 * cannot tell.
 */
export type SignalOutcome = 'handled' | 'default-action' | 'ignored' | 'dropped' | 'merged' | 'taken-by-sigwait' | 'blocked' | 'not-taken' | 'unknown';

export interface ReceivedSignal {
  signal: string;
  /** The sender as PID 1's namespace numbers it; 0 from outside the namespace (the runtime, i.e. the doctor); null when not known. */
  senderPid: number | null;
  /** ms relative to the stop signal; null when not known. */
  atMs: number | null;
  outcome: SignalOutcome;
}

/** One process as --json shows it. */
export interface ProcessRecord {
  pid: number;
  ppid: number;
  command: string;
  catches: string[];
  ignores: string[];
  blocks: string[];
  outcome: Outcome;
  exitCode?: number;
  signal?: string;
  /** Signals it was sent during the run (SIGCHLD left out), in order. */
  signals?: ReceivedSignal[];
}

/** The --json report. */
export interface DoctorReport {
  /** null for a static-only check (no process was run). */
  verdict: Verdict | null;
  durationMs: number | null;
  exitCode: number | null;
  mode: Mode;
  /** Run reports: where the signal events came from. */
  source?: EventSource;
  processes: ProcessRecord[];
  findings: Finding[];
}

/** What the text report draws besides the JSON fields: the timeline and its context. */
export interface TimelineRow {
  pid: number;
  ppid: number;
  command: string;
  /** ms relative to the stop signal; negative = before it. */
  startedMs: number;
  /** ms relative to the stop signal, when it ended. */
  endedMs?: number;
  /** How the stop signal reached it, if it did. */
  signal?: 'sent' | 'forwarded' | 'dropped';
  /** The stop signal as the kernel recorded it: when it was taken (ms relative to the stop signal), from whom, and how. */
  stop?: { atMs: number | null; senderPid: number | null; outcome: SignalOutcome };
  outcome: Outcome;
  /** Who ended it, for killed processes. */
  killedBy?: 'grace' | 'pid1-exit';
  status?: string;
}

export interface RunDetails {
  /** The command (or image) that was run. */
  subject: string;
  stopSignal: string;
  graceMs: number;
  /** ms from start to the stop signal (how long the tree took to settle or get ready). */
  settledAfterMs: number;
  rows: TimelineRow[];
  /** Commands SIGKILLed (by the grace deadline, or by the kernel when PID 1 ended). */
  killed: { pid: number; command: string; by: 'grace' | 'pid1-exit' }[];
  zombies: number;
  orphans: { pid: number; command: string }[];
  notes: string[];
  pid1: { kind: string; name: string; forwarding?: string };
  /** Where the signal events came from, and why not the kernel's when they could not be had. */
  source: EventSource;
  sourceNote?: string;
}

export interface FullReport {
  report: DoctorReport;
  details?: RunDetails;
}

/** 0 graceful and no error finding; 1 not graceful or an error finding; 2 the check could not run. */
export function exitStatusOf(report: DoctorReport): number {
  if (report.verdict === 'error') return 2;
  if (report.verdict === 'forced') return 1;
  return report.findings.some((f) => f.severity === 'error') ? 1 : 0;
}

/** Report for a check that could not run, with the reason as its one finding. */
export function errorReport(mode: Mode, message: string, fix: string): DoctorReport {
  return {
    verdict: 'error',
    durationMs: null,
    exitCode: null,
    mode,
    processes: [],
    findings: [{ id: 'check-failed', severity: 'error', message, fix }],
  };
}
