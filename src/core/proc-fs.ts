// What /proc says about processes. Used to find what is left of a process tree,
// and to name processes in messages. /proc/PID/task/TID/children is often
// compiled out (CONFIG_PROC_CHILDREN), so children are found by their ppid.
import { closeSync, openSync, readdirSync, readFileSync, readSync } from 'node:fs';

export interface ProcessInfo {
  pid: number;
  ppid: number;
  pgrp: number;
  session: number;
  /** One-letter state from /proc/PID/stat: R, S, D, Z (zombie), T (stopped)... */
  state: string;
  comm: string;
  /** When it started (clock ticks after boot): with the pid, names a process even after its pid is reused. */
  startTicks: number;
}

/** One /proc/PID/stat is well under this (comm is at most 64 bytes, the numbers 52 fields). */
const STAT_BYTES = 4096;
const statBuffer = Buffer.allocUnsafe(STAT_BYTES);

/**
 * /proc/PID/stat as text. Read into one reused buffer: a stop reads it for
 * every process below usher, again at every reap, and readFileSync's fstat
 * and buffers cost as much as the read itself.
 */
function readStat(pid: number): string | undefined {
  const path = `/proc/${pid}/stat`;
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const length = readSync(fd, statBuffer, 0, STAT_BYTES, 0);
    return length < STAT_BYTES ? statBuffer.toString('latin1', 0, length) : readFileSync(path, 'latin1');
  } catch {
    return undefined;
  } finally {
    closeSync(fd);
  }
}

export function readProcessInfo(pid: number): ProcessInfo | undefined {
  const stat = readStat(pid);
  if (stat === undefined) return undefined;
  // comm may itself contain spaces and parentheses: it ends at the last ')'.
  const open = stat.indexOf('(');
  const close = stat.lastIndexOf(')');
  if (open < 0 || close < open) return undefined;
  const rest = stat.slice(close + 2).split(' ');
  return {
    pid,
    comm: stat.slice(open + 1, close),
    state: rest[0] ?? '?',
    ppid: Number(rest[1]),
    pgrp: Number(rest[2]),
    session: Number(rest[3]),
    startTicks: Number(rest[19]),
  };
}

export function listProcesses(): ProcessInfo[] {
  const out: ProcessInfo[] = [];
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return out;
  }
  for (const name of names) {
    const code = name.charCodeAt(0);
    if (code < 48 || code > 57) continue;
    const info = readProcessInfo(Number(name));
    if (info) out.push(info);
  }
  return out;
}

/** All processes below root (not root itself), parents before children. */
export function descendantsOf(root: number, processes: ProcessInfo[] = listProcesses()): ProcessInfo[] {
  const byParent = new Map<number, ProcessInfo[]>();
  for (const p of processes) {
    const siblings = byParent.get(p.ppid);
    if (siblings) siblings.push(p);
    else byParent.set(p.ppid, [p]);
  }
  const out: ProcessInfo[] = [];
  const queue = [root];
  for (let pid = queue.shift(); pid !== undefined; pid = queue.shift()) {
    for (const child of byParent.get(pid) ?? []) {
      out.push(child);
      queue.push(child.pid);
    }
  }
  return out;
}

/** The command line of pid as one string, or its comm in brackets when there is none. */
export function commandLineOf(pid: number, fallback?: string): string {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    const args = raw.split('\0').filter((a, i, all) => a !== '' || i < all.length - 1);
    if (args.length > 0) return args.join(' ');
  } catch {
    // gone already
  }
  return `[${fallback ?? readProcessInfo(pid)?.comm ?? '?'}]`;
}

/**
 * Context switches of every thread of pid so far: each one is a wake-up. The
 * difference over a quiet period tells whether a process really sleeps.
 */
export function contextSwitchesOf(pid: number): number {
  let total = 0;
  for (const tid of readdirSync(`/proc/${pid}/task`)) {
    const status = readFileSync(`/proc/${pid}/task/${tid}/status`, 'utf8');
    for (const m of status.matchAll(/^(?:non)?voluntary_ctxt_switches:\s+(\d+)$/gm)) total += Number(m[1]);
  }
  return total;
}

/** What /proc/PID/status says about a process's signals and its pids in nested PID namespaces. */
export interface SignalDispositions {
  /** Signals with a handler installed (SigCgt). */
  caught: number[];
  /** Signals set to SIG_IGN (SigIgn). */
  ignored: number[];
  /** Signals in the main thread's mask (SigBlk): delivered only once unblocked. */
  blocked: number[];
  /** Signals pending for the process or its main thread (ShdPnd, SigPnd). */
  pending: number[];
  /** NSpid: the pid in each PID namespace, outermost first; the last is what the process itself sees. */
  nsPids: number[];
}

/** Signal numbers whose bits are set in a /proc mask (hex, bit N-1 = signal N). */
export function signalsInMask(hex: string): number[] {
  const out: number[] = [];
  let mask: bigint;
  try {
    mask = BigInt(`0x${hex.trim() || '0'}`);
  } catch {
    return out;
  }
  for (let n = 1; mask > 0n; n++, mask >>= 1n) if (mask & 1n) out.push(n);
  return out;
}

export function readSignalDispositions(pid: number): SignalDispositions | undefined {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined;
  }
  const field = (name: string) => new RegExp(`^${name}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '';
  const pending = new Set([...signalsInMask(field('ShdPnd')), ...signalsInMask(field('SigPnd'))]);
  const nsPids = field('NSpid').trim().split(/\s+/).filter(Boolean).map(Number);
  return {
    caught: signalsInMask(field('SigCgt')),
    ignored: signalsInMask(field('SigIgn')),
    blocked: signalsInMask(field('SigBlk')),
    pending: [...pending].sort((a, b) => a - b),
    nsPids: nsPids.length > 0 ? nsPids : [pid],
  };
}

/**
 * When the process started (clock ticks after boot, /proc/PID/stat field 22),
 * the CPU time it used,
 * and for a zombie its raw wait status (field 52, Linux >= 3.5): what its
 * parent will read when it reaps it. Pid plus start time names a process even
 * after its pid is reused.
 */
export function readStartAndExit(pid: number): { startTicks: number; cpuTicks: number; waitStatus: number | undefined } | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  const rest = stat.slice(stat.lastIndexOf(')') + 2).trim().split(' ');
  const exit = rest[49];
  // utime + stime (fields 14 and 15): CPU used so far, in clock ticks.
  return { startTicks: Number(rest[19]), cpuTicks: Number(rest[11]) + Number(rest[12]), waitStatus: rest[0] === 'Z' && exit !== undefined ? Number(exit) : undefined };
}

/**
 * Where in the kernel pid sleeps (/proc/PID/wchan), '' when running or unknown.
 * A process in sigtimedwait (tini) takes signals without a handler: while it
 * waits the kernel unblocks them, so SigCgt and SigBlk both look empty.
 */
export function sleepingIn(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/wchan`, 'utf8').trim().replace(/^0$/, '');
  } catch {
    return '';
  }
}
