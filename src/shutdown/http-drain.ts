/**
 * Draining HTTP servers: stop accepting, let accepted requests finish, close
 * connections without racing the clients that reuse them.
 *
 * @packageDocumentation
 */
import fs from 'node:fs';
import http from 'node:http';
import type https from 'node:https';
import type http2 from 'node:http2';
import net from 'node:net';
import { performance } from 'node:perf_hooks';
import tls from 'node:tls';

/** Servers a {@link ServerDrainer} knows how to drain. */
export type DrainableServer = http.Server | https.Server | http2.Http2Server | http2.Http2SecureServer;

/**
 * Default {@link ServerDrainerOptions.idleGrace}: how long a keep-alive
 * connection must have been idle before draining closes it.
 */
export const DEFAULT_IDLE_GRACE_MS = 1_000;

/** `http2.constants.NGHTTP2_NO_ERROR`, without loading the http2 module for HTTP/1 apps. */
const NGHTTP2_NO_ERROR = 0;

/**
 * The first GOAWAY of RFC 9113 §6.8, a notice that refuses nothing: a 9-byte
 * frame header (length 8, type 0x7, no flags, stream 0), then last stream id
 * 2^31-1 and error code NO_ERROR.
 */
const GOAWAY_NOTICE = Buffer.from([0, 0, 8, 0x7, 0, 0, 0, 0, 0, 0x7f, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
/** How often a notice that cannot be written yet is tried again. */
const NOTICE_RETRY_MS = 5;

/** Options of {@link ServerDrainer}. */
export interface ServerDrainerOptions {
  /**
   * Milliseconds a keep-alive connection must have been idle before draining
   * closes it. Default {@link DEFAULT_IDLE_GRACE_MS}.
   *
   * HTTP/1.1 has no way to tell a client "do not reuse this idle connection"
   * other than closing it, and a client may have written its next request on
   * it at that very moment: that request is then lost with ECONNRESET. The
   * danger is highest for a connection that has just finished a response
   * (a busy client is about to send the next one) or has just been opened.
   * Connections idle for longer than this are closed at once; younger ones
   * get the rest of the grace for their next request, which is answered with
   * `Connection: close`, and are closed when the grace runs out.
   *
   * For an HTTP/2 session without TLS (h2c), also the longest wait between
   * the notice GOAWAY and the final one (see {@link ServerDrainer}); with 0,
   * the final GOAWAY is sent at once.
   */
  readonly idleGrace?: number;
  /**
   * The close frame sent to each WebSocket when the drain begins. Default
   * {@link DEFAULT_WEBSOCKET_CLOSE}: 1001 "going away", which tells browsers
   * and WebSocket libraries to reconnect (elsewhere: the listener is closed).
   */
  readonly webSocketClose?: WebSocketClose;
  /**
   * Which open responses are streams that never end on their own, to be ended
   * (`res.end()`) when the drain begins rather than waited for. Called for each
   * response in flight whose headers have been sent. Default
   * {@link isEventStream}: server-sent events, whose clients reconnect by
   * themselves when the stream ends.
   */
  readonly isEndlessStream?: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
}

/** A WebSocket close frame: status code and reason. */
export interface WebSocketClose {
  /** 1000, 1001, 1011-1014 or 3000-4999. Default 1001 (going away). */
  readonly code?: number;
  /** At most 123 bytes of UTF-8. Default `going away`. */
  readonly reason?: string;
}

/** The default {@link ServerDrainerOptions.webSocketClose}. */
export const DEFAULT_WEBSOCKET_CLOSE: Required<WebSocketClose> = Object.freeze({ code: 1001, reason: 'going away' });

/**
 * The default {@link ServerDrainerOptions.isEndlessStream}: a response sent as
 * `Content-Type: text/event-stream`, or, when the type cannot be read back,
 * the answer to a request that accepts only that (as `EventSource` sends).
 */
export function isEventStream(req: http.IncomingMessage, res: http.ServerResponse): boolean {
  const type = res.getHeader('content-type') ?? sentHeader(res, 'content-type');
  if (typeof type === 'string') return /^\s*text\/event-stream\b/i.test(type);
  return /^\s*text\/event-stream\s*$/i.test(req.headers.accept ?? '');
}

/** Node keeps the head it sent here; not public API, read when present. */
interface ResponseWithHead {
  _header?: unknown;
}

/**
 * A header of a response whose head is sent: `writeHead(status, headers)`
 * sends headers that `getHeader()` does not know.
 */
function sentHeader(res: http.ServerResponse, name: string): string | undefined {
  const head = (res as ResponseWithHead)._header;
  if (typeof head !== 'string') return undefined;
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0 && line.slice(0, colon).trim().toLowerCase() === name) return line.slice(colon + 1).trim();
  }
  return undefined;
}

/** What a drain did. */
export interface DrainReport {
  /** Milliseconds from the start of the drain to its end. */
  readonly durationMs: number;
  /** False when the timeout hit and the remaining connections were destroyed. */
  readonly completed: boolean;
  /** Requests (HTTP/1 responses and HTTP/2 streams) that finished while draining. */
  readonly requestsFinished: number;
  /** Idle keep-alive connections closed by the drain. */
  readonly idleClosed: number;
  /** Connections destroyed at the timeout while they still had a request in flight: dropped requests. */
  readonly destroyedBusy: number;
  /** Connections destroyed at the timeout without a request in flight. */
  readonly destroyedIdle: number;
  /** The requests in flight on the connections destroyed at the timeout, e.g. `GET /poll (open 6.0 s)`; at most 10. */
  readonly destroyedRequests: readonly string[];
  /** Endless streams (server-sent events) ended by the drain; see {@link ServerDrainerOptions.isEndlessStream}. */
  readonly streamsEnded: number;
  /** Upgraded connections (WebSockets) that closed during the drain, after their close frame. */
  readonly upgradedClosed: number;
  /** Upgraded connections destroyed at the timeout: WebSockets whose closing handshake did not finish, other protocols. */
  readonly destroyedUpgraded: number;
}

interface Http1Connection {
  readonly socket: net.Socket;
  /** Responses not yet closed, oldest first (several only with pipelining). */
  readonly responses: http.ServerResponse[];
  idleSince: number;
  idleTimer: NodeJS.Timeout | undefined;
}

interface Http2Connection {
  openStreams: number;
  /** The drain has begun closing the session. */
  goingAway: boolean;
  /** Retries of a notice GOAWAY that could not be written yet. */
  noticeRetry: NodeJS.Timeout | undefined;
  /** Sends the final GOAWAY if the PING after the notice has not returned by then. */
  finalTimer: NodeJS.Timeout | undefined;
}

/** Node's libuv stream handle (`socket._handle`); not public API, so only used when it looks like this. */
interface StreamHandle {
  fd?: unknown;
  writeQueueSize?: unknown;
}

/** A connection handed over to another protocol by an HTTP upgrade. */
interface UpgradedConnection {
  readonly socket: net.Socket;
  readonly webSocket: boolean;
  /** The protocol on top has written its answer to the upgrade (`101 Switching Protocols`). */
  answered: boolean;
  /** The drain wants to send the close frame, as soon as the answer is out. */
  closeWanted: boolean;
  closeSent: boolean;
}

/** Node's TLS socket keeps the TCP socket it wraps here; not public API, so only used when present. */
interface TlsSocketWithParent extends tls.TLSSocket {
  _parent?: unknown;
}

/** Node's socket of an HTTP/1 connection keeps the response being written here; not public API. */
interface SocketWithMessage extends net.Socket {
  _httpMessage?: unknown;
}

/** Node's list of an HTTP/1 server's connections (the parsers, each with its socket); not public API. */
interface ConnectionsList {
  all(): Array<{ socket?: unknown }>;
}

/** At most this many cut requests are named in a report. */
const MAX_NAMED_REQUESTS = 10;
/** The longest URL shown when naming a cut request. */
const MAX_URL_LENGTH = 100;

/** WebSocket close codes an endpoint may send (RFC 6455 §7.4, IANA registry). */
function isSendableCloseCode(code: number): boolean {
  return Number.isInteger(code) && ((code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999));
}

/**
 * A server's close frame (RFC 6455 §5.5.1): FIN + opcode 8, unmasked, the
 * status code in two bytes, then the reason.
 */
function closeFrame(close: WebSocketClose = {}): Buffer {
  const code = close.code ?? DEFAULT_WEBSOCKET_CLOSE.code;
  const reason = Buffer.from(close.reason ?? DEFAULT_WEBSOCKET_CLOSE.reason, 'utf8');
  if (!isSendableCloseCode(code)) {
    throw new RangeError(`webSocketClose.code must be 1000-1003, 1007-1014 or 3000-4999, got ${String(code)}`);
  }
  if (reason.length > 123) throw new RangeError(`webSocketClose.reason must be at most 123 bytes of UTF-8, got ${reason.length}`);
  const frame = Buffer.alloc(4 + reason.length);
  frame[0] = 0x88;
  frame[1] = 2 + reason.length;
  frame.writeUInt16BE(code, 2);
  reason.copy(frame, 4);
  return frame;
}

function isSwitchingProtocols(chunk: unknown): boolean {
  const head = typeof chunk === 'string' ? chunk.slice(0, 16) : Buffer.isBuffer(chunk) ? chunk.subarray(0, 16).toString('latin1') : '';
  return /^HTTP\/1\.[01] 101 /.test(head);
}

function connectionsOf(server: DrainableServer): ConnectionsList | undefined {
  const key = Object.getOwnPropertySymbols(server).find((symbol) => symbol.description === 'http.server.connections');
  const list = key === undefined ? undefined : (server as unknown as Record<symbol, unknown>)[key];
  return typeof (list as ConnectionsList | undefined)?.all === 'function' ? list as ConnectionsList : undefined;
}

/**
 * The descriptor and libuv handle of a session's socket, when the session
 * runs over plain TCP (or a unix socket) and Node's internals look as
 * expected: the socket is kept under the symbol `socket` on the session
 * (`session.socket` is a proxy that refuses writes), its `_handle` has `fd`
 * and `writeQueueSize`. Undefined for TLS, where the bytes cannot be written
 * outside Node's own writes (see `#sendNotice`).
 */
function plainSocketOf(session: http2.Http2Session): { fd: number; handle: StreamHandle } | undefined {
  const key = Object.getOwnPropertySymbols(session).find((symbol) => symbol.description === 'socket');
  const socket = key === undefined ? undefined : (session as unknown as Record<symbol, unknown>)[key];
  if (!(socket instanceof net.Socket) || socket instanceof tls.TLSSocket || socket.destroyed) return undefined;
  const handle = (socket as net.Socket & { _handle?: StreamHandle | null })._handle;
  if (!handle || typeof handle.fd !== 'number' || handle.fd < 0 || typeof handle.writeQueueSize !== 'number') return undefined;
  return { fd: handle.fd, handle };
}

function describeRequest(res: http.ServerResponse, now: number, since: number): string {
  const req = res.req as http.IncomingMessage | undefined;
  let url = req?.url ?? '?';
  if (url.length > MAX_URL_LENGTH) url = `${url.slice(0, MAX_URL_LENGTH)}...`;
  return `${req?.method ?? '?'} ${url} (open ${((now - since) / 1000).toFixed(1)} s)`;
}

/**
 * Tracks the connections and in-flight requests of one server, and drains
 * the server on demand.
 *
 * Best created before the server listens, or in the same tick as `listen()`
 * (`app.listen()` of Express or Koa). Created later, it adopts the HTTP/1
 * connections Node lists for the server, with the response each is writing;
 * an HTTP/2 session opened before is only noticed with its next stream, and
 * a connection upgraded before is not noticed at all.
 *
 * What {@link ServerDrainer.drain} does, in order:
 * 1. Stops accepting connections (the listening socket is closed).
 * 2. HTTP/1: each response not yet started gets `Connection: close`, so the
 *    client will not reuse the connection; the connection is closed when the
 *    response finishes. Idle keep-alive connections are closed, at once when
 *    idle for longer than {@link ServerDrainerOptions.idleGrace}, otherwise when
 *    that grace runs out (a request arriving meanwhile is served with
 *    `Connection: close`). Endless streams (server-sent events) are ended.
 * 3. WebSockets get a close frame (1001 going away); each closes when its
 *    closing handshake completes.
 * 4. HTTP/2: every session is closed with GOAWAY; open streams finish.
 *    Without TLS (h2c), the two-step GOAWAY of RFC 9113 §6.8: a notice that
 *    refuses nothing and a PING, then the final GOAWAY with the last stream
 *    processed once the PING returns (or after the idle grace), so that
 *    streams already on their way are served. Over TLS, only the final
 *    GOAWAY: streams the client sent before it read it are refused
 *    unprocessed (REFUSED_STREAM), safe to retry (see `#sendNotice`).
 * 5. At the timeout, whatever is left is destroyed and reported.
 *
 * It uses `net.Server.prototype.close` rather than `http.Server#close`, which
 * on Node 19+ also closes every idle connection on the spot: exactly the race
 * with reusing clients described at {@link ServerDrainerOptions.idleGrace}.
 */
export class ServerDrainer {
  readonly #server: DrainableServer;
  readonly #idleGrace: number;
  readonly #closeFrame: Buffer;
  readonly #isEndlessStream: (req: http.IncomingMessage, res: http.ServerResponse) => boolean;
  readonly #http1 = new Map<net.Socket, Http1Connection>();
  readonly #http2 = new Map<http2.Http2Session, Http2Connection>();
  readonly #upgraded = new Map<net.Socket, UpgradedConnection>();
  /** When each response in flight began, to name the ones cut at the timeout. */
  readonly #startedAt = new WeakMap<http.ServerResponse, number>();
  /** TLS connections still in their handshake, with the time they were accepted. */
  readonly #handshaking = new Map<net.Socket, number>();
  readonly #handshakeTimers = new Map<net.Socket, NodeJS.Timeout>();
  /** Responses to which the drain added `Connection: close`, with the value it replaced. */
  readonly #markedClose = new WeakMap<http.ServerResponse, http.OutgoingHttpHeader | undefined>();
  readonly #detach: Array<() => void> = [];

  #listenerClosed = false;
  #draining = false;
  #drainStartedAt = 0;
  #drain: Promise<DrainReport> | undefined;
  #finishDrain: ((report: DrainReport) => void) | undefined;
  #drainTimer: NodeJS.Timeout | undefined;
  #requestsFinished = 0;
  #idleClosed = 0;
  #streamsEnded = 0;
  #upgradedClosed = 0;

  /**
   * @param server - an `http`, `https` or `http2` server, ideally not yet listening
   * @param options - see {@link ServerDrainerOptions}
   */
  constructor(server: DrainableServer, options: ServerDrainerOptions = {}) {
    const idleGrace = options.idleGrace ?? DEFAULT_IDLE_GRACE_MS;
    if (!(Number.isFinite(idleGrace) && idleGrace >= 0)) {
      throw new RangeError(`idleGrace must be a non-negative number of milliseconds, got ${String(idleGrace)}`);
    }
    this.#server = server;
    this.#idleGrace = idleGrace;
    this.#closeFrame = closeFrame(options.webSocketClose);
    this.#isEndlessStream = options.isEndlessStream ?? isEventStream;
    // Prepended so that a response is marked before the app's handler can
    // send its headers, and a connection is tracked before its first request.
    if (server instanceof tls.Server) {
      this.#listen('connection', (socket: net.Socket) => this.#onTcpConnection(socket));
      this.#listen('secureConnection', (socket: tls.TLSSocket) => this.#onSecureConnection(socket));
    } else if (server instanceof http.Server) {
      // A plain HTTP/2 server's sockets belong to sessions, tracked through 'session'.
      this.#listen('connection', (socket: net.Socket) => this.#trackHttp1(socket));
    }
    this.#listen('request', (req: http.IncomingMessage, res: http.ServerResponse) => this.#onRequest(req, res));
    this.#listen('session', (session: http2.Http2Session) => this.#onSession(session));
    this.#listen('stream', (stream: http2.ServerHttp2Stream) => this.#onStream(stream));
    this.#watchUpgrades();
    this.#adoptConnections();
  }

  /** True once {@link ServerDrainer.drain} has been called. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Open connections the drainer knows of (HTTP/1 sockets, HTTP/2 sessions, upgraded connections). */
  get connectionCount(): number {
    return this.#http1.size + this.#http2.size + this.#upgraded.size;
  }

  /** Requests in flight (HTTP/1 responses not yet finished plus open HTTP/2 streams). */
  get inFlightCount(): number {
    let count = 0;
    for (const connection of this.#http1.values()) count += connection.responses.length;
    for (const connection of this.#http2.values()) count += connection.openStreams;
    return count;
  }

  /** Upgraded connections (WebSockets) open. */
  get upgradedCount(): number {
    return this.#upgraded.size;
  }

  /**
   * Closes the listening socket: new connections are refused from now on,
   * existing ones are untouched. Idempotent; {@link ServerDrainer.drain} calls it.
   */
  stopAccepting(): void {
    if (this.#listenerClosed) return;
    this.#listenerClosed = true;
    const close = (): void => void net.Server.prototype.close.call(this.#server);
    if (this.#server.listening) close();
    // A shutdown during start-up: a listen() still in progress (e.g. resolving
    // a host name) must not open the doors after they were meant to close.
    else this.#server.once('listening', close);
  }

  /**
   * Drains the server (see the class description). Idempotent: later calls
   * return the same promise, whatever their timeout.
   *
   * @param timeout - milliseconds after which remaining connections are destroyed
   * @returns a report, once no connection is left
   */
  drain(timeout: number): Promise<DrainReport> {
    if (this.#drain) return this.#drain;
    if (!(Number.isFinite(timeout) && timeout >= 0)) {
      throw new RangeError(`timeout must be a non-negative number of milliseconds, got ${String(timeout)}`);
    }
    this.#draining = true;
    this.#drainStartedAt = performance.now();
    this.#drain = new Promise<DrainReport>((resolve) => {
      this.#finishDrain = resolve;
    });
    this.stopAccepting();
    for (const connection of this.#http1.values()) {
      this.#endEndlessStreams(connection);
      if (connection.responses.length > 0) this.#askToCloseAfterLastResponse(connection);
      else this.#closeWhenIdleLongEnough(connection);
    }
    for (const upgraded of this.#upgraded.values()) this.#closeUpgraded(upgraded);
    for (const session of this.#http2.keys()) this.#goAway(session);
    for (const socket of this.#handshaking.keys()) this.#waitForHandshake(socket);
    this.#drainTimer = setTimeout(() => this.#destroyRemaining(), timeout);
    this.#finishIfEmpty();
    return this.#drain;
  }

  /**
   * Destroys every connection at once, drain or not: for a forced exit or a
   * missed deadline. A pending drain resolves with `completed: false`.
   */
  destroyAll(): void {
    if (!this.#draining) {
      this.#draining = true;
      this.#drainStartedAt = performance.now();
      this.stopAccepting();
    }
    this.#destroyRemaining();
  }

  /** Removes the drainer's listeners from the server; a drain in progress goes on. */
  dispose(): void {
    for (const detach of this.#detach.splice(0)) detach();
  }

  #listen<A extends unknown[]>(event: string, listener: (...args: A) => void): void {
    const untyped = listener as (...args: unknown[]) => void;
    this.#server.prependListener(event, untyped);
    this.#detach.push(() => this.#server.off(event, untyped));
  }

  /**
   * Listens to 'upgrade' only while the app does: Node answers an upgrade
   * request itself when nobody listens, and a listener of ours alone would
   * leave it unanswered. Ours comes first, to see the socket before the
   * WebSocket library writes its answer.
   */
  #watchUpgrades(): void {
    const server = this.#server;
    const onUpgrade = (req: http.IncomingMessage, socket: net.Socket): void => this.#onUpgrade(req, socket);
    let listening = false;
    const onNewListener = (event: string | symbol, listener: unknown): void => {
      if (event !== 'upgrade' || listener === onUpgrade || listening) return;
      listening = true;
      server.prependListener('upgrade', onUpgrade);
    };
    const onRemoveListener = (event: string | symbol): void => {
      if (event !== 'upgrade' || !listening || server.listeners('upgrade').some((l) => l !== onUpgrade)) return;
      listening = false;
      server.off('upgrade', onUpgrade);
    };
    server.on('newListener', onNewListener);
    server.on('removeListener', onRemoveListener);
    if (server.listenerCount('upgrade') > 0) onNewListener('upgrade', undefined);
    this.#detach.push(() => {
      server.off('newListener', onNewListener);
      server.off('removeListener', onRemoveListener);
      if (listening) server.off('upgrade', onUpgrade);
    });
  }

  /** Connections accepted before the drainer existed, from Node's own list (HTTP/1 only). */
  #adoptConnections(): void {
    for (const { socket } of connectionsOf(this.#server)?.all() ?? []) {
      if (!(socket instanceof net.Socket) || socket.destroyed) continue;
      const connection = this.#trackHttp1(socket);
      const res = (socket as SocketWithMessage)._httpMessage;
      if (res instanceof http.ServerResponse && !res.writableEnded && !connection.responses.includes(res)) {
        this.#trackResponse(connection, res);
      }
    }
  }

  #trackHttp1(socket: net.Socket): Http1Connection {
    let connection = this.#http1.get(socket);
    if (connection) return connection;
    connection = { socket, responses: [], idleSince: performance.now(), idleTimer: undefined };
    this.#http1.set(socket, connection);
    socket.once('close', () => {
      const tracked = this.#http1.get(socket);
      if (tracked?.idleTimer) clearTimeout(tracked.idleTimer);
      if (tracked === connection) this.#http1.delete(socket);
      this.#finishIfEmpty();
    });
    // A connection accepted during the drain (from the kernel's backlog, or
    // finishing its TLS handshake) is about to send a request: same grace.
    if (this.#draining) this.#closeWhenIdleLongEnough(connection);
    return connection;
  }

  #onTcpConnection(socket: net.Socket): void {
    this.#handshaking.set(socket, performance.now());
    socket.once('close', () => this.#handshakeOver(socket));
    if (this.#draining) this.#waitForHandshake(socket);
  }

  #onSecureConnection(socket: tls.TLSSocket): void {
    const parent = (socket as TlsSocketWithParent)._parent;
    if (parent instanceof net.Socket) this.#handshakeOver(parent);
    // 'h2' sockets belong to an HTTP/2 session, tracked through 'session'.
    if (socket.alpnProtocol !== 'h2') this.#trackHttp1(socket);
  }

  /**
   * A handshake in progress holds the drain for at most the idle grace: the
   * connection is almost certainly about to carry a request. It is not
   * destroyed when the grace runs out, merely no longer waited for.
   */
  #waitForHandshake(socket: net.Socket): void {
    if (this.#handshakeTimers.has(socket)) return;
    const acceptedAt = this.#handshaking.get(socket) ?? performance.now();
    const wait = Math.max(0, acceptedAt + this.#idleGrace - performance.now());
    this.#handshakeTimers.set(socket, setTimeout(() => this.#handshakeOver(socket), wait));
  }

  #handshakeOver(socket: net.Socket): void {
    const timer = this.#handshakeTimers.get(socket);
    if (timer) clearTimeout(timer);
    this.#handshakeTimers.delete(socket);
    if (this.#handshaking.delete(socket)) this.#finishIfEmpty();
  }

  #onRequest(req: http.IncomingMessage, res: http.ServerResponse): void {
    // HTTP/2 compatibility requests are covered by their session and stream.
    if (req.httpVersionMajor >= 2) return;
    this.#trackResponse(this.#trackHttp1(req.socket), res);
  }

  #trackResponse(connection: Http1Connection, res: http.ServerResponse): void {
    if (connection.idleTimer) {
      clearTimeout(connection.idleTimer);
      connection.idleTimer = undefined;
    }
    connection.responses.push(res);
    this.#startedAt.set(res, performance.now());
    if (this.#draining) this.#askToCloseAfterLastResponse(connection);
    res.once('close', () => this.#onResponseClosed(connection, res));
  }

  #onResponseClosed(connection: Http1Connection, res: http.ServerResponse): void {
    const index = connection.responses.indexOf(res);
    if (index >= 0) connection.responses.splice(index, 1);
    if (!this.#draining) {
      if (connection.responses.length === 0) connection.idleSince = performance.now();
      return;
    }
    if (res.writableFinished) this.#requestsFinished += 1;
    if (connection.responses.length > 0) return;
    connection.idleSince = performance.now();
    const { socket } = connection;
    // Node ends the socket itself after a `Connection: close` response.
    if (socket.destroyed || socket.writableEnded) return;
    // The response went out advertising keep-alive (its headers were sent
    // before the drain began, or the app overrode the header): the client may
    // reuse the connection, so it is treated like one that just went idle.
    this.#closeWhenIdleLongEnough(connection);
  }

  /**
   * Ends the responses that would never end by themselves (server-sent
   * events): their clients reconnect, to another instance since the
   * listener is closed. The connection is then idle and closed as such.
   */
  #endEndlessStreams(connection: Http1Connection): void {
    for (const res of [...connection.responses]) {
      if (!res.headersSent || res.writableEnded) continue;
      let endless = false;
      try {
        endless = this.#isEndlessStream(res.req, res);
      } catch {
        // A broken predicate must not stop the drain: the response is waited for.
      }
      if (!endless) continue;
      this.#streamsEnded += 1;
      res.end();
    }
  }

  /**
   * Marks the newest response still to be written with `Connection: close`.
   * Only the newest: with pipelining, an older response closing the
   * connection would drop the requests queued behind it.
   */
  #askToCloseAfterLastResponse(connection: Http1Connection): void {
    const newest = connection.responses.at(-1);
    for (const res of connection.responses) {
      if (res === newest || res.headersSent || !this.#markedClose.has(res)) continue;
      const replaced = this.#markedClose.get(res);
      if (replaced === undefined) res.removeHeader('connection');
      else res.setHeader('connection', replaced);
      this.#markedClose.delete(res);
    }
    if (!newest || newest.headersSent || this.#markedClose.has(newest)) return;
    this.#markedClose.set(newest, newest.getHeader('connection'));
    newest.setHeader('connection', 'close');
  }

  #closeWhenIdleLongEnough(connection: Http1Connection): void {
    if (connection.idleTimer) clearTimeout(connection.idleTimer);
    connection.idleTimer = undefined;
    if (connection.responses.length > 0) return;
    const wait = connection.idleSince + this.#idleGrace - performance.now();
    if (wait <= 0) {
      this.#closeIdle(connection);
      return;
    }
    connection.idleTimer = setTimeout(() => {
      connection.idleTimer = undefined;
      this.#closeIdle(connection);
    }, wait);
  }

  #closeIdle(connection: Http1Connection): void {
    if (connection.responses.length > 0 || connection.socket.destroyed) return;
    // Handed over to another protocol meanwhile: closed as such.
    if (this.#upgraded.has(connection.socket)) return;
    this.#idleClosed += 1;
    connection.socket.destroy();
  }

  /**
   * The socket now speaks another protocol: no longer an HTTP/1 connection
   * that may be closed when idle, but one to close with that protocol's own
   * handshake (WebSocket) or to leave to the app until the timeout.
   */
  #onUpgrade(req: http.IncomingMessage, socket: net.Socket): void {
    const connection = this.#http1.get(socket);
    if (connection?.idleTimer) clearTimeout(connection.idleTimer);
    this.#http1.delete(socket);
    if (this.#upgraded.has(socket) || socket.destroyed) return;
    const upgraded: UpgradedConnection = {
      socket,
      webSocket: (req.headers.upgrade ?? '').trim().toLowerCase() === 'websocket',
      answered: false,
      closeWanted: false,
      closeSent: false,
    };
    this.#upgraded.set(socket, upgraded);
    this.#watchAnswer(upgraded);
    socket.once('close', () => {
      if (this.#upgraded.get(socket) !== upgraded) return;
      this.#upgraded.delete(socket);
      if (this.#draining) this.#upgradedClosed += 1;
      this.#finishIfEmpty();
    });
    if (this.#draining) this.#closeUpgraded(upgraded);
  }

  /**
   * Notices the protocol's first write, its answer to the upgrade: a close
   * frame must not go out before a `101 Switching Protocols` (a WebSocket
   * library may check the request asynchronously), nor after a refusal.
   * The socket's own `write` is back in place after that one call.
   */
  #watchAnswer(upgraded: UpgradedConnection): void {
    const { socket } = upgraded;
    const hadOwnWrite = Object.prototype.hasOwnProperty.call(socket, 'write');
    const write = socket.write;
    const drainer = this;
    const watching = function (this: net.Socket, ...args: unknown[]): boolean {
      if (hadOwnWrite) socket.write = write;
      else delete (socket as Partial<net.Socket>).write;
      const result = (write as (...a: unknown[]) => boolean).apply(this, args);
      upgraded.answered = isSwitchingProtocols(args[0]);
      // The drain began before the answer: the close frame follows it at once.
      if (upgraded.answered && upgraded.closeWanted) drainer.#sendCloseFrame(upgraded);
      return result;
    };
    socket.write = watching as net.Socket['write'];
  }

  #closeUpgraded(upgraded: UpgradedConnection): void {
    if (!upgraded.webSocket) return; // Another protocol: the app's to close, or cut at the timeout.
    upgraded.closeWanted = true;
    if (upgraded.answered) this.#sendCloseFrame(upgraded);
  }

  #sendCloseFrame(upgraded: UpgradedConnection): void {
    const { socket } = upgraded;
    if (upgraded.closeSent || socket.destroyed || socket.writableEnded) return;
    upgraded.closeSent = true;
    // Written whole, between the protocol's own frames (each written in one
    // go): the client answers with its close frame, the WebSocket library
    // replies and closes the connection.
    socket.write(this.#closeFrame);
  }

  #onSession(session: http2.Http2Session): void {
    if (this.#http2.has(session)) return;
    const connection: Http2Connection = { openStreams: 0, goingAway: false, noticeRetry: undefined, finalTimer: undefined };
    this.#http2.set(session, connection);
    session.once('close', () => {
      this.#stopGoAwayTimers(connection);
      this.#http2.delete(session);
      this.#finishIfEmpty();
    });
    if (this.#draining) this.#goAway(session);
  }

  #onStream(stream: http2.ServerHttp2Stream): void {
    const { session } = stream;
    if (!session) return;
    this.#onSession(session);
    const connection = this.#http2.get(session);
    if (!connection) return;
    connection.openStreams += 1;
    stream.once('close', () => {
      connection.openStreams -= 1;
      if (this.#draining && stream.rstCode === NGHTTP2_NO_ERROR) this.#requestsFinished += 1;
    });
  }

  /**
   * Closes the session in two steps where Node allows it (RFC 9113 §6.8):
   * a GOAWAY notice refusing nothing, then a PING, and once the PING returns
   * (so every stream the client sent before it read the notice has arrived
   * and been accepted) the final GOAWAY with the last stream processed
   * (`close()`): open streams finish and the session ends by itself. A
   * client that never answers the PING gets the final GOAWAY after the idle
   * grace. Node's own client answers the notice with a GOAWAY of its own,
   * on which Node closes the session at once: the same final GOAWAY, after
   * the same round trip.
   *
   * Only the final GOAWAY, at once, over TLS, with an idle grace of 0, or
   * when Node's internals are not as expected (another Node version): then
   * streams the client sent before it read the GOAWAY are refused unprocessed
   * (REFUSED_STREAM), safe to retry elsewhere.
   */
  #goAway(session: http2.Http2Session): void {
    const connection = this.#http2.get(session);
    if (!connection || connection.goingAway || session.closed || session.destroyed) return;
    connection.goingAway = true;
    if (this.#idleGrace === 0 || !plainSocketOf(session)) {
      this.#finalGoAway(session, connection);
      return;
    }
    connection.finalTimer = setTimeout(() => this.#finalGoAway(session, connection), this.#idleGrace);
    this.#sendNotice(session, connection);
  }

  /**
   * Writes the notice straight onto the socket's descriptor, then PINGs
   * through Node.
   *
   * Node sends GOAWAY only through `nghttp2_submit_goaway`, after which
   * nghttp2 ignores every new stream whatever the last stream id announced
   * (its notice, `nghttp2_submit_shutdown_notice`, is not exposed), so the
   * notice must bypass nghttp2. Not through the socket's `write()` either:
   * the session's native object listens to that stream, and the completion
   * of a write it did not make aborts the process (`Assertion failed:
   * is_write_in_progress()` in node_http2.cc): always over TLS, where every
   * write completes asynchronously (tried on Node 20.20), over TCP whenever
   * the kernel does not take the bytes at once. A `write(2)` on the
   * descriptor involves no completion at all. It lands between two frames:
   * Node hands nghttp2's output to libuv one whole batch of frames at a time,
   * and libuv's queue for the socket is empty (whatever it accepted is in
   * the kernel); otherwise, or while the client has not yet acknowledged the
   * server's SETTINGS (the connection preface must come first), it is tried
   * again shortly, until the idle grace runs out. Over TLS the bytes would
   * have to be encrypted in the TLS session Node holds natively, out of
   * reach: only the final GOAWAY is sent.
   */
  #sendNotice(session: http2.Http2Session, connection: Http2Connection): void {
    connection.noticeRetry = undefined;
    if (session.closed || session.destroyed) return;
    const socket = plainSocketOf(session);
    if (!socket) {
      this.#finalGoAway(session, connection);
      return;
    }
    if (session.pendingSettingsAck || socket.handle.writeQueueSize !== 0) {
      connection.noticeRetry = setTimeout(() => this.#sendNotice(session, connection), NOTICE_RETRY_MS);
      return;
    }
    let written: number;
    try {
      written = fs.writeSync(socket.fd, GOAWAY_NOTICE);
    } catch {
      // EAGAIN (the kernel's buffer is full) or a dying socket: tried again.
      connection.noticeRetry = setTimeout(() => this.#sendNotice(session, connection), NOTICE_RETRY_MS);
      return;
    }
    if (written !== GOAWAY_NOTICE.length) {
      // Half a frame on the wire: the connection can no longer be trusted.
      session.destroy();
      return;
    }
    // Answered or cancelled (the session ends, too many PINGs pending), the
    // PING ends the wait; the timer bounds it.
    session.ping(() => this.#finalGoAway(session, connection));
  }

  #finalGoAway(session: http2.Http2Session, connection: Http2Connection): void {
    this.#stopGoAwayTimers(connection);
    if (!session.closed && !session.destroyed) session.close();
  }

  #stopGoAwayTimers(connection: Http2Connection): void {
    if (connection.noticeRetry) clearTimeout(connection.noticeRetry);
    if (connection.finalTimer) clearTimeout(connection.finalTimer);
    connection.noticeRetry = undefined;
    connection.finalTimer = undefined;
  }

  #finishIfEmpty(): void {
    if (!this.#draining || !this.#finishDrain) return;
    if (this.#http1.size > 0 || this.#http2.size > 0 || this.#upgraded.size > 0 || this.#handshaking.size > 0) return;
    this.#resolve({ busy: 0, idle: 0, upgraded: 0, requests: [] });
  }

  #destroyRemaining(): void {
    const now = performance.now();
    let busy = 0;
    let idle = 0;
    const requests: string[] = [];
    for (const connection of this.#http1.values()) {
      if (connection.idleTimer) clearTimeout(connection.idleTimer);
      if (connection.responses.length > 0) busy += 1;
      else idle += 1;
      for (const res of connection.responses) requests.push(describeRequest(res, now, this.#startedAt.get(res) ?? now));
      connection.socket.destroy();
    }
    for (const [session, connection] of this.#http2) {
      this.#stopGoAwayTimers(connection);
      if (connection.openStreams > 0) busy += 1;
      else idle += 1;
      session.destroy();
    }
    const upgraded = this.#upgraded.size;
    for (const { socket } of this.#upgraded.values()) socket.destroy();
    for (const socket of this.#handshaking.keys()) socket.destroy();
    // Connections opened before the drainer existed are unknown to it.
    if ('closeAllConnections' in this.#server) this.#server.closeAllConnections();
    this.#http1.clear();
    this.#http2.clear();
    this.#upgraded.clear();
    for (const timer of this.#handshakeTimers.values()) clearTimeout(timer);
    this.#handshakeTimers.clear();
    this.#handshaking.clear();
    this.#resolve({ busy, idle, upgraded, requests });
  }

  #resolve(destroyed: { busy: number; idle: number; upgraded: number; requests: string[] }): void {
    const finish = this.#finishDrain;
    if (!finish) return;
    this.#finishDrain = undefined;
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    finish({
      durationMs: performance.now() - this.#drainStartedAt,
      completed: destroyed.busy === 0 && destroyed.idle === 0 && destroyed.upgraded === 0,
      requestsFinished: this.#requestsFinished,
      idleClosed: this.#idleClosed,
      destroyedBusy: destroyed.busy,
      destroyedIdle: destroyed.idle,
      destroyedRequests: destroyed.requests.slice(0, MAX_NAMED_REQUESTS),
      streamsEnded: this.#streamsEnded,
      upgradedClosed: this.#upgradedClosed,
      destroyedUpgraded: destroyed.upgraded,
    });
  }
}
