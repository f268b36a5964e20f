// The drain asks no process twice: many apps take a second SIGTERM as "quit
// now, skip the graceful part" (usher-init/shutdown does). An init or a shell
// below usher may already have passed the stop signal on (dumb-init does, to
// its child's whole group); one that did not (tini, catatonit: their child
// alone) leaves orphans that only the drain's SIGTERM reaches, at once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, startPid1 } from '../helpers/pid1.js';

const T = { timeout: 180_000 };
const COUNTER = fixture('term-counter.mjs');
const terms = (lines: readonly string[]) => lines.filter((l) => l.startsWith('TERM ')).map((l) => l.split(' ')[1]);
const REMINDER = /still running [\d.]+s before the end of --drain-timeout; sending SIGTERM/;

/**
 * An init below usher, as dumb-init: its child in a session of its own. With
 * `passOn` it passes SIGTERM to the child and exits once the child has handled
 * it (the child acknowledges with SIGUSR2), so that a second SIGTERM from usher
 * cannot merge with the first while it is still pending; without, it dies of
 * the SIGTERM, as a shell does.
 */
const innerInit = (counterArgs: string, passOn: boolean) =>
  passOn
    ? `setsid node ${COUNTER} --ack-parent ${counterArgs} & pid=$!; trap 'exit 0' USR2; trap 'kill -TERM $pid; wait' TERM; wait`
    : `setsid node ${COUNTER} ${counterArgs} & wait`;

test('an init below usher passes SIGTERM on and exits: the drain does not send its orphan another', T, async () => {
  const ns = startPid1(['-v', '--', 'sh', '-c', innerInit('--linger 1000', true)]);
  await ns.stdout.waitFor(/^ready \d+$/);
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.deepEqual(terms(ns.stdout.all), ['1'], `the orphan's handler ran once:\n${ns.stdout.text}\n${ns.stderr.text}`);
  assert.equal(exit.code, 0);
  assert.doesNotMatch(ns.stderr.text, REMINDER);
  assert.doesNotMatch(ns.stderr.text, /killed pid/);
});

test('an init below usher that passes SIGTERM to nobody: its orphan gets the drain\'s SIGTERM at once', T, async () => {
  // As tini and catatonit under usher: they signal their child alone, the shell
  // dies of it, and the app behind it was reached by nobody.
  const ns = startPid1(['-v', '--', 'sh', '-c', innerInit('--linger 0', false)]);
  await ns.stdout.waitFor(/^ready \d+$/);
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.deepEqual(terms(ns.stdout.all), ['1'], ns.stdout.text);
  assert.equal(exit.code, 143, 'the shell died of SIGTERM');
  assert.doesNotMatch(ns.stderr.text, REMINDER, 'the orphan was not left waiting for the reminder');
});

test('an orphan its init asked to stop that still runs when the drain deadline nears gets SIGTERM then', T, async () => {
  // This one wants a second SIGTERM before it exits: it gets it from usher as
  // the deadline nears (a fifth of the 2 s drain before it), not at once.
  const ns = startPid1(['-v', '--drain-timeout', '2', '--', 'sh', '-c', innerInit('--exit-after 2 --linger 0', true)]);
  await ns.stdout.waitFor(/^ready \d+$/);
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.match(ns.stderr.text, REMINDER);
  assert.deepEqual(terms(ns.stdout.all), ['1', '2'], ns.stdout.text);
  assert.equal(exit.code, 0);
  assert.doesNotMatch(ns.stderr.text, /killed pid/, 'it ended before the deadline');
});

test('the main process exits by itself: what it left in its group gets SIGTERM once, not again from the drain', T, async () => {
  const ns = startPid1(['--', 'sh', '-c', `trap 'exit 0' USR2; node ${COUNTER} --notify-parent --linger 500 & wait`]);
  const exit = await ns.exited;
  assert.equal(exit.code, 0);
  assert.deepEqual(terms(ns.stdout.all), ['1'], ns.stdout.text);
});
