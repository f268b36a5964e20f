// Every zombie is reaped, orphans re-parented to usher included.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startPid1 } from '../helpers/pid1.js';
import { eventually } from '../helpers/eventually.js';

const T = { timeout: 600_000 };

test('1000 orphans re-parented to usher leave no zombie', T, async () => {
  // Each inner sh starts a short sleep in the background and exits at once, so
  // the sleep is orphaned, re-parented to PID 1, and becomes a zombie there
  // unless usher reaps it. The script then waits to be told to finish.
  const script = [
    'i=0',
    'while [ $i -lt 1000 ]; do sh -c "sleep 0.2 &"; i=$((i+1)); done',
    'echo spawned',
    'trap "exit 0" USR1',
    'while :; do sleep 1 & wait $!; done',
  ].join('\n');
  const ns = startPid1(['-v', '--', 'sh', '-c', script]);
  await ns.stdout.waitFor('spawned', 300_000);
  // Wait for the event: usher logs every orphan it reaps (1000 sleeps).
  await ns.stderr.waitForCount(/^\[usher\] reaped pid \d+, which exited with code 0$/, 1000, 300_000);
  // (The script's own `sleep 1` may be a zombie for an instant before sh reaps
  // it; that one is sh's to reap, so only usher's children count.)
  const pid1 = ns.pid1;
  // /proc is read until it shows the state (an orphan may be exiting this instant).
  await eventually(() => ns.descendants().filter((p) => p.state === 'Z' && p.ppid === pid1), {
    what: 'no zombie left for usher to reap',
    holds: (zombies) => zombies.length === 0,
  });
  await eventually(() => ns.descendants(), { what: 'the orphans to be gone', holds: (left) => left.length < 5 });
  ns.signal('SIGUSR1');
  assert.equal((await ns.exited).code, 0);
});

test('a double-forked daemon is reaped when it exits, with -w warning about it', T, async () => {
  const ns = startPid1(['-w', '--', 'sh', '-c', '(sh -c "sleep 0.2; echo daemon; exit 5" &); echo main; trap "exit 0" USR1; while :; do sleep 1 & wait $!; done']);
  await ns.stdout.waitFor('daemon');
  await ns.stderr.waitFor(/^\[usher\] reaped zombie process \d+$/);
  ns.signal('SIGUSR1');
  assert.equal((await ns.exited).code, 0);
});
