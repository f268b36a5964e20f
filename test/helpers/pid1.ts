// Puts a command in a container's position for tests: PID 1 of a new PID
// namespace (`unshare --pid --fork --mount-proc`), with real signals sent from
// outside exactly as `docker stop` sends them. Every namespace is torn down with
// SIGKILL to its PID 1 at the end, which takes every process in it along.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { after } from 'node:test';
import { Lines } from './lines.js';

export { Lines };

export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const USHER = `${ROOT}bin/usher`;
export const FIXTURES = `${ROOT}test/fixtures/`;
export const fixture = (name: string) => FIXTURES + name;

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

const live = new Set<Namespace>();
after(() => {
  for (const ns of live) ns.destroy();
});

export interface StartOptions {
  env?: NodeJS.ProcessEnv;
  /** Run the command directly as PID 1 instead of under usher. */
  bare?: boolean;
  /** Name usher is invoked by (a link named dumb-init or tini), or the path of a real binary. */
  argv0?: string;
  /** Working directory to start in. */
  cwd?: string;
  /** A module node loads before usher (`node --require`): test-only hooks such as fault-injection.cjs. */
  preload?: string;
  /** Descriptors handed to the namespace's PID 1 besides stdio: its fd number -> this process's fd. */
  fds?: Record<number, number>;
}

export class Namespace {
  readonly stdout: Lines;
  readonly stderr: Lines;
  readonly exited: Promise<Exit>;
  #exit: Exit | undefined;
  readonly #proc: ChildProcess;

  constructor(readonly command: string[], options: StartOptions = {}) {
    const usher = options.preload !== undefined ? [process.execPath, '--require', options.preload, options.argv0 ?? USHER] : [options.argv0 ?? USHER];
    const argv = options.bare ? command : [...usher, ...command];
    this.#proc = spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', ...argv], {
      stdio: ['ignore', 'pipe', 'pipe', ...extraDescriptors(options.fds)],
      env: { ...process.env, ...options.env },
      ...(options.cwd !== undefined ? { cwd: options.cwd } : {}),
    });
    this.stdout = new Lines(this.#proc.stdout);
    this.stderr = new Lines(this.#proc.stderr);
    this.exited = new Promise((resolve) => {
      this.#proc.on('close', (code, signal) => {
        this.#exit = { code, signal };
        live.delete(this);
        resolve(this.#exit);
      });
    });
    live.add(this);
  }

  /** Host pid of the namespace's PID 1 (usher, or the bare command). */
  get pid1(): number {
    const unsharePid = this.#proc.pid as number;
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      if (parentOf(Number(name)) === unsharePid) return Number(name);
    }
    throw new Error('the namespace has no PID 1 (has it exited?)');
  }

  /** Sends a signal to PID 1 from outside, as a container runtime does. */
  signal(signal: NodeJS.Signals | number): void {
    process.kill(this.pid1, signal);
  }

  /** Host pids of every live process in the namespace below PID 1. */
  descendants(): { pid: number; ppid: number; state: string; comm: string }[] {
    const all = readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
    const info = all.map((pid) => statOf(pid)).filter((s): s is NonNullable<typeof s> => s !== undefined);
    const out: typeof info = [];
    const queue = [this.pid1];
    for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
      for (const s of info) if (s.ppid === p) (out.push(s), queue.push(s.pid));
    }
    return out;
  }

  /** Host pid of the process that calls itself `nsPid` inside the namespace. */
  hostPid(nsPid: number): number {
    for (const p of this.descendants()) {
      try {
        const line = readFileSync(`/proc/${p.pid}/status`, 'utf8').match(/^NSpid:\s+(.*)$/m)?.[1];
        const ids = line?.trim().split(/\s+/).map(Number) ?? [];
        if (ids[ids.length - 1] === nsPid) return p.pid;
      } catch {
        // exited meanwhile
      }
    }
    throw new Error(`no process with pid ${nsPid} in the namespace`);
  }

  /** The test stops reading usher's stdout or stderr: its reader is gone, writes get EPIPE. */
  closeOutput(which: 'stdout' | 'stderr'): void {
    this.#proc[which]?.destroy();
  }

  destroy(): void {
    if (this.#exit) return;
    try {
      process.kill(this.pid1, 'SIGKILL');
    } catch {
      this.#proc.kill('SIGKILL');
    }
  }
}

function extraDescriptors(fds: Record<number, number> = {}): (number | 'ignore')[] {
  const highest = Math.max(2, ...Object.keys(fds).map(Number));
  return Array.from({ length: highest - 2 }, (_, i) => fds[i + 3] ?? 'ignore');
}

/** A process's /proc/PID/stat; startTicks (clock ticks since boot) tells a reused pid apart. */
export function statOf(pid: number): { pid: number; ppid: number; pgrp: number; state: string; comm: string; startTicks: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    const close = stat.lastIndexOf(')');
    const rest = stat.slice(close + 2).split(' ');
    return { pid, comm: stat.slice(stat.indexOf('(') + 1, close), state: rest[0] ?? '?', ppid: Number(rest[1]), pgrp: Number(rest[2]), startTicks: Number(rest[19]) };
  } catch {
    return undefined;
  }
}

function parentOf(pid: number): number | undefined {
  return statOf(pid)?.ppid;
}

/** Starts `command` as PID 1 under usher (or bare) in a fresh PID namespace. */
export function startPid1(command: string[], options: StartOptions = {}): Namespace {
  return new Namespace(command, options);
}

/** Waits until /proc shows `pid` in one of the given states (R, S, T, Z...). */
export async function waitForState(pid: number, states: string, timeoutMs = 30_000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    const state = statOf(pid)?.state ?? 'gone';
    if (states.includes(state)) return state;
    if (Date.now() > deadline) throw new Error(`pid ${pid} is in state ${state}, expected one of ${states}`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
