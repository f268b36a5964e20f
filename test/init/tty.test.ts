// A terminal works through usher: an interactive shell gets job control,
// Ctrl-C and Ctrl-Z reach the foreground job, window resizes reach the app.
// The terminal is a real pseudo-terminal (node-pty); usher is PID 1 of a PID
// namespace inside it, as with `docker run -it`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, USHER } from '../helpers/pid1.js';
import { foregroundJob, Terminal } from '../helpers/terminal.js';

/** A terminal whose command runs as PID 1 of a new PID namespace, as in `docker run -it`. */
const inNamespace = (command: string[]) => ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child', ...command];
const ENV = { ...process.env, PS1: 'PROMPT> ' };

const T = { timeout: 180_000 };

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
