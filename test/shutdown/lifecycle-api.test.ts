/**
 * The lifecycle's contract through its API, in-process: no signals
 * (`signals: []`) and no exit (`exit: false`), so the result can be inspected.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { test } from 'node:test';
import {
  BUDGET_ENV_VAR,
  createLifecycle,
  DEFAULT_DEADLINE_MS,
  resolveDeadline,
  ServerDrainer,
  type LifecycleEvent,
  type LifecycleOptions,
} from '../../src/shutdown/index.js';
import { keepAliveAgent, onceWithin, request } from './helpers.js';

function quietLifecycle(options: LifecycleOptions = {}, logs: string[] = []): ReturnType<typeof createLifecycle> {
  return createLifecycle({ signals: [], exit: false, env: {}, log: (line) => logs.push(line), ...options });
}

test('hooks run last registered first by default, or in registration order when asked', async () => {
  for (const [order, expected] of [['reverse', ['c', 'b', 'a']], ['registration', ['a', 'b', 'c']]] as const) {
    const ran: string[] = [];
    const lifecycle = quietLifecycle({ order });
    for (const name of ['a', 'b', 'c']) lifecycle.addHook(name, () => void ran.push(name));
    const result = await lifecycle.shutdown();
    assert.deepEqual(ran, expected);
    assert.deepEqual(result.steps.map((s) => [s.name, s.status]), expected.map((name) => [name, 'ok']));
    assert.equal(result.exitCode, 0);
  }
});

test('a shutdown runs once: later calls return the same result', async () => {
  let runs = 0;
  const lifecycle = quietLifecycle();
  lifecycle.addHook('count', async () => {
    runs += 1;
    await new Promise((resolve) => setTimeout(resolve, 20));
  });
  const first = lifecycle.shutdown({ message: 'first' });
  const second = lifecycle.shutdown({ message: 'second' });
  assert.equal(first, second);
  const result = await first;
  assert.equal(await lifecycle.shutdown(), result);
  assert.equal(runs, 1);
  assert.deepEqual(result.reason, { type: 'call', message: 'first' });
  assert.equal(result.forced, false);
  assert.equal(result.deadlineExceeded, false);
});

test('a hook that times out gets its AbortSignal aborted, is named, and the exit code is 1', async () => {
  const logs: string[] = [];
  const lifecycle = quietLifecycle({}, logs);
  let seen: AbortSignal | undefined;
  let remainingAtStart = -1;
  lifecycle.addHook('after', () => undefined);
  lifecycle.addHook('slow', async ({ signal, remaining }) => {
    seen = signal;
    remainingAtStart = remaining();
    await new Promise<void>((resolve) => signal.addEventListener('abort', () => resolve()));
  }, { timeout: 100 });
  const result = await lifecycle.shutdown();
  assert.equal(seen?.aborted, true);
  assert.ok(remainingAtStart > 0 && remainingAtStart <= 100, `remaining() was ${remainingAtStart}`);
  assert.deepEqual(result.steps.map((s) => [s.name, s.status]), [['slow', 'timed-out'], ['after', 'ok']]);
  assert.equal(result.exitCode, 1);
  assert.ok(logs.includes('hook "slow" timed out after 100 ms'), logs.join('\n'));
});

test('a synchronous throw is a failure like a rejection', async () => {
  const logs: string[] = [];
  const lifecycle = quietLifecycle({}, logs);
  lifecycle.addHook('sync', () => {
    throw new TypeError('sync boom');
  });
  const result = await lifecycle.shutdown();
  assert.equal(result.steps[0]?.status, 'failed');
  assert.ok(result.steps[0]?.error instanceof TypeError);
  assert.ok(logs.some((line) => line.startsWith('hook "sync" failed: TypeError: sync boom')), logs.join('\n'));
});

test('hookTimeout sets the default timeout of hooks without their own', async () => {
  const lifecycle = quietLifecycle({ hookTimeout: 50 });
  lifecycle.addHook('hangs', () => new Promise<void>(() => undefined));
  const result = await lifecycle.shutdown();
  assert.equal(result.steps[0]?.status, 'timed-out');
  // Ended by the 50 ms hook timeout, not the 8 s default deadline.
  assert.equal(result.deadlineExceeded, false, `took ${result.durationMs} ms`);
});

test('a hook added during the shutdown runs next; an unregistered hook does not run', async () => {
  const ran: string[] = [];
  const lifecycle = quietLifecycle();
  lifecycle.addHook('first registered', () => void ran.push('first registered'));
  const remove = lifecycle.addHook('removed', () => void ran.push('removed'));
  remove();
  lifecycle.addHook('registers another', () => {
    ran.push('registers another');
    lifecycle.addHook('late', () => void ran.push('late'));
  });
  await lifecycle.shutdown();
  assert.deepEqual(ran, ['registers another', 'late', 'first registered']);
});

test('an explicit exit code is kept when every step succeeds', async () => {
  const lifecycle = quietLifecycle();
  lifecycle.addHook('fine', () => undefined);
  const result = await lifecycle.shutdown({ message: 'fatal: lost the database', exitCode: 3 });
  assert.equal(result.exitCode, 3);
  assert.throws(() => quietLifecycle().shutdown({ exitCode: 256 }), RangeError);
});

test('readiness goes starting → ready → shutting-down → stopped and never back', async () => {
  const lifecycle = quietLifecycle();
  const seen: string[] = [];
  lifecycle.readiness.onChange((state, previous) => seen.push(`${previous}→${state}`));
  assert.equal(lifecycle.state, 'starting');
  assert.equal(lifecycle.ready(), true);
  assert.equal(lifecycle.ready(), false);
  let stateDuringHook: string | undefined;
  lifecycle.addHook('look', () => {
    stateDuringHook = lifecycle.state;
  });
  await lifecycle.shutdown();
  assert.equal(stateDuringHook, 'shutting-down');
  assert.equal(lifecycle.ready(), false);
  assert.deepEqual(seen, ['starting→ready', 'ready→shutting-down', 'shutting-down→stopped']);
});

test('events report the progress in order', async () => {
  const events: LifecycleEvent['type'][] = [];
  const lifecycle = quietLifecycle({ onEvent: (event) => events.push(event.type) });
  lifecycle.addHook('one', () => undefined);
  await lifecycle.shutdown();
  assert.deepEqual(events, ['shutdown-start', 'listeners-closed', 'step-start', 'step-end', 'shutdown-end']);
});

test('the deadline follows the budget usher announces, unless set explicitly', () => {
  assert.equal(resolveDeadline(undefined, {}).deadline, DEFAULT_DEADLINE_MS);
  assert.equal(DEFAULT_DEADLINE_MS, 8_000);
  const fromBudget = resolveDeadline(undefined, { [BUDGET_ENV_VAR]: '10000' });
  assert.deepEqual([fromBudget.deadline, fromBudget.source, fromBudget.budget], [9_000, 'env', 10_000]);
  assert.equal(resolveDeadline(undefined, { [BUDGET_ENV_VAR]: '30000' }).deadline, 29_000);
  assert.equal(resolveDeadline(undefined, { [BUDGET_ENV_VAR]: '2000' }).deadline, 1_600);
  const explicit = resolveDeadline(12_000, { [BUDGET_ENV_VAR]: '10000' });
  assert.equal(explicit.deadline, 12_000);
  assert.match(explicit.warning ?? '', /not shorter than the 10000 ms budget/);
  const invalid = resolveDeadline(undefined, { [BUDGET_ENV_VAR]: 'ten seconds' });
  assert.equal(invalid.deadline, DEFAULT_DEADLINE_MS);
  assert.match(invalid.warning ?? '', /ignoring USHER_SHUTDOWN_BUDGET_MS/);

  const logs: string[] = [];
  const lifecycle = createLifecycle({ signals: [], exit: false, env: { [BUDGET_ENV_VAR]: '5000' }, log: (line) => logs.push(line) });
  assert.equal(lifecycle.deadline, 4_000);
  assert.equal(lifecycle.deadlineSource, 'env');
  assert.deepEqual(logs, []);
});

test('invalid options are rejected at once', () => {
  assert.throws(() => quietLifecycle({ deadline: 0 }), RangeError);
  assert.throws(() => quietLifecycle({ readinessDelay: -1 }), RangeError);
  assert.throws(() => quietLifecycle({ hookTimeout: Number.NaN }), RangeError);
  assert.throws(() => quietLifecycle({ order: 'random' as 'reverse' }), RangeError);
  assert.throws(() => quietLifecycle().addHook('x', () => undefined, { timeout: -5 }), RangeError);
});

test('an attached server is drained as a step: the drain report counts what happened', async (t) => {
  const server = http.createServer((_req, res) => setTimeout(() => res.end('done'), 200));
  const lifecycle = quietLifecycle();
  const drainer = lifecycle.attachServer(server, { name: 'api' });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;
  const agent = keepAliveAgent(2);
  t.after(() => agent.destroy());

  const inFlight = request(http, { port, path: '/', agent });
  await new Promise<void>((resolve) => server.once('request', () => setImmediate(resolve)));
  assert.equal(drainer.inFlightCount, 1);
  assert.equal(drainer.connectionCount, 1);
  const result = await lifecycle.shutdown();
  const outcome = await inFlight;

  assert.equal(outcome.body, 'done');
  assert.equal(outcome.headers.connection, 'close');
  const step = result.steps[0];
  assert.equal(step?.name, 'api');
  assert.equal(step?.kind, 'server');
  assert.equal(step?.status, 'ok');
  assert.equal(step?.drain?.completed, true);
  assert.equal(step?.drain?.requestsFinished, 1);
  assert.equal(step?.drain?.destroyedBusy, 0);
  assert.equal(drainer.connectionCount, 0);
  assert.equal(server.listening, false);
});

test('pipelined requests are all answered; only the last response closes the connection', async (t) => {
  const server = http.createServer((req, res) => setTimeout(() => res.end(`answer to ${req.url ?? ''}`), 100));
  const drainer = new ServerDrainer(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.after(() => server.close());
  const { port } = server.address() as AddressInfo;

  let requests = 0;
  const bothArrived = new Promise<void>((resolve) => server.on('request', () => {
    requests += 1;
    if (requests === 2) setImmediate(resolve);
  }));
  const socket = net.connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  let raw = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => {
    raw += chunk;
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write('GET /one HTTP/1.1\r\nHost: x\r\n\r\nGET /two HTTP/1.1\r\nHost: x\r\n\r\n');
  await bothArrived;
  const report = await drainer.drain(5_000);
  await closed;

  const responses = raw.split('HTTP/1.1 200 OK').slice(1);
  assert.equal(responses.length, 2, raw);
  assert.match(responses[0] ?? '', /Connection: keep-alive/i);
  assert.match(responses[0] ?? '', /answer to \/one/);
  assert.match(responses[1] ?? '', /Connection: close/i);
  assert.match(responses[1] ?? '', /answer to \/two/);
  assert.equal(report.completed, true);
  assert.equal(report.requestsFinished, 2);
});

test('signal listeners: none with signals: [], and all removed after a shutdown that does not exit', async () => {
  const signals = ['SIGTERM', 'SIGINT', 'SIGHUP'] as const;
  const counts = (): number[] => signals.map((signal) => process.listenerCount(signal));
  const before = counts();

  const explicitOnly = quietLifecycle();
  let duringShutdown: number[] = [];
  explicitOnly.addHook('look', () => {
    duringShutdown = counts();
  });
  await explicitOnly.shutdown();
  assert.deepEqual(duringShutdown, before, 'signals: [] must not take over SIGTERM/SIGINT, not even to force');

  const withSignals = createLifecycle({ exit: false, env: {}, log: () => undefined });
  assert.deepEqual(counts(), before.map((count) => count + 1));
  await withSignals.shutdown();
  assert.deepEqual(counts(), before);
});

test('a shutdown during start-up: a server that starts listening afterwards is closed at once', async (t) => {
  const server = http.createServer((_req, res) => res.end('late'));
  t.after(() => server.listening && server.close());
  const lifecycle = quietLifecycle();
  lifecycle.attachServer(server);
  const result = await lifecycle.shutdown({ message: 'SIGTERM during boot' });
  assert.equal(result.exitCode, 0);
  const closed = onceWithin(server, 'close', 2_000);
  server.listen(0, '127.0.0.1');
  await closed;
  assert.equal(server.listening, false);
});
