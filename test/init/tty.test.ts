// A terminal works through usher: an interactive shell gets job control,
// Ctrl-C and Ctrl-Z reach the foreground job, window resizes reach the app.
// The terminal is a real pseudo-terminal (node-pty); usher is PID 1 of a PID
// namespace inside it, as with `docker run -it`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import pty from '@lydell/node-pty';
import { readdirSync, readFileSync } from 'node:fs';
import { fixture, USHER } from '../helpers/pid1.js';

/**
 * Resolves once a process named `comm` runs in the foreground of its terminal
 * (its group is the terminal's foreground group) and is not stopped. There is no
 * event for "the shell has handed the terminal over", so /proc is polled.
 */
async function foregroundJob(comm: string, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs;
  for (let delay = 5; ; delay = Math.min(delay * 2, 100)) {
    for (const name of readdirSync('/proc')) {
      if (!/^\d+$/.test(name)) continue;
      try {
        const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
        const close = stat.lastIndexOf(')');
        if (stat.slice(stat.indexOf('(') + 1, close) !== comm) continue;
        const [state, , pgrp, , , tpgid] = stat.slice(close + 2).split(' ');
        if (state !== 'T' && pgrp === tpgid) return Number(name);
      } catch {
        // gone
      }
    }
    if (Date.now() > deadline) throw new Error(`no ${comm} in the foreground after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, delay));
  }
}

const T = { timeout: 60_000 };

class Terminal {
  output = '';
  readonly exited: Promise<{ exitCode: number; signal?: number }>;
  readonly #pty: pty.IPty;
  #waiters: (() => void)[] = [];

  constructor(command: string[], env: NodeJS.ProcessEnv = {}) {
    this.#pty = pty.spawn('unshare', ['--pid', '--fork', '--mount-proc', '--kill-child', ...command], {
      name: 'xterm',
      cols: 80,
      rows: 24,
      cwd: '/tmp',
      env: { ...process.env, PS1: 'PROMPT> ', ...env } as Record<string, string>,
    });
    this.#pty.onData((d) => {
      this.output += d;
      for (const w of this.#waiters.splice(0)) w();
    });
    this.exited = new Promise((resolve) => this.#pty.onExit(resolve));
  }

  /** Resolves when the output after `from` matches pattern. */
  async waitFor(pattern: RegExp, from = 0, timeoutMs = 15_000): Promise<number> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const m = pattern.exec(this.output.slice(from));
      if (m) return from + m.index + m[0].length;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${pattern}; terminal shows:\n${this.output}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, deadline - Date.now());
        this.#waiters.push(() => (clearTimeout(t), resolve()));
      });
    }
  }

  /** Types text and waits for the shell to echo what it printed after it. */
  async type(text: string, expect: RegExp): Promise<number> {
    const from = this.output.length;
    this.#pty.write(text);
    return this.waitFor(expect, from);
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

test('an interactive bash under usher has job control: Ctrl-Z stops, fg resumes, Ctrl-C interrupts', T, async (t) => {
  const term = new Terminal([USHER, '--', 'bash', '--norc', '--noprofile', '-i']);
  t.after(() => term.kill());
  await term.waitFor(/PROMPT> /);
  await term.type('sleep 100\r', /sleep 100\r\n/);
  await foregroundJob('sleep');
  await term.type('\x1a', /\[1\]\+\s+Stopped\s+sleep 100[\s\S]*PROMPT> /);
  await term.type('fg\r', /sleep 100\r\n/);
  await foregroundJob('sleep');
  await term.type('\x03', /PROMPT> /);
  await term.type('echo rc=$?\r', /rc=130\r\n[\s\S]*PROMPT> /);
  await term.type('exit 3\r', /exit/);
  const exit = await term.exited;
  assert.equal(exit.exitCode, 3);
  assert.doesNotMatch(term.output, /no job control|cannot set terminal process group|Inappropriate ioctl/);
});

test('window resizes and Ctrl-C reach a foreground app under usher', T, async (t) => {
  const term = new Terminal([USHER, '--', 'node', fixture('signal-probe.mjs'), '--exit-on', 'SIGINT']);
  t.after(() => term.kill());
  await term.waitFor(/ready \d+\r\n/);
  term.resize(120, 40);
  await term.waitFor(/SIGWINCH \d+\r\n/);
  await term.type('\x03', /SIGINT \d+\r\n/);
  const exit = await term.exited;
  assert.equal(exit.exitCode, 0);
  // Ctrl-C reached the app once, from the terminal; usher was not in the
  // foreground group, so it did not forward a second copy.
  assert.equal(term.output.match(/SIGINT \d+/g)?.length, 1, term.output);
});
