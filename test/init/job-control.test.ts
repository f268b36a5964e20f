// Job-control signals sent to usher, without a terminal (`docker kill -s TSTP`).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, startPid1, waitForState } from '../helpers/pid1.js';

const T = { timeout: 180_000 };
const PROBE = fixture('signal-probe.mjs');

test('group mode: SIGTSTP stops the whole group (as SIGSTOP), SIGCONT resumes it', T, async () => {
  const ns = startPid1(['-v', '--', 'node', PROBE, '--children', '1']);
  await ns.stdout.waitForCount(/^ready \d+$/, 2);
  const [child, grandchild] = ns.descendants().map((p) => p.pid);
  assert.ok(child && grandchild);
  for (const sig of ['SIGTSTP', 'SIGTTIN', 'SIGTTOU'] as const) {
    ns.signal(sig);
    // usher's log line is read by this process on its own schedule: wait for it.
    await ns.stderr.waitFor(`rewriting ${sig} to SIGSTOP`);
    await waitForState(child, 'T');
    await waitForState(grandchild, 'T');
    assert.notEqual((await waitForState(ns.pid1, 'SRT')), 'T', 'usher as PID 1 cannot be stopped from inside, as with dumb-init');
    ns.signal('SIGCONT');
    await waitForState(child, 'SR');
    await waitForState(grandchild, 'SR');
  }
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0);
});

test('-r TSTP:0 keeps the group running', T, async () => {
  const ns = startPid1(['-r', 'TSTP:0', '--', 'node', PROBE]);
  await ns.stdout.waitFor(/^ready \d+$/);
  const [child] = ns.descendants().map((p) => p.pid);
  ns.signal('SIGTSTP');
  ns.signal('SIGUSR1'); // barrier: once the probe reports it, the TSTP was dealt with
  await ns.stdout.waitFor(/^SIGUSR1 /);
  assert.notEqual((await waitForState(child as number, 'SRT')), 'T');
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0);
});

test('a stopped app still stops gracefully: SIGTERM is followed by SIGCONT, and its handler runs', T, async () => {
  // Before, the app sat stopped with SIGTERM pending until --stop-timeout killed it (137).
  const ns = startPid1(['--stop-timeout', '20', '--', 'node', fixture('term-counter.mjs'), '--linger', '0']);
  await ns.stdout.waitFor(/^ready \d+$/);
  const [app] = ns.descendants().map((p) => p.pid);
  ns.signal('SIGTSTP');
  await waitForState(app as number, 'T');
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.deepEqual(ns.stdout.all.filter((l) => l.startsWith('TERM')).map((l) => l.split(' ')[1]), ['1'], ns.stdout.text);
  assert.equal(exit.code, 0, `the app exited by itself after its handler: ${ns.stderr.text}`);
  assert.doesNotMatch(ns.stderr.text, /did not stop within/);
});

test('tini mode (-c, the child alone): a stopped child is continued after SIGTERM too', T, async () => {
  const ns = startPid1(['-c', '--stop-timeout', '20', '--', 'node', fixture('term-counter.mjs'), '--linger', '0']);
  await ns.stdout.waitFor(/^ready \d+$/);
  const [app] = ns.descendants().map((p) => p.pid);
  process.kill(app as number, 'SIGSTOP');
  await waitForState(app as number, 'T');
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.match(ns.stdout.text, /^TERM 1 /m);
});
