/**
 * Draining under real traffic: a real app process, real keep-alive clients,
 * real SIGTERM.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import http2 from 'node:http2';
import https from 'node:https';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { WORK_BODY } from './fixtures/app.js';
import { TEST_CERT } from './fixtures/tls-cert.js';
import { describeFailures, KeepAliveLoad, keepAliveAgent, request, startFixture } from './helpers.js';

const CLIENTS = 8;
const DEADLINE = 5_000;

async function drainUnderLoad(t: test.TestContext, protocol: 'http' | 'https', round: number, readinessDelay = 0): Promise<KeepAliveLoad> {
  const { app, port } = await startFixture({ protocol, deadline: DEADLINE, readinessDelay });
  t.after(() => app.cleanup());
  const agent = protocol === 'http'
    ? keepAliveAgent(CLIENTS)
    : new https.Agent({ keepAlive: true, maxSockets: CLIENTS, ca: TEST_CERT });
  t.after(() => agent.destroy());
  const load = new KeepAliveLoad(protocol === 'http' ? http : https, agent, port, WORK_BODY, CLIENTS);

  // Real traffic first, then the signal lands in the middle of it.
  await load.whenServed(300);
  const servedBefore = load.served;
  load.signalSentAt = app.signal('SIGTERM');
  const exit = await app.exited;
  await load.finished();

  const shutdownMs = exit.at - load.signalSentAt;
  t.diagnostic(`${protocol} round ${round}${readinessDelay ? ` (readiness delay ${readinessDelay} ms)` : ''}: ${servedBefore} served before SIGTERM, ${load.servedAfterSignal} served after it ` +
    `(${load.connectionCloseResponses} with Connection: close), ${load.refused} refused after the listener closed, ` +
    `${load.failures.length} failed; shutdown took ${shutdownMs.toFixed(0)} ms`);

  assert.equal(load.failures.length, 0, `requests failed:\n${describeFailures(load)}`);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.equal(app.stderr, '');
  // Drained before the deadline, in the app's own account (a clock read by this
  // busy test process would measure the machine's load as well).
  assert.equal(app.events.find((e) => e.event === 'shutdown-end')?.['deadlineExceeded'], false, `shutdown took ${shutdownMs} ms`);
  // The signal arrived mid-traffic: requests in flight then were still answered...
  assert.ok(load.servedAfterSignal >= 1, 'no request was served after SIGTERM');
  // ...and each client was told to go away rather than having its socket cut.
  assert.ok(load.connectionCloseResponses >= 1, 'no response carried Connection: close');
  assert.equal(load.refused, CLIENTS, 'every client should end on a refused new connection');
  const drained = app.events.find((e) => e.event === 'step-end' && e['kind'] === 'server');
  assert.equal(drained?.['status'], 'ok');
  return load;
}

test('keep-alive HTTP clients sending continuously lose no accepted request when SIGTERM arrives', async (t) => {
  // Several rounds: each lands the signal at a different point of the traffic.
  for (let round = 1; round <= 3; round += 1) await drainUnderLoad(t, 'http', round);
});

test('with a readiness delay, traffic goes on being served during the delay, then drains without loss', async (t) => {
  const load = await drainUnderLoad(t, 'http', 1, 500);
  // Traffic went on after the signal, not just what a drain alone answers (the
  // request in flight and at most one more per client, see the rounds above):
  // a count, not a rate, so that a slow machine passes too.
  assert.ok(load.servedAfterSignal > 3 * CLIENTS, `only ${load.servedAfterSignal} requests served during the delay`);
});

test('keep-alive HTTPS clients sending continuously lose no accepted request when SIGTERM arrives', async (t) => {
  await drainUnderLoad(t, 'https', 1);
});

test('HTTP/2 streams in flight finish on SIGTERM; streams after the GOAWAY are served or refused unprocessed, never dropped', async (t) => {
  const { app, port } = await startFixture({ protocol: 'h2c', deadline: DEADLINE });
  t.after(() => app.cleanup());
  const session = http2.connect(`http://127.0.0.1:${port}`);
  session.on('error', () => undefined); // Outcomes are judged per stream below.
  t.after(() => session.destroy());

  let served = 0;
  let servedAfterSignal = 0;
  let refused = 0;
  let signalSentAt: number | undefined;
  const failures: string[] = [];
  let reached: (() => void) | undefined;
  const warmedUp = new Promise<void>((resolve) => {
    reached = resolve;
  });

  const one = (): Promise<boolean> => new Promise<boolean>((resolve) => {
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request({ ':path': '/work' });
    } catch (error) {
      // The session already knows of the GOAWAY: the stream was never sent.
      const code = (error as NodeJS.ErrnoException).code;
      if (signalSentAt !== undefined && (code === 'ERR_HTTP2_GOAWAY_SESSION' || code === 'ERR_HTTP2_INVALID_SESSION')) refused += 1;
      else failures.push(`request() threw ${String(code)}`);
      resolve(false);
      return;
    }
    let status: number | undefined;
    let body = '';
    stream.setEncoding('utf8');
    stream.on('response', (headers) => {
      status = headers[':status'];
    });
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    stream.on('error', () => undefined);
    stream.on('close', () => {
      if (status === 200 && body === WORK_BODY) {
        served += 1;
        if (signalSentAt !== undefined) servedAfterSignal += 1;
        if (served === 300) reached?.();
        resolve(true);
      } else if (signalSentAt !== undefined && stream.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM) {
        // Beyond the GOAWAY's last stream id: guaranteed unprocessed, safe to retry elsewhere.
        refused += 1;
        resolve(false);
      } else {
        failures.push(`status ${String(status)}, ${body.length} bytes, rstCode ${stream.rstCode}`);
        resolve(false);
      }
    });
  });
  const until = performance.now() + 20_000;
  const loops = Array.from({ length: CLIENTS }, async () => {
    while (performance.now() < until && await one());
  });

  await warmedUp;
  signalSentAt = app.signal('SIGTERM');
  const exit = await app.exited;
  await Promise.all(loops);
  t.diagnostic(`h2c: ${served} streams served (${servedAfterSignal} after SIGTERM), ${refused} refused, ${failures.length} failed; ` +
    `shutdown took ${(exit.at - signalSentAt).toFixed(0)} ms`);

  assert.deepEqual(failures, []);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.equal(app.events.find((e) => e.event === 'shutdown-end')?.['deadlineExceeded'], false);
  assert.ok(refused >= 1, 'streams after the GOAWAY should have been refused');
});

test('a slow request in flight at SIGTERM completes, with Connection: close', async (t) => {
  const { app, port } = await startFixture({ deadline: DEADLINE });
  t.after(() => app.cleanup());
  const agent = keepAliveAgent(1);
  t.after(() => agent.destroy());

  const slow = request(http, { port, path: '/slow?ms=1500', agent });
  await app.waitForEvent('slow-start');
  const sentAt = app.signal('SIGTERM');
  const [outcome, exit] = await Promise.all([slow, app.exited]);

  assert.equal(outcome.errorCode, undefined, outcome.errorMessage);
  assert.equal(outcome.status, 200);
  assert.equal(outcome.body, 'slow:1500');
  assert.equal(outcome.headers.connection, 'close');
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  const shutdownMs = exit.at - sentAt;
  t.diagnostic(`slow request answered ${(outcome.endedAt - sentAt).toFixed(0)} ms after SIGTERM; exit after ${shutdownMs.toFixed(0)} ms`);
  // It waited for the request (the app ended it before ending the drain), and
  // no longer than needed (the deadline did not fire).
  const order = app.events.map((e) => (e.event === 'step-end' ? `step-end ${String(e['kind'])}` : e.event));
  assert.ok(order.indexOf('slow-end') >= 0 && order.indexOf('slow-end') < order.indexOf('step-end server'), order.join(', '));
  assert.equal(app.events.find((e) => e.event === 'shutdown-end')?.['deadlineExceeded'], false);
});

test('a request longer than the drain timeout is cut at the timeout, named on stderr, exit code 1', async (t) => {
  const { app, port } = await startFixture({ deadline: DEADLINE, drainTimeout: 800 });
  t.after(() => app.cleanup());
  const slow = request(http, { port, path: '/slow?ms=20000', agent: false });
  await app.waitForEvent('slow-start');
  const sentAt = app.signal('SIGTERM');
  const [outcome, exit] = await Promise.all([slow, app.exited]);

  assert.notEqual(outcome.errorCode, undefined, 'the request should have been cut');
  assert.equal(exit.code, 1);
  assert.match(app.stderr, new RegExp(`server :${port}: drain timed out after 800 ms; destroyed 1 connection\\(s\\) with requests in flight: GET \\/slow\\?ms=20000 \\(open \\d+\\.\\d s\\)`));
  const shutdownMs = exit.at - sentAt;
  assert.ok(shutdownMs >= 750, `exited after ${shutdownMs} ms, before the drain timeout`);
  // Cut by the drain timeout, not by the overall deadline nor the 20 s request.
  assert.equal(app.events.find((e) => e.event === 'shutdown-end')?.['deadlineExceeded'], false);
});

test('an idle keep-alive connection is closed at once and does not hold the shutdown', async (t) => {
  // idleGrace 0: every idle connection counts as long idle.
  const { app, port } = await startFixture({ deadline: DEADLINE, idleGrace: 0 });
  t.after(() => app.cleanup());
  const agent = keepAliveAgent(1);
  t.after(() => agent.destroy());
  const first = await request(http, { port, path: '/work', agent });
  assert.equal(first.status, 200);
  const [socket] = Object.values(agent.freeSockets).flat();
  assert.ok(socket, 'the agent should keep the connection');
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(performance.now())));

  const sentAt = app.signal('SIGTERM');
  const [closedAt, exit] = await Promise.all([closed, app.exited]);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  // Without closing idle connections the drain would wait for its timeout
  // (3.75 s here) or Node's 5 s keep-alive timeout: the drain report says it
  // closed the connection as idle and completed before its timeout.
  t.diagnostic(`idle connection closed ${(closedAt - sentAt).toFixed(0)} ms after SIGTERM, exit after ${(exit.at - sentAt).toFixed(0)} ms`);
  const drained = app.events.find((e) => e.event === 'step-end' && e['kind'] === 'server');
  const report = drained?.['drain'] as { idleClosed: number; completed: boolean } | undefined;
  assert.equal(report?.idleClosed, 1);
  assert.equal(report?.completed, true);
  assert.equal(app.events.find((e) => e.event === 'shutdown-end')?.['deadlineExceeded'], false);
});

test('a connection that just went idle may still send its next request, which is answered with Connection: close', async (t) => {
  const { app, port } = await startFixture({ deadline: DEADLINE, idleGrace: 3_000 });
  t.after(() => app.cleanup());
  const agent = keepAliveAgent(1);
  t.after(() => agent.destroy());
  const first = await request(http, { port, path: '/work', agent });
  assert.equal(first.status, 200);
  assert.equal(first.headers.connection, 'keep-alive');

  app.signal('SIGTERM');
  await app.waitForEvent('listeners-closed');
  // The client did not know yet and reuses its idle connection: the request
  // that a naive drain would reset with ECONNRESET.
  const second = await request(http, { port, path: '/work', agent });
  assert.equal(second.reusedSocket, true);
  assert.equal(second.errorCode, undefined, second.errorMessage);
  assert.equal(second.status, 200);
  assert.equal(second.body, WORK_BODY);
  assert.equal(second.headers.connection, 'close');
  // A brand-new connection is refused: the listener is closed.
  const third = await request(http, { port, path: '/work', agent: false });
  assert.equal(third.errorCode, 'ECONNREFUSED');
  const exit: { code: number | null } = await app.exited;
  assert.equal(exit.code, 0, app.stderr);
});
