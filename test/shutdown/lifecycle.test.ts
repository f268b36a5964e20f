/**
 * Hooks, deadline, signals and exit codes, observed on a real process
 * receiving real signals.
 */
import assert from 'node:assert/strict';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { setTimeout as delay } from 'node:timers/promises';
import { DUPLICATE_SIGNAL_WINDOW_MS } from '../../src/shutdown/index.js';
import type { FixtureHook } from './fixtures/app.js';
import { startFixture, type Fixture } from './helpers.js';

function hooksRun(app: Fixture): string[] {
  return app.events.filter((e) => e.event === 'hook-run').map((e) => String(e['name']));
}

test('hooks run once, last registered first, on SIGTERM; exit 0 and a silent stderr', async (t) => {
  const hooks: FixtureHook[] = [
    { name: 'database', behaviour: 'ok' },
    { name: 'cache', behaviour: 'ok' },
    { name: 'queue consumer', behaviour: 'ok' },
  ];
  const { app } = await startFixture({ hooks });
  t.after(() => app.cleanup());
  app.signal('SIGTERM');
  const exit = await app.exited;
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null });
  assert.equal(app.stderr, '');
  // The server was attached after the hooks, so it drains first; then the hooks, LIFO.
  const steps = app.events.filter((e) => e.event === 'step-start').map((e) => `${String(e['kind'])} ${String(e['name'])}`);
  assert.equal(steps.length, 4, steps.join(', '));
  assert.match(steps[0] ?? '', /^server server :\d+$/);
  assert.deepEqual(steps.slice(1), ['hook queue consumer', 'hook cache', 'hook database']);
  assert.deepEqual(hooksRun(app), ['queue consumer', 'cache', 'database']);
});

for (const signal of ['SIGINT', 'SIGHUP'] as const) {
  test(`${signal} starts the shutdown too`, async (t) => {
    const { app } = await startFixture({ hooks: [{ name: 'only', behaviour: 'ok' }] });
    t.after(() => app.cleanup());
    app.signal(signal);
    const exit = await app.exited;
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null });
    assert.deepEqual(hooksRun(app), ['only']);
    const start = app.events.find((e) => e.event === 'shutdown-start');
    assert.deepEqual(start?.['reason'], { type: 'signal', signal });
  });
}

test('the signals are configurable: SIGUSR2 shuts down when asked to', async (t) => {
  const { app } = await startFixture({ signals: ['SIGUSR2'], hooks: [{ name: 'only', behaviour: 'ok' }] });
  t.after(() => app.cleanup());
  app.signal('SIGUSR2');
  const exit = await app.exited;
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null });
  assert.deepEqual(hooksRun(app), ['only']);
});

test('a hung hook hits its timeout, is named on stderr, later hooks still run, exit code 1', async (t) => {
  const { app } = await startFixture({
    protocol: 'none',
    holdUntilShutdown: true,
    deadline: 5_000,
    hooks: [
      { name: 'runs after the hung one', behaviour: 'ok' },
      { name: 'hung', behaviour: 'hang', timeout: 500 },
      { name: 'runs first', behaviour: 'ok' },
    ],
  });
  t.after(() => app.cleanup());
  const sentAt = app.signal('SIGTERM');
  const exit = await app.exited;
  const took = exit.at - sentAt;
  assert.equal(exit.code, 1);
  assert.match(app.stderr, /hook "hung" timed out after 500 ms/);
  assert.match(app.stderr, /exit code 1; not ok: "hung" \(timed-out\)/);
  assert.deepEqual(hooksRun(app), ['runs first', 'hung', 'runs after the hung one']);
  assert.ok(took >= 450, `shutdown took ${took} ms, less than the hook's timeout`);
  // The hook's own timeout ended it, not the 5 s deadline.
  assert.equal(app.events.find((e) => e.event === 'shutdown-end')?.['deadlineExceeded'], false);
});

test('a hook that throws is named on stderr with its error; the others run; exit code 1', async (t) => {
  const { app } = await startFixture({
    protocol: 'none',
    holdUntilShutdown: true,
    hooks: [{ name: 'fine', behaviour: 'ok' }, { name: 'broken', behaviour: 'throw' }],
  });
  t.after(() => app.cleanup());
  app.signal('SIGTERM');
  const exit = await app.exited;
  assert.equal(exit.code, 1);
  assert.match(app.stderr, /hook "broken" failed: Error: boom from broken/);
  assert.deepEqual(hooksRun(app), ['broken', 'fine']);
});

test('the overall deadline cuts a slow hook short and skips the rest, named on stderr', async (t) => {
  const { app } = await startFixture({
    protocol: 'none',
    holdUntilShutdown: true,
    deadline: 1_000,
    hooks: [
      { name: 'never reached', behaviour: 'ok' },
      { name: 'slow', behaviour: 'hang', timeout: 10_000 },
    ],
  });
  t.after(() => app.cleanup());
  const sentAt = app.signal('SIGTERM');
  const exit = await app.exited;
  const took = exit.at - sentAt;
  assert.equal(exit.code, 1);
  assert.match(app.stderr, /"slow" was still running at the shutdown deadline \(1000 ms\)/);
  assert.match(app.stderr, /hook "never reached" skipped: the shutdown deadline \(1000 ms\) had passed/);
  assert.deepEqual(hooksRun(app), ['slow']);
  const end = app.events.find((e) => e.event === 'shutdown-end');
  assert.equal(end?.['deadlineExceeded'], true);
  // Cut at the deadline, not at the hook's 10 s timeout; generous, the machine is shared.
  assert.ok(took >= 900 && took < 8_000, `shutdown took ${took} ms for a 1000 ms deadline`);
});

for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
  test(`a second ${signal} during the shutdown forces an immediate exit with ${code}`, async (t) => {
    const { app } = await startFixture({
      deadline: 20_000,
      hooks: [{ name: 'stuck', behaviour: 'hang', timeout: 15_000 }],
    });
    t.after(() => app.cleanup());
    const firstAt = app.signal(signal);
    await app.waitForEvent('step-start', (e) => e['name'] === 'stuck');
    // Past the window in which a repeat counts as the same signal delivered twice.
    await delay(Math.max(0, firstAt + DUPLICATE_SIGNAL_WINDOW_MS + 50 - performance.now()));
    const secondAt = app.signal(signal);
    const exit = await app.exited;
    const took = exit.at - secondAt;
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code, signal: null });
    assert.match(app.stderr, new RegExp(`received ${signal} again during shutdown: forcing exit with code ${code}; still running: "stuck"`));
    // Forced at once, not after the hook's 15 s timeout; generous, the machine is shared.
    assert.ok(took < 8_000, `forced exit took ${took} ms`);
  });
}

test('a SIGHUP during the shutdown does not force nor kill: the shutdown goes on', async (t) => {
  const { app } = await startFixture({
    protocol: 'none',
    holdUntilShutdown: true,
    hooks: [{ name: 'after', behaviour: 'ok' }, { name: 'waits', behaviour: 'wait-unref', ms: 600 }],
  });
  t.after(() => app.cleanup());
  app.signal('SIGTERM');
  await app.waitForEvent('hook-run', (e) => e['name'] === 'waits');
  app.signal('SIGHUP');
  const exit = await app.exited;
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.deepEqual(hooksRun(app), ['waits', 'after']);
});

test('the process stays alive until hooks finish, even when nothing else holds the event loop', async (t) => {
  // The hook waits on an unreferenced timer and the fixture lets go of its own
  // timer when the shutdown starts: only the library keeps the process alive.
  const { app } = await startFixture({
    protocol: 'none',
    holdUntilShutdown: true,
    hooks: [{ name: 'flush', behaviour: 'wait-unref', ms: 400 }],
  });
  t.after(() => app.cleanup());
  app.signal('SIGTERM');
  const exit = await app.exited;
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.ok(app.events.some((e) => e.event === 'hook-done' && e['name'] === 'flush'), 'the hook did not get to finish');
  assert.ok(app.events.some((e) => e.event === 'shutdown-end'), 'the shutdown did not get to finish');
});

test('the same signal delivered twice at once (process group + forwarding supervisor) does not force', async (t) => {
  const { app } = await startFixture({
    protocol: 'none',
    holdUntilShutdown: true,
    hooks: [{ name: 'flush', behaviour: 'wait-unref', ms: 500 }],
  });
  t.after(() => app.cleanup());
  const firstAt = app.signal('SIGINT');
  // Sent once the first is known to have been handled, so that the kernel
  // cannot merge the two into one pending signal.
  await app.waitForEvent('shutdown-start');
  const secondAt = app.signal('SIGINT');
  const exit = await app.exited;
  if (secondAt - firstAt >= DUPLICATE_SIGNAL_WINDOW_MS) {
    t.skip(`the machine was too slow to send the repeat within ${DUPLICATE_SIGNAL_WINDOW_MS} ms (${(secondAt - firstAt).toFixed(0)} ms)`);
    return;
  }
  t.diagnostic(`repeat sent ${(secondAt - firstAt).toFixed(1)} ms after the first SIGINT`);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.ok(app.events.some((e) => e.event === 'hook-done' && e['name'] === 'flush'));
});
