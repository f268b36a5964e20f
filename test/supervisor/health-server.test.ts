// The health server (/live, /ready) on its own, against a small in-test
// SupervisorControl (fake-control.ts). test/supervisor/health.test.ts checks
// the same endpoints served by `usher run` with real services.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect } from 'node:net';
import { startHealthServer } from '../../src/supervisor/health-server.js';
import { FakeControl } from './fake-control.js';

interface Reply {
  status: number;
  body: string;
  headers: http.IncomingHttpHeaders;
}

function request(port: number, path: string, options: { method?: string; agent?: http.Agent } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: options.method ?? 'GET', agent: options.agent ?? false }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (d: string) => (body += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body, headers: res.headers }));
    });
    req.on('error', reject);
    req.end();
  });
}

async function withHealth(control: FakeControl, fn: (port: number) => Promise<void>): Promise<void> {
  const server = await startHealthServer(control, { port: 0, host: '127.0.0.1' });
  try {
    await fn(server.port);
  } finally {
    await server.close();
  }
}

test('/live answers 200 while usher is live and 503 once it is shutting down', async () => {
  const control = FakeControl.sample();
  await withHealth(control, async (port) => {
    const live = await request(port, '/live');
    assert.equal(live.status, 200);
    assert.deepEqual(JSON.parse(live.body), { live: true });
    control.live = false;
    const dying = await request(port, '/live');
    assert.equal(dying.status, 503);
    assert.deepEqual(JSON.parse(dying.body), { live: false, reason: 'shutting down' });
  });
});

test('/ready is 503 naming each service that is not ready or failed, then 200 once the supervisor is ready', async () => {
  const control = FakeControl.sample();
  await withHealth(control, async (port) => {
    const notReady = await request(port, '/ready');
    assert.equal(notReady.status, 503);
    assert.equal(notReady.headers['content-type'], 'application/json');
    assert.deepEqual(JSON.parse(notReady.body), {
      ready: false,
      not_ready: [
        { name: 'web', state: 'starting' },
        { name: 'worker', state: 'failed', reason: 'gave up after 5 restarts' },
      ],
    });
    control.readyOverride = true;
    const ready = await request(port, '/ready');
    assert.equal(ready.status, 200);
    assert.deepEqual(JSON.parse(ready.body), { ready: true });
    control.readyOverride = false;
    control.live = false;
    assert.equal(JSON.parse((await request(port, '/ready')).body).shutting_down, true);
  });
});

test('HEAD works like GET without a body; other paths and methods are 404', async () => {
  const control = FakeControl.sample();
  control.readyOverride = true;
  await withHealth(control, async (port) => {
    const head = await request(port, '/ready', { method: 'HEAD' });
    assert.deepEqual([head.status, head.body], [200, '']);
    assert.equal((await request(port, '/ready?verbose=1')).status, 200, 'a query string does not change the path');
    for (const [method, path] of [
      ['GET', '/'],
      ['GET', '/readyz'],
      ['GET', '/live/'],
      ['POST', '/ready'],
      ['DELETE', '/live'],
    ] as const) {
      const r = await request(port, path, { method });
      assert.equal(r.status, 404, `${method} ${path}`);
    }
  });
});

test('close() does not wait for a keep-alive client: every response says Connection: close, and the port is released', async () => {
  const control = FakeControl.sample();
  const server = await startHealthServer(control, { port: 0, host: '127.0.0.1' });
  const agent = new http.Agent({ keepAlive: true, keepAliveMsecs: 60_000 });
  const r = await request(server.port, '/live', { agent });
  assert.equal(r.headers.connection, 'close');
  // A raw client that never sends anything: close() must not wait for it either.
  const idle = connect(server.port, '127.0.0.1');
  await new Promise((resolve) => idle.once('connect', resolve));
  const idleClosed = new Promise((resolve) => idle.once('close', resolve));
  idle.on('error', () => undefined);
  await server.close();
  await idleClosed;
  agent.destroy();
  await assert.rejects(request(server.port, '/live'), { code: 'ECONNREFUSED' });
});

test('a port already in use is a clear error naming the address and the key to change', async () => {
  const control = FakeControl.sample();
  const first = await startHealthServer(control, { port: 0, host: '127.0.0.1' });
  try {
    await assert.rejects(startHealthServer(control, { port: first.port, host: '127.0.0.1' }), {
      name: 'HealthServerError',
      message: `the health server cannot listen on 127.0.0.1:${first.port}: the port is already in use; change health.port in the config`,
    });
  } finally {
    await first.close();
  }
});
