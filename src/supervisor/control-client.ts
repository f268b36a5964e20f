// The client side of the control socket: `usher ps`, `start`, `stop`,
// `restart`, `signal` from `docker exec`/`kubectl exec`. Sends one request,
// prints the answer for a person (or as JSON), and returns the exit code:
// 0 done, 1 the supervisor refused or failed the request, 2 no supervisor to ask.
import { writeSync } from 'node:fs';
import { createConnection } from 'node:net';
import { signalName } from '../core/signals.js';
import { type ControlRequest, type ControlResponse, type PsResponse } from './control-protocol.js';
import type { ServiceStatus } from './types.js';

/** A ps of thousands of services is far below this; anything larger is not a usher answer. */
const MAX_RESPONSE_CHARS = 16 * 1024 * 1024;

export const EXIT_OK = 0;
export const EXIT_REFUSED = 1;
export const EXIT_UNREACHABLE = 2;

/** The supervisor could not be asked at all: nothing listening, no permission, a broken answer. */
export class ControlConnectError extends Error {
  override name = 'ControlConnectError';
}

/** Sends one request and resolves with the one response line. */
export function sendControlRequest(socketPath: string, request: ControlRequest): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const socket = createConnection(socketPath);
    let received = '';
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new ControlConnectError(message));
    };
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (received.length > MAX_RESPONSE_CHARS) fail(`the answer on ${socketPath} is far too long: is it a usher control socket?`);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => fail(connectErrorMessage(socketPath, err)));
    socket.on('end', () => {
      if (settled) return;
      const line = received.split('\n')[0] ?? '';
      if (line.trim() === '') return fail(`the usher supervisor on ${socketPath} closed the connection without answering (is it shutting down?)`);
      let response: unknown;
      try {
        response = JSON.parse(line);
      } catch {
        return fail(`the answer on ${socketPath} is not JSON: is it a usher control socket?`);
      }
      if (typeof response !== 'object' || response === null || typeof (response as { ok?: unknown }).ok !== 'boolean') {
        return fail(`the answer on ${socketPath} is not a usher control response`);
      }
      settled = true;
      resolve(response as ControlResponse);
    });
  });
}

function connectErrorMessage(socketPath: string, err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ENOENT':
    case 'ECONNREFUSED':
      return `no usher supervisor is listening on ${socketPath}: is \`usher run\` the container's PID 1? set USHER_SOCKET if it uses another path`;
    case 'EACCES':
    case 'EPERM':
      return `permission denied on ${socketPath}: the control socket is root-only; run this as root (docker exec -u root ..., or a pod whose exec user is root)`;
    case 'ENOTSOCK':
      return `${socketPath} is not a socket: set USHER_SOCKET to the supervisor's control socket`;
    default:
      return `cannot reach the usher supervisor on ${socketPath}: ${err.message}`;
  }
}

export interface ClientIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
}

const defaultIo: ClientIo = { stdout: (t) => write(1, t), stderr: (t) => write(2, t) };

function write(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // a closed pipe: nothing left to tell
  }
}

/** Runs one control command end to end; returns the exit code. */
export async function runControl(
  socketPath: string,
  request: ControlRequest,
  options: { json?: boolean } = {},
  io: ClientIo = defaultIo,
): Promise<number> {
  const command = request.command;
  let response: ControlResponse;
  try {
    response = await sendControlRequest(socketPath, request);
  } catch (err) {
    io.stderr(`usher ${command}: ${err instanceof Error ? err.message : String(err)}\n`);
    return EXIT_UNREACHABLE;
  }
  if (!response.ok) {
    if (options.json) io.stdout(`${JSON.stringify(response)}\n`);
    io.stderr(`usher ${command}: ${response.error}\n`);
    return EXIT_REFUSED;
  }
  if (request.command === 'ps') {
    const ps = response as PsResponse;
    io.stdout(options.json ? `${JSON.stringify(psJson(ps), null, 2)}\n` : formatPs(ps));
    return EXIT_OK;
  }
  const done =
    request.command === 'signal'
      ? `sent ${signalName(request.signal)}`
      : { start: 'started', stop: 'stopped', restart: 'restarted' }[request.command];
  io.stdout(options.json ? `${JSON.stringify({ ok: true })}\n` : `${request.name}: ${done}\n`);
  return EXIT_OK;
}

/** `usher ps --json`: the supervisor's view, with uptimes worked out. */
export function psJson(ps: PsResponse): object {
  return {
    live: ps.live,
    ready: ps.ready,
    services: ps.services.map((s) => ({ ...s, uptimeMs: uptimeMs(s, ps.now) })),
  };
}

function uptimeMs(s: ServiceStatus, now: number): number | null {
  return s.pid !== null && s.startedAt !== null ? Math.max(0, now - s.startedAt) : null;
}

/** `usher ps`: one row per service, for a person. */
export function formatPs(ps: PsResponse): string {
  const header = ['NAME', 'PID', 'STATE', 'READY', 'RESTARTS', 'UPTIME', 'LAST EXIT'];
  const rows = ps.services.map((s) => {
    const up = uptimeMs(s, ps.now);
    return [
      s.name,
      s.pid === null ? '-' : String(s.pid),
      s.state,
      s.ready === null ? '-' : s.ready ? 'yes' : 'no',
      String(s.restarts),
      up === null ? '-' : formatDuration(up),
      formatLastExit(s.lastExit, ps.now),
    ];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  let out = [header, ...rows].map(line).join('\n') + '\n';
  for (const s of ps.services) if (s.reason) out += `${s.name}: ${s.state}: ${s.reason}\n`;
  if (ps.services.length === 0) out += '(no services)\n';
  if (!ps.live) out += 'usher is shutting down\n';
  return out;
}

/** "exited 1 (2m ago)", "killed by SIGTERM (5s ago)", "-". */
export function formatLastExit(lastExit: ServiceStatus['lastExit'], now: number): string {
  if (!lastExit) return '-';
  const what = lastExit.signal !== null ? `killed by ${lastExit.signal}` : `exited ${lastExit.code ?? '?'}`;
  return `${what} (${formatAgo(now - lastExit.at)})`;
}

/** 850ms → "0s", 42s, 3m12s, 1h02m, 2d03h. */
export function formatDuration(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m${String(s % 60).padStart(2, '0')}s`;
  const h = Math.floor(m / 60);
  if (h < 24) return `${h}h${String(m % 60).padStart(2, '0')}m`;
  return `${Math.floor(h / 24)}d${String(h % 24).padStart(2, '0')}h`;
}

/** The coarse unit only: "just now", "12s ago", "2m ago", "3h ago", "4d ago". */
export function formatAgo(ms: number): string {
  const s = Math.floor(Math.max(0, ms) / 1000);
  if (s < 1) return 'just now';
  if (s < 60) return `${s}s ago`;
  if (s < 3600) return `${Math.floor(s / 60)}m ago`;
  if (s < 86400) return `${Math.floor(s / 3600)}h ago`;
  return `${Math.floor(s / 86400)}d ago`;
}
