// The control socket's protocol, shared by the server (inside `usher run`) and
// the client (`usher ps` & co from `docker exec`/`kubectl exec`): one JSON
// request line, one JSON response line, then the server closes the connection.
//
//   → {"command":"ps"}
//   ← {"ok":true,"now":1700000000000,"live":true,"ready":false,"services":[ServiceStatus...]}
//   → {"command":"restart","name":"web"}
//   ← {"ok":true}
//   → {"command":"signal","name":"web","signal":1}
//   ← {"ok":false,"error":"no service named 'wbe'; known services: db, web","known":["db","web"]}
//
// Imports nothing with native code: the client loads this in a few milliseconds.
import type { ServiceStatus } from './types.js';

export const DEFAULT_CONTROL_SOCKET = '/run/usher/control.sock';

/** The socket path: USHER_SOCKET when set (and not empty), else /run/usher/control.sock. */
export function controlSocketPath(env: NodeJS.ProcessEnv = process.env): string {
  const fromEnv = env.USHER_SOCKET;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_CONTROL_SOCKET;
}

/**
 * The longest path a unix socket can have: sun_path holds 108 bytes with the
 * final NUL. A longer one would be bound, and connected to, at a path cut short.
 */
export const MAX_SOCKET_PATH_BYTES = 107;

/** What is wrong with the socket path, for the server and the client alike (undefined: nothing). */
export function socketPathProblem(path: string): string | undefined {
  const bytes = Buffer.byteLength(path);
  if (bytes <= MAX_SOCKET_PATH_BYTES) return undefined;
  return `the control socket path ${path} is ${bytes} bytes long, and a unix socket path holds at most ${MAX_SOCKET_PATH_BYTES}: set USHER_SOCKET to a shorter path`;
}

export type ControlRequest =
  | { command: 'ps' }
  | { command: 'start' | 'stop' | 'restart'; name: string }
  /** signal: a number 1..31 (the client parses names such as HUP or SIGHUP). */
  | { command: 'signal'; name: string; signal: number };

export type ControlCommand = ControlRequest['command'];
export const CONTROL_COMMANDS: readonly ControlCommand[] = ['ps', 'start', 'stop', 'restart', 'signal'];

export interface PsResponse {
  ok: true;
  /** The server's clock (epoch ms), so uptimes and "ago" are computed against it. */
  now: number;
  live: boolean;
  ready: boolean;
  services: ServiceStatus[];
}

export type ControlResponse =
  | PsResponse
  | { ok: true }
  /** known: the service names, when the request named a service that does not exist. */
  | { ok: false; error: string; known?: string[] };

/** A request line longer than this is refused (a real one is under 200 bytes). */
export const MAX_REQUEST_BYTES = 64 * 1024;
