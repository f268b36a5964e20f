// One service: its state, the instance running now, and what happens when it
// ends (restart with back-off, completed, failed). The Supervisor decides when
// a service starts (dependencies) and when everything stops (shutdown).
//
// Each instance leads its own session: its stop signal goes to the whole
// process group, and whatever it leaves behind (orphans keep the session id)
// is found by session in /proc and stopped with it. An instance counts as
// ended only when its leader is reaped, its leftovers are gone and its pipes
// are drained, so the next instance never overlaps the last one and no line
// is reported after the exit it preceded.
import { closeSync, statSync } from 'node:fs';
import { openPipe } from '../core/libc.js';
import { commandLineOf } from '../core/proc-fs.js';
import { SpawnError, type ChildProcess, type ProcessTable } from '../core/process-table.js';
import { SIG, signalName } from '../core/signals.js';
import { liveSessionMembers, signalSession, signalSessionToEnd, signalToEnd, waitUntilNone } from '../core/terminate.js';
import { describeExit, shellExitCode, type ExitStatus } from '../core/wait-status.js';
import { Backoff } from './backoff.js';
import { findProgram, ProgramLookupError } from './command-path.js';
import { watchLiveness, watchWatchdog } from './liveness.js';
import type { LogOutput, EventFields } from './log/log-output.js';
import { PipeRelay } from './log/pipe-relay.js';
import { usesNotify, type NotifyChannel, type NotifySockets } from './notify.js';
import { LineWatch, describeProbe, lineStartFeeder, type ProbeContext } from './probes/probe.js';
import { waitUntilReady } from './readiness.js';
import { ControlError, type ServiceConfig, type ServiceState, type ServiceStatus } from './types.js';

/** What a service needs from the supervisor around it. */
export interface ServiceHost {
  readonly table: ProcessTable;
  readonly output: LogOutput;
  /** Epoch ms by which the whole shutdown must be over; Infinity when not shutting down. */
  shutdownDeadline(): number;
  /** The service's state changed: re-check dependants, criticals, the end. */
  changed(service: Service): void;
  /** A process had to be SIGKILLed. */
  killed(pid: number, command: string): void;
  /** Where the NOTIFY_SOCKETs of `ready: notify` and `live: { watchdog }` services are made. */
  readonly notify: NotifySockets;
}

/** How long the pipes of an ended instance may take to reach end of file (a leftover that escaped may hold them). */
const DRAIN_BOUND_MS = 1000;
/** Capacity asked for each service's stdout and stderr pipe (Linux's default is 64 KiB). */
const PIPE_BYTES = 1024 * 1024;
/** After SIGKILL, how long to wait for the kernel to end the processes. */
const KILL_SETTLE_MS = 2000;

interface Instance {
  child: ChildProcess;
  startedAt: number;
  /** Aborts the probes: the instance ended or is being stopped. */
  probes: AbortController;
  relays: PipeRelay[];
  /** Its NOTIFY_SOCKET, when the service uses the notify protocol. */
  notify?: NotifyChannel;
  /** Set when usher decided the instance failed while it ran (not ready in time, live check failed). */
  failure?: string;
  /** The stop sequence, once started. */
  stopping?: Promise<void>;
  /** Settles when the instance has ended and its end was handled. */
  done: Promise<void>;
  finish: () => void;
}

const seconds = (ms: number) => `${+(ms / 1000).toFixed(3)}s`;

export class Service {
  #state: ServiceState;
  #ready: boolean | null;
  /** Restarts by the policy over the service's life (`usher ps`); like docker's RestartCount, not those asked for. */
  #restarts = 0;
  /** Restarts by the policy since the last start that was asked for or ran stable_after: what max_restarts limits. */
  #restartsSinceAsked = 0;
  #lastExit: ServiceStatus['lastExit'] = null;
  #reason: string | undefined;
  #instance: Instance | undefined;
  /** The last instance's NOTIFY_SOCKET (closed once it ended): what it said stays in `usher ps`. */
  #notify: NotifyChannel | undefined;
  #backoffTimer: NodeJS.Timeout | undefined;
  #stopRequested = false;
  readonly #backoff: Backoff;
  /** Pipes still open, possibly of ended instances (a leftover may hold them until the end). */
  readonly #openRelays = new Set<PipeRelay>();
  everStarted = false;
  everReady = false;
  /** The exit status usher reports for this service's failure. */
  failureCode = 0;

  constructor(
    readonly config: ServiceConfig,
    private readonly host: ServiceHost,
  ) {
    this.#ready = config.ready ? false : null;
    this.#backoff = new Backoff(config.backoff.initialMs, config.backoff.maxMs, config.stableAfterMs);
    // disabled: stopped until `usher start` (supervisord's autostart=false).
    this.#state = config.disabled ? 'stopped' : 'waiting';
  }

  get name(): string {
    return this.config.name;
  }
  get state(): ServiceState {
    return this.#state;
  }
  get reason(): string | undefined {
    return this.#reason;
  }
  get pid(): number | undefined {
    return this.#instance?.child.pid;
  }

  status(): ServiceStatus {
    return {
      name: this.name,
      pid: this.#instance?.child.running ? this.#instance.child.pid : null,
      state: this.#state,
      ready: this.#ready,
      restarts: this.#restarts,
      startedAt: this.#instance ? this.#instance.startedAt : null,
      lastExit: this.#lastExit,
      ...(this.#reason !== undefined ? { reason: this.#reason } : {}),
      ...(this.#notify && Object.keys(this.#notify.view).length > 0 ? { notify: this.#notify.view } : {}),
    };
  }

  /** Whether it still has something to do: it runs, stops, or waits to (re)start. */
  get active(): boolean {
    return this.#state === 'waiting' || this.#state === 'starting' || this.#state === 'running' ||
      this.#state === 'backoff' || this.#state === 'stopping';
  }

  #event(event: string, fields: EventFields, text: string): void {
    this.host.output.event(event, { name: this.name, ...fields }, `${this.name}: ${text}`);
  }

  #setState(state: ServiceState): void {
    this.#state = state;
    this.host.changed(this);
  }

  /**
   * Starts an instance because someone asked for it (`usher start`, `usher
   * restart`): a service that had used up its max_restarts gets them all again,
   * and the back-off starts over, as in supervisord.
   */
  launchOnRequest(): void {
    this.#restartsSinceAsked = 0;
    this.#backoff.reset();
    this.launch();
  }

  /** Starts an instance now (its dependencies are the supervisor's business). */
  launch(): void {
    if (this.#instance) throw new ControlError(`${this.name} is already running (pid ${this.#instance.child.pid})`);
    this.#clearBackoffTimer();
    this.#stopRequested = false;
    this.#reason = undefined;
    const config = this.config;
    const env = serviceEnvironment(config);
    let out: { read: number; write: number } | undefined;
    let err: { read: number; write: number } | undefined;
    let child: ChildProcess;
    let notify: NotifyChannel | undefined;
    try {
      if (config.cwd !== undefined) checkDirectory(config.cwd);
      notify = this.#openNotify(env);
      const file = findProgram(config.argv[0] ?? '', env, { cwd: config.cwd ?? process.cwd(), user: config.user });
      out = openPipe(PIPE_BYTES);
      err = openPipe(PIPE_BYTES);
      child = this.host.table.spawn({
        argv: config.argv,
        file,
        env,
        session: 'new-session',
        stdio: [{ kind: 'null' }, { kind: 'fd', fd: out.write }, { kind: 'fd', fd: err.write }],
        ...(config.cwd !== undefined ? { cwd: config.cwd } : {}),
        ...(config.user ? { user: config.user } : {}),
      });
    } catch (e) {
      notify?.close();
      for (const fd of [out?.read, out?.write, err?.read, err?.write]) if (fd !== undefined) closeQuietly(fd);
      const code = e instanceof SpawnError ? e.exitCode : 1;
      const message = e instanceof SpawnError ? spawnMessage(e) : e instanceof Error ? e.message : String(e);
      this.#event('failed', { reason: `cannot start: ${message}`, code }, `cannot start ${config.commandText}: ${message}`);
      this.#afterEnd({ kind: 'exited', code }, 0, `cannot start: ${message}`);
      return;
    }
    // The child has its own copies; usher keeps only the read ends, so end of
    // file comes when the service (and what it left) closes its output.
    closeQuietly(out.write);
    closeQuietly(err.write);
    // One watch per log probe (ready and live may look for different lines);
    // lines are decoded for them only while one of them is watching.
    const readyLines = new LineWatch(config.ready?.probe.kind === 'log' ? config.ready.probe.pattern : undefined);
    const liveLines = new LineWatch(config.live?.probe.kind === 'log' ? config.live.probe.pattern : undefined);
    const watches = [readyLines, liveLines];
    let finish!: () => void;
    const instance: Instance = {
      child,
      startedAt: Date.now(),
      probes: new AbortController(),
      relays: [
        new PipeRelay(out.read, this.name, 'stdout', this.host.output, lineStartFeeder(watches)),
        new PipeRelay(err.read, this.name, 'stderr', this.host.output, lineStartFeeder(watches)),
      ],
      done: new Promise((resolve) => (finish = resolve)),
      finish: () => finish(),
      ...(notify ? { notify } : {}),
    };
    notify?.attach(child.pid);
    this.#instance = instance;
    for (const relay of instance.relays) {
      this.#openRelays.add(relay);
      void relay.ended.then(() => this.#openRelays.delete(relay));
    }
    this.everStarted = true;
    this.#ready = config.ready ? false : null;
    this.#event('starting', { pid: child.pid, command: config.commandText }, `starting (pid ${child.pid}): ${config.commandText}`);
    if (!config.ready) this.everReady = true;
    this.#setState(config.ready ? 'starting' : 'running');
    child.exited.then((status) => this.#onExit(instance, status));
    const ctx: ProbeContext = { table: this.host.table, service: config, env, startedAt: instance.startedAt, lines: readyLines, ...(notify ? { notify } : {}) };
    const liveCtx: ProbeContext = { ...ctx, lines: liveLines };
    if (config.ready) void this.#awaitReady(instance, ctx, liveCtx);
    else if (config.live) void this.#watchLive(instance, liveCtx);
  }

  async #awaitReady(instance: Instance, ctx: ProbeContext, liveCtx: ProbeContext): Promise<void> {
    const spec = this.config.ready!;
    const outcome = await waitUntilReady(spec, ctx, instance.probes.signal);
    // Ready, failed or cancelled: the ready probe's lines are no longer looked at.
    ctx.lines.done();
    if (outcome === 'cancelled' || this.#instance !== instance) return;
    if (outcome === 'ready') {
      this.#ready = true;
      this.everReady = true;
      const after = Date.now() - instance.startedAt;
      this.#event('ready', { after_ms: after }, `ready after ${after} ms (${describeProbe(spec.probe)})`);
      this.#setState('running');
      if (this.config.live) void this.#watchLive(instance, liveCtx);
      return;
    }
    instance.failure = `not ready within ${seconds(spec.timeoutMs)} (${describeProbe(spec.probe)})`;
    this.#event('failed', { reason: instance.failure }, instance.failure);
    void this.#stopInstance(instance, this.host.shutdownDeadline());
  }

  /** A NOTIFY_SOCKET for the next instance, named in its environment; undefined when the service does not use one. */
  #openNotify(env: NodeJS.ProcessEnv): NotifyChannel | undefined {
    if (!usesNotify(this.config)) return undefined;
    let channel: NotifyChannel;
    try {
      channel = this.host.notify.open(this.config, (text) => this.#event('notify', { reason: text }, text));
    } catch (e) {
      throw new Error(`cannot create its NOTIFY_SOCKET: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.#notify = channel;
    env.NOTIFY_SOCKET = channel.path;
    const live = this.config.live?.probe;
    // As systemd does for WatchdogSec=: sd_watchdog_enabled(3) reads it.
    if (live?.kind === 'watchdog') env.WATCHDOG_USEC = String(live.ms * 1000);
    return channel;
  }

  async #watchLive(instance: Instance, ctx: ProbeContext): Promise<void> {
    const spec = this.config.live!;
    if (spec.probe.kind === 'watchdog') {
      const why = await watchWatchdog(spec.probe.ms, instance.notify, instance.probes.signal);
      if (why === undefined || this.#instance !== instance) return;
      instance.failure = `watchdog: ${why}`;
      this.#event('unhealthy', { reason: instance.failure }, instance.failure);
      void this.#stopInstance(instance, this.host.shutdownDeadline());
      return;
    }
    const failures = await watchLiveness(spec, ctx, instance.probes.signal);
    if (failures === undefined || this.#instance !== instance) return;
    instance.failure = `live check failed ${failures} time(s) in a row (${describeProbe(spec.probe)})`;
    this.#event('unhealthy', { reason: instance.failure }, instance.failure);
    void this.#stopInstance(instance, this.host.shutdownDeadline());
  }

  /**
   * The stop sequence for one instance: stop_signal to its session's process
   * groups, then SIGKILL at stop_timeout (cut to the shutdown deadline), each
   * killed process named.
   */
  #stopInstance(instance: Instance, deadline: number): Promise<void> {
    instance.stopping ??= (async () => {
      instance.probes.abort();
      const sid = instance.child.pid;
      const timeout = Math.max(0, Math.min(this.config.stopTimeoutMs, deadline - Date.now()));
      const signal = this.config.stopSignal;
      const stopBy = Date.now() + timeout;
      // The signal first, then the word: a shutdown stops every independent
      // service in one pass, and each line written before its signal delayed
      // the next service's.
      let mainStopped: Promise<void> | undefined;
      if (this.config.signalGroup) signalSessionToEnd(sid, signal);
      else mainStopped = this.#stopMainFirst(instance, signal, stopBy);
      if (instance.child.running) {
        this.#state = 'stopping';
        this.host.changed(this);
      }
      this.#event('stopping', { pid: sid, signal: signalName(signal), timeout_ms: timeout }, `stopping (${signalName(signal)}, up to ${seconds(timeout)})`);
      await mainStopped;
      await this.#endSession(sid, Math.max(0, stopBy - Date.now()), `did not stop within ${seconds(timeout)} of ${signalName(signal)}`);
    })();
    return instance.stopping;
  }

  /**
   * signal_group: false: the stop signal to the main process alone (a master
   * such as php-fpm stops its workers itself); once it has exited, what is
   * left of its session gets the signal too, within the same stop_timeout.
   */
  async #stopMainFirst(instance: Instance, signal: number, deadline: number): Promise<void> {
    const sid = instance.child.pid;
    // A stopped (T) main process is continued, or it would never run its handler.
    signalToEnd(sid, signal);
    const mainOnly = () => liveSessionMembers(sid).filter((p) => p.pid === sid);
    if (!(await waitUntilNone(mainOnly, this.host.table, deadline))) return;
    const left = liveSessionMembers(sid);
    if (left.length === 0) return;
    this.#event('stopping', { pid: sid, signal: signalName(signal), leftovers: true },
      `stopping what pid ${sid} left behind (${signalName(signal)})`);
    signalSessionToEnd(sid, signal, left);
  }

  /** Waits up to timeoutMs for the session to empty, then SIGKILLs and names what is left. */
  async #endSession(sid: number, timeoutMs: number, why: string): Promise<void> {
    const table = this.host.table;
    if (await waitUntilNone(() => liveSessionMembers(sid), table, Date.now() + timeoutMs)) return;
    const left = liveSessionMembers(sid);
    for (const p of left) {
      const command = commandLineOf(p.pid, p.comm);
      this.#event('killed', { pid: p.pid, command, reason: why }, `killed pid ${p.pid} (${command}): ${why}`);
      this.host.killed(p.pid, command);
    }
    signalSession(sid, SIG.KILL, left);
    await waitUntilNone(() => liveSessionMembers(sid), table, Date.now() + KILL_SETTLE_MS);
  }

  async #onExit(instance: Instance, status: ExitStatus): Promise<void> {
    instance.probes.abort();
    const sid = instance.child.pid;
    if (!instance.stopping && liveSessionMembers(sid).length > 0) {
      // The service ended but left processes in its session: they belong to it
      // and are stopped like it, before it may start again.
      const timeout = Math.max(0, Math.min(this.config.stopTimeoutMs, this.host.shutdownDeadline() - Date.now()));
      this.#event('stopping', { pid: sid, signal: signalName(this.config.stopSignal), timeout_ms: timeout, leftovers: true },
        `stopping what pid ${sid} left behind (${signalName(this.config.stopSignal)}, up to ${seconds(timeout)})`);
      signalSessionToEnd(sid, this.config.stopSignal);
      await this.#endSession(sid, timeout, `left behind by ${this.name} and still running ${seconds(timeout)} after ${signalName(this.config.stopSignal)}`);
    }
    if (instance.stopping) await instance.stopping;
    instance.notify?.close();
    // Every line the instance wrote is out before its exit is reported.
    await boundedAll(instance.relays.map((r) => r.ended), DRAIN_BOUND_MS);
    const ranMs = Date.now() - instance.startedAt;
    this.#instance = undefined;
    this.#lastExit = {
      code: status.kind === 'exited' ? status.code : null,
      signal: status.kind === 'killed' ? signalName(status.signal) : null,
      at: Date.now(),
    };
    this.#event(
      'exited',
      { pid: sid, code: this.#lastExit.code, signal: this.#lastExit.signal, status: shellExitCode(status), ran_ms: ranMs },
      `pid ${sid} ${describeExit(status)} after ${seconds(ranMs)}`,
    );
    this.#afterEnd(status, ranMs, instance.failure);
    instance.finish();
  }

  /** Decides what follows an instance's end: stopped, restart after back-off, completed or failed. */
  #afterEnd(status: ExitStatus, ranMs: number, failure: string | undefined): void {
    this.#ready = this.config.ready ? false : null;
    if (this.#stopRequested) return this.#setState('stopped');
    const code = shellExitCode(status);
    const failed = failure ?? (code !== 0 ? describeExit(status) : undefined);
    const restart = this.config.restart === 'always' || (this.config.restart === 'on-failure' && failed !== undefined);
    if (restart && this.host.shutdownDeadline() === Infinity) {
      // A run of stable_after was a good start: only failures in a row use up max_restarts (supervisord's startsecs).
      if (ranMs >= this.config.stableAfterMs) this.#restartsSinceAsked = 0;
      const max = this.config.maxRestarts;
      if (max !== undefined && this.#restartsSinceAsked >= max) {
        return this.fail(`gave up after ${this.#restartsSinceAsked} restart(s) (max_restarts ${max}); last: ${failed ?? describeExit(status)}`, code || 1);
      }
      const delay = this.#backoff.next(ranMs);
      const nth = this.#restartsSinceAsked + 1;
      this.#event('restarting', { in_ms: delay, restarts: this.#restarts + 1 }, `restarting in ${seconds(delay)} (restart ${nth}${max !== undefined ? ` of ${max}` : ''})`);
      this.#backoffTimer = setTimeout(() => {
        this.#backoffTimer = undefined;
        this.#restarts++;
        this.#restartsSinceAsked++;
        this.launch();
      }, delay);
      return this.#setState('backoff');
    }
    if (failed !== undefined) return this.fail(failed, code || 1);
    this.#setState('completed');
  }

  /** Marks the service failed for good (a dependency failed, or no restart is left). */
  fail(reason: string, code: number): void {
    this.#clearBackoffTimer();
    this.#reason = reason;
    this.failureCode = code || 1;
    this.#event('failed', { reason, code: this.failureCode }, `failed: ${reason}`);
    this.#setState('failed');
  }

  /**
   * Stops the service and keeps it stopped: no restart. Waiting or backing
   * off, it simply never starts; running, it gets its stop sequence, cut to
   * `deadline`. Resolves when the instance has ended.
   */
  async stop(deadline = Infinity): Promise<void> {
    this.#stopRequested = true;
    this.#clearBackoffTimer();
    const instance = this.#instance;
    if (!instance) {
      if (this.#state === 'waiting' || this.#state === 'backoff') this.#setState('stopped');
      return;
    }
    void this.#stopInstance(instance, deadline);
    await instance.done;
  }

  /** Settles when every pipe of every instance has reached end of file (every line is out). */
  async drained(): Promise<void> {
    await Promise.all([...this.#openRelays].map((r) => r.ended));
  }

  /** From now on the service never (re)starts; waiting or backing off, it is stopped at once. */
  holdStopped(): void {
    this.#stopRequested = true;
    this.#clearBackoffTimer();
    if (this.#state === 'waiting' || this.#state === 'backoff') this.#setState('stopped');
  }

  /** Sends a signal to every process group of the running instance's session (signal_group: false, to its main process). */
  signal(signal: number): boolean {
    const instance = this.#instance;
    if (!instance) return false;
    if (!this.config.signalGroup) return instance.child.signal(signal);
    return signalSession(instance.child.pid, signal) > 0;
  }

  #clearBackoffTimer(): void {
    if (this.#backoffTimer) clearTimeout(this.#backoffTimer);
    this.#backoffTimer = undefined;
  }
}

/** usher's environment, the user's HOME/USER/LOGNAME, then the service's own variables. */
export function serviceEnvironment(config: ServiceConfig): NodeJS.ProcessEnv {
  // No prototype: a variable named __proto__ is one like any other.
  const env: NodeJS.ProcessEnv = Object.assign(Object.create(null), process.env);
  const user = config.user;
  if (user) {
    // As docker --user: a uid with no passwd entry gets HOME=/, and no USER or
    // LOGNAME (usher's would name root); the service's env may set them.
    env.HOME = user.home || '/';
    if (user.name !== undefined) env.USER = env.LOGNAME = user.name;
    else {
      delete env.USER;
      delete env.LOGNAME;
    }
  }
  // The budget usher-init/shutdown reads: the app's own deadline then ends before usher's SIGKILL.
  env.USHER_SHUTDOWN_BUDGET_MS = String(config.stopTimeoutMs);
  Object.assign(env, config.env);
  return env;
}

function checkDirectory(dir: string): void {
  let isDirectory = false;
  try {
    isDirectory = statSync(dir).isDirectory();
  } catch {
    throw new Error(`its cwd ${dir} does not exist`);
  }
  if (!isDirectory) throw new Error(`its cwd ${dir} is not a directory`);
}

function spawnMessage(e: SpawnError): string {
  if (e instanceof ProgramLookupError) return `${e.file}: ${e.reason}`;
  if (e.exitCode === 127) return `${e.file}: not found (check the command and PATH)`;
  return `${e.file}: ${e.reason}`;
}

function closeQuietly(fd: number): void {
  try {
    closeSync(fd);
  } catch {
    // already closed
  }
}

function boundedAll(promises: Promise<unknown>[], ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    Promise.all(promises).then(() => undefined),
    new Promise<void>((resolve) => (timer = setTimeout(resolve, ms))),
  ]).finally(() => clearTimeout(timer));
}
