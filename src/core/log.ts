// Diagnostics on stderr, written synchronously with fs.writeSync.
//
// Touching process.stderr would make libuv switch a pipe on fd 2 to non-blocking
// mode; the child shares that open file description, and a non-blocking stdout
// makes ordinary programs fail writes with EAGAIN and lose output.
import { writeSync } from 'node:fs';
import { escapeControl } from './escape.js';

export enum Verbosity {
  Quiet = 0,
  /** Errors, warnings and processes usher had to kill. */
  Normal = 1,
  /** Every signal received, forwarded and every child reaped. */
  Verbose = 2,
  Debug = 3,
}

export interface Logger {
  readonly verbosity: Verbosity;
  /** Always printed: usher cannot do what it was asked. */
  fatal(message: string): void;
  warn(message: string): void;
  info(message: string): void;
  debug(message: string): void;
}

export type LinePrefix = (level: 'fatal' | 'warn' | 'info' | 'debug') => string;

export const usherPrefix: LinePrefix = () => '[usher] ';

type Level = Parameters<LinePrefix>[0];

export function createLogger(
  verbosity: Verbosity,
  prefix: LinePrefix = usherPrefix,
  fdFor: (level: Level) => number = () => 2,
): Logger {
  const write = (level: Level, message: string) => {
    // One line per message, whatever a command line or a reason in it holds.
    const text = prefix(level) + escapeControl(message);
    try {
      writeSync(fdFor(level), text + '\n');
    } catch {
      // A closed or full stderr must never take PID 1 down.
    }
  };
  return {
    verbosity,
    fatal: (m) => write('fatal', m),
    warn: (m) => verbosity >= Verbosity.Normal && write('warn', m),
    info: (m) => verbosity >= Verbosity.Verbose && write('info', m),
    debug: (m) => verbosity >= Verbosity.Debug && write('debug', m),
  } as Logger;
}
