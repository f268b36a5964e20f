// The engine behind the control socket, end to end: `usher ps`, `stop`,
// `start`, `restart` and `signal` against a real `usher run`, and an idle
// supervisor that never wakes up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { contextSwitchesOf } from '../../src/core/proc-fs.js';
import { usherControl } from './control-client-helper.js';
import { freePort, NODE, PROBE, startRun, SUP_FIXTURES, tempDir, withFiles } from './helpers.js';

const T = { timeout: 60_000 };

test('usher ps / stop / start / restart / signal drive the running supervisor', T, async () => {
  const port = freePort();
  const dir = withFiles({
    'usher.yaml': [
      'services:',
      '  db:',
      `    command: ["${NODE}", "${SUP_FIXTURES}listen-later.mjs", "${port}", "0"]`,
      `    ready: { tcp: ${port}, interval: 100ms }`,
      '  app:',
      `    command: ["${NODE}", "${PROBE}"]`,
      '    depends_on: { db: ready }',
    ].join('\n') + '\n',
  });
  const socket = join(tempDir(), 'c.sock');
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: socket } });
  await ns.stdout.waitFor(/^app +\| ready \d+$/);

  const ps = await usherControl(['ps', '--json'], socket);
  assert.equal(ps.code, 0, ps.stderr);
  const listing = JSON.parse(ps.stdout);
  assert.deepEqual(listing.services.map((s: { name: string; state: string; ready: boolean | null }) => [s.name, s.state, s.ready]), [
    ['db', 'running', true],
    ['app', 'running', null],
  ]);
  assert.equal(listing.ready, true);

  const signal = await usherControl(['signal', 'app', 'USR2'], socket);
  assert.equal(signal.code, 0, signal.stderr);
  await ns.stdout.waitFor(/^app +\| SIGUSR2 \d+$/);

  const stop = await usherControl(['stop', 'app'], socket);
  assert.equal(stop.code, 0, stop.stderr);
  await ns.stdout.waitFor(/^app +\| SIGTERM \d+$/);
  const stopped = JSON.parse((await usherControl(['ps', '--json'], socket)).stdout);
  assert.equal(stopped.services[1].state, 'stopped');

  const again = await usherControl(['stop', 'app'], socket);
  assert.equal(again.code, 1, 'stopping a stopped service is refused');
  assert.match(again.stderr, /app is not running \(stopped\)/);

  const start = await usherControl(['start', 'app'], socket);
  assert.equal(start.code, 0, start.stderr);
  await ns.stdout.waitForCount(/^app +\| ready \d+$/, 2);

  const restart = await usherControl(['restart', 'db'], socket);
  assert.equal(restart.code, 0, restart.stderr);
  await ns.stdout.waitFor(/^db +\| shutdown \d+$/);
  await ns.stderr.waitForCount(/db: ready after/, 2);

  const unknown = await usherControl(['stop', 'nope'], socket);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /no service named .nope.; (known )?services: db, app/);

  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('an idle supervisor does not wake up: no timers once every ready check has passed', { timeout: 60_000 }, async () => {
  const port = freePort();
  const dir = withFiles({
    'usher.yaml': [
      'services:',
      '  db:',
      `    command: ["${NODE}", "${SUP_FIXTURES}listen-later.mjs", "${port}", "200"]`,
      `    ready: { tcp: ${port}, interval: 100ms }`,
      '  app:',
      '    command: ["sh", "-c", "echo up; exec sleep 1000"]',
      '    depends_on: { db: ready }',
    ].join('\n') + '\n',
  });
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  await ns.stdout.waitFor(/^app +\| up$/);
  const pid = ns.pid1;
  await new Promise((r) => setTimeout(r, 1500)); // start-up work settles; the quiet period starts here
  const before = contextSwitchesOf(pid);
  await new Promise((r) => setTimeout(r, 9000)); // past V8's 8 s memory-reducer mark
  const after = contextSwitchesOf(pid);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.equal(after - before, 0, 'context switches while idle');
});

test('a control socket whose directory cannot be created (mkdir refused, as on a read-only /run): a warning, and the services run without it', T, async () => {
  const dir = withFiles({ 'usher.yaml': 'services:\n  app:\n    command: ["sh", "-c", "echo up; exec sleep 1000"]\n' });
  // /proc answers mkdir with ENOENT: Node's recursive mkdir spun on that forever.
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: '/proc/usher-test/control.sock' } });
  await ns.stdout.waitFor(/^app +\| up$/);
  await ns.stderr.waitFor(/control socket not available: cannot create the control socket's directory \/proc\/usher-test/);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('usher start of a service that used up max_restarts gives it its restarts again; ps counts every restart by the policy', T, async () => {
  const dir = withFiles({
    'usher.yaml': [
      'services:',
      '  keep:',
      '    command: ["sh", "-c", "echo up; exec sleep 1000"]',
      '  flaky:',
      '    command: ["sh", "-c", "echo run; exit 3"]',
      '    restart: on-failure',
      '    max_restarts: 1',
      '    backoff: { initial: 100ms, max: 100ms }',
    ].join('\n') + '\n',
  });
  const socket = join(tempDir(), 'c.sock');
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: socket } });
  await ns.stderr.waitFor(/flaky: failed: gave up after 1 restart\(s\) \(max_restarts 1\)/);
  await ns.stdout.waitForCount(/^flaky +\| run$/, 2); // the first run and its one restart

  const start = await usherControl(['start', 'flaky'], socket);
  assert.equal(start.code, 0, start.stderr);
  await ns.stderr.waitForCount(/flaky: failed: gave up after 1 restart\(s\) \(max_restarts 1\)/, 2);
  await ns.stdout.waitForCount(/^flaky +\| run$/, 4); // the start asked for and one more restart
  assert.equal(ns.stderr.all.filter((l) => /flaky: restarting in .* \(restart 1 of 1\)/.test(l)).length, 2, ns.stderr.text);

  const ps = JSON.parse((await usherControl(['ps', '--json'], socket)).stdout);
  const flaky = ps.services.find((s: { name: string }) => s.name === 'flaky');
  assert.equal(flaky.state, 'failed');
  assert.equal(flaky.restarts, 2, 'restarts by the policy over its life; the start asked for is not one');
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.equal(ns.stdout.all.filter((l) => /^flaky +\| run$/.test(l)).length, 4, ns.stdout.text);
});
