// The health server (/live, /ready) on its own, against a small in-test
// SupervisorControl (fake-control.ts). test/supervisor/health.test.ts checks
// the same endpoints served by `usher run` with real services.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import { connect, createServer, type Socket } from 'node:net';
import { CONNECTION_DEADLINE_MS, MAX_CONNECTIONS, listenOnFirst, startHealthServer } from '../../src/supervisor/health-server.js';
import { eventually } from '../helpers/eventually.js';
import { FakeControl } from './fake-control.js';
import { promtoolProblems, sampleValue } from './prometheus.js';

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
        { name: 'worker', state: 'failed' },
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

test('HEAD works like GET without a body; other paths are 404, other methods 405 with Allow', async () => {
  const control = FakeControl.sample();
  control.readyOverride = true;
  await withHealth(control, async (port) => {
    const head = await request(port, '/ready', { method: 'HEAD' });
    assert.deepEqual([head.status, head.body], [200, '']);
    assert.equal((await request(port, '/ready?verbose=1')).status, 200, 'a query string does not change the path');
    for (const path of ['/', '/readyz', '/live/']) assert.equal((await request(port, path)).status, 404, path);
    for (const [method, path] of [
      ['POST', '/ready'],
      ['DELETE', '/live'],
      ['PUT', '/elsewhere'],
      ['OPTIONS', '/ready'],
    ] as const) {
      const r = await request(port, path, { method });
      assert.equal(r.status, 405, `${method} ${path}`);
      assert.equal(r.headers.allow, 'GET, HEAD', `${method} ${path}`);
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

test('/ready tells names and states only: a reason (which can quote a probe command and its secrets) never leaves the machine', async () => {
  const control = FakeControl.sample();
  const web = control.services.find((s) => s.name === 'web');
  assert.ok(web);
  web.reason = 'not ready within 1m (exec /bin/sh -c redis-cli -a s3cr3t-from-env ping)';
  await withHealth(control, async (port) => {
    const reply = await request(port, '/ready');
    assert.equal(reply.status, 503);
    assert.doesNotMatch(reply.body, /s3cr3t|redis-cli|exec|gave up/);
    for (const entry of JSON.parse(reply.body).not_ready) assert.deepEqual(Object.keys(entry), ['name', 'state']);
  });
});

test('/metrics is Prometheus text format 0.0.4 that promtool accepts, with each service\'s state, restarts and last exit', async () => {
  const control = FakeControl.sample();
  control.stateSince.set('db', Date.now() - 192_000);
  await withHealth(control, async (port) => {
    const reply = await request(port, '/metrics');
    assert.equal(reply.status, 200);
    assert.equal(reply.headers['content-type'], 'text/plain; version=0.0.4; charset=utf-8');
    assert.equal(await promtoolProblems(reply.body), '', reply.body);
    const value = (name: string, labels = '') => sampleValue(reply.body, name, labels);
    assert.equal(value('usher_service_up', 'service="db"'), 1);
    assert.equal(value('usher_service_up', 'service="worker"'), 0);
    assert.equal(value('usher_service_ready', 'service="db"'), 1);
    assert.equal(value('usher_service_ready', 'service="web"'), 0, 'starting: not ready yet');
    assert.equal(value('usher_service_ready', 'service="worker"'), 0, 'failed');
    assert.equal(value('usher_service_state', 'service="worker",state="failed"'), 1);
    assert.equal(value('usher_service_state', 'service="worker",state="running"'), 0);
    assert.equal(value('usher_service_restarts_total', 'service="web"'), 2);
    assert.equal(value('usher_service_last_exit_code', 'service="web"'), 1);
    assert.equal(value('usher_service_last_exit_code', 'service="worker"'), 137, 'killed by SIGKILL: 128 + 9');
    assert.equal(value('usher_service_last_exit_code', 'service="db"'), undefined, 'never exited: no sample');
    const inState = value('usher_service_state_duration_seconds', 'service="db"');
    assert.ok(inState !== undefined && inState >= 192 && inState < 192 + 600, String(inState));
    assert.equal(value('usher_shutting_down'), 0);
    assert.equal(value('usher_shutdown_duration_seconds'), 0, 'before the shutdown');
    assert.equal(value('usher_killed_processes_total'), 0);

    const started = Date.now() - 2_500;
    control.shutdown = { startedAt: started, endedAt: started + 1_250, killed: 2 };
    const after = await request(port, '/metrics');
    assert.equal(await promtoolProblems(after.body), '', after.body);
    assert.equal(sampleValue(after.body, 'usher_shutting_down'), 1);
    assert.equal(sampleValue(after.body, 'usher_shutdown_duration_seconds'), 1.25);
    assert.equal(sampleValue(after.body, 'usher_killed_processes_total'), 2);

    const head = await request(port, '/metrics', { method: 'HEAD' });
    assert.deepEqual([head.status, head.body, head.headers['content-type']], [200, '', 'text/plain; version=0.0.4; charset=utf-8']);
  });
});

test('/metrics: label values are escaped (a quote, a backslash, a newline), and no reason or command appears', async () => {
  const control = FakeControl.sample();
  const web = control.services.find((s) => s.name === 'web');
  assert.ok(web);
  web.name = 'we"b\\\nx';
  web.reason = 'exec /bin/sh -c redis-cli -a s3cr3t-from-env ping';
  await withHealth(control, async (port) => {
    const reply = await request(port, '/metrics');
    assert.equal(await promtoolProblems(reply.body), '', reply.body);
    assert.equal(sampleValue(reply.body, 'usher_service_restarts_total', 'service="we\\"b\\\\\\nx"'), 2, reply.body);
    assert.doesNotMatch(reply.body, /s3cr3t|redis-cli/);
  });
});

/** A raw connection, its 'close' awaited with a bound that fails clearly; what it received is kept. */
function rawClient(port: number): { socket: Socket; received: () => string; closed: (boundMs: number, what: string) => Promise<void> } {
  const socket = connect(port, '127.0.0.1');
  let received = '';
  let isClosed = false;
  socket.setEncoding('utf8').on('data', (d: string) => (received += d));
  socket.on('error', () => undefined);
  const close = new Promise<void>((resolve) =>
    socket.once('close', () => {
      isClosed = true;
      resolve();
    }),
  );
  return {
    socket,
    received: () => received,
    closed: async (boundMs, what) => {
      let timer: NodeJS.Timeout | undefined;
      const bound = new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`${what}: the server still held the connection after ${boundMs} ms`)), boundMs);
      });
      try {
        await Promise.race([close, bound]);
      } finally {
        clearTimeout(timer);
        if (!isClosed) socket.destroy();
      }
    },
  };
}

test('a slow client (slowloris: headers trickled a byte at a time) is cut at the connection deadline', async () => {
  const control = FakeControl.sample();
  await withHealth(control, async (port) => {
    const client = rawClient(port);
    await new Promise((resolve) => client.socket.once('connect', resolve));
    client.socket.write('GET /live HTTP/1.1\r\nHost: x\r\n');
    // One header byte every 200 ms: never idle, never done.
    const trickle = setInterval(() => client.socket.writable && client.socket.write('X'), 200);
    try {
      // The deadline is CONNECTION_DEADLINE_MS; six times that is generous on a busy machine,
      // and still far below the ~80 s node's defaults held such a client.
      await client.closed(CONNECTION_DEADLINE_MS * 6, 'slowloris');
    } finally {
      clearInterval(trickle);
    }
    assert.equal(client.received(), '', 'nothing is answered to a request that never ended');
  });
});

test(`at most ${MAX_CONNECTIONS} connections at once: the next one is closed unanswered, and once they are gone requests are served again`, async () => {
  const control = FakeControl.sample();
  await withHealth(control, async (port) => {
    const holders = Array.from({ length: MAX_CONNECTIONS }, () => rawClient(port));
    await Promise.all(holders.map((h) => new Promise((resolve) => h.socket.once('connect', resolve))));
    // A request on each holder would be answered; they send half a request line and wait.
    for (const h of holders) h.socket.write('GET /li');
    const extra = rawClient(port);
    extra.socket.on('connect', () => extra.socket.write('GET /live HTTP/1.1\r\nHost: x\r\n\r\n'));
    await extra.closed(CONNECTION_DEADLINE_MS * 6, `connection ${MAX_CONNECTIONS + 1}`);
    assert.equal(extra.received(), '', `connection ${MAX_CONNECTIONS + 1} was answered`);
    for (const h of holders) h.socket.destroy();
    await Promise.all(holders.map((h) => h.closed(CONNECTION_DEADLINE_MS * 6, 'holder')));
    await eventually(async () => (await request(port, '/live')).status === 200, { timeoutMs: 20_000, what: 'a request answered 200 after the holders closed' });
  });
});

test('a request whose headers exceed 4 KiB is refused (431), not read on', async () => {
  const control = FakeControl.sample();
  await withHealth(control, async (port) => {
    const reply = await new Promise<number>((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, path: '/live', agent: false, headers: { 'x-padding': 'p'.repeat(8192) } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    assert.equal(reply, 431);
  });
});

test('the default address :: answers on IPv4 and IPv6 alike', async () => {
  const control = FakeControl.sample();
  const server = await startHealthServer(control, { port: 0, host: '::' });
  try {
    assert.equal(server.host, '::');
    for (const host of ['127.0.0.1', '::1']) {
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.get({ host, port: server.port, path: '/live', agent: false }, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.on('error', reject);
      });
      assert.equal(status, 200, host);
    }
  } finally {
    await server.close();
  }
});

test('listenOnFirst: an address the machine does not have (as :: on a kernel without IPv6) falls through to the next; a port in use does not', async () => {
  const server = createServer();
  try {
    // 192.0.2.1 (TEST-NET-1) is on no interface: bind() fails with EADDRNOTAVAIL, as :: does with EAFNOSUPPORT without IPv6.
    assert.equal(await listenOnFirst(server, 0, ['192.0.2.1', '127.0.0.1']), '127.0.0.1');
    const port = (server.address() as { port: number }).port;
    const second = createServer();
    await assert.rejects(listenOnFirst(second, port, ['127.0.0.1', '127.0.0.2']), { code: 'EADDRINUSE' });
  } finally {
    server.close();
  }
});
