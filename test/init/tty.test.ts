// A terminal works through usher: an interactive shell gets job control,
// Ctrl-C and Ctrl-Z reach the foreground job, window resizes reach the app.
// The terminal is a real pseudo-terminal (node-pty); usher is PID 1 of a PID
// namespace inside it, as with `docker run -it`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { fixture, USHER } from '../helpers/pid1.js';
import { Terminal } from '../helpers/terminal.js';

/** A terminal whose command runs as PID 1 of a new PID namespace, as in `docker run -it`. */
const inNamespace = (command: string[]) => ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child', ...command];
const ENV = { ...process.env, PS1: 'PROMPT> ' };

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

test('an interactive bash under usher has job control: Ctrl-Z stops, fg resumes, Ctrl-C interrupts', T, async (t) => {
  const term = new Terminal(inNamespace([USHER, '--', 'bash', '--norc', '--noprofile', '-i']), ENV);
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
  const term = new Terminal(inNamespace([USHER, '--', 'node', fixture('signal-probe.mjs'), '--exit-on', 'SIGINT']), ENV);
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
