// usher standing in for Debian's tini 0.19.0: its options (getopt "p:hvwgle:s",
// which permutes, so options may follow the program), its messages byte for
// byte, its exit codes, and its -v/-vv/-vvv lines (INFO and DEBUG and TRACE on
// stdout, buffered as stdio buffers them when stdout is not a terminal).
// usher's extras come only from the environment (USHER_DRAIN_TIMEOUT,
// USHER_STOP_TIMEOUT, USHER_STOP_DELAY).
import { writeSync } from 'node:fs';
import { basename } from 'node:path';
import { isatty } from 'node:tty';
import { escapeControl } from '../core/escape.js';
import { ERRNO, describeSignal } from '../core/libc.js';
import type { Logger, Verbosity } from '../core/log.js';
import { SIG } from '../core/signals.js';
import { heldExtras, type InitNarrator } from '../init/narrator.js';
import { atoi, getopt, strtolWhole } from './getopt.js';
import { usherExtrasFromEnv, type Outcome } from './outcome.js';

const VERSION = 'tini version 0.19.0';

/** tini's usage text, exactly; `name` is the basename of argv[0]. */
export const usage = (name: string) => `${name} (${VERSION})
Usage: ${name} [OPTIONS] PROGRAM -- [ARGS] | --version

Execute a program under the supervision of a valid init process (${name})

Command line options:

  --version: Show version and exit.
  -h: Show this help message and exit.
  -s: Register as a process subreaper (requires Linux >= 3.4).
  -p SIGNAL: Trigger SIGNAL when parent dies, e.g. "-p SIGKILL".
  -v: Generate more verbose output. Repeat up to 3 times.
  -w: Print a warning when processes are getting reaped.
  -g: Send signals to the child's process group.
  -e EXIT_CODE: Remap EXIT_CODE (from 0 to 255) to 0.
  -l: Show license and exit.

Environment variables:

  TINI_SUBREAPER: Register as a process subreaper (requires Linux >= 3.4).
  TINI_VERBOSITY: Set the verbosity level (default: 1).
  TINI_KILL_PROCESS_GROUP: Send signals to the child's process group.

`;

const REAPER_WARNING =
  "Tini is not running as PID 1 and isn't registered as a child subreaper.\n" +
  "Zombie processes will not be re-parented to Tini, so zombie reaping won't work.\n" +
  'To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER to register Tini as a child subreaper, or run Tini as PID 1.';

/** The names -p takes: tini's own table, names only. */
const PDEATH_SIGNALS = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGILL', 'SIGTRAP', 'SIGABRT', 'SIGBUS', 'SIGFPE', 'SIGKILL', 'SIGUSR1',
  'SIGSEGV', 'SIGUSR2', 'SIGPIPE', 'SIGALRM', 'SIGTERM', 'SIGCHLD', 'SIGCONT', 'SIGSTOP', 'SIGTSTP', 'SIGTTIN',
  'SIGTTOU', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGSYS',
];
const SIGNAL_NUMBERS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGBUS: 7, SIGFPE: 8, SIGKILL: 9, SIGUSR1: 10,
  SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20,
  SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24, SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGSYS: 31,
};

const fatal = (line: string) => `[FATAL tini (${process.pid})] ${line}\n`;

export function parse(program: string, args: readonly string[], env: NodeJS.ProcessEnv, license: string): Outcome {
  // tini answers --version only when it is the sole argument.
  if (args.length === 1 && args[0] === '--version') return { kind: 'exit', code: 0, print: [[1, VERSION + '\n']] };
  const name = basename(program);
  const parsed = getopt(program, args, 'p:hvwgle:s', [], env);
  let verbosity = 1;
  let subreaper = false;
  let group = false;
  let warnOnReap = false;
  let pdeath: number | undefined;
  const remapToZero = new Set<number>();
  for (const { opt, arg } of parsed.options) {
    const v = arg as string;
    if (opt === 'h') return { kind: 'exit', code: 0, print: [[1, usage(name)]] };
    if (opt === 'l') return { kind: 'exit', code: 0, print: [[1, license]] };
    if (opt === 's') subreaper = true;
    if (opt === 'v') verbosity++;
    if (opt === 'w') warnOnReap = true;
    if (opt === 'g') group = true;
    if (opt === 'p') {
      if (!PDEATH_SIGNALS.includes(v)) return { kind: 'exit', code: 1, print: [[2, fatal(`Not a valid option for -p: ${v}`)]] };
      pdeath = SIGNAL_NUMBERS[v];
    }
    if (opt === 'e') {
      const code = strtolWhole(v);
      if (code === undefined || code < 0 || code > 255) {
        return { kind: 'exit', code: 1, print: [[2, fatal(`Not a valid option for -e: ${v}`)]] };
      }
      remapToZero.add(code);
    }
  }
  if (parsed.error !== undefined) return { kind: 'exit', code: 1, print: [[2, parsed.error + '\n' + usage(name)]] };
  if (parsed.operands.length === 0) return { kind: 'exit', code: 1, print: [[2, usage(name)]] };
  // The environment after the options, as tini reads it: TINI_VERBOSITY beats -v.
  if (env.TINI_SUBREAPER !== undefined) subreaper = true;
  if (env.TINI_KILL_PROCESS_GROUP !== undefined) group = true;
  // An unsigned int in tini: a negative value means "everything".
  if (env.TINI_VERBOSITY !== undefined) verbosity = atoi(env.TINI_VERBOSITY) >>> 0;
  const extras = usherExtrasFromEnv(env);
  if (extras.kind === 'exit') return extras;
  return {
    kind: 'run',
    verbosity: verbosity as Verbosity,
    config: {
      argv: parsed.operands,
      forwardTarget: group ? 'group' : 'child',
      alwaysOwnGroup: true,
      handOffTerminal: false,
      rewrite: new Map(),
      suspendOnJobControl: false,
      // tini keeps these out of its signal set: TTIN/TTOU ignored, the rest default.
      ignored: new Set([SIG.TTIN, SIG.TTOU, 5, 6, 31]),
      subreaper,
      parentDeathSignal: pdeath,
      remapToZero,
      warnOnReap,
      termGroupOnChildExit: false,
      stopSignals: new Set([SIG.TERM, SIG.INT]),
      ...extras.config,
    },
  };
}

/**
 * tini's PRINT_* macros: FATAL and WARN on stderr, INFO, DEBUG and TRACE on
 * stdout through stdio, which buffers a pipe or file (4 KiB) until exit.
 */
export function logger(verbosity: number): Logger & { trace(message: string): void } {
  // tini prints argv[0] raw; usher keeps each message on its line whatever a
  // command line in it holds. The one message of tini's own that spans lines,
  // its not-a-reaper warning, is printed as tini prints it.
  const prefix = (tag: string) => `[${tag} tini (${process.pid})] `;
  const oneLine = (m: string) => (m === REAPER_WARNING ? m : escapeControl(m));
  const stdoutBuffered = !isatty(1);
  let pending = '';
  const flush = () => {
    if (pending) write(1, pending);
    pending = '';
  };
  if (stdoutBuffered) process.on('exit', flush);
  const out = (text: string) => {
    if (!stdoutBuffered) return write(1, text);
    pending += text;
    if (pending.length >= 4096) {
      const whole = pending.length - (pending.length % 4096);
      write(1, pending.slice(0, whole));
      pending = pending.slice(whole);
    }
  };
  return {
    verbosity: verbosity as Verbosity,
    fatal: (m) => write(2, prefix('FATAL') + oneLine(m) + '\n'),
    warn: (m) => void (verbosity > 0 && write(2, prefix('WARN ') + oneLine(m) + '\n')),
    info: (m) => void (verbosity > 1 && out(prefix('INFO ') + oneLine(m) + '\n')),
    debug: (m) => void (verbosity > 2 && out(prefix('DEBUG') + oneLine(m) + '\n')),
    trace: (m) => void (verbosity > 3 && out(prefix('TRACE') + oneLine(m) + '\n')),
  };
}

function write(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // A closed or full stream must never take PID 1 down.
  }
}

export function narrator(log: ReturnType<typeof logger>): InitNarrator {
  const v = log.verbosity as number;
  let mainExited = false;
  let done = false;
  /** A "Received SIGCHLD" line is printed for the current reap pass. */
  let chldNarrated = false;
  /** "Received SIGCHLD" lines printed before their signal was read: that many signals are not narrated again. */
  let chldLinesAhead = 0;
  const extras = heldExtras(log);
  return {
    notAReaper: REAPER_WARNING,
    reapAfterEverySignal: true,
    starting({ subreaperRegistered }) {
      if (subreaperRegistered) log.trace('Registered as child subreaper');
    },
    spawned(pid, argv, placement) {
      log.info(`Spawned child process '${argv[0]}' with pid '${pid}'`);
      // The child's own line before exec; stdio loses it unless stdout is a terminal.
      if (v > 2 && placement.foregroundTerminalFd === undefined && isatty(1)) {
        write(1, `[DEBUG tini (${pid})] tcsetpgrp failed: no tty (ok to proceed)\n`);
      }
    },
    spawnFailed: (e) => ({
      message: `exec ${e.file} failed: ${e.reason}`,
      exitCode: e.errno === ERRNO.ENOENT ? 127 : e.errno === ERRNO.EACCES ? 126 : 1,
    }),
    received(signal) {
      if (done || v <= 2) return;
      if (signal !== SIG.CHLD) log.debug(`Passing signal: '${describeSignal(signal)}'`);
      else if (chldLinesAhead > 0) chldLinesAhead -= 1;
      else {
        log.debug('Received SIGCHLD');
        chldNarrated = true;
      }
    },
    handOffIgnored() {},
    translated() {},
    forwarded(_signal, _target, delivered) {
      if (!delivered && !done) log.warn('Child was dead when forwarding signal');
    },
    dropped() {},
    suspending() {},
    reaped(pid, status, isMain, warnOnReap) {
      if (done) return;
      // tini reaps only after it took SIGCHLD; usher may reap (a busy
      // machine, several signals read at once) before its SIGCHLD is read:
      // the line comes first all the same, and not again when the signal does.
      if (v > 2 && !chldNarrated) {
        log.debug('Received SIGCHLD');
        chldNarrated = true;
        chldLinesAhead += 1;
      }
      if (v > 2) log.debug(`Reaped child with pid: '${pid}'`);
      if (isMain) {
        if (status.kind === 'exited') log.info(`Main child exited normally (with status '${status.code}')`);
        else if (v > 1) log.info(`Main child exited with signal (with signal '${describeSignal(status.signal)}')`);
      } else if (warnOnReap) log.warn(`Reaped zombie process with pid=${pid}`);
    },
    reapPassEnded(childrenLeft) {
      chldNarrated = false;
      if (done) return;
      log.trace(childrenLeft ? 'No child to reap' : 'No child to wait');
      if (mainExited) {
        log.trace('Exiting: child has exited');
        done = true;
        extras.release();
      }
    },
    mainExited() {
      mainExited = true;
    },
    remapped() {},
    extra: extras.extra,
  };
}
