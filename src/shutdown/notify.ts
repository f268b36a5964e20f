/**
 * Telling the supervisor (systemd, or usher with a `ready: notify` probe)
 * about readiness and shutdown through the notify protocol: `READY=1`,
 * `STOPPING=1`, `STATUS=...` sent to the datagram socket named by
 * `NOTIFY_SOCKET`.
 *
 * Node has no unix datagram sockets, and this library loads no native code,
 * so the datagram is sent by systemd's own client, `systemd-notify`, spawned
 * for each message. Nothing is spawned, nor looked up, when `NOTIFY_SOCKET`
 * is not set.
 *
 * @packageDocumentation
 */
import { spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import path from 'node:path';

/** The variable through which a supervisor asks for notifications. */
export const NOTIFY_SOCKET_ENV = 'NOTIFY_SOCKET';

/** The program that sends the datagram. */
export const NOTIFY_PROGRAM = 'systemd-notify';

/** A `systemd-notify` that has not returned after this long is killed. */
const NOTIFY_TIMEOUT_MS = 5_000;
/** At most this much of `systemd-notify`'s stderr is kept for the error message. */
const MAX_STDERR = 2_000;

/** How one notification went. */
export type NotifyOutcome =
  | { readonly sent: true }
  | { readonly sent: false; readonly error: string };

/** Sends notify messages to the supervisor. */
export interface SupervisorNotifier {
  /** The socket the messages go to (`NOTIFY_SOCKET`). */
  readonly socket: string;
  /**
   * Sends one message made of `VARIABLE=value` assignments, e.g. `READY=1`,
   * at once: `systemd-notify` is spawned right away, so that a message sent
   * just before the process exits still goes out. A message with
   * `STOPPING=1` first kills the senders still running, so that a `READY=1`
   * not yet delivered cannot arrive after it.
   * Never rejects: a failure is in the outcome (and logged once).
   */
  send(...assignments: string[]): Promise<NotifyOutcome>;
}

const ASSIGNMENT = /^[A-Z_][A-Z0-9_]*=[^\n]*$/;

function findProgram(env: NodeJS.ProcessEnv): string | undefined {
  for (const dir of (env['PATH'] ?? '/usr/local/bin:/usr/bin:/bin').split(':')) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, NOTIFY_PROGRAM);
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // Not in this directory.
    }
  }
  return undefined;
}

/**
 * A notifier when `NOTIFY_SOCKET` is set in `env`, `undefined` otherwise.
 *
 * @param env - where to read `NOTIFY_SOCKET` and `PATH`; passed to `systemd-notify`
 * @param log - receives the reason of the first failure
 */
export function createSupervisorNotifier(
  env: NodeJS.ProcessEnv = process.env,
  log: (message: string) => void = () => undefined,
): SupervisorNotifier | undefined {
  const socket = env[NOTIFY_SOCKET_ENV];
  if (socket === undefined || socket === '') return undefined;
  let program: string | null | undefined;
  let reported = false;
  const running = new Set<ReturnType<typeof spawn>>();

  const fail = (message: string): NotifyOutcome => {
    if (!reported) {
      reported = true;
      log(message);
    }
    return { sent: false, error: message };
  };

  const sendNow = (assignments: string[]): Promise<NotifyOutcome> => {
    const bad = assignments.find((assignment) => !ASSIGNMENT.test(assignment));
    if (bad !== undefined || assignments.length === 0) {
      return Promise.resolve({ sent: false, error: `not a VARIABLE=value notify message: ${JSON.stringify(bad ?? '')}` });
    }
    program ??= findProgram(env) ?? null;
    if (program === null) {
      return Promise.resolve(fail(`${NOTIFY_SOCKET_ENV} is set but ${NOTIFY_PROGRAM} is not on PATH: ` +
        `the supervisor was not sent ${assignments.join(' ')}. Install it (Debian: the systemd package) or unset ${NOTIFY_SOCKET_ENV}`));
    }
    const command = program;
    return new Promise<NotifyOutcome>((resolve) => {
      let stderr = '';
      const child = spawn(command, assignments, {
        env,
        stdio: ['ignore', 'ignore', 'pipe'],
        timeout: NOTIFY_TIMEOUT_MS,
        killSignal: 'SIGKILL',
      });
      running.add(child);
      // Notifying must never keep the app alive.
      child.unref();
      const pipe = child.stderr as (NodeJS.ReadableStream & { unref?: () => void }) | null;
      pipe?.unref?.();
      child.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
        if (stderr.length < MAX_STDERR) stderr += chunk.slice(0, MAX_STDERR - stderr.length);
      });
      child.once('error', (error) => {
        running.delete(child);
        resolve(fail(`${NOTIFY_PROGRAM} ${assignments.join(' ')} could not run: ${error.message}`));
      });
      child.once('close', (code, signal) => {
        running.delete(child);
        if (code === 0) resolve({ sent: true });
        else if (superseded.has(child)) resolve({ sent: false, error: 'superseded by STOPPING=1' });
        else resolve(fail(`${NOTIFY_PROGRAM} ${assignments.join(' ')} failed (${signal ?? `exit status ${String(code)}`}): ${stderr.trim() || 'no message'}`));
      });
    });
  };

  const superseded = new WeakSet<ReturnType<typeof spawn>>();
  return {
    socket,
    send(...assignments: string[]): Promise<NotifyOutcome> {
      if (assignments.includes('STOPPING=1')) {
        for (const child of running) {
          superseded.add(child);
          child.kill('SIGKILL');
        }
      }
      return sendNow(assignments);
    },
  };
}
