// A real pseudo-terminal (node-pty) running a command, for tests that type
// into a shell the way a user at `docker run -it` does.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';
import pty from '@lydell/node-pty';

export class Terminal {
  output = '';
  readonly exited: Promise<{ exitCode: number; signal?: number }>;
  readonly #pty: pty.IPty;
  #waiters: (() => void)[] = [];

  constructor(command: readonly string[], env: NodeJS.ProcessEnv = process.env) {
    const [file = '', ...args] = command;
    this.#pty = pty.spawn(file, args, { name: 'xterm', cols: 80, rows: 24, cwd: '/tmp', env: env as Record<string, string> });
    this.#pty.onData((d) => {
      this.output += d;
      for (const w of this.#waiters.splice(0)) w();
    });
    this.exited = new Promise((resolve) => this.#pty.onExit(resolve));
  }

  /** Resolves when the output after `from` matches pattern; returns the offset after the match. */
  async waitFor(pattern: RegExp, from = 0, timeoutMs = 60_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.output.slice(from));
      if (m) return from + m.index + m[0].length;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; the terminal shows:\n${this.output}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, deadline - Date.now());
        this.#waiters.push(() => (clearTimeout(timer), resolve()));
      });
    }
  }

  /** Types text, then waits for what it should make the terminal show. */
  async type(text: string, expect: RegExp): Promise<number> {
    const from = this.output.length;
    this.#pty.write(text);
    return this.waitFor(expect, from);
  }

  /** The pid of the command the terminal runs (the session leader). */
  get pid(): number {
    return this.#pty.pid;
  }

  resize(cols: number, rows: number): void {
    this.#pty.resize(cols, rows);
  }

  kill(): void {
    try {
      this.#pty.kill('SIGKILL');
    } catch {
      // gone
    }
  }
}

/**
 * Resolves once a process named `comm` (optionally only in the given PID
 * namespace, as `readlink /proc/PID/ns/pid` names it) is the foreground job of
 * its terminal and is not stopped. There is no event for "the shell has handed
 * the terminal over", so /proc is polled, with a short back-off.
 */
export async function foregroundJob(comm: string, options: { pidNamespace?: string; timeoutMs?: number } = {}): Promise<number> {
  const { pidNamespace, timeoutMs = 60_000 } = options;
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
        const close = stat.lastIndexOf(')');
        if (stat.slice(stat.indexOf('(') + 1, close) !== comm) continue;
        if (pidNamespace !== undefined && readlinkSync(`/proc/${name}/ns/pid`) !== pidNamespace) continue;
        const [state, , pgrp, , , tpgid] = stat.slice(close + 2).split(' ');
        if (state !== 'T' && pgrp === tpgid) return Number(name);
      } catch {
        // exited meanwhile
      }
    }
    if (Date.now() > deadline) throw new Error(`no ${comm} in the foreground after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, delay));
  }
}
