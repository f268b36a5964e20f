// Watches a process tree from the host's /proc while the doctor runs it: every
// process that appears, its command and signal dispositions, when it ends and
// how, and how long it lingered as a zombie. Polling is fine here: the doctor
// is a short-lived diagnostic, not an idle PID 1, and polls only during a run.
import type { ProcessTable } from '../core/process-table.js';
import { commandLineOf, descendantsOf, listProcesses, readSignalDispositions, readStartAndExit, sleepingIn } from '../core/proc-fs.js';
import { decodeWaitStatus, type ExitStatus } from '../core/wait-status.js';

/** How often /proc is read while something is being watched. */
export const POLL_MS = 40;
/** While the tree stops: known processes only, to see which ended before which. */
export const FAST_POLL_MS = 5;

export interface Tracked {
  hostPid: number;
  hostPpid: number;
  /** The parent it had when first seen; a different hostPpid later means it was orphaned and re-parented. */
  firstPpid: number;
  /** Its parent when the stop signal was sent (what the tree looked like then), or when first seen after it. */
  ppidAtStop?: number;
  /** Host process group: an init in group mode signals its child's whole group. */
  pgrp: number;
  /** The pid PID 1's namespace knows it by (what `ps` shows in the container). */
  pid: number;
  startTicks: number;
  command: string;
  /** Milliseconds after the run started; 0 for what was there at the first look. */
  startedMs: number;
  /** When it died (or became a zombie), ms after the run started. */
  endedMs?: number;
  /** How it ended, when known (its zombie's status, or our own reap). */
  status?: ExitStatus;
  /** Looks at /proc that saw it as a zombie. */
  zombiePolls: number;
  /** The last look that saw it as a zombie (it became one at endedMs). */
  zombieUntilMs?: number;
  catches: number[];
  ignores: number[];
  blocks: number[];
  /** Seen sleeping in sigtimedwait: it takes signals without a handler (tini does). */
  sigwait: boolean;
}

export class TreeObserver {
  readonly records: Tracked[] = [];
  readonly #byHostPid = new Map<number, Tracked>();
  readonly #t0: number;
  #first = true;
  #frozenAt: number | undefined;
  /** CPU ticks the tree used, summed at the last full look; and when that sum last changed. */
  #cpuTicks = -1;
  cpuChangedMs = 0;
  /** When the last new process appeared (observer time). */
  lastNewMs = 0;

  constructor(
    /** Every process below this host pid is watched (unshare, conmon, or the doctor itself). */
    private anchor: number,
    private readonly table: ProcessTable,
    t0 = performance.now(),
    /** Host pids below the anchor that are not part of the tree (the doctor's own helpers). */
    private readonly exclude: (hostPid: number) => boolean = () => false,
  ) {
    this.#t0 = t0;
    table.on('exit', this.#onExit);
    table.on('orphan', this.#onOrphan);
  }

  now(): number {
    return performance.now() - this.#t0;
  }

  setAnchor(pid: number): void {
    this.anchor = pid;
  }

  readonly #onExit = (child: { pid: number }, status: ExitStatus) => this.noteExit(child.pid, status);
  readonly #onOrphan = (pid: number, status: ExitStatus) => this.noteExit(pid, status);

  /** A status we learnt from our own reaper. */
  noteExit(hostPid: number, status: ExitStatus): void {
    const r = this.#byHostPid.get(hostPid);
    if (!r) return;
    r.status ??= status;
    r.endedMs ??= this.now();
  }

  byHostPid(hostPid: number): Tracked | undefined {
    return this.#byHostPid.get(hostPid);
  }

  /** One look at /proc. Returns the records that appeared in it. */
  poll(): Tracked[] {
    const now = this.now();
    const fresh: Tracked[] = [];
    const seen = new Set<number>();
    let cpu = 0;
    for (const p of descendantsOf(this.anchor, listProcesses())) {
      if (this.exclude(p.pid)) continue;
      const stat = readStartAndExit(p.pid);
      if (!stat) continue;
      cpu += stat.cpuTicks;
      let r = this.#byHostPid.get(p.pid);
      if (r && r.startTicks !== stat.startTicks) {
        r.endedMs ??= now;
        r = undefined;
      }
      if (!r) {
        r = {
          hostPid: p.pid,
          hostPpid: p.ppid,
          firstPpid: p.ppid,
          pgrp: p.pgrp,
          pid: p.pid,
          startTicks: stat.startTicks,
          command: commandLineOf(p.pid, p.comm).trim(),
          startedMs: this.#first ? 0 : now,
          zombiePolls: 0,
          catches: [],
          ignores: [],
          blocks: [],
          sigwait: false,
        };
        this.records.push(r);
        this.#byHostPid.set(p.pid, r);
        fresh.push(r);
      }
      seen.add(p.pid);
      r.hostPpid = p.ppid;
      r.pgrp = p.pgrp;
      if (p.state === 'Z' || p.state === 'X') {
        r.zombiePolls++;
        r.endedMs ??= now;
        r.zombieUntilMs = now;
        if (stat.waitStatus !== undefined) r.status ??= decodeWaitStatus(stat.waitStatus);
        continue;
      }
      if (r.endedMs !== undefined) continue;
      // A child between fork and exec still shows its parent's command: keep reading until it settles.
      const command = commandLineOf(p.pid, p.comm).trim();
      // An exiting process has no command line left ("[comm]"): keep the one it had.
      if (!command.startsWith('[') || r.command.startsWith('[')) r.command = command;
      const d = readSignalDispositions(p.pid);
      if (d) {
        r.pid = d.nsPids[d.nsPids.length - 1] ?? p.pid;
        // Programs drop their handlers on the way out (libuv restores the defaults):
        // after the stop signal, keep what they had when it was sent.
        if (this.#frozenAt !== undefined && r.startedMs <= this.#frozenAt) continue;
        r.catches = d.caught;
        r.ignores = d.ignored;
        r.blocks = d.blocked;
        r.sigwait = sleepingIn(p.pid).includes('sigtimedwait');
      }
    }
    for (const r of this.records) if (r.endedMs === undefined && !seen.has(r.hostPid)) r.endedMs = now;
    if (fresh.length > 0) this.lastNewMs = now;
    if (cpu !== this.#cpuTicks || fresh.length > 0) this.cpuChangedMs = now;
    this.#cpuTicks = cpu;
    this.#first = false;
    return fresh;
  }

  /** Keeps the signal dispositions of the processes seen so far as they are now (call at the stop signal). */
  freezeDispositions(): void {
    this.#frozenAt = this.now();
    for (const r of this.records) if (r.endedMs === undefined) r.ppidAtStop = r.hostPpid;
  }

  /**
   * A look at the processes already known only (no scan of /proc for new
   * ones): cheap enough to repeat every few milliseconds while the tree stops,
   * so the order in which processes end is seen.
   */
  pollKnown(): void {
    const now = this.now();
    for (const r of this.records) {
      if (r.endedMs !== undefined) continue;
      const stat = readStartAndExit(r.hostPid);
      if (!stat || stat.startTicks !== r.startTicks) {
        r.endedMs = now;
      } else if (stat.waitStatus !== undefined) {
        r.zombiePolls++;
        r.endedMs = now;
        r.zombieUntilMs = now;
        r.status ??= decodeWaitStatus(stat.waitStatus);
      }
    }
  }

  alive(): Tracked[] {
    return this.records.filter((r) => r.endedMs === undefined);
  }

  /** The pid in PID 1's namespace of a host pid's record, 0 when it is outside the tree. */
  nsPidOf(hostPid: number): number {
    const r = this.#byHostPid.get(hostPid);
    return r ? r.pid : 0;
  }

  /**
   * Polls until `done()` holds or the deadline (performance.now() based) passes.
   * Our own reaps wake it at once. Resolves with whether done() held.
   */
  watch(done: () => boolean, deadline: number, fast = false): Promise<boolean> {
    return new Promise((resolve) => {
      let timer: NodeJS.Timeout | undefined;
      let finished = false;
      let lastFull = 0;
      const check = () => {
        if (finished) return;
        if (timer) clearTimeout(timer);
        timer = undefined;
        if (!fast || performance.now() - lastFull >= POLL_MS) {
          this.poll();
          lastFull = performance.now();
        } else {
          this.pollKnown();
        }
        if (done()) return finish(true);
        const left = deadline - performance.now();
        if (left <= 0) return finish(false);
        timer = setTimeout(check, Math.min(fast ? FAST_POLL_MS : POLL_MS, left));
      };
      const wake = () => setImmediate(check);
      const finish = (ok: boolean) => {
        finished = true;
        if (timer) clearTimeout(timer);
        this.table.off('exit', wake);
        this.table.off('orphan', wake);
        resolve(ok);
      };
      this.table.on('exit', wake);
      this.table.on('orphan', wake);
      check();
    });
  }

  close(): void {
    this.table.off('exit', this.#onExit);
    this.table.off('orphan', this.#onOrphan);
  }
}
