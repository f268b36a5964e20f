// The founding document's three cases, with usher in PID 1's place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, startPid1 } from '../helpers/pid1.js';

const T = { timeout: 120_000 };
const GRACEFUL = ['Start ...', 'receive system signal: terminated', 'Shutdown ~'];

test('case 1: the app as PID 1 gets SIGTERM and shuts down gracefully', T, async () => {
  const ns = startPid1(['node', fixture('seed-app.mjs')], { bare: true });
  await ns.stdout.waitFor('Start ...');
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.deepEqual(ns.stdout.all, GRACEFUL);
  assert.equal(exit.code, 0);
});

test('case 2 without usher: a shell script as PID 1 never passes SIGTERM on', T, async () => {
  const ns = startPid1([fixture('run.sh')], { bare: true });
  await ns.stdout.waitFor('Start ...');
  ns.signal('SIGTERM');
  // The runtime would wait out its grace period; one second shows the same.
  await new Promise((r) => setTimeout(r, 1000));
  assert.deepEqual(ns.stdout.all, ['Start ...'], 'the app must not have heard SIGTERM');
  ns.signal('SIGKILL');
  const exit = await ns.exited;
  assert.deepEqual(ns.stdout.all, ['Start ...']);
  assert.notEqual(exit.code, 0, 'PID 1 had to be killed');
});

test('case 2 under usher: the same unmodified script shuts down gracefully', T, async () => {
  const ns = startPid1(['--', fixture('run.sh')]);
  await ns.stdout.waitFor('Start ...');
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.deepEqual(ns.stdout.all, GRACEFUL);
  // The whole group got SIGTERM: sh has no handler and dies of it (143, as under
  // dumb-init); usher then waits for the app, which finishes its shutdown. (Real
  // dumb-init exits as soon as sh dies, and the kernel kills the app mid-way.)
  assert.equal(exit.code, 143);
  assert.equal(ns.stderr.text, '', 'nothing left over to kill or warn about');
});

test('case 3 under usher: the trap script stops the app itself', T, async () => {
  const ns = startPid1(['--', fixture('trap.sh')]);
  await ns.stdout.waitFor('Start ...');
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.deepEqual(ns.stdout.all, GRACEFUL);
  assert.equal(exit.code, 0);
});

test('single-child mode: SIGTERM kills the script, and the orphaned app is still stopped gracefully', T, async () => {
  const ns = startPid1(['-c', '--', fixture('run.sh')]);
  await ns.stdout.waitFor('Start ...');
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  // sh has no handler, dies of SIGTERM; usher then asks what is left to stop.
  assert.deepEqual(ns.stdout.all, GRACEFUL);
  assert.equal(exit.code, 143);
});
