// The report for a person: a verdict line, a timeline drawn in the terminal
// (one row per process), what was killed, zombies and orphans, the exit code
// the runtime would record, and the findings with their fixes.
import { escapeControl } from '../core/escape.js';
import type { DoctorReport, FullReport, RunDetails, TimelineRow } from './report.js';
import type { Finding } from './types.js';

const BAR = 40;

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${Number((ms / 1000).toFixed(ms < 10_000 ? 1 : 0))} s`;
}

function exitMeaning(code: number): string {
  if (code === 137) return ' (SIGKILL: 128 + 9)';
  if (code === 143) return ' (SIGTERM: 128 + 15; a shell that died of the signal, often fine)';
  if (code > 128 && code < 160) return ` (signal ${code - 128})`;
  return code === 0 ? ' (success)' : '';
}

export function verdictLine(report: DoctorReport, details?: RunDetails): string {
  if (report.verdict === 'error') return `usher doctor: the check could not run: ${report.findings[0]?.message ?? 'unknown reason'}`;
  if (report.verdict === null) return `usher doctor: static checks: ${countLine(report.findings)}`;
  const sig = details?.stopSignal ?? 'the stop signal';
  if (report.verdict === 'graceful') {
    return `graceful in ${seconds(report.durationMs ?? 0)}: everything ended on ${sig} within the ${seconds(details?.graceMs ?? 0)} grace period`;
  }
  const killed = details?.killed.filter((k) => k.by === 'grace').length ?? 0;
  return `forced after ${seconds(details?.graceMs ?? report.durationMs ?? 0)}: ${killed} process${killed === 1 ? '' : 'es'} still running when the grace period ran out, SIGKILLed`;
}

function countLine(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no findings';
  const by = (s: string) => findings.filter((f) => f.severity === s).length;
  return [`${by('error')} error(s)`, `${by('warning')} warning(s)`, `${by('info')} info`].join(', ');
}

/** One row of the timeline: '.' before the signal, '=' alive, 'S' got the signal, 'x' killed, '|' exited. */
function bar(row: TimelineRow, spanMs: number, exact: boolean): string {
  const col = (ms: number) => Math.min(BAR - 1, Math.max(0, Math.round((ms / spanMs) * (BAR - 1))));
  const cells = Array.from({ length: BAR }, () => ' ');
  const from = row.startedMs <= 0 ? 0 : col(row.startedMs);
  const to = row.endedMs === undefined ? BAR - 1 : row.endedMs < 0 ? -1 : col(row.endedMs);
  for (let i = from; i <= to; i++) cells[i] = '=';
  if (row.startedMs > 0) cells[from] = '+';
  // Kernel events say when it took the signal; polling only that it was sent at 0.
  const at = exact && row.stop?.atMs != null && row.stop.atMs > 0 ? col(row.stop.atMs) : 0;
  if (row.signal === 'sent' || row.signal === 'forwarded') cells[at] = 'S';
  if (row.signal === 'dropped') cells[at] = '-';
  if (row.endedMs !== undefined && row.endedMs >= 0) cells[to] = row.outcome === 'killed' ? 'x' : '|';
  return cells.join('');
}

const HOW: Record<string, string> = {
  handled: 'handler ran',
  'default-action': 'default action',
  ignored: 'ignored',
  merged: 'one already pending',
  'taken-by-sigwait': 'taken with sigwait',
  blocked: 'blocked, never taken',
  'not-taken': 'ended before taking it',
};

/** What the row's process was sent: exact from kernel events, inferred from /proc polling. */
function signalNote(row: TimelineRow, stopSignal: string, exact: boolean): string {
  if (row.signal === 'dropped') return `${stopSignal} dropped (PID 1, no handler)`;
  if (exact) {
    if (!row.stop) return `no ${stopSignal}`;
    const from = row.stop.senderPid === 0 ? `got ${stopSignal}` : `${stopSignal} from pid ${row.stop.senderPid}`;
    const when = row.stop.atMs !== null && row.stop.atMs >= 1 ? ` at +${seconds(row.stop.atMs)}` : '';
    const how = HOW[row.stop.outcome];
    return `${from}${when}${how ? ` (${how})` : ''}`;
  }
  if (row.signal === 'sent') return `got ${stopSignal}`;
  if (row.signal === 'forwarded') return `${stopSignal} forwarded`;
  return `${stopSignal} unknown`;
}

function rowNote(row: TimelineRow, stopSignal: string, exact: boolean): string {
  const got = signalNote(row, stopSignal, exact);
  const started = row.startedMs > 0 ? `started +${seconds(row.startedMs)}, ` : '';
  if (row.endedMs !== undefined && row.endedMs < 0) return `ended before the stop (${row.status ?? 'exit unknown'})`;
  let end: string;
  if (row.outcome === 'killed') end = row.killedBy === 'pid1-exit' ? `killed with PID 1 at +${seconds(row.endedMs ?? 0)}` : `SIGKILLed at +${seconds(row.endedMs ?? 0)}`;
  else if (row.outcome === 'still-running') end = 'still running';
  else end = `exited at +${seconds(row.endedMs ?? 0)}${row.status ? ` (${row.status})` : ''}`;
  return `${started}${got}, ${end}`;
}

/** Long absolute paths shortened to their last two parts, so the command fits its column. */
function shorten(command: string): string {
  return command
    .split(' ')
    .map((w) => (w.startsWith('/') && w.split('/').length > 4 ? `…/${w.split('/').slice(-2).join('/')}` : w))
    .join(' ');
}

function clip(text: string, width: number): string {
  return text.length <= width ? text.padEnd(width) : `${text.slice(0, width - 1)}…`;
}

export function renderText(full: FullReport): string {
  const { report, details } = full;
  const lines: string[] = [verdictLine(report, details)];
  if (details) {
    lines.push(`mode: ${report.mode}${report.mode === 'subreaper' ? ' (weaker verdict: PID 1\'s signal rules were emulated, see notes)' : ''}`);
    lines.push(`ran: ${details.subject}`);
    lines.push(`PID 1: ${details.pid1.name} (${details.pid1.kind === 'package-manager' ? 'package manager' : details.pid1.kind}${details.pid1.forwarding ? `, forwards to ${details.pid1.forwarding === 'group' ? 'the child\'s process group' : 'its direct child only'}` : ''})`);
    lines.push(`${details.stopSignal} sent to PID 1 after ${seconds(details.settledAfterMs)}; grace period ${seconds(details.graceMs)}`);
    const exact = details.source === 'kernel-events';
    lines.push(exact
      ? 'events: the kernel\'s (tracefs): who sent which signal to whom, and whether a handler ran, are exact'
      : `events: /proc polling${details.sourceNote ? ` (${details.sourceNote})` : ''}: who got which signal is inferred, "unknown" where it cannot be`);
    const shown = details.rows.filter((r) => r.endedMs === undefined || r.endedMs >= 0);
    // Forced: the grace period is the story. Graceful: the stop itself, however short.
    const ends = shown.map((r) => r.endedMs ?? 0);
    const span = report.verdict === 'forced' ? Math.max(details.graceMs, ...ends) : Math.max(...ends, 1);
    lines.push('');
    lines.push(`timeline: 0 = ${details.stopSignal} sent, right edge = ${seconds(span)}; S got it, - dropped, = running, | exited, x killed`);
    lines.push(`  ${'PID'.padStart(5)} ${'PPID'.padStart(5)}  ${clip('COMMAND', 30)} ${'0'.padEnd(BAR - seconds(span).length)}${seconds(span)}`);
    for (const row of shown) {
      lines.push(`  ${String(row.pid).padStart(5)} ${String(row.ppid).padStart(5)}  ${clip(shorten(escapeControl(row.command)), 30)} ${bar(row, span, exact)}  ${rowNote(row, details.stopSignal, exact)}`);
    }
    const before = details.rows.length - shown.length;
    if (before > 0) lines.push(`  (${before} short-lived process${before === 1 ? '' : 'es'} ended before the stop)`);
    lines.push('');
    const killed = details.killed;
    lines.push(killed.length === 0 ? 'SIGKILLed: nothing' : `SIGKILLed: ${killed.map((k) => `pid ${k.pid} (${k.command})${k.by === 'pid1-exit' ? ' with PID 1' : ''}`).join(', ')}`);
    lines.push(`zombies seen: ${details.zombies}; processes that outlived PID 1: ${details.orphans.length === 0 ? 'none' : details.orphans.map((o) => `pid ${o.pid} (${o.command})`).join(', ')}`);
    lines.push(`exit code the runtime would record: ${report.exitCode === null ? 'unknown' : `${report.exitCode}${exitMeaning(report.exitCode)}`}`);
    for (const note of details.notes) lines.push(`note: ${note}`);
  }
  lines.push('');
  if (report.findings.length === 0) {
    lines.push('findings: none');
  } else {
    lines.push(`findings (${countLine(report.findings)}):`);
    for (const f of report.findings) {
      const where = f.file ? ` ${f.file}${f.line !== undefined ? `:${f.line}` : ''}` : f.line !== undefined ? ` line ${f.line}` : '';
      lines.push(`  ${f.severity.padEnd(7)} ${f.id}${where}`);
      lines.push(`          ${f.message}`);
      lines.push(`          fix: ${f.fix}`);
    }
  }
  // Command lines come from /proc, where a process writes what it likes, and
  // findings and notes quote them: a newline or an escape sequence in one must
  // not forge a line of the report or drive the terminal (--json keeps them raw).
  return `${lines.map(escapeControl).join('\n')}\n`;
}
