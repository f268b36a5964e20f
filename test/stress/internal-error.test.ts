// Internal error under load: a fault injected into usher (SIGUSR2 throws, through
// the test-only preload test/fixtures/fault-injection.cjs) while a hundred children run, some
// of which ignore SIGTERM. Every child must be stopped (gracefully when it
// honours SIGTERM, SIGKILLed and named at the grace otherwise) and usher must
// exit 70 at the end of its grace, not strand anything nor hang.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, startPid1 } from '../helpers/pid1.js';
import { eventually } from '../helpers/eventually.js';
import { figure, FULL, size } from '../helpers/stress.js';

const CHILDREN = size(20, 100);
const IGNORERS = size(2, 5);
/** installCrashGuard's default grace (src/init/init.ts). */
const GRACE_MS = 3000;

test(`internal error with ${CHILDREN} children running: all stopped, exit 70 within the grace`, { timeout: 180_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'usher-fault-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'report');
  const lines = () => {
    try {
      return readFileSync(file, 'utf8').split('\n').filter(Boolean);
    } catch {
      return [];
    }
  };
  const graceful = `trap 'echo stopped >>${file}; exit 0' TERM; echo up >>${file}; sleep 1000 & wait`;
  const stubborn = `trap '' TERM; echo up >>${file}; while :; do sleep 1000; done`;
  const script = [
    `i=0; while [ $i -lt ${CHILDREN - IGNORERS} ]; do sh -c "${graceful}" & i=$((i+1)); done`,
    `i=0; while [ $i -lt ${IGNORERS} ]; do sh -c "${stubborn}" & i=$((i+1)); done`,
    'wait',
  ].join('\n');
  const ns = startPid1(['--', 'sh', '-c', script], { preload: fixture('fault-injection.cjs') });
  t.after(() => ns.destroy());
  await eventually(() => lines().length, { what: `all ${CHILDREN} children up`, holds: (n) => n === CHILDREN, timeoutMs: 120_000 });

  const sent = Date.now();
  ns.signal('SIGUSR2');
  const exit = await ns.exited;
  const tookMs = Date.now() - sent;
  const stopped = lines().filter((l) => l === 'stopped').length;
  const killed = ns.stderr.all.filter((l) => /^\[usher\] killed pid \d+ \(/.test(l));

  const scenario = 'internal error under load';
  const thrown = `injected fault with ${CHILDREN} children (${IGNORERS} ignore SIGTERM)`;
  figure(t, { scenario, thrown, measure: 'exit code', value: `${exit.code}`, target: '70', held: exit.code === 70 });
  figure(t, { scenario, thrown, measure: 'children stopped by SIGTERM / SIGKILLed and named', value: `${stopped} / ${killed.length}`, target: `${CHILDREN - IGNORERS} / ≥ ${IGNORERS}`, held: stopped === CHILDREN - IGNORERS && killed.length >= IGNORERS });
  figure(t, { scenario, thrown, measure: 'fault to exit', value: `${tookMs} ms`, target: `grace ${GRACE_MS} ms (+ 1000 ms to kill and reap)`, held: tookMs < GRACE_MS + 1000 });

  assert.equal(exit.code, 70, ns.stderr.text);
  assert.match(ns.stderr.text, /^\[usher\] internal error, stopping all processes: Error: fault injected/m);
  assert.equal(stopped, CHILDREN - IGNORERS, 'every child that honours SIGTERM stopped gracefully');
  // Each stubborn shell and its sleep (which inherits the ignored SIGTERM).
  assert.ok(killed.length >= IGNORERS, `the stubborn children were killed and named:\n${ns.stderr.text}`);
  assert.ok(tookMs >= GRACE_MS - 100, `usher gave the stubborn children their grace (${tookMs} ms)`);
  assert.ok(tookMs < GRACE_MS + (FULL ? 1000 : 10_000), `fault to exit took ${tookMs} ms`);
});
