// The client side of the control socket: `usher ps`, `start`, `stop`,
// `restart`, `signal` from `docker exec`/`kubectl exec`. Sends one request,
// prints the answer for a person (or as JSON), and returns the exit code:
// 0 done, 1 the supervisor refused or failed the request, 2 no supervisor to ask.
import { writeSync } from 'node:fs';
import { createConnection } from 'node:net';
import { escapeControl } from '../core/escape.js';
import { signalName } from '../core/signals.js';
import { socketPathProblem, type ControlCommand, type ControlRequest, type ControlResponse, type PsResponse } from './control-protocol.js';
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

/** Sends one request and resolves with the one response line, checked against the protocol. */
export function sendControlRequest(socketPath: string, request: ControlRequest): Promise<ControlResponse> {
  return new Promise((resolve, reject) => {
    const badPath = socketPathProblem(socketPath);
    if (badPath !== undefined) return reject(new ControlConnectError(badPath));
    const socket = createConnection(socketPath);
    let received = '';
    let settled = false;
    const fail = (message: string) => {
      if (settled) return;
      settled = true;
      socket.destroy();
      reject(new ControlConnectError(message));
    };
    // The answer is complete at its newline: what the server does with the
    // connection after that (a reset, say) does not matter any more.
    const finish = () => {
      if (settled) return;
      const line = received.split('\n')[0] ?? '';
      if (line.trim() === '') return fail(`the usher supervisor on ${socketPath} closed the connection without answering (is it shutting down?)`);
      let response: unknown;
      try {
        response = JSON.parse(line);
      } catch {
        return fail(`the answer on ${socketPath} is not JSON: is it a usher control socket?`);
      }
      const problem = responseProblem(request.command, response);
      if (problem !== undefined) {
        return fail(`the answer on ${socketPath} is not a usher control response (${problem}): is it a usher control socket, of the same version as this usher?`);
      }
      settled = true;
      socket.destroy();
      resolve(response as ControlResponse);
    };
    socket.setEncoding('utf8');
    socket.on('connect', () => socket.write(`${JSON.stringify(request)}\n`));
    socket.on('data', (chunk: string) => {
      received += chunk;
      if (chunk.includes('\n')) finish();
      else if (received.length > MAX_RESPONSE_CHARS) fail(`the answer on ${socketPath} is far too long: is it a usher control socket?`);
    });
    socket.on('error', (err: NodeJS.ErrnoException) => fail(connectErrorMessage(socketPath, err)));
    socket.on('end', finish);
  });
}

type Check = (value: unknown) => boolean;
const isString: Check = (v) => typeof v === 'string';
const isBoolean: Check = (v) => typeof v === 'boolean';
const isNumber: Check = (v) => typeof v === 'number' && Number.isFinite(v);
const orNull = (check: Check): Check => (v) => v === null || check(v);
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Each field a response must have, with its check and what it should be, for the message. */
type Shape = readonly (readonly [field: string, check: Check, expected: string])[];

const LAST_EXIT: Shape = [
  ['code', orNull(isNumber), 'a number or null'],
  ['signal', orNull(isString), 'a string or null'],
  ['at', isNumber, 'a number'],
];
const NOTIFY: Shape = [
  ['status', (v) => v === undefined || isString(v), 'a string when present'],
  ['stopping', (v) => v === undefined || v === true, 'true when present'],
];
const SERVICE: Shape = [
  ['name', isString, 'a string'],
  ['pid', orNull(isNumber), 'a number or null'],
  ['state', isString, 'a string'],
  ['ready', orNull(isBoolean), 'true, false or null'],
  ['restarts', isNumber, 'a number'],
  ['startedAt', orNull(isNumber), 'a number or null'],
  ['lastExit', orNull((v) => shapeProblem(v, LAST_EXIT) === undefined), 'null or {code, signal, at}'],
  ['reason', (v) => v === undefined || isString(v), 'a string when present'],
  ['notify', (v) => v === undefined || shapeProblem(v, NOTIFY) === undefined, '{status, stopping} when present'],
];
const PS: Shape = [
  ['now', isNumber, 'a number'],
  ['live', isBoolean, 'true or false'],
  ['ready', isBoolean, 'true or false'],
  ['services', Array.isArray, 'a list'],
];

function shapeProblem(value: unknown, shape: Shape): string | undefined {
  if (!isRecord(value)) return 'not an object';
  for (const [field, check, expected] of shape) if (!check(value[field])) return `"${field}" is not ${expected}`;
  return undefined;
}

/**
 * What is wrong with an answer to `command`, or undefined when it has the
 * protocol's shape: the printing below may then rely on every field.
 */
export function responseProblem(command: ControlCommand, value: unknown): string | undefined {
  if (!isRecord(value) || typeof value.ok !== 'boolean') return 'no "ok"';
  if (!value.ok) return isString(value.error) ? undefined : '"error" is not a string';
  if (command !== 'ps') return undefined;
  const ps = shapeProblem(value, PS);
  if (ps !== undefined) return ps;
  const services = value.services as unknown[];
  for (let i = 0; i < services.length; i++) {
    const problem = shapeProblem(services[i], SERVICE);
    if (problem !== undefined) return `services[${i}]: ${problem}`;
  }
  return undefined;
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
    io.stderr(`usher ${command}: ${escapeControl(response.error)}\n`);
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
  io.stdout(options.json ? `${JSON.stringify({ ok: true })}\n` : `${escapeControl(request.name)}: ${done}\n`);
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

/** `usher ps`: one row per service, for a person; whatever the answer holds stays on its line. */
export function formatPs(ps: PsResponse): string {
  const header = ['NAME', 'PID', 'STATE', 'READY', 'RESTARTS', 'UPTIME', 'LAST EXIT'];
  const rows = ps.services.map((s) => {
    const up = uptimeMs(s, ps.now);
    const cells = [
      s.name,
      s.pid === null ? '-' : String(s.pid),
      s.state,
      s.ready === null ? '-' : s.ready ? 'yes' : 'no',
      String(s.restarts),
      up === null ? '-' : formatDuration(up),
      formatLastExit(s.lastExit, ps.now),
    ];
    return cells.map(escapeControl);
  });
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  let out = [header, ...rows].map(line).join('\n') + '\n';
  for (const s of ps.services) if (s.reason) out += escapeControl(`${s.name}: ${s.state}: ${s.reason}`) + '\n';
  // What a service said through its NOTIFY_SOCKET: its own words, one line each whatever they hold.
  for (const s of ps.services) {
    if (s.notify?.stopping) out += escapeControl(`${s.name}: says it is stopping (STOPPING=1)`) + '\n';
    if (s.notify?.status !== undefined) out += escapeControl(`${s.name}: status: ${s.notify.status}`) + '\n';
  }
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
