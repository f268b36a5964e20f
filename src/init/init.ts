// Init mode: run one command as the child of PID 1, pass signals on, reap every
// zombie, stop the rest cleanly, and exit with the child's status.
import { sendSignal, setChildSubreaper, setParentDeathSignal, SystemCallError } from '../core/libc.js';
import { listenForSignals, SignalForwarder, type ForwardTarget } from '../core/forwarder.js';
import { Verbosity, type Logger } from '../core/log.js';
import { ProcessTable, SpawnError, type ChildProcess } from '../core/process-table.js';
import { forwardableSignals, JOB_CONTROL_SIGNALS, SIG, signalName } from '../core/signals.js';
import { placeChild } from '../core/terminal.js';
import { drainDescendants, liveDescendants, signalDescendants, type Straggler } from '../core/terminate.js';
import { describeExit, shellExitCode } from '../core/wait-status.js';
import { commandLineOf } from '../core/proc-fs.js';

export interface InitMessages {
  /** What to print and which code to exit with when the command cannot be started. */
  spawnFailed(error: SpawnError): { message: string; exitCode: number };
  /** Printed (as a warning) with --warn-on-reap for every reaped orphan. */
  reapedOrphan(pid: number): string;
  /** Printed as a warning when usher is neither PID 1 nor a subreaper. */
  notAReaper: string;
}

export interface InitConfig {
  argv: string[];
  forwardTarget: ForwardTarget;
  /** tini puts the child in its own process group even when signalling it alone. */
  alwaysOwnGroup: boolean;
  /** Received signal -> sent signal; 0 drops it. */
  rewrite: Map<number, number>;
  /** dumb-init: after forwarding SIGTSTP/SIGTTIN/SIGTTOU, stop usher itself too. */
  suspendOnJobControl: boolean;
  /** Signals usher catches and ignores instead of forwarding (tini: SIGTTIN, SIGTTOU). */
  ignored: Set<number>;
  subreaper: boolean;
  parentDeathSignal: number | undefined;
  /** Child exit codes reported as 0 (tini -e). */
  remapToZero: Set<number>;
  warnOnReap: boolean;
  /** When the main child exits, SIGTERM what is left of its process group (dumb-init). */
  termGroupOnChildExit: boolean;
  /** After the main child exits, how long the rest get before SIGKILL; 0 exits at once. */
  drainTimeoutMs: number;
  /** Signals that mean "the container is stopping". */
  stopSignals: Set<number>;
  /** After forwarding a stop signal, SIGKILL whatever still runs after this long. */
  stopTimeoutMs: number | undefined;
  /** Hold a stop signal this long before forwarding it. */
  stopDelayMs: number;
  log: Logger;
  messages: InitMessages;
}

/** Exit code when usher itself fails (sysexits' EX_SOFTWARE). */
export const INTERNAL_ERROR_EXIT = 70;

const JOB_CONTROL = new Set(JOB_CONTROL_SIGNALS);

const seconds = (ms: number) => `${+(ms / 1000).toFixed(3)}s`;

/** Runs the init to completion and returns the exit code usher should exit with. */
export async function runInit(config: InitConfig): Promise<number> {
  const { log } = config;
  const self = process.pid;

  try {
    if (config.parentDeathSignal) setParentDeathSignal(config.parentDeathSignal);
    if (config.subreaper && self !== 1) setChildSubreaper();
  } catch (err) {
    log.fatal(err instanceof SystemCallError ? err.message : String(err));
    return 1;
  }
  if (self !== 1 && !config.subreaper) log.warn(config.messages.notAReaper);

  const table = ProcessTable.open();
  const verbose = log.verbosity >= Verbosity.Verbose;
  table.on('orphan', (pid, status) => {
    // An orphan storm can bring thousands of these: build no string unless asked.
    if (verbose) log.info(`reaped pid ${pid}, which ${describeExit(status)}`);
    if (config.warnOnReap) log.warn(config.messages.reapedOrphan(pid));
  });

  const forwarder = new SignalForwarder({ target: config.forwardTarget, rewrite: config.rewrite }, log);
  let main: ChildProcess | undefined;
  let stopping: 'no' | 'delaying' | 'forwarded' = 'no';
  let stopDelayTimer: NodeJS.Timeout | undefined;
  let stopTimer: NodeJS.Timeout | undefined;
  let stopDeadline = Infinity;

  const beginStop = (received: number) => {
    stopping = 'forwarded';
    forwarder.forward(received, main);
    if (config.stopTimeoutMs === undefined || forwarder.translate(received) === 0) return;
    const timeout = config.stopTimeoutMs;
    stopDeadline = Date.now() + timeout;
    stopTimer = setTimeout(() => {
      for (const p of liveDescendants(self)) {
        log.warn(
          `pid ${p.pid} (${commandLineOf(p.pid, p.comm)}) did not stop within ${seconds(timeout)} ` +
            `of ${signalName(received)} (--stop-timeout); sending SIGKILL`,
        );
        sendSignal(p.pid, SIG.KILL);
      }
    }, timeout);
  };

  const onSignal = (received: number) => {
    log.info(`received ${signalName(received)}`);
    if (received === SIG.USR2 && process.env.USHER_FAULT_INJECTION === 'crash-on-sigusr2') {
      // Lets the tests prove that an internal error never strands the children.
      throw new Error('fault injected by USHER_FAULT_INJECTION');
    }
    if (config.ignored.has(received)) return;
    if (config.stopSignals.has(received)) {
      if (stopping === 'no' && config.stopDelayMs > 0) {
        stopping = 'delaying';
        log.info(`holding ${signalName(received)} for ${seconds(config.stopDelayMs)} (--stop-delay)`);
        stopDelayTimer = setTimeout(() => beginStop(received), config.stopDelayMs);
        return;
      }
      if (stopping !== 'forwarded') {
        if (stopDelayTimer) {
          clearTimeout(stopDelayTimer);
          log.info(`second ${signalName(received)} during --stop-delay: forwarding now`);
        }
        return beginStop(received);
      }
    }
    forwarder.forward(received, main);
    if (config.suspendOnJobControl && JOB_CONTROL.has(received)) {
      log.info('suspending usher itself, as the job-control signal asks');
      sendSignal(self, SIG.STOP);
    }
  };

  // Listen before spawning: a signal that arrives in between is then queued by
  // libuv and handled once the child exists, never lost.
  const unlisten = listenForSignals(forwardableSignals(), onSignal);
  const placement = placeChild(config.forwardTarget, config.alwaysOwnGroup);
  // Tell an app on usher-init/shutdown how long it has between SIGTERM and usher's
  // SIGKILL, so its own deadline can end first (the library reads this).
  const env =
    config.stopTimeoutMs === undefined
      ? process.env
      : { ...process.env, USHER_SHUTDOWN_BUDGET_MS: String(config.stopTimeoutMs) };
  try {
    main = table.spawn({ argv: config.argv, env, ...placement });
  } catch (err) {
    unlisten();
    table.close();
    if (!(err instanceof SpawnError)) throw err;
    const failure = config.messages.spawnFailed(err);
    log.fatal(failure.message);
    return failure.exitCode;
  }
  log.info(
    `started pid ${main.pid}: ${config.argv.join(' ')} (${placement.session}; signals go to ` +
      `${config.forwardTarget === 'group' ? `process group ${main.pgid}` : `pid ${main.pid}`})`,
  );

  const status = await main.exited;
  log.info(`main process ${main.pid} ${describeExit(status)}`);

  // dumb-init's behaviour: what the child left in its own group is asked to stop.
  if (config.termGroupOnChildExit && main.pgid === main.pid && main.signalGroup(SIG.TERM)) {
    log.info(`sent SIGTERM to what is left of process group ${main.pgid}`);
  }

  if (config.drainTimeoutMs > 0) {
    const signalled = signalDescendants(self, SIG.TERM);
    if (signalled > 0) {
      const deadline = Math.min(Date.now() + config.drainTimeoutMs, stopDeadline);
      log.info(`waiting up to ${seconds(deadline - Date.now())} for ${signalled} remaining process(es)`);
      reportStragglers(log, await drainDescendants(self, table, deadline), config.drainTimeoutMs);
    }
  }

  if (stopDelayTimer) clearTimeout(stopDelayTimer);
  if (stopTimer) clearTimeout(stopTimer);
  unlisten();
  table.reap();
  table.close();

  const code = shellExitCode(status);
  if (config.remapToZero.has(code)) {
    log.info(`exit code ${code} remapped to 0 (-e)`);
    return 0;
  }
  return code;
}

function reportStragglers(log: Logger, stragglers: Straggler[], drainMs: number): void {
  for (const s of stragglers) {
    log.warn(
      `killed pid ${s.pid} (${s.command}): still running ${seconds(drainMs)} after the main process exited ` +
        '(--drain-timeout)',
    );
  }
}

/**
 * usher must never die and strand its children: on an internal error it says
 * what happened, asks every process below it to stop, kills what does not, and
 * exits with INTERNAL_ERROR_EXIT.
 */
let crashing = false;

/** True once the crash guard has taken over; the normal exit path must then stand aside. */
export function isCrashing(): boolean {
  return crashing;
}

export function installCrashGuard(log: Logger, graceMs = 3000): void {
  process.on('uncaughtException', (err) => {
    if (crashing) process.exit(INTERNAL_ERROR_EXIT);
    crashing = true;
    log.fatal(`internal error, stopping all processes: ${err instanceof Error ? err.stack ?? err.message : err}`);
    try {
      signalDescendants(process.pid, SIG.TERM);
      const table = ProcessTable.open();
      drainDescendants(process.pid, table, Date.now() + graceMs).then(
        (stragglers) => {
          for (const s of stragglers) log.warn(`killed pid ${s.pid} (${s.command})`);
          process.exit(INTERNAL_ERROR_EXIT);
        },
        () => process.exit(INTERNAL_ERROR_EXIT),
      );
    } catch {
      process.exit(INTERNAL_ERROR_EXIT);
    }
  });
}
