/**
 * Draining HTTP servers: stop accepting, let accepted requests finish, close
 * connections without racing the clients that reuse them.
 *
 * @packageDocumentation
 */
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
   */
  readonly idleGrace?: number;
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
}

/** Node's TLS socket keeps the TCP socket it wraps here; not public API, so only used when present. */
interface TlsSocketWithParent extends tls.TLSSocket {
  _parent?: unknown;
}

/**
 * Tracks the connections and in-flight requests of one server from the
 * moment it is created, and drains the server on demand.
 *
 * Create it before the server starts listening: connections opened before
 * are only noticed once they send a request.
 *
 * What {@link ServerDrainer.drain} does, in order:
 * 1. Stops accepting connections (the listening socket is closed).
 * 2. HTTP/1: each response not yet started gets `Connection: close`, so the
 *    client will not reuse the connection; the connection is closed when the
 *    response finishes. Idle keep-alive connections are closed, at once when
 *    idle for longer than {@link ServerDrainerOptions.idleGrace}, otherwise when
 *    that grace runs out (a request arriving meanwhile is served with
 *    `Connection: close`).
 * 3. HTTP/2: every session gets GOAWAY (`session.close()`): open streams finish,
 *    the client opens new ones elsewhere.
 * 4. At the timeout, whatever is left is destroyed.
 *
 * It uses `net.Server.prototype.close` rather than `http.Server#close`, which
 * on Node 19+ also closes every idle connection on the spot: exactly the race
 * with reusing clients described at {@link ServerDrainerOptions.idleGrace}.
 */
export class ServerDrainer {
  readonly #server: DrainableServer;
  readonly #idleGrace: number;
  readonly #http1 = new Map<net.Socket, Http1Connection>();
  readonly #http2 = new Map<http2.Http2Session, Http2Connection>();
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
  }

  /** True once {@link ServerDrainer.drain} has been called. */
  get draining(): boolean {
    return this.#draining;
  }

  /** Open connections the drainer knows of (HTTP/1 sockets and HTTP/2 sessions). */
  get connectionCount(): number {
    return this.#http1.size + this.#http2.size;
  }

  /** Requests in flight (HTTP/1 responses not yet finished plus open HTTP/2 streams). */
  get inFlightCount(): number {
    let count = 0;
    for (const connection of this.#http1.values()) count += connection.responses.length;
    for (const connection of this.#http2.values()) count += connection.openStreams;
    return count;
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
      if (connection.responses.length > 0) this.#askToCloseAfterLastResponse(connection);
      else this.#closeWhenIdleLongEnough(connection);
    }
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

  #trackHttp1(socket: net.Socket): Http1Connection {
    let connection = this.#http1.get(socket);
    if (connection) return connection;
    connection = { socket, responses: [], idleSince: performance.now(), idleTimer: undefined };
    this.#http1.set(socket, connection);
    socket.once('close', () => {
      const tracked = this.#http1.get(socket);
      if (tracked?.idleTimer) clearTimeout(tracked.idleTimer);
      this.#http1.delete(socket);
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
    const connection = this.#trackHttp1(req.socket);
    if (connection.idleTimer) {
      clearTimeout(connection.idleTimer);
      connection.idleTimer = undefined;
    }
    connection.responses.push(res);
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
    this.#idleClosed += 1;
    connection.socket.destroy();
  }

  #onSession(session: http2.Http2Session): void {
    if (this.#http2.has(session)) return;
    this.#http2.set(session, { openStreams: 0 });
    session.once('close', () => {
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

  #goAway(session: http2.Http2Session): void {
    // close() sends GOAWAY: streams already opened finish, the client retries
    // newer ones on another connection, and the session ends by itself.
    if (!session.closed && !session.destroyed) session.close();
  }

  #finishIfEmpty(): void {
    if (!this.#draining || !this.#finishDrain) return;
    if (this.#http1.size > 0 || this.#http2.size > 0 || this.#handshaking.size > 0) return;
    this.#resolve(true, 0, 0);
  }

  #destroyRemaining(): void {
    let busy = 0;
    let idle = 0;
    for (const connection of this.#http1.values()) {
      if (connection.idleTimer) clearTimeout(connection.idleTimer);
      if (connection.responses.length > 0) busy += 1;
      else idle += 1;
      connection.socket.destroy();
    }
    for (const [session, connection] of this.#http2) {
      if (connection.openStreams > 0) busy += 1;
      else idle += 1;
      session.destroy();
    }
    for (const socket of this.#handshaking.keys()) socket.destroy();
    // Connections opened before the drainer existed are unknown to it.
    if ('closeAllConnections' in this.#server) this.#server.closeAllConnections();
    this.#http1.clear();
    this.#http2.clear();
    for (const timer of this.#handshakeTimers.values()) clearTimeout(timer);
    this.#handshakeTimers.clear();
    this.#handshaking.clear();
    this.#resolve(busy === 0 && idle === 0, busy, idle);
  }

  #resolve(completed: boolean, destroyedBusy: number, destroyedIdle: number): void {
    const finish = this.#finishDrain;
    if (!finish) return;
    this.#finishDrain = undefined;
    if (this.#drainTimer) clearTimeout(this.#drainTimer);
    finish({
      durationMs: performance.now() - this.#drainStartedAt,
      completed,
      requestsFinished: this.#requestsFinished,
      idleClosed: this.#idleClosed,
      destroyedBusy,
      destroyedIdle,
    });
  }
}
