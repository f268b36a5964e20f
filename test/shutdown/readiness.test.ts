/**
 * Readiness state, the health server, and the ordering that matters to load
 * balancers: readiness fails before the listeners close.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { test } from 'node:test';
import { Readiness, startHealthServer } from '../../src/shutdown/index.js';
import { WORK_BODY } from './fixtures/app.js';
import { keepAliveAgent, request, startFixture } from './helpers.js';

test('readiness only moves forward, and a throwing listener changes nothing', () => {
  const readiness = new Readiness();
  const seen: string[] = [];
  readiness.onChange(() => {
    throw new Error('observer bug');
  });
  const unsubscribe = readiness.onChange((state) => seen.push(state));
  assert.equal(readiness.isReady, false);
  assert.equal(readiness.markReady(), true);
  assert.equal(readiness.isReady, true);
  assert.equal(readiness.markShuttingDown(), true);
  assert.equal(readiness.markReady(), false);
  assert.equal(readiness.state, 'shutting-down');
  unsubscribe();
  assert.equal(readiness.markStopped(), true);
  assert.equal(readiness.markShuttingDown(), false);
  assert.deepEqual(seen, ['ready', 'shutting-down']);
});

test('the health server answers /live and /ready Kubernetes style, on configurable paths', async (t) => {
  const readiness = new Readiness();
  const health = await startHealthServer(readiness, { host: '127.0.0.1', livePath: '/healthz', readyPath: '/readyz' });
  t.after(() => health.close());
  const get = (path: string, method = 'GET'): ReturnType<typeof request> =>
    request(http, { port: health.port, path, method, agent: false });

  assert.deepEqual([(await get('/healthz')).status, (await get('/healthz')).body], [200, 'alive\n']);
  assert.deepEqual([(await get('/readyz')).status, (await get('/readyz')).body], [503, 'starting\n']);
  readiness.markReady();
  const ready = await get('/readyz?verbose=1');
  assert.deepEqual([ready.status, ready.body, ready.headers.connection], [200, 'ready\n', 'close']);
  readiness.markShuttingDown();
  assert.deepEqual([(await get('/readyz')).status, (await get('/readyz')).body], [503, 'shutting-down\n']);
  assert.equal((await get('/healthz')).status, 200, 'liveness must not fail during a shutdown');
  assert.equal((await get('/live')).status, 404);
  assert.equal((await get('/readyz', 'POST')).status, 405);
  const head = await get('/readyz', 'HEAD');
  assert.deepEqual([head.status, head.body], [503, '']);
  await health.close();
  assert.equal((await get('/healthz')).errorCode, 'ECONNREFUSED');
});

test('readiness fails before the listeners close, and probes get 503 (not refused) until the end', async (t) => {
  // Long enough that the probes below land inside each phase even when this
  // process is slowed down by a busy machine: each phase is awaited by its
  // event, and the order is checked on the app's own output afterwards.
  const readinessDelay = 2_000;
  const slowMs = 6_000;
  const { app, port, healthPort } = await startFixture({ health: true, readinessDelay, deadline: 15_000 });
  t.after(() => app.cleanup());
  assert.ok(healthPort !== undefined);
  const probe = (): ReturnType<typeof request> => request(http, { port: healthPort, path: '/ready', agent: false });
  const freshRequest = (): ReturnType<typeof request> => request(http, { port, path: '/work', agent: false });

  assert.equal((await probe()).status, 200);
  // A slow request keeps the drain, hence the health server, busy after the listener closes.
  const agent = keepAliveAgent(1);
  t.after(() => agent.destroy());
  const slow = request(http, { port, path: `/slow?ms=${slowMs}`, agent });
  await app.waitForEvent('slow-start');

  const sentAt = app.signal('SIGTERM');
  const flipped = await app.waitForEvent('readiness', (e) => e['state'] === 'shutting-down');
  // Readiness already fails while the main listener still accepts new connections.
  const notReady = await probe();
  assert.equal(notReady.status, 503);
  assert.equal(notReady.body, 'shutting-down\n');
  const stillAccepted = await freshRequest();
  assert.equal(stillAccepted.errorCode, undefined, stillAccepted.errorMessage);
  assert.equal(stillAccepted.body, WORK_BODY);

  const closed = await app.waitForEvent('listeners-closed');
  assert.equal((await freshRequest()).errorCode, 'ECONNREFUSED');
  // Listener closed, drain still waiting for the slow request: probes still answered.
  const duringDrain = await probe();
  assert.equal(duringDrain.status, 503);

  const [slowOutcome, exit] = await Promise.all([slow, app.exited]);
  assert.equal(slowOutcome.body, `slow:${slowMs}`);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.equal((await probe()).errorCode, 'ECONNREFUSED');

  // The phases came in this order in the app's own output: the probe and the
  // accepted request above fell in the phases they were meant to test.
  const phases = ['readiness shutting-down', 'listeners-closed', 'slow-end', 'shutdown-end'];
  const order = app.events.map((e) => (e.event === 'readiness' ? `readiness ${String(e['state'])}` : e.event)).filter((e) => phases.includes(e));
  assert.deepEqual(order, phases);
  // In the app's own clock: the listeners closed a readiness delay after
  // readiness failed, long before the slow request ended (which they must not wait for).
  const gap = (closed['at'] as number) - (flipped['at'] as number);
  assert.ok(gap >= readinessDelay - 50 && gap < slowMs - 1_000, `listeners closed ${gap} ms after readiness failed`);
  t.diagnostic(`readiness failed ${(flipped.seenAt - sentAt).toFixed(0)} ms after SIGTERM (seen by the test); listeners closed ${gap.toFixed(0)} ms later`);
});
