// The control socket inside `usher run`: `usher ps`, `start`, `stop`,
// `restart` and `signal` from `docker exec`/`kubectl exec` reach the running
// supervisor here. One JSON request line in, one JSON response line out (see
// control-protocol.ts).
//
// Root-only, three times over: the socket sits in a directory that only
// usher's user may write (created 0700; an existing one must be usher's own,
// not a symbolic link, and writable by nobody else, or the socket is not
// opened), the socket is bound 0600 under a umask, so there is no moment when
// it is open to others and no chmod by path that a link could redirect, and
// each connection's peer is checked (SO_PEERCRED): only root and usher's own
// user are served. A socket left by a usher that died is removed; one a live
// usher answers on is never taken over. While idle it is a listening socket
// and nothing else: no timers.
import { lstatSync, mkdirSync, statSync, unlinkSync } from 'node:fs';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { dirname } from 'node:path';
import { peerCredentialsOf } from '../core/libc.js';
import { MAX_SIGNAL } from '../core/signals.js';
import { CONTROL_COMMANDS, MAX_REQUEST_BYTES, socketPathProblem, type ControlRequest, type ControlResponse } from './control-protocol.js';
import { AttachmentRefused, ControlError, type SupervisorControl } from './types.js';

/**
 * A connection has this long, from its first moment, to send its request line,
 * and again to take its answer: a deadline, not an idle timer, so a client
 * sending a byte at a time cannot hold a connection open (timers exist only
 * while a connection is open).
 */
const REQUEST_TIMEOUT_MS = 10_000;

/** The socket cannot be opened here (say /run is read-only): usher runs on without it. */
export class ControlSocketError extends Error {
  override name = 'ControlSocketError';
}

/** The socket's path is taken by a live usher or by a file that is not a socket: nothing is started. */
export class ControlSocketInUse extends AttachmentRefused {
  override name = 'ControlSocketInUse';
}

export interface ControlServer {
  readonly path: string;
  close(): Promise<void>;
}

export async function startControlServer(control: SupervisorControl, socketPath: string): Promise<ControlServer> {
  const tooLong = socketPathProblem(socketPath);
  if (tooLong !== undefined) throw new ControlSocketError(tooLong);
  createPrivateDirectory(dirname(socketPath));
  checkPrivateDirectory(dirname(socketPath));
  await removeStaleSocket(socketPath);

  const connections = new Set<Socket>();
  const server = createServer({ allowHalfOpen: true }, (socket) => {
    connections.add(socket);
    socket.on('close', () => connections.delete(socket));
    socket.on('error', () => socket.destroy());
    serveConnection(control, socket, peerRefusal(socket));
  });
  await listenPrivately(server, socketPath);
  const { ino } = lstatSync(socketPath);

  let closing: Promise<void> | undefined;
  return {
    path: socketPath,
    close() {
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const socket of connections) socket.destroy();
        removeIfOurs(socketPath, ino);
      });
      return closing;
    },
  };
}

/**
 * mkdir -p with 0700 for what it creates; an existing directory is left as it
 * is (checkPrivateDirectory then decides whether it may hold the socket). One
 * mkdir per component, not mkdirSync's recursive mode: where mkdir answers
 * ENOENT under a parent that exists (/proc, /sys), Node 20's recursive mkdir
 * retries forever and PID 1 would spin at 100% CPU instead of running the
 * services.
 */
function createPrivateDirectory(dir: string): void {
  const missing: string[] = [];
  for (let at = dir; !isDirectory(at); at = dirname(at)) {
    if (dirname(at) === at) break;
    missing.unshift(at);
  }
  for (const component of missing) {
    try {
      mkdirSync(component, { mode: 0o700 });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST' && isDirectory(component)) continue;
      throw new ControlSocketError(`cannot create the control socket's directory ${dir}: ${messageOf(err)}`);
    }
  }
}

/**
 * The socket's directory must be usher's alone: whoever may write there can
 * swap the socket for their own (and, with a chmod after bind, once got root
 * to chmod a file of their choice through a link). lstat: a directory that is
 * a symbolic link is refused, since its target can change under usher.
 */
function checkPrivateDirectory(dir: string): void {
  const fix = 'or set USHER_SOCKET to a path in a directory of its own, which usher creates 0700 (say /run/usher/control.sock)';
  let info;
  try {
    info = lstatSync(dir);
  } catch (err) {
    throw new ControlSocketError(`cannot check the control socket's directory ${dir}: ${messageOf(err)}`);
  }
  if (info.isSymbolicLink()) {
    throw new ControlSocketError(`the control socket's directory ${dir} is a symbolic link; usher binds its socket only in a real directory: use the link's target, ${fix}`);
  }
  if (!info.isDirectory()) throw new ControlSocketError(`the control socket's directory ${dir} is not a directory: ${fix}`);
  const uid = process.geteuid?.() ?? 0;
  if (info.uid !== uid) {
    throw new ControlSocketError(
      `the control socket's directory ${dir} belongs to uid ${info.uid}, not to the user usher runs as (uid ${uid}), who could replace the socket: chown it to uid ${uid}, ${fix}`,
    );
  }
  const writable = info.mode & 0o022;
  if (writable !== 0) {
    const who = writable === 0o022 ? 'its group and others' : writable === 0o020 ? 'its group' : 'others';
    throw new ControlSocketError(
      `the control socket's directory ${dir} is writable by ${who} (mode ${(info.mode & 0o7777).toString(8).padStart(4, '0')}), who could replace the socket: chmod go-w it, ${fix}`,
    );
  }
}

function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** Removes a socket file nobody answers on (a usher that died); refuses if a live process answers. */
async function removeStaleSocket(path: string): Promise<void> {
  let isSocket: boolean;
  try {
    isSocket = lstatSync(path).isSocket();
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw new ControlSocketError(`cannot check the control socket ${path}: ${messageOf(err)}`);
  }
  if (!isSocket) {
    throw new ControlSocketInUse(`${path} exists and is not a socket: remove it, or set USHER_SOCKET to another path for the control socket`);
  }
  const answered = await new Promise<boolean>((resolve) => {
    const probe = createConnection(path);
    probe.once('connect', () => {
      probe.destroy();
      resolve(true);
    });
    probe.once('error', () => resolve(false));
  });
  if (answered) {
    throw new ControlSocketInUse(anotherSupervisorMessage(path));
  }
  try {
    unlinkSync(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new ControlSocketError(`cannot remove the stale control socket ${path}: ${messageOf(err)}`);
    }
  }
}

function anotherSupervisorMessage(path: string): string {
  return `another usher supervisor is already listening on ${path}; run \`usher ps\` to see it, or set USHER_SOCKET to another path for this one`;
}

/**
 * bind() happens inside listen(), synchronously: under this umask the socket is
 * 0600 from its first moment. No chmod afterwards: chmod goes by path, and a
 * path can be swapped for a link between bind and chmod (fchmod on a socket's
 * descriptor does not reach the file). The umask is process-wide, but no
 * JavaScript runs in the window and no service is started yet; a file that a
 * libuv worker thread happened to create in it would only get a stricter mode.
 */
function listenPrivately(server: Server, path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) => {
      // Two ushers that checked the path at the same moment: the second to bind loses.
      if (err.code === 'EADDRINUSE') reject(new ControlSocketInUse(anotherSupervisorMessage(path)));
      else reject(new ControlSocketError(`cannot listen on the control socket ${path}: ${messageOf(err)}`));
    });
    const previous = process.umask(0o177);
    try {
      listenWithoutCluster(server, path, () => resolve());
    } finally {
      process.umask(previous);
    }
  });
}

function removeIfOurs(path: string, ino: number): void {
  try {
    if (lstatSync(path).ino === ino) unlinkSync(path);
  } catch {
    // already gone
  }
}

/**
 * SO_PEERCRED, a second line behind the socket's mode (a mode can be loosened
 * by hand or by a file system that ignores it): the kernel's record of who
 * connected. Only root and usher's own user may control usher. A connection
 * whose peer cannot be told is refused too.
 */
function peerRefusal(socket: Socket): string | undefined {
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  let uid: number;
  try {
    if (typeof fd !== 'number' || fd < 0) throw new Error('the connection has no descriptor');
    uid = peerCredentialsOf(fd).uid;
  } catch (err) {
    return `usher cannot tell who is asking (${messageOf(err)}), so it does not answer`;
  }
  const own = process.geteuid?.() ?? 0;
  if (uid === 0 || uid === own) return undefined;
  return `permission denied: uid ${uid} may not control usher; only root${own === 0 ? '' : ` and uid ${own}, the user usher runs as,`} may`;
}

/** Writes the one answer and closes the connection once it is out: nothing more is read. */
function answerAndClose(socket: Socket, response: ControlResponse): void {
  if (socket.destroyed) return;
  socket.pause();
  // A client that does not read its answer does not hold the connection either.
  const deadline = setTimeout(() => socket.destroy(), REQUEST_TIMEOUT_MS);
  socket.once('close', () => clearTimeout(deadline));
  socket.end(`${JSON.stringify(response)}\n`, () => socket.destroy());
}

/**
 * Reads the request line and answers it. A refused peer is answered with the
 * refusal, after its request is read like any other: closing on a client
 * that is still writing would leave it with EPIPE instead of the reason.
 */
function serveConnection(control: SupervisorControl, socket: Socket, refusal: string | undefined): void {
  let buffered = '';
  let handled = false;
  const deadline = setTimeout(() => socket.destroy(), REQUEST_TIMEOUT_MS);
  socket.once('close', () => clearTimeout(deadline));
  socket.setEncoding('utf8');

  const respond = (response: ControlResponse) => answerAndClose(socket, response);
  const handle = (line: string) => {
    handled = true;
    // Nothing more is read; a stop may legitimately take the service's whole stop_timeout.
    socket.pause();
    clearTimeout(deadline);
    if (refusal !== undefined) return respond({ ok: false, error: refusal });
    answer(control, line).then(respond, (err: unknown) => respond({ ok: false, error: messageOf(err) }));
  };

  socket.on('data', (chunk: string) => {
    if (handled) return;
    buffered += chunk;
    const newline = buffered.indexOf('\n');
    if (newline >= 0) handle(buffered.slice(0, newline));
    else if (Buffer.byteLength(buffered) > MAX_REQUEST_BYTES) {
      handled = true;
      clearTimeout(deadline);
      respond({ ok: false, error: `request longer than ${MAX_REQUEST_BYTES} bytes` });
    }
  });
  // A client that half-closes after its request without a newline is still answered.
  socket.on('end', () => {
    if (!handled) {
      if (buffered.trim() !== '') handle(buffered);
      else socket.end();
    }
  });
}

async function answer(control: SupervisorControl, line: string): Promise<ControlResponse> {
  const request = parseRequest(line);
  if (typeof request === 'string') return { ok: false, error: request };
  if (request.command === 'ps') {
    return { ok: true, now: Date.now(), live: control.isLive(), ready: control.isReady(), services: control.status() };
  }
  const known = control.status().map((s) => s.name);
  if (!known.includes(request.name)) {
    return { ok: false, error: `no service named '${request.name}'; known services: ${known.join(', ') || '(none)'}`, known };
  }
  try {
    switch (request.command) {
      case 'start':
        await control.start(request.name);
        break;
      case 'stop':
        await control.stop(request.name);
        break;
      case 'restart':
        await control.restart(request.name);
        break;
      case 'signal':
        control.signal(request.name, request.signal);
        break;
    }
  } catch (err) {
    // ControlError messages are written for the user; anything else is a bug worth naming as such.
    return { ok: false, error: err instanceof ControlError ? err.message : `internal error: ${messageOf(err)}` };
  }
  return { ok: true };
}

/** The request, or what is wrong with it. */
function parseRequest(line: string): ControlRequest | string {
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return 'the request is not a JSON line';
  }
  if (typeof value !== 'object' || value === null) return 'the request is not a JSON object';
  const { command, name, signal } = value as Record<string, unknown>;
  if (typeof command !== 'string' || !(CONTROL_COMMANDS as readonly string[]).includes(command)) {
    return `unknown command ${JSON.stringify(command)}; expected one of ${CONTROL_COMMANDS.join(', ')}`;
  }
  if (command === 'ps') return { command };
  if (typeof name !== 'string' || name === '') return `${command} needs a service name`;
  if (command === 'signal') {
    if (typeof signal !== 'number' || !Number.isInteger(signal) || signal < 1 || signal > MAX_SIGNAL) {
      return `signal needs a signal number from 1 to ${MAX_SIGNAL}`;
    }
    return { command, name, signal };
  }
  return { command: command as 'start' | 'stop' | 'restart', name };
}

function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** The part of net.Server that listen() hands a primary process's socket to. */
interface ListenInternals {
  _pipeName?: string;
  _listen2?: (address: string, port: number, addressType: number, backlog: number) => void;
}

/**
 * server.listen(path) first loads Node's cluster module (and with it
 * child_process and dgram) to ask whether this process is a cluster worker:
 * 0.6 MB of PID 1's memory, for good, for an answer that is always no here.
 * For a primary, listen() sets _pipeName and calls _listen2 (setupListenHandle
 * in lib/net.js: bind, listen, 'listening' or 'error' on the next tick), which
 * this does itself. A Node without _listen2 gets listen().
 */
function listenWithoutCluster(server: Server, path: string, onListening: () => void): void {
  const internals = server as unknown as ListenInternals;
  if (typeof internals._listen2 !== 'function') {
    server.listen(path, onListening);
    return;
  }
  server.once('listening', onListening);
  internals._pipeName = path;
  internals._listen2(path, -1, -1, 511);
}
