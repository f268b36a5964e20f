// Exact signal events from the kernel, for the doctor's timeline: who sent which
// signal to whom and when, whether the kernel queued it or dropped it, and
// whether a handler ran. Polling /proc can only guess at these.
//
// A private tracefs instance (its own ring buffer, removed when done) records
// signal_generate, signal_deliver and the fork/exec/exit of processes. Its
// event pid filter starts with the doctor alone and, with event-fork, follows
// every process the doctor starts and their descendants: the run's processes
// and nobody else's, from the first fork. Needs root and tracefs (absent in
// most containers): start() then says why not, and the doctor polls /proc.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { mountFileSystem, unmount } from '../core/libc.js';

/** What the kernel did with a signal when it was sent (signal_generate's res). */
export type Generation = 'queued' | 'ignored' | 'already-pending' | 'overflow' | 'lost-info';
/** What the receiver did when it took the signal (signal_deliver's sa_handler). */
export type Action = 'handler' | 'default' | 'ignored';

export interface SignalEvent {
  /** ms on the observer's clock. */
  atMs: number;
  signal: number;
  /** Host pid (thread group) of the sender; the kernel itself counts as the task it ran in. */
  senderHostPid: number;
  senderComm: string;
  /** Host pid of the target. */
  targetHostPid: number;
  generation: Generation;
  /** When and how the target took it; absent when it never did (blocked, taken with sigwait, or it died first). */
  delivered?: { atMs: number; action: Action };
}

export interface ProcessEvent {
  atMs: number;
  kind: 'fork' | 'exec' | 'exit';
  hostPid: number;
  /** fork: the parent's host pid. */
  parentHostPid?: number;
  /** exec: the file run. */
  filename?: string;
}

export interface KernelEvents {
  signals: SignalEvent[];
  processes: ProcessEvent[];
  /** The ring buffer overflowed: some events are missing. */
  lost: boolean;
}

const EVENTS = ['signal/signal_generate', 'signal/signal_deliver', 'sched/sched_process_fork', 'sched/sched_process_exec', 'sched/sched_process_exit'];
const SIGKILL = 9;
const GENERATION: Generation[] = ['queued', 'ignored', 'already-pending', 'overflow', 'lost-info'];
/** Per CPU; the run's processes only, so a few MB hold minutes of an ordinary stop. */
const BUFFER_KB = 4096;

export class KernelTrace {
  #closed = false;

  private constructor(
    private readonly instance: string,
    /** The tracefs mount the doctor made itself, to unmount when done. */
    private readonly ownMount: string | undefined,
  ) {}

  /**
   * Starts recording for the doctor's pid and everything it will fork, or for
   * the processes named in `follow` and what they fork (a container's, which
   * the doctor did not fork). Returns the reason as a string when the kernel
   * events cannot be had here.
   */
  static start(ownPid = process.pid, follow: readonly number[] = [ownPid]): KernelTrace | string {
    if (process.getuid?.() !== 0) return 'not root';
    const found = findTracefs();
    let root = found.root;
    let ownMount = found.adopted;
    if (!root) {
      try {
        ownMount = mkdtempSync(join(tmpdir(), `${MOUNT_PREFIX}${ownPid}-`));
        mountFileSystem('tracefs', ownMount);
        root = ownMount;
      } catch (err) {
        if (ownMount) rmSync(ownMount, { recursive: true, force: true });
        return `tracefs could not be mounted (${err instanceof Error ? err.message : String(err)})`;
      }
    }
    removeStale(root);
    const instance = join(root, 'instances', `${PREFIX}${ownPid}-${Date.now()}`);
    const trace = new KernelTrace(instance, ownMount);
    try {
      mkdirSync(instance);
      const set = (file: string, value: string) => writeFileSync(join(instance, file), value);
      set('trace_clock', 'mono');
      set('buffer_size_kb', String(BUFFER_KB));
      set('options/record-tgid', '1');
      set('options/event-fork', '1');
      for (const event of EVENTS) set(`events/${event}/enable`, '1');
      set('set_event_pid', follow.join(' '));
      set('tracing_on', '1');
      return trace;
    } catch (err) {
      trace.close();
      return `the kernel's trace events are not available (${err instanceof Error ? err.message : String(err)})`;
    }
  }

  /** Every event recorded so far, with times on the observer's clock; a string saying why when they cannot be read. */
  read(toObserverMs: (monotonicSeconds: number) => number): KernelEvents | string {
    try {
      return parseTrace(readFileSync(join(this.instance, 'trace'), 'utf8'), toObserverMs);
    } catch (err) {
      return `the kernel's trace could not be read (${err instanceof Error ? err.message : String(err)})`;
    }
  }

  /** Stops recording and removes the instance (and the doctor's own mount). Safe to call twice. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    try {
      writeFileSync(join(this.instance, 'tracing_on'), '0');
    } catch {
      // not created, or already gone
    }
    try {
      // An instance is removed with its events still enabled: rmdir is all it takes.
      rmdirSync(this.instance);
    } catch {
      // not created
    }
    if (this.ownMount) removeMount(this.ownMount);
  }
}

const PREFIX = 'usher-doctor-';

const MOUNT_PREFIX = 'usher-doctor-tracefs-';

/**
 * A tracefs to use: the system's when one is mounted; else one a doctor that
 * died without unmounting it (SIGKILL) left behind, adopted (unmounted when
 * done, as the others like it are now). Another live doctor's mount is left
 * alone: it unmounts it when it is done.
 */
function findTracefs(): { root?: string; adopted?: string } {
  const doctors: { dir: string; pid: number }[] = [];
  let system: string | undefined;
  try {
    for (const line of readFileSync('/proc/self/mounts', 'utf8').split('\n')) {
      const [, target, type] = line.split(' ');
      if (type !== 'tracefs' || !target) continue;
      // Mount points are octal-escaped (\040 for a space).
      const dir = target.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
      const pid = new RegExp(`/${MOUNT_PREFIX}(\\d+)-[^/]*$`).exec(dir)?.[1];
      if (pid !== undefined) doctors.push({ dir, pid: Number(pid) });
      else if (!system && existsSync(join(dir, 'instances'))) system = dir;
    }
  } catch {
    return {};
  }
  const orphans = doctors.filter((d) => !isRunning(d.pid));
  if (system) {
    for (const o of orphans) removeMount(o.dir);
    return { root: system };
  }
  const [adopted, ...rest] = orphans;
  for (const o of rest) removeMount(o.dir);
  return adopted ? { root: adopted.dir, adopted: adopted.dir } : {};
}

/** A dead doctor may linger as a zombie its parent has not reaped yet: that is not running. */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]$/.test(stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3));
  } catch {
    return false;
  }
}

function removeMount(dir: string): void {
  if (unmount(dir)) rmSync(dir, { recursive: true, force: true });
}

/** Instances of doctors that died without removing theirs (SIGKILL): their ring buffers hold memory. */
function removeStale(root: string): void {
  try {
    for (const name of readdirSync(join(root, 'instances'))) {
      const pid = new RegExp(`^${PREFIX}(\\d+)-\\d+$`).exec(name)?.[1];
      if (pid !== undefined && !isRunning(Number(pid))) rmdirSync(join(root, 'instances', name));
    }
  } catch {
    // not ours to clean, or already gone
  }
}

/** A function turning CLOCK_MONOTONIC seconds into ms on a clock whose 0 is performance.now() = origin. */
export function monotonicToObserver(origin: number): (seconds: number) => number {
  // process.hrtime is CLOCK_MONOTONIC, the tracer's `mono` clock; performance.now() runs with it.
  const offsetMs = Number(process.hrtime.bigint()) / 1e6 - performance.now();
  return (seconds) => seconds * 1000 - offsetMs - origin;
}

// `  comm-TID   (  TGID) [CPU] flags  SECONDS: event: fields`
const LINE = /^\s*(.*?)-(\d+)\s+\(\s*(\d+|-+)\)\s+\[\d+\]\s+\S+\s+(\d+\.\d+):\s+(\w+):\s+(.*)$/;

function fields(text: string): Map<string, string> {
  const out = new Map<string, string>();
  // comm= may hold spaces: a value runs to the next ` key=`.
  const re = /(\w+)=(.*?)(?=\s+\w+=|$)/g;
  for (let m = re.exec(text); m; m = re.exec(text)) out.set(m[1] as string, m[2] as string);
  return out;
}

export function parseTrace(text: string, toObserverMs: (seconds: number) => number): KernelEvents {
  const signals: SignalEvent[] = [];
  const processes: ProcessEvent[] = [];
  /** Signals queued and not yet taken, per target thread group and signal. */
  const pending = new Map<string, SignalEvent[]>();
  /** Thread id to thread group, from the lines' own TGID column. */
  const groupOf = new Map<number, number>();
  let lost = false;
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) {
      const counts = /entries-in-buffer\/entries-written:\s*(\d+)\/(\d+)/.exec(line);
      if (counts && counts[1] !== counts[2]) lost = true;
      continue;
    }
    const m = LINE.exec(line);
    if (!m) continue;
    const [, comm = '', tidText = '0', tgidText = '', seconds = '0', event = '', rest = ''] = m;
    const tid = Number(tidText);
    const tgid = /^\d+$/.test(tgidText) ? Number(tgidText) : tid;
    groupOf.set(tid, tgid);
    const atMs = toObserverMs(Number(seconds));
    const f = fields(rest);
    switch (event) {
      case 'signal_generate': {
        const target = Number(f.get('pid'));
        const signal = Number(f.get('sig'));
        const e: SignalEvent = {
          atMs,
          signal,
          senderHostPid: tgid,
          senderComm: comm.trim(),
          targetHostPid: groupOf.get(target) ?? target,
          generation: GENERATION[Number(f.get('res'))] ?? 'queued',
        };
        signals.push(e);
        if (e.generation === 'queued') {
          const key = `${e.targetHostPid}:${signal}`;
          pending.set(key, [...(pending.get(key) ?? []), e]);
        }
        break;
      }
      case 'signal_deliver': {
        const signal = Number(f.get('sig'));
        const handler = f.get('sa_handler') ?? '0';
        const action: Action = /^0+$/.test(handler) ? 'default' : /^0*1$/.test(handler) ? 'ignored' : 'handler';
        const key = `${tgid}:${signal}`;
        const queue = pending.get(key);
        const e = queue?.shift();
        if (e) e.delivered = { atMs, action };
        else if (signal === SIGKILL) {
          // A fatal signal nobody handles is turned into SIGKILL when it is sent,
          // and every thread of a group that exits takes a SIGKILL: not a signal
          // of its own. The pending fatal signal it stands for was taken here.
          for (const [k, waiting] of pending) {
            if (!k.startsWith(`${tgid}:`) || waiting.length === 0) continue;
            for (const w of waiting.splice(0)) w.delivered = { atMs, action: 'default' };
          }
        } else {
          // Sent before the recording began, or by a sender outside the recorded tree.
          signals.push({ atMs, signal, senderHostPid: 0, senderComm: '?', targetHostPid: tgid, generation: 'queued', delivered: { atMs, action } });
        }
        break;
      }
      case 'sched_process_fork': {
        const child = Number(f.get('child_pid'));
        const parent = Number(f.get('pid'));
        // A new thread shares its creator's thread group (the TGID column of its own later lines).
        processes.push({ atMs, kind: 'fork', hostPid: child, parentHostPid: groupOf.get(parent) ?? parent });
        break;
      }
      case 'sched_process_exec':
        processes.push({ atMs, kind: 'exec', hostPid: tgid, filename: f.get('filename') ?? '' });
        break;
      case 'sched_process_exit':
        // Every thread exits; the thread group has ended when its leader has and group_dead says so.
        if (tid === tgid || f.get('group_dead') === 'true') processes.push({ atMs, kind: 'exit', hostPid: tgid });
        break;
    }
  }
  // A fork that made a thread is not a new process: its own lines carry its creator's TGID.
  const real = processes.filter((p) => p.kind !== 'fork' || (groupOf.get(p.hostPid) ?? p.hostPid) === p.hostPid);
  return { signals, processes: real, lost };
}
