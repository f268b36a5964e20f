// What init mode says, and when. usher has its own wording; standing in for
// dumb-init or tini it speaks that tool's dialect line for line (src/cli/dumb-init.ts,
// src/cli/tini.ts), so init.ts calls these at the moments those tools print.
import { Verbosity, type Logger } from '../core/log.js';
import type { SpawnError } from '../core/process-table.js';
import { signalName } from '../core/signals.js';
import { describeExit, type ExitStatus } from '../core/wait-status.js';
import type { HandOff, Placement } from '../core/terminal.js';

export interface InitNarrator {
  /** Printed as a warning when usher is neither PID 1 nor a subreaper ('' for none). */
  readonly notAReaper: string;
  /**
   * tini runs a reaping pass after every signal it handles, and says so at its
   * trace level. Elsewhere reaping waits for SIGCHLD, which leaves a dying
   * group a moment before dumb-init's SIGTERM to what is left of it.
   */
  readonly reapAfterEverySignal?: boolean;
  /** Start-up lines before the spawn (tini: registered as subreaper; dumb-init: debug mode, tty detach). */
  starting(facts: { subreaperRegistered: boolean; handOff: HandOff | undefined }): void;
  spawned(pid: number, argv: readonly string[], placement: Placement, target: string): void;
  /** What to print and which code to exit with when the command cannot be started. */
  spawnFailed(error: SpawnError): { message: string; exitCode: number };
  /** A signal arrived, before anything is done with it (SIGCHLD included). */
  received(signal: number): void;
  /** dumb-init: the first SIGHUP/SIGCONT after handing the terminal over are dropped. */
  handOffIgnored(signal: number): void;
  translated(from: number, to: number): void;
  /** After kill(); delivered is false when nobody was left to receive it. */
  forwarded(signal: number, target: string, delivered: boolean): void;
  /** --rewrite X:0 */
  dropped(received: number): void;
  suspending(): void;
  /** Every reaped process, the main one included, in waitpid order. */
  reaped(pid: number, status: ExitStatus, isMain: boolean, warnOnReap: boolean): void;
  /** A reaping pass ended: nothing more to reap now (children left), or no child at all. */
  reapPassEnded(childrenLeft: boolean): void;
  /** The main process ended and what was left of its group was told to stop: where dumb-init and tini exit. */
  mainExited(code: number): void;
  /** exit code remapped to 0 (tini -e). */
  remapped(code: number): void;
  /**
   * One of usher's own lines, for what only usher does (stop delay, stop
   * timeout). Standing in for dumb-init or tini, usher holds them until the
   * point where that tool would have exited, so its output before then stays
   * the tool's own.
   */
  extra(level: 'info' | 'warn', line: string): void;
}

/** For the stand-ins: usher's extra lines, held until the tool's exit point. */
export function heldExtras(log: Logger): { extra: InitNarrator['extra']; release(): void } {
  let held: [level: 'info' | 'warn', line: string][] | undefined = [];
  return {
    extra(level, line) {
      if (held) held.push([level, line]);
      else log[level](line);
    },
    release() {
      for (const [level, line] of held ?? []) log[level](line);
      held = undefined;
    },
  };
}

const spawnHint = (errno: number, reason: string, codes: { ENOENT: number; EACCES: number; ENOEXEC: number }) =>
  errno === codes.ENOENT
    ? `${reason}: check the program name and that it is installed and on PATH`
    : errno === codes.EACCES
      ? `${reason}: the file is not executable (chmod +x) or sits on a noexec mount`
      : errno === codes.ENOEXEC
        ? `${reason}: the file has no #! line and is not a binary for this machine`
        : reason;

/** usher's own wording. */
export function usherNarrator(log: Logger, errno: { ENOENT: number; EACCES: number; ENOEXEC: number }): InitNarrator {
  const verbose = log.verbosity >= Verbosity.Verbose;
  return {
    notAReaper: '',
    starting() {},
    spawned(pid, argv, placement, target) {
      log.info(`started pid ${pid}: ${argv.join(' ')} (${placement.session}; signals go to ${target})`);
    },
    spawnFailed: (e) => ({ message: `cannot run ${e.file}: ${spawnHint(e.errno, e.reason, errno)}`, exitCode: e.exitCode }),
    received(signal) {
      if (verbose && signal !== 17) log.info(`received ${signalName(signal)}`);
    },
    handOffIgnored(signal) {
      log.info(`not forwarding ${signalName(signal)}: the kernel sent it for the terminal hand-over`);
    },
    translated(from, to) {
      log.info(`rewriting ${signalName(from)} to ${signalName(to)}`);
    },
    forwarded(signal, target, delivered) {
      log.info(delivered ? `forwarded ${signalName(signal)} to ${target}` : `${signalName(signal)} not forwarded: ${target} already gone`);
    },
    dropped(received) {
      log.info(`dropping ${signalName(received)} (rewritten to 0)`);
    },
    suspending() {
      log.info('suspending usher itself, as the job-control signal asks');
    },
    reaped(pid, status, isMain, warnOnReap) {
      // An orphan storm can bring thousands of these: build no string unless asked.
      if (isMain) log.info(`main process ${pid} ${describeExit(status)}`);
      else {
        if (verbose) log.info(`reaped pid ${pid}, which ${describeExit(status)}`);
        if (warnOnReap) log.warn(`reaped zombie process ${pid}`);
      }
    },
    reapPassEnded() {},
    mainExited() {},
    remapped(code) {
      log.info(`exit code ${code} remapped to 0 (-e)`);
    },
    extra(level, line) {
      log[level](line);
    },
  };
}
