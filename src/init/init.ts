// Init mode: run one command as the child of PID 1, pass signals on, reap every
// zombie, stop the rest cleanly, and exit with the child's status.
import { hasChildren, isChildSubreaper, keepIdleProcessAsleep, sendSignal, setChildSubreaper, setParentDeathSignal, SystemCallError } from '../core/libc.js';
import { listenForSignals, SignalForwarder, type ForwardTarget } from '../core/forwarder.js';
import type { Logger } from '../core/log.js';
import { ProcessTable, SpawnError, type ChildProcess } from '../core/process-table.js';
import { forwardableSignals, JOB_CONTROL_SIGNALS, SIG, signalName } from '../core/signals.js';
import { handOffTerminal, placeChild, type HandOff, type Placement } from '../core/terminal.js';
import {
  drainDescendants,
  liveDescendants,
  reminderTime,
  signalDescendants,
  signalToEnd,
  StopLedger,
  type DrainReminder,
  type Straggler,
} from '../core/terminate.js';
import { shellExitCode, type ExitStatus } from '../core/wait-status.js';
import { commandLineOf, readProcessInfo, type ProcessInfo } from '../core/proc-fs.js';
import type { InitNarrator } from './narrator.js';

export type { InitNarrator } from './narrator.js';

export interface InitConfig {
  argv: string[];
  forwardTarget: ForwardTarget;
  /** tini puts the child in its own process group even when signalling it alone. */
  alwaysOwnGroup: boolean;
  /**
   * dumb-init's setsid mode: give the controlling terminal up so the child's new
   * session can take it, and drop the SIGHUP and SIGCONT that hand-over causes.
   */
  handOffTerminal: boolean;
  /** Received signal -> sent signal; 0 drops it. */
  rewrite: Map<number, number>;
  /** dumb-init: after forwarding SIGTSTP/SIGTTIN/SIGTTOU, stop usher itself too. */
  suspendOnJobControl: boolean;
  /** Signals usher catches and discards instead of forwarding (tini: SIGTTIN, SIGTTOU). */
  ignored: Set<number>;
  subreaper: boolean;
  parentDeathSignal: number | undefined;
  /** Child exit codes reported as 0 (tini -e). */
  remapToZero: Set<number>;
  warnOnReap: boolean;
  /**
   * When the main child exits, SIGTERM what is left of its process group:
   * 'always' as dumb-init does; 'unless-stopped' (usher) spares a group that
   * already got the stop signal, because many apps take a second SIGTERM as
   * "quit now, skip the graceful part"; false as tini.
   */
  termGroupOnChildExit: 'always' | 'unless-stopped' | false;
  /** After the main child exits, how long the rest get before SIGKILL; 0 exits at once. */
  drainTimeoutMs: number;
  /** Signals that mean "the container is stopping". */
  stopSignals: Set<number>;
  /** After forwarding a stop signal, SIGKILL whatever still runs after this long. */
  stopTimeoutMs: number | undefined;
  /** Hold a stop signal this long before forwarding it. */
  stopDelayMs: number;
  log: Logger;
  /** What is said, and when: usher's words, or dumb-init's or tini's. */
  narrator: InitNarrator;
}

/** Exit code when usher itself fails (sysexits' EX_SOFTWARE). */
export const INTERNAL_ERROR_EXIT = 70;

const JOB_CONTROL = new Set(JOB_CONTROL_SIGNALS);

const seconds = (ms: number) => `${+(ms / 1000).toFixed(3)}s`;

/** Runs the init to completion and returns the exit code usher should exit with. */
export async function runInit(config: InitConfig): Promise<number> {
  const { log, narrator } = config;
  const self = process.pid;

  try {
    keepIdleProcessAsleep();
    if (config.parentDeathSignal) setParentDeathSignal(config.parentDeathSignal);
    // As PID 1 this changes nothing, and tini asks anyway (and says so at its trace level).
    if (config.subreaper) setChildSubreaper();
  } catch (err) {
    log.fatal(err instanceof SystemCallError ? err.message : String(err));
    return 1;
  }
  // As tini: a parent may have made us a subreaper before exec; then all is well.
  if (self !== 1 && !config.subreaper && narrator.notAReaper && !isChildSubreaper()) log.warn(narrator.notAReaper);

  const table = ProcessTable.open();
  const forwarder = new SignalForwarder({ target: config.forwardTarget, rewrite: config.rewrite }, narrator);
  let main: ChildProcess | undefined;
  let mainStatus: ExitStatus | undefined;
  let stopping: 'no' | 'delaying' | 'forwarded' = 'no';
  // The process group the stop signal was forwarded to, if any: its members are not signalled again.
  let stoppedGroup: number | undefined;
  let stopDelayTimer: NodeJS.Timeout | undefined;
  let stopTimer: NodeJS.Timeout | undefined;
  let stopDeadline = Infinity;
  // The first SIGHUP and SIGCONT after a terminal hand-over come from the kernel.
  const handOffSignals = new Set<number>();
  // Who was asked to end already, so that the drain asks nobody twice (dumb-init's
  // 'always' asks again by design, and without a drain nobody is asked at all).
  const ledger = config.drainTimeoutMs > 0 && config.termGroupOnChildExit !== 'always' ? new StopLedger(self) : undefined;
  let stopSignalSent: number = SIG.TERM;

  table.on('sigchld', () => narrator.received(SIG.CHLD));
  table.on('orphan', (pid, status) => narrator.reaped(pid, status, false, config.warnOnReap));
  table.on('exit', (child, status) => {
    if (child !== main) return;
    // Said and done in the same reaping pass, where dumb-init and tini exit.
    mainStatus = status;
    narrator.reaped(child.pid, status, true, config.warnOnReap);
    // dumb-init's behaviour: what the child left in its own group is asked to stop.
    const groupStopped = stoppedGroup === child.pgid;
    if (config.termGroupOnChildExit === 'always' || (config.termGroupOnChildExit === 'unless-stopped' && !groupStopped)) {
      if (config.forwardTarget === 'group') ledger?.noteAsked(-child.pgid);
      forwarder.forward(SIG.TERM, child, { toEnd: true });
    }
    narrator.mainExited(shellExitCode(status));
  });
  table.on('idle', (childrenLeft) => narrator.reapPassEnded(childrenLeft));

  /** Passes a stop signal on (then SIGCONT, so that a stopped app runs its handler), noting who it reaches. */
  const forwardStop = (received: number): number => {
    const signal = forwarder.translate(received);
    if (ledger && main?.running && signal !== 0) {
      ledger.noteAsked(config.forwardTarget === 'group' ? -main.pgid : main.pid, { beforeStop: true });
      stopSignalSent = signal;
    }
    return forwarder.forward(received, main, { toEnd: true });
  };

  const beginStop = (received: number) => {
    stopping = 'forwarded';
    if (forwardStop(received) !== 0 && main && config.forwardTarget === 'group') stoppedGroup = main.pgid;
    if (config.stopTimeoutMs === undefined || forwarder.translate(received) === 0) return;
    const timeout = config.stopTimeoutMs;
    stopDeadline = Date.now() + timeout;
    stopTimer = setTimeout(() => {
      for (const p of liveDescendants(self)) {
        narrator.extra(
          'warn',
          `pid ${p.pid} (${commandLineOf(p.pid, p.comm)}) did not stop within ${seconds(timeout)} ` +
            `of ${signalName(received)} (--stop-timeout); sending SIGKILL`,
        );
        sendSignal(p.pid, SIG.KILL);
      }
    }, timeout);
  };

  const onSignal = (received: number) => {
    if (config.ignored.has(received)) return;
    narrator.received(received);
    if (handOffSignals.delete(received)) return narrator.handOffIgnored(received);
    if (config.stopSignals.has(received) && stopping !== 'forwarded') {
      if (stopping === 'no' && config.stopDelayMs > 0) {
        stopping = 'delaying';
        narrator.extra('info', `holding ${signalName(received)} for ${seconds(config.stopDelayMs)} (--stop-delay)`);
        stopDelayTimer = setTimeout(() => beginStop(received), config.stopDelayMs);
        return;
      }
      if (stopDelayTimer) {
        clearTimeout(stopDelayTimer);
        narrator.extra('info', `second ${signalName(received)} during --stop-delay: forwarding now`);
      }
      beginStop(received);
    } else if (config.stopSignals.has(received)) {
      // Again, after the first: continued too, in case something stopped it meanwhile.
      forwardStop(received);
    } else {
      forwarder.forward(received, main);
      if (config.suspendOnJobControl && JOB_CONTROL.has(received)) {
        narrator.suspending();
        sendSignal(self, SIG.STOP);
      }
    }
    if (main && narrator.reapAfterEverySignal) table.reap();
  };

  // Listen before spawning: a signal that arrives in between is then queued by
  // libuv and handled once the child exists, never lost. The terminal hand-over
  // below sends usher SIGHUP, which must find a listener.
  const unlisten = listenForSignals(forwardableSignals(), onSignal);
  let placement: Placement;
  let handOff: HandOff | undefined;
  if (config.handOffTerminal) {
    ({ placement, handOff } = handOffTerminal());
    if (handOff?.detached && handOff.wasSessionLeader) (handOffSignals.add(SIG.HUP), handOffSignals.add(SIG.CONT));
  } else {
    placement = placeChild(config.forwardTarget, config.alwaysOwnGroup);
  }
  narrator.starting({ subreaperRegistered: config.subreaper, handOff });
  // Tell an app on usher-init/shutdown how long it has between SIGTERM and usher's
  // SIGKILL, so its own deadline can end first (the library reads this).
  const env =
    config.stopTimeoutMs === undefined
      ? process.env
      : { ...process.env, USHER_SHUTDOWN_BUDGET_MS: String(config.stopTimeoutMs) };
  if (table.activationOffer.kind === 'refused') narrator.extra('warn', table.activationOffer.reason);
  try {
    main = table.spawn({ argv: config.argv, env, ...placement, socketActivation: true });
  } catch (err) {
    unlisten();
    table.close();
    if (!(err instanceof SpawnError)) throw err;
    const failure = narrator.spawnFailed(err);
    log.fatal(failure.message);
    return failure.exitCode;
  }
  narrator.spawned(main.pid, config.argv, placement, forwarder.describeTarget(main));
  if (main.activation && main.activation.listenPid !== main.pid) {
    narrator.extra(
      'warn',
      `socket activation: pid ${main.pid} got ${main.activation.sockets} socket(s) with LISTEN_PID=${main.activation.listenPid ?? 'unset'} ` +
        '(another process started at the same moment): a program that checks LISTEN_PID (sd_listen_fds) will not use them',
    );
  }
  // Hold no reference to the directory usher was started in (it could pin a
  // mount): the child has its own now. dumb-init does the same.
  try {
    process.chdir('/');
  } catch {
    // nothing pinned that we could release
  }

  const status = mainStatus ?? (await main.exited);

  if (config.drainTimeoutMs > 0) {
    const start = Date.now();
    const deadline = Math.min(start + config.drainTimeoutMs, stopDeadline);
    let reminder: DrainReminder | undefined;
    if (ledger) {
      // Whoever usher already asked is only waited for; whoever its own parent
      // most likely asked, too, unless it still runs as the deadline nears.
      const plan = ledger.planDrain(stopSignalSent);
      for (const p of plan.now) signalToEnd(p.pid, SIG.TERM);
      if (plan.nearDeadline.length > 0) {
        const at = reminderTime(start, deadline);
        reminder = { at, remind: () => remindStillRunning(log, plan.nearDeadline, deadline) };
      }
    } else {
      signalDescendants(self, SIG.TERM);
    }
    const signalled = liveDescendants(self).length;
    if (signalled > 0) log.info(`waiting up to ${seconds(deadline - Date.now())} for ${signalled} remaining process(es)`);
    // None running may still leave one exiting (its threads), not yet reaped: waited for too, quietly.
    if (signalled > 0 || hasChildren()) reportStragglers(log, await drainDescendants(self, table, deadline, reminder), config.drainTimeoutMs);
  }

  if (stopDelayTimer) clearTimeout(stopDelayTimer);
  if (stopTimer) clearTimeout(stopTimer);
  unlisten();
  // What ended meanwhile (the group's leftovers, killed by the SIGTERM above) is reaped and named.
  table.reap();
  table.close();

  const code = shellExitCode(status);
  if (config.remapToZero.has(code)) {
    narrator.remapped(code);
    return 0;
  }
  return code;
}

/** The drain's reminder: SIGTERM to each process spared so far (see StopLedger) that still runs. */
function remindStillRunning(log: Logger, spared: ProcessInfo[], deadline: number): void {
  for (const p of spared) {
    const now = readProcessInfo(p.pid);
    if (!now || now.startTicks !== p.startTicks || now.state === 'Z' || now.state === 'X') continue;
    log.info(`pid ${p.pid} (${commandLineOf(p.pid, p.comm)}) still running ${seconds(deadline - Date.now())} before the end of --drain-timeout; sending SIGTERM`);
    signalToEnd(p.pid, SIG.TERM);
  }
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
