// Signal names and numbers, and which signals an init may catch and forward.
import { constants as osConstants } from 'node:os';

const SIGNALS = osConstants.signals as Readonly<Record<string, number>>;

export const SIG = {
  HUP: 1,
  INT: 2,
  QUIT: 3,
  KILL: 9,
  USR1: 10,
  USR2: 12,
  PIPE: 13,
  ALRM: 14,
  TERM: 15,
  CHLD: 17,
  CONT: 18,
  STOP: 19,
  TSTP: 20,
  TTIN: 21,
  TTOU: 22,
  WINCH: 28,
  IO: 29,
} as const;

/** Highest classic signal; 32 and above are real-time signals, which Node cannot catch. */
export const MAX_SIGNAL = 31;

/** Canonical name per number (aliases such as SIGIOT/SIGPOLL lose to the classic name). */
const NAME_BY_NUMBER = new Map<number, string>();
for (const [name, number] of Object.entries(SIGNALS)) {
  if (!NAME_BY_NUMBER.has(number)) NAME_BY_NUMBER.set(number, name);
}

export function signalName(signal: number): string {
  return NAME_BY_NUMBER.get(signal) ?? `signal ${signal}`;
}

/** The name Node's process.on() takes for a signal number, if it has one. */
export function nodeSignalName(signal: number): NodeJS.Signals | undefined {
  return NAME_BY_NUMBER.get(signal) as NodeJS.Signals | undefined;
}

/** The terminal's job-control stops: Ctrl-Z, and reading or writing from the background. */
export const JOB_CONTROL_SIGNALS: readonly number[] = [SIG.TSTP, SIG.TTIN, SIG.TTOU];

/**
 * Parses `TERM`, `SIGTERM`, `sigterm` or `15`. Returns undefined for anything else,
 * so callers can word the error for their own option.
 */
export function parseSignal(text: string, { allowZero = false } = {}): number | undefined {
  const trimmed = text.trim();
  if (/^\d+$/.test(trimmed)) {
    const n = Number(trimmed);
    if (n === 0 && allowZero) return 0;
    return n >= 1 && n <= MAX_SIGNAL ? n : undefined;
  }
  const upper = trimmed.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const n = SIGNALS[name];
  return n !== undefined && n <= MAX_SIGNAL ? n : undefined;
}

/**
 * Signals usher does not catch, with the reason. Everything else from 1 to 31 is
 * caught and forwarded.
 */
export const NOT_FORWARDED: ReadonlyMap<number, string> = new Map([
  [SIG.KILL, 'cannot be caught'],
  [SIG.STOP, 'cannot be caught'],
  [SIG.CHLD, 'used to reap children'],
  // Fault signals are raised by the faulting thread itself: a handler that returns
  // would re-run the faulting instruction forever. tini leaves them alone too.
  [SIGNALS.SIGSEGV ?? 11, 'fault signal, kept fatal for usher itself'],
  [SIGNALS.SIGBUS ?? 7, 'fault signal, kept fatal for usher itself'],
  [SIGNALS.SIGFPE ?? 8, 'fault signal, kept fatal for usher itself'],
  [SIGNALS.SIGILL ?? 4, 'fault signal, kept fatal for usher itself'],
  // usher's own write to a closed stderr raises SIGPIPE in usher; forwarding that
  // would kill the application because a log reader went away.
  [SIG.PIPE, 'raised by usher\'s own writes to a closed pipe'],
]);

/** Every signal number usher installs a forwarding listener for. */
export function forwardableSignals(): number[] {
  const out: number[] = [];
  for (let n = 1; n <= MAX_SIGNAL; n++) {
    if (!NOT_FORWARDED.has(n) && NAME_BY_NUMBER.has(n)) out.push(n);
  }
  return out;
}

/** 128+N, the shell's convention for "killed by signal N". */
export function exitCodeForSignal(signal: number): number {
  return 128 + signal;
}
