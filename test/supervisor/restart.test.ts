// Restart policies with exponential back-off (lower bounds only: a timer never
// fires early), max_restarts, critical services ending the container, a live
// check restarting a service, and usher exiting once nothing is left to run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Backoff, MIN_BACKOFF_MS } from '../../src/supervisor/backoff.js';
import { NODE, PROBE, startEngine, tempDir } from './helpers.js';

const T = { timeout: 60_000 };

interface Event { time: string; service: string; event: string; name?: string; [k: string]: unknown }
const events = (lines: string[]) => lines.filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Event);

test('on-failure: exponential back-off between restarts, then failed at max_restarts; nothing left: exit with its status', T, async () => {
  const ns = startEngine(
    { services: [{ name: 'crash', argv: ['sh', '-c', 'echo run; exit 4'], restart: 'on-failure', maxRestarts: 3, backoff: { initialMs: 150, maxMs: 400 } }] },
    'json',
  );
  const exit = await ns.exited;
  assert.equal(exit.code, 4, ns.stderr.text);
  const ev = events(ns.stderr.all);
  const starts = ev.filter((e) => e.event === 'starting');
  const exits = ev.filter((e) => e.event === 'exited');
  const restarting = ev.filter((e) => e.event === 'restarting');
  assert.equal(starts.length, 4, 'first run plus 3 restarts');
  assert.deepEqual(restarting.map((e) => e.in_ms), [150, 300, 400], 'doubling, capped at max');
  for (let i = 1; i < starts.length; i++) {
    const gap = Date.parse(starts[i]!.time) - Date.parse(exits[i - 1]!.time);
    assert.ok(gap >= (restarting[i - 1]!.in_ms as number) - 1, `restart ${i} waited its back-off (${gap} ms)`);
  }
  const failed = ev.find((e) => e.event === 'failed');
  assert.match(String(failed?.reason), /gave up after 3 restart\(s\) \(max_restarts 3\); last: exited with code 4/);
  assert.equal(ns.stdout.all.filter((l) => JSON.parse(l).line === 'run').length, 4);
});

test('always: a service that exits 0 is restarted too; never before the old instance has ended', T, async () => {
  const ns = startEngine({ services: [{ name: 'tick', argv: ['sh', '-c', 'echo tick'], restart: 'always', maxRestarts: 2, backoff: { initialMs: 100, maxMs: 100 } }] }, 'json');
  const exit = await ns.exited;
  const ev = events(ns.stderr.all).filter((e) => e.name === 'tick');
  // starting/exited strictly alternate: no overlap.
  const seq = ev.filter((e) => e.event === 'starting' || e.event === 'exited').map((e) => e.event);
  assert.deepEqual(seq, ['starting', 'exited', 'starting', 'exited', 'starting', 'exited']);
  assert.equal(exit.code, 1, 'gave up: a failure with no exit status of its own');
});

test('restart no: a non-critical service that fails leaves the others running', T, async () => {
  const ns = startEngine({ services: [{ name: 'oops', argv: ['sh', '-c', 'exit 5'] }, { name: 'steady', argv: [NODE, PROBE] }] });
  await ns.stderr.waitFor(/oops: failed: exited with code 5/);
  await ns.stdout.waitFor(/^steady +\| ready/);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, 'a requested stop where everything ended on its own');
});

test('every service completes: usher exits 0 on its own', T, async () => {
  const ns = startEngine({ services: [{ name: 'a', argv: ['true'] }, { name: 'b', argv: ['sh', '-c', 'echo done'] }] });
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.match(ns.stderr.text, /every service completed/);
});

test('a critical service that crashes ends the container with its status; the others are stopped', T, async () => {
  const dir = tempDir();
  const ns = startEngine({
    services: [
      // main crashes once helper has said it is ready (and can report its SIGTERM).
      { name: 'main', argv: ['sh', '-c', `while [ ! -f ${dir}/up ]; do sleep 0.05; done; exit 42`], critical: true },
      { name: 'helper', argv: ['sh', '-c', `${NODE} ${PROBE} --notify-parent & trap 'touch ${dir}/up' USR2; wait; wait`] },
    ],
  });
  const exit = await ns.exited;
  assert.equal(exit.code, 42, ns.stderr.text);
  assert.match(ns.stdout.text, /^helper +\| SIGTERM \d+$/m);
  assert.match(ns.stderr.text, /critical service main ended \(status 42\): stopping every service/);
});

test('a critical service killed by a signal: exit 128+N', T, async () => {
  const ns = startEngine({ services: [{ name: 'main', argv: ['sh', '-c', 'kill -USR1 $$'], critical: true }] });
  assert.equal((await ns.exited).code, 138, ns.stderr.text);
});

test('a live check that fails restarts the service per its policy', T, async () => {
  const ns = startEngine(
    {
      services: [{
        name: 'zombie',
        argv: ['sh', '-c', `trap 'echo got TERM; exit 0' TERM; echo up; while :; do sleep 0.05; done`],
        live: { probe: { kind: 'exec', argv: ['false'] }, intervalMs: 100, timeoutMs: 1000, failures: 2 },
        restart: 'on-failure',
        maxRestarts: 1,
        backoff: { initialMs: 100, maxMs: 100 },
      }],
    },
  );
  await ns.stderr.waitFor(/zombie: live check failed 2 time\(s\) in a row \(exec false\)/);
  await ns.stderr.waitFor(/zombie: restarting in 0\.1s/);
  await ns.stderr.waitFor(/zombie: failed: gave up after 1 restart/);
  const exit = await ns.exited;
  assert.equal(exit.code, 1);
  assert.equal(ns.stdout.all.filter((l) => /got TERM/.test(l)).length, 2, 'each instance was stopped with its stop signal');
});

test('Backoff: doubles from initial, capped at max, resets after a stable run, never below the floor', () => {
  const b = new Backoff(1000, 5000, 10_000);
  assert.deepEqual([b.next(0), b.next(0), b.next(0), b.next(0), b.next(0)], [1000, 2000, 4000, 5000, 5000]);
  assert.equal(b.next(10_000), 1000, 'a stable run resets');
  assert.equal(new Backoff(0, 0).next(0), MIN_BACKOFF_MS, 'never spins');
  const big = new Backoff(1000, 60_000);
  for (let i = 0; i < 2000; i++) big.next(0);
  assert.equal(big.next(0), 60_000, 'no overflow after many failures');
});

test('a command that cannot start is a failure with the shell\'s status (127 not found), said clearly', T, async () => {
  const ns = startEngine({ services: [{ name: 'ghost', argv: ['/nonexistent/server', '--port', '1'] }, { name: 'nodir', argv: ['true'], cwd: '/nonexistent-dir' }] });
  const exit = await ns.exited;
  assert.equal(exit.code, 127, ns.stderr.text);
  assert.match(ns.stderr.text, /ghost: cannot start \/nonexistent\/server --port 1: \/nonexistent\/server: not found \(check the command and PATH\)/);
  assert.match(ns.stderr.text, /nodir: cannot start true: its cwd \/nonexistent-dir does not exist/);
});

test('log probes: ready and live each watch for their own line', T, async () => {
  const ns = startEngine({
    services: [{
      name: 'svc',
      argv: ['sh', '-c', 'echo booted; while :; do echo heartbeat; sleep 0.1; done'],
      ready: { probe: { kind: 'log', pattern: '^booted$' }, intervalMs: 100, timeoutMs: 20_000 },
      live: { probe: { kind: 'log', pattern: '^heartbeat$' }, intervalMs: 200, timeoutMs: 1000, failures: 2 },
    }],
  });
  await ns.stderr.waitFor(/svc: ready after \d+ ms \(log \/\^booted\$\/\)/);
  // Ten live attempts' worth of heartbeats: the live check kept passing.
  await ns.stdout.waitForCount(/^svc +\| heartbeat$/, 20);
  assert.doesNotMatch(ns.stderr.text, /unhealthy|live check failed/);
  ns.signal('SIGTERM');
  await ns.exited;
});
