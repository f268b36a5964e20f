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
import { test, type TestContext } from 'node:test';
import { io as ioClient, type Socket as IoSocket } from 'socket.io-client';
import WebSocket from 'ws';
import { TEST_CERT } from './fixtures/tls-cert.js';
import { WORK_BODY } from './fixtures/harness.js';
import type { WebSocketFixtureConfig } from './fixtures/websocket-app.js';
import { describeFailures, KeepAliveLoad, keepAliveAgent, request, startFixture, startScript, type EventChild, type Exit, type FixtureEvent } from './helpers.js';

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

type H2Protocol = 'h2' | 'h2c';

const H2_DATA = 0x0;
const H2_HEADERS = 0x1;
const H2_RST_STREAM = 0x3;
const H2_SETTINGS = 0x4;
const H2_PING = 0x6;
const H2_GOAWAY = 0x7;
const H2_END_STREAM = 0x1;
const H2_ACK = 0x1;
const LARGEST_STREAM_ID = 0x7fffffff;
const H2_END_HEADERS = 0x4;

/** What 8 clients multiplexing 8 streams each saw across SIGTERM. */
interface MultiplexOutcome {
  readonly served: number;
  readonly servedAfterSignal: number;
  /** Requests for which a new connection was refused (the listener is closed): a real client would send them to another instance. */
  readonly notSent: number;
  /** Requests the client's HTTP/2 stack kept back because it had read the GOAWAY, then sent on a new connection. */
  readonly unsentAfterGoAway: number;
  /** Streams refused unprocessed (REFUSED_STREAM, above the last GOAWAY's stream id): retriable elsewhere, not lost. */
  readonly refused: number;
  readonly failed: string[];
  readonly exit: Exit;
  readonly shutdownMs: number;
}

/**
 * Each client works like a real one: its 8 loops share one session; once
 * that session has received GOAWAY (`request()` throws), the next requests
 * go on a new connection, which the server refuses since its listener is
 * closed: those requests were never sent, they would go to another instance.
 */
async function multiplexAcrossSigterm(t: TestContext, protocol: H2Protocol): Promise<MultiplexOutcome> {
  // The idle grace bounds the wait for the PING between the two GOAWAYs: far
  // above a round trip on a loaded machine, so that only a PING answer (or
  // the client's own GOAWAY) ends it. Not a measure of speed.
  const { app, port } = await startFixture({ protocol, deadline: 15_000, idleGrace: 10_000 });
  t.after(() => app.cleanup());
  const origin = `${protocol === 'h2' ? 'https' : 'http'}://127.0.0.1:${port}`;
  const CLIENTS = 8;
  const STREAMS_PER_CLIENT = 8;
  let served = 0;
  let servedAfterSignal = 0;
  let notSent = 0;
  let unsentAfterGoAway = 0;
  let refused = 0;
  const failed: string[] = [];
  let signalSentAt: number | undefined;
  let reached: (() => void) | undefined;
  const warmedUp = new Promise<void>((resolve) => {
    reached = resolve;
  });
  const opened: http2.ClientHttp2Session[] = [];
  // The last GOAWAY of each session: streams above its id were not processed.
  const lastProcessed = new Map<http2.ClientHttp2Session, number>();
  const connect = (): http2.ClientHttp2Session => {
    const session = http2.connect(origin, { ca: TEST_CERT });
    session.on('error', () => undefined); // Judged per stream.
    session.on('goaway', (_code, lastStreamId) => lastProcessed.set(session, lastStreamId));
    opened.push(session);
    return session;
  };
  t.after(() => {
    for (const session of opened) session.destroy();
  });
  const clients = Array.from({ length: CLIENTS }, () => ({ session: connect() }));

  /** One request; resolves whether the loop goes on. */
  const one = (client: { session: http2.ClientHttp2Session }): Promise<boolean> => new Promise<boolean>((resolve) => {
    const { session } = client;
    let stream: http2.ClientHttp2Stream;
    try {
      stream = session.request({ ':path': '/work' });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (signalSentAt !== undefined && (code === 'ERR_HTTP2_GOAWAY_SESSION' || code === 'ERR_HTTP2_INVALID_SESSION')) {
        // The session received GOAWAY: this request and the next go on a new connection.
        if (client.session === session) client.session = connect();
        resolve(true);
      } else {
        failed.push(`request() threw ${String(code)}`);
        resolve(false);
      }
      return;
    }
    let status: number | undefined;
    let body = '';
    let cause: string | undefined;
    let unsent = false;
    stream.on('frameError', (type: number) => {
      // The HEADERS never went out: the client's HTTP/2 stack read the
      // GOAWAY first and, as RFC 9113 §6.8 says, opened no more streams.
      if (type === H2_HEADERS) unsent = true;
    });
    stream.setEncoding('utf8');
    stream.on('response', (headers) => {
      status = headers[':status'];
    });
    stream.on('data', (chunk: string) => {
      body += chunk;
    });
    stream.on('error', (error: Error) => {
      cause = ((error.cause ?? {}) as NodeJS.ErrnoException).code;
    });
    stream.on('close', () => {
      if (status === 200 && body === WORK_BODY) {
        served += 1;
        if (signalSentAt !== undefined) servedAfterSignal += 1;
        if (served === 500) reached?.();
        resolve(true);
        return;
      }
      if (signalSentAt !== undefined && unsent && status === undefined) {
        // Never on the wire: this request and the next go on a new connection.
        unsentAfterGoAway += 1;
        if (client.session === session) client.session = connect();
        resolve(true);
        return;
      }
      if (signalSentAt !== undefined && stream.id === undefined && cause === 'ECONNREFUSED') notSent += 1;
      else if (stream.rstCode === http2.constants.NGHTTP2_REFUSED_STREAM && status === undefined &&
        stream.id !== undefined && stream.id > (lastProcessed.get(session) ?? Infinity)) refused += 1;
      else failed.push(`stream ${String(stream.id)}: status ${String(status)}, ${body.length} bytes, rstCode ${stream.rstCode}, cause ${String(cause)}`);
      resolve(false);
    });
  });
  const until = performance.now() + 20_000;
  const loops = clients.flatMap((client) => Array.from({ length: STREAMS_PER_CLIENT }, async () => {
    while (performance.now() < until && await one(client));
  }));

  await warmedUp;
  signalSentAt = app.signal('SIGTERM');
  const exit = await app.exited;
  await Promise.all(loops);
  const shutdownMs = exit.at - signalSentAt;
  t.diagnostic(`${protocol}: ${served} streams served (${servedAfterSignal} after SIGTERM), ${unsentAfterGoAway} kept back by the client after the GOAWAY, ` +
    `${notSent} not sent (new connection refused), ` +
    `${refused} refused unprocessed, ${failed.length} failed; shutdown took ${shutdownMs.toFixed(0)} ms`);
  assert.deepEqual(failed, []);
  assert.ok(servedAfterSignal >= 1, 'streams in flight at SIGTERM should have been served');
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.equal(app.event('shutdown-end')?.['deadlineExceeded'], false);
  assert.equal(drainOf(app)?.completed, true);
  return { served, servedAfterSignal, notSent, unsentAfterGoAway, refused, failed, exit, shutdownMs };
}

test('HTTP/2 without TLS: of 8 clients multiplexing streams across SIGTERM, every stream sent is served, none refused (two-step GOAWAY)', async (t) => {
  // Several rounds: each lands the signal at a different point of the traffic.
  for (let round = 1; round <= 3; round += 1) {
    const outcome = await multiplexAcrossSigterm(t, 'h2c');
    assert.equal(outcome.refused, 0, `round ${round}: streams sent before the client read the GOAWAY notice were refused`);
  }
});

test('HTTP/2 over TLS: of 8 clients multiplexing streams across SIGTERM, every stream is served or refused unprocessed (retriable), none is cut', async (t) => {
  // Over TLS only the final GOAWAY can be sent (docs/shutdown.md, "HTTP/2"):
  // streams on their way are refused unprocessed.
  await multiplexAcrossSigterm(t, 'h2');
});

/** An HTTP/2 frame as read off the wire. */
interface H2Frame {
  readonly type: number;
  readonly flags: number;
  readonly stream: number;
  readonly payload: Buffer;
}


function h2Frame(type: number, flags: number, stream: number, payload: Buffer = Buffer.alloc(0)): Buffer {
  const header = Buffer.alloc(9);
  header.writeUIntBE(payload.length, 0, 3);
  header[3] = type;
  header[4] = flags;
  header.writeUInt32BE(stream, 5);
  return Buffer.concat([header, payload]);
}

/**
 * GET /work, HPACK-encoded without the dynamic table: :method GET and
 * :scheme http (static table), :authority and :path (literals with an
 * indexed name).
 */
const GET_WORK_BLOCK = Buffer.concat([Buffer.from([0x82, 0x86, 0x01, 9]), Buffer.from('127.0.0.1'), Buffer.from([0x04, 5]), Buffer.from('/work')]);

/**
 * A minimal HTTP/2 client on a raw socket, to see the frames the server
 * sends and to send streams at chosen moments, as Node's client cannot.
 */
class RawH2Client {
  readonly frames: H2Frame[] = [];
  readonly closed: Promise<void>;
  readonly #socket: net.Socket;
  #buffer = Buffer.alloc(0);
  #waiters: Array<{ match: (f: H2Frame) => boolean; resolve: (f: H2Frame) => void }> = [];

  constructor(port: number, private readonly onFrame: (frame: H2Frame, client: RawH2Client) => void) {
    this.#socket = net.connect(port, '127.0.0.1');
    this.#socket.on('error', () => undefined); // Judged by the frames.
    this.#socket.write(Buffer.concat([Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'), h2Frame(H2_SETTINGS, 0, 0)]));
    this.#socket.on('data', (chunk: Buffer) => this.#read(chunk));
    this.closed = new Promise((resolve) => this.#socket.once('close', () => resolve()));
  }

  send(frame: Buffer): void {
    this.#socket.write(frame);
  }

  /** The first frame received, now or later, that matches. */
  frame(match: (f: H2Frame) => boolean): Promise<H2Frame> {
    const seen = this.frames.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve) => this.#waiters.push({ match, resolve }));
  }

  destroy(): void {
    this.#socket.destroy();
  }

  #read(chunk: Buffer): void {
    this.#buffer = Buffer.concat([this.#buffer, chunk]);
    while (this.#buffer.length >= 9) {
      const length = this.#buffer.readUIntBE(0, 3);
      if (this.#buffer.length < 9 + length) return;
      const frame: H2Frame = {
        type: this.#buffer[3] ?? -1,
        flags: this.#buffer[4] ?? 0,
        stream: this.#buffer.readUInt32BE(5) & LARGEST_STREAM_ID,
        payload: Buffer.from(this.#buffer.subarray(9, 9 + length)),
      };
      this.#buffer = this.#buffer.subarray(9 + length);
      this.frames.push(frame);
      if (frame.type === H2_SETTINGS && (frame.flags & H2_ACK) === 0) this.send(h2Frame(H2_SETTINGS, H2_ACK, 0));
      this.onFrame(frame, this);
      for (const waiter of this.#waiters.filter((w) => w.match(frame))) {
        this.#waiters.splice(this.#waiters.indexOf(waiter), 1);
        waiter.resolve(frame);
      }
    }
  }
}

function goAwayOf(frame: H2Frame): { lastStreamId: number; code: number } {
  return { lastStreamId: frame.payload.readUInt32BE(0) & LARGEST_STREAM_ID, code: frame.payload.readUInt32BE(4) };
}

test('HTTP/2 two-step GOAWAY on the wire: a stream sent before the PING ack is served; a client that never answers the PING still gets the final GOAWAY', async (t) => {
  // The busy client's stream must arrive before the idle grace ends the wait
  // for its PING answer: a grace far above a round trip on a loaded machine.
  // The silent client waits it out, once.
  const { app, port } = await startFixture({ protocol: 'h2c', deadline: 15_000, drainTimeout: 12_000, idleGrace: 3_000 });
  t.after(() => app.cleanup());
  // Answers the notice as a client whose stream was already on its way:
  // the stream first, then the PING ack.
  const busy = new RawH2Client(port, (frame, client) => {
    if (frame.type === H2_GOAWAY && goAwayOf(frame).lastStreamId === LARGEST_STREAM_ID) {
      client.send(h2Frame(H2_HEADERS, H2_END_HEADERS | H2_END_STREAM, 1, GET_WORK_BLOCK));
    }
    if (frame.type === H2_PING && (frame.flags & H2_ACK) === 0) client.send(h2Frame(H2_PING, H2_ACK, 0, frame.payload));
  });
  // Connected, idle, and deaf to the PING.
  const silent = new RawH2Client(port, () => undefined);
  t.after(() => {
    busy.destroy();
    silent.destroy();
  });
  // Both have exchanged SETTINGS with the server.
  const settingsAcked = (f: H2Frame): boolean => f.type === H2_SETTINGS && (f.flags & H2_ACK) !== 0;
  await Promise.all([busy.frame(settingsAcked), silent.frame(settingsAcked)]);

  app.signal('SIGTERM');
  const [exit] = await Promise.all([app.exited, busy.closed, silent.closed]);

  const afterSettings = (client: RawH2Client): string[] => client.frames
    .filter((f) => f.type === H2_GOAWAY || f.type === H2_PING || f.type === H2_RST_STREAM || (f.stream === 1 && (f.flags & H2_END_STREAM) !== 0))
    .map((f) => f.type === H2_GOAWAY ? `GOAWAY ${goAwayOf(f).lastStreamId} code ${goAwayOf(f).code}` :
      f.type === H2_PING ? 'PING' : f.type === H2_RST_STREAM ? `RST_STREAM ${f.stream}` : `end of stream ${f.stream}`);
  const busyFrames = afterSettings(busy);
  const silentFrames = afterSettings(silent);
  t.diagnostic(`busy client saw: ${busyFrames.join(', ')}; silent client saw: ${silentFrames.join(', ')}`);
  // The notice and the PING come first; the stream sent in between is
  // answered in full (its response and the final GOAWAY may come in either
  // order), and the final GOAWAY includes it.
  // (Node sends the final GOAWAY twice: on close() and when the session ends.)
  assert.deepEqual(busyFrames.slice(0, 2), [`GOAWAY ${LARGEST_STREAM_ID} code 0`, 'PING']);
  assert.deepEqual(new Set(busyFrames.slice(2)), new Set(['GOAWAY 1 code 0', 'end of stream 1']));
  const body = Buffer.concat(busy.frames.filter((f) => f.type === H2_DATA && f.stream === 1).map((f) => f.payload)).toString();
  assert.equal(body, WORK_BODY);
  // Without a PING ack, the final GOAWAY comes all the same (after the idle grace).
  assert.deepEqual(silentFrames.filter((f, i) => f !== silentFrames[i - 1]), [`GOAWAY ${LARGEST_STREAM_ID} code 0`, 'PING', 'GOAWAY 0 code 0']);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, app.stderr);
  assert.equal(drainOf(app)?.completed, true);
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
