// The health endpoint served by the real `usher run` (PID 1 of a PID
// namespace): /ready follows the services' ready checks, /live turns 503 as
// soon as usher is shutting down, and the port is released when it exits.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { join } from 'node:path';
import { eventually } from '../helpers/eventually.js';
import { FIXTURES, startPid1 } from '../helpers/pid1.js';
import { freePort, NODE, SUP_FIXTURES, withFiles } from './helpers.js';
import { promtoolProblems, sampleValue } from './prometheus.js';

const T = { timeout: 90_000 };
const PROBE = `${FIXTURES}signal-probe.mjs`;
const LISTEN = `${SUP_FIXTURES}listen-later.mjs`;

interface Reply {
  status: number;
  body: string;
}

function get(port: number, path: string): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.get({ host: '127.0.0.1', port, path, agent: false, timeout: 5_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
  });
}

/** Polls (bounded) until GET answers with `status`; connection errors count as not yet. */
async function waitForStatus(port: number, path: string, status: number, timeoutMs = 20_000): Promise<Reply> {
  const deadline = Date.now() + timeoutMs;
  let last: Reply | Error | undefined;
  for (let delay = 10; Date.now() < deadline; delay = Math.min(delay * 2, 200)) {
    try {
      last = await get(port, path);
      if (last.status === status) return last;
    } catch (err) {
      last = err as Error;
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(`GET ${path} never answered ${status}; last: ${last instanceof Error ? last.message : JSON.stringify(last)}`);
}

test('/ready is 503 naming the service still starting, 200 once it is ready; /live is 200; anything else 404', T, async () => {
  const health = freePort();
  const port = freePort();
  const dir = withFiles({
    'usher.yaml': `health: { port: ${health}, host: 127.0.0.1 }
services:
  db:
    command: ["${NODE}", "${LISTEN}", "${port}", "4000"]
    ready: { tcp: ${port}, interval: 100ms, timeout: 60s }
  app:
    command: ["${NODE}", "${PROBE}"]
`,
  });
  const ns = startPid1(['run', '-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: join(dir, 'control.sock') } });
  const starting = await waitForStatus(health, '/ready', 503);
  assert.deepEqual(JSON.parse(starting.body), { ready: false, not_ready: [{ name: 'db', state: 'starting' }] });
  assert.equal((await get(health, '/live')).status, 200);
  assert.equal((await get(health, '/')).status, 404);
  // db listens after 4 s; usher's tcp check then passes.
  const ready = await waitForStatus(health, '/ready', 200);
  assert.deepEqual(JSON.parse(ready.body), { ready: true });
  assert.ok(ns.stderr.all.some((l) => /db: ready after \d+ ms/.test(l)), ns.stderr.text);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  await assert.rejects(get(health, '/live'), { code: 'ECONNREFUSED' }, 'the port is released when usher exits');
});

test('/live and /ready turn 503 while usher is shutting down', T, async () => {
  const health = freePort();
  const dir = withFiles({
    'usher.yaml': `health: { port: ${health}, host: 127.0.0.1 }
services:
  slow:
    command: ["${NODE}", "${PROBE}", "--ignore", "SIGTERM"]
    stop_timeout: 4s
`,
  });
  const ns = startPid1(['run', '-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: join(dir, 'control.sock') } });
  await ns.stdout.waitFor(/^slow +\| ready \d+$/);
  await waitForStatus(health, '/live', 200);
  assert.equal((await get(health, '/ready')).status, 200);
  ns.signal('SIGTERM');
  // The service ignores SIGTERM and holds the shutdown for its 4 s stop_timeout.
  await ns.stdout.waitFor(/^slow +\| ignored SIGTERM \d+$/);
  const dying = await waitForStatus(health, '/live', 503);
  assert.deepEqual(JSON.parse(dying.body), { live: false, reason: 'shutting down' });
  const notReady = await get(health, '/ready');
  assert.equal(notReady.status, 503);
  assert.equal(JSON.parse(notReady.body).shutting_down, true);
  const exit = await ns.exited;
  assert.notEqual(exit.code, null);
});

test('health.port already in use: exit 2, the port and what to change on stderr, nothing started', T, async () => {
  const taken = net.createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  const port = (taken.address() as net.AddressInfo).port;
  try {
    const dir = withFiles({
      'usher.yaml': `health: { port: ${port}, host: 127.0.0.1 }
services:
  app:
    command: ["sh", "-c", "touch ${'${MARK}'}; exec sleep 1000"]
`,
    });
    const mark = join(dir, 'started');
    const ns = startPid1(['run', '-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: join(dir, 'control.sock'), MARK: mark } });
    const exit = await ns.exited;
    assert.equal(exit.code, 2, ns.stderr.text);
    assert.ok(
      ns.stderr.all.some((l) => l.includes(`the health server cannot listen on 127.0.0.1:${port}: the port is already in use; change health.port`) && l.endsWith('nothing started')),
      ns.stderr.text,
    );
    assert.equal(existsSync(mark), false, 'the service was started');
    assert.equal(existsSync(join(dir, 'control.sock')), false, 'the control socket was left behind');
  } finally {
    taken.close();
  }
});

test('/ready names a failed service and its state, never the reason: a probe command with a secret from the environment stays in usher\'s log', T, async () => {
  const health = freePort();
  const dir = withFiles({
    'usher.yaml': `health: { port: ${health}, host: 127.0.0.1 }
services:
  cache:
    command: ["${NODE}", "${PROBE}"]
    ready: { exec: "redis-cli -a \${REDIS_PASSWORD} ping", interval: 100ms, timeout: 1s }
  app:
    command: ["${NODE}", "${PROBE}"]
`,
  });
  const ns = startPid1(['run', '-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: join(dir, 'control.sock'), REDIS_PASSWORD: 's3cr3t-from-env' } });
  await ns.stderr.waitFor(/cache: not ready within 1s \(exec .*s3cr3t-from-env/);
  const reply = await eventually(
    async () => {
      const r = await get(health, '/ready');
      return r.body.includes('"failed"') && r;
    },
    { what: '/ready naming cache as failed', timeoutMs: 20_000 },
  );
  assert.equal(reply.status, 503);
  assert.deepEqual(JSON.parse(reply.body), { ready: false, not_ready: [{ name: 'cache', state: 'failed' }] });
  assert.doesNotMatch(reply.body, /s3cr3t|redis-cli/);
  ns.signal('SIGTERM');
  await ns.exited;
});

test('a log: ready probe costs PID 1 nothing a service prints can stall: JavaScript\'s catastrophic pattern, adversarial lines before and after ready', T, async () => {
  const health = freePort();
  const dir = withFiles({
    // The line that makes /listening|(a+)+$/ backtrack for hours in JavaScript,
    // printed before the ready line and then every 20 ms for the service's life.
    'noisy.mjs': `const bad = 'a'.repeat(40) + '!';
console.log(bad);
console.log('server listening');
setInterval(() => console.log(bad), 20);
`,
    'usher.yaml': `health: { port: ${health}, host: 127.0.0.1 }
services:
  noisy:
    command: ["${NODE}", "noisy.mjs"]
    cwd: .
    ready: { log: "listening|(a+)+$" }
`,
  });
  const ns = startPid1(['run', '-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: join(dir, 'control.sock') } });
  const ready = await waitForStatus(health, '/ready', 200);
  assert.deepEqual(JSON.parse(ready.body), { ready: true });
  // Fifty more of those lines relayed, and usher still answers at once.
  const bad = /^noisy +\| a{40}!$/;
  const seen = ns.stdout.all.filter((l) => bad.test(l)).length;
  await ns.stdout.waitForCount(bad, seen + 50);
  assert.equal((await get(health, '/live')).status, 200);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

/** GET /metrics until `holds` accepts what it says (each answer checked by promtool first). */
async function metricsWhen(port: number, what: string, holds: (value: (name: string, labels?: string) => number | undefined) => boolean): Promise<string> {
  return eventually(
    async () => {
      const reply = await get(port, '/metrics');
      assert.equal(reply.status, 200);
      assert.equal(await promtoolProblems(reply.body), '', reply.body);
      return holds((name, labels) => sampleValue(reply.body, name, labels)) && reply.body;
    },
    { what: `/metrics showing ${what}`, timeoutMs: 30_000 },
  );
}

test('/metrics from usher run: restarts rise after a restart, up is 0 once a service failed, and the shutdown shows its kills', T, async () => {
  const health = freePort();
  const dir = withFiles({
    'usher.yaml': `health: { port: ${health}, host: 127.0.0.1 }
grace: 60s
services:
  app:
    command: ["${NODE}", "${PROBE}"]
    restart: on-failure
    backoff: { initial: 100ms, max: 100ms }
  flaky:
    command: "exit 3"
    restart: on-failure
    max_restarts: 2
    backoff: { initial: 100ms, max: 100ms }
  stubborn:
    command: ["${NODE}", "${PROBE}", "--ignore", "SIGTERM"]
    stop_timeout: 1s
  holder:
    command: ["${NODE}", "${PROBE}", "--ignore", "SIGTERM"]
    stop_timeout: 50s
`,
  });
  const ns = startPid1(['run', '-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: join(dir, 'control.sock') } });
  const readyLine = await ns.stdout.waitFor(/^app +\| ready \d+$/);
  await metricsWhen(health, 'app up, never restarted', (v) =>
    v('usher_service_up', 'service="app"') === 1 && v('usher_service_restarts_total', 'service="app"') === 0);

  process.kill(ns.hostPid(Number(readyLine.split(' ').pop())), 'SIGKILL');
  await metricsWhen(health, 'app restarted once after its SIGKILL, up again', (v) =>
    v('usher_service_restarts_total', 'service="app"') === 1 &&
    v('usher_service_last_exit_code', 'service="app"') === 137 &&
    v('usher_service_up', 'service="app"') === 1);

  const failed = await metricsWhen(health, 'flaky failed for good after 2 restarts', (v) =>
    v('usher_service_state', 'service="flaky",state="failed"') === 1);
  assert.equal(sampleValue(failed, 'usher_service_up', 'service="flaky"'), 0);
  assert.equal(sampleValue(failed, 'usher_service_ready', 'service="flaky"'), 0);
  assert.equal(sampleValue(failed, 'usher_service_restarts_total', 'service="flaky"'), 2);
  assert.equal(sampleValue(failed, 'usher_service_last_exit_code', 'service="flaky"'), 3);
  assert.equal(sampleValue(failed, 'usher_shutting_down'), 0);
  assert.equal(sampleValue(failed, 'usher_shutdown_duration_seconds'), 0);

  ns.signal('SIGTERM');
  // stubborn is killed at its 1 s stop_timeout; holder keeps the shutdown (and the health port) going.
  await ns.stderr.waitFor(/stubborn: killed pid \d+/);
  const stopping = await metricsWhen(health, 'one process killed during the shutdown', (v) => v('usher_killed_processes_total') === 1);
  assert.equal(sampleValue(stopping, 'usher_shutting_down'), 1);
  const took = sampleValue(stopping, 'usher_shutdown_duration_seconds');
  assert.ok(took !== undefined && took >= 1, `the shutdown has lasted at least stubborn's 1 s stop_timeout: ${took}`);
  assert.equal(sampleValue(stopping, 'usher_service_up', 'service="holder"'), 1);
  assert.equal(sampleValue(stopping, 'usher_service_state', 'service="holder",state="stopping"'), 1);
  ns.destroy();
  await ns.exited;
});
