/**
 * Connections that are not plain HTTP/1.1 requests, across a real SIGTERM:
 * WebSockets, socket.io on both transports, HTTP/2 with multiplexing clients,
 * server-sent events, and a server attached after it started listening.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import http from 'node:http';
import http2 from 'node:http2';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import { test } from 'node:test';
import { io as ioClient, type Socket as IoSocket } from 'socket.io-client';
import WebSocket from 'ws';
import { TEST_CERT } from './fixtures/tls-cert.js';
import { WORK_BODY } from './fixtures/harness.js';
import type { WebSocketFixtureConfig } from './fixtures/websocket-app.js';
import { describeFailures, KeepAliveLoad, keepAliveAgent, request, startFixture, startScript, type EventChild, type FixtureEvent } from './helpers.js';

const WS_CLIENTS = 20;

function serverStep(app: EventChild): FixtureEvent | undefined {
  return app.events.find((e) => e.event === 'step-end' && e['kind'] === 'server');
}

interface Drain {
  completed: boolean;
  upgradedClosed: number;
  destroyedUpgraded: number;
  streamsEnded: number;
  destroyedBusy: number;
}

function drainOf(app: EventChild): Drain | undefined {
  return serverStep(app)?.['drain'] as Drain | undefined;
}

test('WebSockets get a close frame 1001 "going away" on SIGTERM, however young, and the exit is 0', async (t) => {
  const { app, port } = await startScript('websocket-app.js');
  t.after(() => app.cleanup());
  const closes: Array<Promise<{ code: number; reason: string }>> = [];
  const clients: WebSocket[] = [];
  for (let i = 0; i < WS_CLIENTS; i += 1) {
    const client = new WebSocket(`ws://127.0.0.1:${port}/`);
    client.on('error', () => undefined); // Judged by the close code.
    clients.push(client);
    closes.push(new Promise((resolve) => client.once('close', (code, reason) => resolve({ code, reason: reason.toString() }))));
  }
  t.after(() => {
    for (const client of clients) client.terminate();
  });
  await app.waitForEvent('ws-connection', (e) => e['clients'] === WS_CLIENTS);
  // At once: every WebSocket is younger than the idle grace.
  app.signal('SIGTERM');
  const [seen, exit] = await Promise.all([Promise.all(closes), app.exited]);

  assert.deepEqual(seen, Array.from({ length: WS_CLIENTS }, () => ({ code: 1001, reason: 'going away' })));
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  const drain = drainOf(app);
  assert.equal(drain?.upgradedClosed, WS_CLIENTS);
  assert.equal(drain?.destroyedUpgraded, 0);
  assert.equal(drain?.completed, true);
  // The server side saw the clients' answer to its close frame: a closing handshake, not a cut.
  assert.equal(app.events.filter((e) => e.event === 'ws-close' && e['code'] === 1001).length, WS_CLIENTS);
});

/** Server frames (unmasked, payload < 126 bytes) from a raw byte stream. */
function serverFrames(bytes: Buffer): Array<{ opcode: number; payload: Buffer; raw: Buffer }> {
  const frames: Array<{ opcode: number; payload: Buffer; raw: Buffer }> = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const length = (bytes[at + 1] ?? 0) & 0x7f;
    assert.ok(length < 126 && ((bytes[at + 1] ?? 0) & 0x80) === 0, 'unexpected frame header from the server');
    if (at + 2 + length > bytes.length) break;
    frames.push({ opcode: (bytes[at] ?? 0) & 0x0f, payload: bytes.subarray(at + 2, at + 2 + length), raw: bytes.subarray(at, at + 2 + length) });
    at += 2 + length;
  }
  return frames;
}

test('a WebSocket that never answers the close frame is cut at the drain timeout and reported, exit 1; the close code is an option', async (t) => {
  const config: WebSocketFixtureConfig = { drainTimeout: 800, webSocketClose: { code: 4001, reason: 'bye now' } };
  const { app, port } = await startScript('websocket-app.js', { USHER_FIXTURE_CONFIG: JSON.stringify(config) });
  t.after(() => app.cleanup());
  // A client that completes the opening handshake and then ignores everything.
  const socket = net.connect(port, '127.0.0.1');
  t.after(() => socket.destroy());
  let received = Buffer.alloc(0);
  let waiting: (() => void) | undefined;
  socket.on('data', (chunk: Buffer) => {
    received = Buffer.concat([received, chunk]);
    waiting?.();
  });
  socket.on('error', () => undefined);
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const until = (condition: () => boolean, what: string): Promise<void> => new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}; got ${received.toString('latin1')}`)), 30_000);
    waiting = () => {
      if (!condition()) return;
      clearTimeout(timer);
      waiting = undefined;
      resolve();
    };
    waiting();
  });
  socket.write(`GET / HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
    `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`);
  await until(() => received.includes('\r\n\r\n'), 'the 101 answer');
  const headEnd = received.indexOf('\r\n\r\n') + 4;
  assert.match(received.subarray(0, headEnd).toString('latin1'), /^HTTP\/1\.1 101 /);
  await app.waitForEvent('ws-connection');

  app.signal('SIGTERM');
  const closeFrame = (): Buffer | undefined => serverFrames(received.subarray(headEnd)).find((f) => f.opcode === 8)?.raw;
  await until(() => closeFrame() !== undefined, 'the close frame');
  // FIN + opcode 8, unmasked, length 2 + 7, code 4001, reason: RFC 6455 §5.5.1.
  assert.deepEqual([...(closeFrame() ?? [])], [0x88, 9, 0x0f, 0xa1, ...Buffer.from('bye now')]);

  const [exit] = await Promise.all([app.exited, closed]);
  assert.equal(exit.code, 1);
  assert.match(app.stderr, /drain timed out after 800 ms; destroyed 1 upgraded connection\(s\) \(WebSocket\) whose closing handshake had not finished/);
  const drain = drainOf(app);
  assert.equal(drain?.destroyedUpgraded, 1);
  assert.equal(drain?.upgradedClosed, 0);
  assert.equal(serverStep(app)?.['status'], 'timed-out');
});

test('socket.io on both transports: with io.engine.close() in a hook, pending long polls are answered and the drain completes', async (t) => {
  const { app, port } = await startScript('socketio-app.js');
  t.after(() => app.cleanup());
  const clients: IoSocket[] = [];
  const disconnects: Array<Promise<string>> = [];
  for (const transport of ['polling', 'websocket', 'polling', 'websocket', 'polling', 'websocket']) {
    const client = ioClient(`http://127.0.0.1:${port}`, { transports: [transport], reconnection: false, forceNew: true });
    clients.push(client);
    disconnects.push(new Promise((resolve) => client.once('disconnect', (reason) => resolve(`${transport}: ${reason}`))));
  }
  t.after(() => {
    for (const client of clients) client.close();
  });
  // Each client is connected and has made a round trip (a long poll is pending for the polling ones).
  await Promise.all(clients.map((client) => new Promise<void>((resolve, reject) => {
    const ask = (): void => void client.timeout(30_000).emit('ping-me', (error: Error | null, reply: string) => (error ? reject(error) : reply === 'pong' ? resolve() : reject(new Error(reply))));
    if (client.connected) ask();
    else client.once('connect', ask);
  })));
  assert.equal(app.events.filter((e) => e.event === 'io-connection').length, clients.length);

  app.signal('SIGTERM');
  const [reasons, exit] = await Promise.all([Promise.all(disconnects), app.exited]);
  t.diagnostic(`disconnect reasons: ${reasons.join(', ')}`);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.equal(app.event('shutdown-end')?.['deadlineExceeded'], false);
  assert.equal(drainOf(app)?.completed, true);
  assert.equal(drainOf(app)?.destroyedBusy, 0);
});

test('HTTP/2 over TLS: of 8 clients multiplexing streams across SIGTERM, every stream is served or refused unprocessed (retriable), none is cut', async (t) => {
  const { app, port } = await startFixture({ protocol: 'h2', deadline: 5_000 });
  t.after(() => app.cleanup());
  const SESSIONS = 8;
  const STREAMS_PER_SESSION = 8;
  let served = 0;
  let servedAfterSignal = 0;
  let notSent = 0;
  let signalSentAt: number | undefined;
  let reached: (() => void) | undefined;
  const warmedUp = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const sessions = Array.from({ length: SESSIONS }, () => {
    const session = http2.connect(`https://127.0.0.1:${port}`, { ca: TEST_CERT });
    session.on('error', () => undefined); // Judged per stream.
    return session;
  });
  // The last GOAWAY of each session: streams above its id were not processed.
  const lastProcessed = new Map<http2.ClientHttp2Session, number>();
  for (const session of sessions) session.on('goaway', (_code, lastStreamId) => lastProcessed.set(session, lastStreamId));
  t.after(() => {
    for (const session of sessions) session.destroy();
  });
  const ended: Array<{ session: http2.ClientHttp2Session; id: number | undefined; status: number | undefined; bytes: number; rstCode: number }> = [];

  const one = (session: http2.ClientHttp2Session): Promise<boolean> => new Promise<boolean>((resolve) => {
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request({ ':path': '/work' });
    } catch (error) {
      // The client knows of the GOAWAY: the stream was never sent, it would go to another server.
      const code = (error as NodeJS.ErrnoException).code;
      if (signalSentAt !== undefined && (code === 'ERR_HTTP2_GOAWAY_SESSION' || code === 'ERR_HTTP2_INVALID_SESSION')) notSent += 1;
      else ended.push({ session, id: undefined, status: undefined, bytes: 0, rstCode: -1 });
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
        if (served === 500) reached?.();
        resolve(true);
      } else {
        ended.push({ session, id: stream.id, status, bytes: body.length, rstCode: stream.rstCode });
        resolve(false);
      }
    });
  });
  const until = performance.now() + 20_000;
  const loops = sessions.flatMap((session) => Array.from({ length: STREAMS_PER_SESSION }, async () => {
    while (performance.now() < until && await one(session));
  }));

  await warmedUp;
  signalSentAt = app.signal('SIGTERM');
  const exit = await app.exited;
  await Promise.all(loops);
  const refused = ended.filter((e) => e.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM && e.status === undefined &&
    e.id !== undefined && e.id > (lastProcessed.get(e.session) ?? Infinity));
  const failed = ended.filter((e) => !refused.includes(e)).map((e) => `stream ${String(e.id)}: status ${String(e.status)}, ${e.bytes} bytes, rstCode ${e.rstCode}`);
  t.diagnostic(`h2: ${served} streams served (${servedAfterSignal} after SIGTERM), ${notSent} not sent after the GOAWAY, ` +
    `${refused.length} refused unprocessed, ${failed.length} failed; shutdown took ${(exit.at - signalSentAt).toFixed(0)} ms`);
  assert.deepEqual(failed, []);
  assert.ok(servedAfterSignal >= 1, 'streams in flight at SIGTERM should have been served');
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.equal(app.event('shutdown-end')?.['deadlineExceeded'], false);
});

test('a server-sent event stream is ended when the drain begins, cleanly, instead of holding the shutdown', async (t) => {
  const { app, port } = await startFixture({ deadline: 5_000 });
  t.after(() => app.cleanup());
  const outcome = new Promise<{ status: number | undefined; body: string; error: string | undefined }>((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/events', agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => resolve({ status: res.statusCode, body, error: undefined }));
      res.on('error', (error) => resolve({ status: res.statusCode, body, error: error.message }));
      res.on('aborted', () => resolve({ status: res.statusCode, body, error: 'aborted' }));
    });
    req.on('error', (error) => resolve({ status: undefined, body: '', error: error.message }));
  });
  await app.waitForEvent('events-start');
  app.signal('SIGTERM');
  const [seen, exit] = await Promise.all([outcome, app.exited]);

  assert.equal(seen.error, undefined, 'the stream should end, not be cut');
  assert.equal(seen.status, 200);
  assert.ok(seen.body.startsWith('data: hello\n\n'), seen.body);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  const drain = drainOf(app);
  assert.equal(drain?.streamsEnded, 1);
  assert.equal(drain?.completed, true);
  assert.equal(app.event('shutdown-end')?.['deadlineExceeded'], false);
});

test('a server attached after it started listening: connections and a request in flight from before are drained too', async (t) => {
  const { app, port } = await startFixture({ deadline: 5_000, attach: 'request' });
  t.after(() => app.cleanup());
  const clients = 16;
  const agent = keepAliveAgent(clients);
  const slowAgent = keepAliveAgent(1);
  t.after(() => {
    agent.destroy();
    slowAgent.destroy();
  });
  const load = new KeepAliveLoad(http, agent, port, WORK_BODY, clients);
  await load.whenServed(300);
  const slow = request(http, { port, path: '/slow?ms=1500', agent: slowAgent });
  await app.waitForEvent('slow-start');
  // Attached now, with every connection already open and the slow request in flight.
  const attached = await request(http, { port, path: '/attach', agent: false });
  assert.equal(attached.body, 'attached');
  load.signalSentAt = app.signal('SIGTERM');
  const [exit, slowOutcome] = await Promise.all([app.exited, slow]);
  await load.finished();

  assert.equal(load.failures.length, 0, `requests failed:\n${describeFailures(load)}`);
  assert.equal(slowOutcome.errorCode, undefined, slowOutcome.errorMessage);
  assert.equal(slowOutcome.body, 'slow:1500');
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.equal(app.event('shutdown-end')?.['deadlineExceeded'], false);
});
