// The doctor's report: one object for the text renderer and for --json. The
// JSON shape is a stable interface, published as schema/doctor-report.schema.json.
import type { Finding } from './types.js';

export type Verdict = 'graceful' | 'forced' | 'error';
export type Mode = 'pid-namespace' | 'subreaper' | 'container' | 'static';
export type Outcome = 'exited' | 'killed' | 'still-running';

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
}

/** The --json report. */
export interface DoctorReport {
  /** null for a static-only check (no process was run). */
  verdict: Verdict | null;
  durationMs: number | null;
  exitCode: number | null;
  mode: Mode;
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
