// usher, or usher standing in for dumb-init or tini. Invoked through a link
// named `dumb-init` or `tini`, usher keeps that tool's defaults, messages and
// exit codes, so swapping the binary in an image changes nothing else.
import { basename } from 'node:path';
import { ERRNO } from '../core/libc.js';
import type { InitMessages } from '../init/init.js';
import type { LinePrefix } from '../core/log.js';
import { Verbosity } from '../core/log.js';

export type PersonalityName = 'usher' | 'dumb-init' | 'tini';

export interface Personality {
  name: PersonalityName;
  /** Exit code for bad usage (no command, unknown option, bad value). */
  usageExitCode: number;
  defaultVerbosity: Verbosity;
  prefix: LinePrefix;
  /** tini prints info and debug lines on stdout. */
  fdFor: (level: 'fatal' | 'warn' | 'info' | 'debug') => number;
  messages: InitMessages;
  /** Printed for -V/--version. */
  version(usherVersion: string): string;
  /** Where --help and --version go: dumb-init writes them to stderr. */
  infoFd: number;
}

export function personalityFor(invokedAs: string | undefined): Personality {
  const name = basename(invokedAs ?? 'usher');
  if (name === 'dumb-init') return DUMB_INIT;
  if (name === 'tini') return TINI;
  return USHER;
}

const spawnReason = (errno: number, reason: string) =>
  errno === ERRNO.ENOENT
    ? `${reason}: check the program name and that it is installed and on PATH`
    : errno === ERRNO.EACCES
      ? `${reason}: the file is not executable (chmod +x) or sits on a noexec mount`
      : errno === ERRNO.ENOEXEC
        ? `${reason}: the file has no #! line and is not a binary for this machine`
        : reason;

export const USHER: Personality = {
  name: 'usher',
  usageExitCode: 2,
  defaultVerbosity: Verbosity.Normal,
  prefix: () => '[usher] ',
  fdFor: () => 2,
  messages: {
    spawnFailed: (e) => ({ message: `cannot run ${e.file}: ${spawnReason(e.errno, e.reason)}`, exitCode: e.exitCode }),
    reapedOrphan: (pid) => `reaped zombie process ${pid}`,
    notAReaper: '',
  },
  version: (v) => `usher ${v}`,
  infoFd: 1,
};

export const DUMB_INIT: Personality = {
  name: 'dumb-init',
  usageExitCode: 1,
  defaultVerbosity: Verbosity.Quiet,
  prefix: () => '[dumb-init] ',
  fdFor: () => 2,
  messages: {
    spawnFailed: (e) => ({ message: `${e.file}: ${e.reason}`, exitCode: 2 }),
    reapedOrphan: (pid) => `A child with PID ${pid} was reaped.`,
    notAReaper: '',
  },
  version: (v) => `dumb-init v1.2.5 (usher ${v})`,
  infoFd: 2,
};

export const TINI: Personality = {
  name: 'tini',
  usageExitCode: 1,
  defaultVerbosity: Verbosity.Normal,
  prefix: (level) =>
    `[${{ fatal: 'FATAL', warn: 'WARN ', info: 'INFO ', debug: 'DEBUG' }[level]} tini (${process.pid})] `,
  fdFor: (level) => (level === 'info' || level === 'debug' ? 1 : 2),
  messages: {
    spawnFailed: (e) => ({ message: `exec ${e.file} failed: ${e.reason}`, exitCode: e.exitCode }),
    reapedOrphan: (pid) => `Reaped zombie process with pid=${pid}`,
    notAReaper:
      "Tini is not running as PID 1 and isn't registered as a child subreaper.\n" +
      "Zombie processes will not be re-parented to Tini, so zombie reaping won't work.\n" +
      'To fix the problem, use the -s option or set the environment variable TINI_SUBREAPER to register Tini as a child subreaper, or run Tini as PID 1.',
  },
  version: (v) => `tini version 0.19.0 (usher ${v})`,
  infoFd: 1,
};
