/**
 * The shutdown sequence: signals, readiness, servers, hooks, deadline, exit.
 *
 * @packageDocumentation
 */
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { resolveDeadline, type DeadlineSource } from './budget.js';
import { ServerDrainer, type DrainableServer, type DrainReport, type ServerDrainerOptions } from './http-drain.js';
import { createSupervisorNotifier } from './notify.js';
import { Readiness, startHealthServer, type HealthServer, type HealthServerOptions } from './readiness.js';

/** Signals that start a shutdown by default. */
export const DEFAULT_SIGNALS: readonly NodeJS.Signals[] = Object.freeze(['SIGTERM', 'SIGINT', 'SIGHUP'] as const);

/** Signals that, received again during a shutdown, force an immediate exit by default. */
export const DEFAULT_FORCE_SIGNALS: readonly NodeJS.Signals[] = Object.freeze(['SIGTERM', 'SIGINT'] as const);

/** Why a shutdown started. */
export type ShutdownReason =
  | { readonly type: 'signal'; readonly signal: NodeJS.Signals }
  | { readonly type: 'call'; readonly message: string | undefined };

/** What a hook receives. */
export interface HookContext {
  /** Why the shutdown started. */
  readonly reason: ShutdownReason;
  /** Aborted when the hook's time is up or the exit is forced: pass it to cancellable work. */
  readonly signal: AbortSignal;
  /** Milliseconds left before this hook times out. */
  remaining(): number;
}

/**
 * A shutdown hook. May be synchronous or return a promise; throwing or
 * rejecting marks it failed. A hook that blocks the event loop synchronously
 * cannot be timed out by anything.
 */
export type ShutdownHook = (context: HookContext) => void | Promise<void>;

/** Options of {@link Lifecycle.addHook}. */
export interface HookOptions {
  /** Milliseconds the hook may take; default {@link LifecycleOptions.hookTimeout}, never beyond the deadline. */
  readonly timeout?: number;
}

/** Options of {@link Lifecycle.attachServer}. */
export interface AttachServerOptions extends ServerDrainerOptions {
  /** Name used on stderr and in results; default derived from the listening address, e.g. `server :8080`. */
  readonly name?: string;
  /** Milliseconds the server may take to drain; default {@link LifecycleOptions.drainTimeout}. */
  readonly timeout?: number;
}

/** Kind of a shutdown step. */
export type StepKind = 'hook' | 'server';

/**
 * How a step ended:
 * - `ok`: finished in time;
 * - `failed`: threw or rejected;
 * - `timed-out`: ran out of time (a server: requests in flight were dropped);
 * - `skipped`: never ran, the deadline had passed;
 * - `abandoned`: was running when a second signal forced the exit.
 */
export type StepStatus = 'ok' | 'failed' | 'timed-out' | 'skipped' | 'abandoned';

/** The outcome of one hook or server drain. */
export interface StepOutcome {
  /** The hook's or server's name. */
  readonly name: string;
  /** Hook or server. */
  readonly kind: StepKind;
  /** How it ended. */
  readonly status: StepStatus;
  /** Milliseconds it ran (0 when skipped). */
  readonly durationMs: number;
  /** What it threw, for `failed`. */
  readonly error?: unknown;
  /** For servers that finished draining (even by timeout): what the drain did. */
  readonly drain?: DrainReport;
}

/** The result of a shutdown. */
export interface ShutdownResult {
  /** Why it started. */
  readonly reason: ShutdownReason;
  /** The process exit code: 0, 1 when a step did not end `ok`, 128+N when forced by signal N, or what {@link ShutdownRequest.exitCode} asked. */
  readonly exitCode: number;
  /** True when a second signal forced the exit. */
  readonly forced: boolean;
  /** True when the overall deadline cut a step short or left steps unrun. */
  readonly deadlineExceeded: boolean;
  /** Milliseconds from the start of the shutdown to its end. */
  readonly durationMs: number;
  /** Every step, in the order they ran (unrun ones last). */
  readonly steps: readonly StepOutcome[];
}

/** Progress of a shutdown, for logs and metrics. */
export type LifecycleEvent =
  | { readonly type: 'shutdown-start'; readonly reason: ShutdownReason; readonly deadline: number }
  | { readonly type: 'listeners-closed' }
  | { readonly type: 'step-start'; readonly name: string; readonly kind: StepKind }
  | { readonly type: 'step-end'; readonly outcome: StepOutcome }
  | { readonly type: 'shutdown-end'; readonly result: ShutdownResult };

/** Options of {@link createLifecycle}. */
export interface LifecycleOptions {
  /**
   * Overall deadline in milliseconds, from the first signal to the exit.
   * Default: derived from `USHER_SHUTDOWN_BUDGET_MS` when usher sets it,
   * otherwise 8000 (see the budget module).
   */
  readonly deadline?: number;
  /** Signals that start a shutdown; default {@link DEFAULT_SIGNALS}. `[]` handles none (explicit calls only). */
  readonly signals?: readonly NodeJS.Signals[];
  /**
   * Signals that force an immediate exit when received during a shutdown.
   * Default: those of {@link DEFAULT_FORCE_SIGNALS} (SIGTERM, SIGINT) that are also in `signals`.
   */
  readonly forceSignals?: readonly NodeJS.Signals[];
  /**
   * Milliseconds between failing readiness and closing listeners, so that load
   * balancers stop sending traffic first. Default 0. Do not combine with usher's
   * `--stop-delay`: both delays would add up.
   */
  readonly readinessDelay?: number;
  /** Default timeout of hooks without their own, in milliseconds. Default: whatever is left of the deadline. */
  readonly hookTimeout?: number;
  /**
   * Default drain timeout of attached servers, in milliseconds. Default: three
   * quarters of what is left of the deadline when the server's turn comes, so
   * that the steps after it keep at least a quarter.
   */
  readonly drainTimeout?: number;
  /** `reverse` (default): last registered, first run, like `defer`. `registration`: in registration order. */
  readonly order?: 'reverse' | 'registration';
  /** Call `process.exit` at the end (default true). When false, {@link Lifecycle.shutdown} resolves instead. */
  readonly exit?: boolean;
  /** Where failures and warnings go; default: stderr, prefixed `usher-init/shutdown: `. */
  readonly log?: (message: string) => void;
  /** Progress listener; exceptions it throws are ignored. */
  readonly onEvent?: (event: LifecycleEvent) => void;
  /** Environment to read the budget and `NOTIFY_SOCKET` from; default `process.env`. */
  readonly env?: NodeJS.ProcessEnv;
  /**
   * When `NOTIFY_SOCKET` is set (systemd `Type=notify`, usher's `ready: notify`),
   * send `READY=1` on {@link Lifecycle.ready} and `STOPPING=1` when the
   * shutdown starts, through `systemd-notify`. Default true; without
   * `NOTIFY_SOCKET` nothing is sent either way.
   */
  readonly notify?: boolean;
}

/** Options of an explicit {@link Lifecycle.shutdown}. */
export interface ShutdownRequest {
  /** Why, for logs and {@link ShutdownReason}. */
  readonly message?: string;
  /** Exit code when every step succeeds (e.g. 1 after a fatal error); default 0. */
  readonly exitCode?: number;
}

interface HookStep {
  readonly kind: 'hook';
  readonly name: string;
  readonly hook: ShutdownHook;
  readonly timeout: number | undefined;
}

interface ServerStep {
  readonly kind: 'server';
  readonly server: DrainableServer;
  readonly drainer: ServerDrainer;
  readonly fixedName: string | undefined;
  readonly timeout: number | undefined;
  /** Frozen when the listener closes: a closed server has no address to name it by. */
  name: string | undefined;
}

type Step = HookStep | ServerStep;

interface RunningStep {
  readonly step: Step;
  readonly startedAt: number;
  readonly controller: AbortController;
}

interface Run {
  readonly reason: ShutdownReason;
  readonly requestedExitCode: number;
  readonly startedAt: number;
  readonly deadlineAt: number;
  /** Steps still to run, next first. */
  readonly pending: Step[];
  readonly outcomes: StepOutcome[];
  /** Aborted when the run finishes, to cut short whatever is still waiting. */
  readonly stop: AbortController;
  readonly watchdog: NodeJS.Timeout;
  readonly resolve: (result: ShutdownResult) => void;
  listenersClosed: boolean;
  /** A step was cut short by the overall deadline rather than by its own timeout. */
  deadlineHit: boolean;
  current: RunningStep | undefined;
  finished: boolean;
}

const TIMED_OUT = Symbol('timed out');

/**
 * The same signal again within this many milliseconds of the one that started
 * the shutdown is taken as one signal delivered twice, not as a request to
 * force: a terminal's Ctrl-C reaches the whole foreground process group, and a
 * supervisor in that group (usher, dumb-init) forwards it to the app again a
 * moment later. A person pressing Ctrl-C twice is slower than that.
 */
export const DUPLICATE_SIGNAL_WINDOW_MS = 200;

function assertDuration(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw new RangeError(`${name} must be a non-negative number of milliseconds, got ${String(value)}`);
  }
}

function describeError(error: unknown): string {
  if (error instanceof Error) return error.stack ?? `${error.name}: ${error.message}`;
  return String(error);
}

function signalNumber(signal: NodeJS.Signals): number {
  return (os.constants.signals as Partial<Record<NodeJS.Signals, number>>)[signal] ?? 0;
}

function writeToStderr(message: string): void {
  try {
    process.stderr.write(`usher-init/shutdown: ${message}\n`);
  } catch {
    // Nowhere left to report to; the exit code still tells.
  }
}

/**
 * Graceful shutdown for one process: ordered hooks, attached servers,
 * readiness, signals, an overall deadline and the exit code.
 *
 * On the first of its signals (or {@link Lifecycle.shutdown}):
 * 1. readiness becomes `shutting-down` (health `/ready` answers 503);
 * 2. after {@link LifecycleOptions.readinessDelay}, every attached server stops accepting;
 * 3. hooks and server drains run one at a time, last registered first
 *    (see {@link LifecycleOptions.order}), each within its timeout, all within the deadline;
 * 4. health servers close, readiness becomes `stopped`, the process exits
 *    with 0 if every step ended `ok`, 1 otherwise (each failure named on stderr).
 *
 * A second SIGTERM or SIGINT meanwhile exits at once with 128+N (the same
 * signal repeated within {@link DUPLICATE_SIGNAL_WINDOW_MS} counts as one).
 * Use one per process.
 */
export class Lifecycle {
  /** The readiness state, shared with health servers started through {@link Lifecycle.startHealthServer}. */
  readonly readiness = new Readiness();
  /** Overall deadline in milliseconds. */
  readonly deadline: number;
  /** Where {@link Lifecycle.deadline} came from. */
  readonly deadlineSource: DeadlineSource;

  readonly #signals: readonly NodeJS.Signals[];
  readonly #forceSignals: readonly NodeJS.Signals[];
  readonly #readinessDelay: number;
  readonly #hookTimeout: number | undefined;
  readonly #drainTimeout: number | undefined;
  readonly #order: 'reverse' | 'registration';
  readonly #exit: boolean;
  readonly #log: (message: string) => void;
  readonly #usesDefaultLog: boolean;
  readonly #onEvent: ((event: LifecycleEvent) => void) | undefined;

  readonly #steps: Step[] = [];
  readonly #healthServers: HealthServer[] = [];
  readonly #listeningTo = new Set<NodeJS.Signals>();
  #keepAlive: NodeJS.Timeout | undefined;
  #run: Run | undefined;
  #result: Promise<ShutdownResult> | undefined;

  /** @param options - see {@link LifecycleOptions} */
  constructor(options: LifecycleOptions = {}) {
    assertDuration('readinessDelay', options.readinessDelay);
    assertDuration('hookTimeout', options.hookTimeout);
    assertDuration('drainTimeout', options.drainTimeout);
    if (options.order !== undefined && options.order !== 'reverse' && options.order !== 'registration') {
      throw new RangeError(`order must be 'reverse' or 'registration', got ${String(options.order)}`);
    }
    this.#log = options.log ?? writeToStderr;
    this.#usesDefaultLog = options.log === undefined;
    const choice = resolveDeadline(options.deadline, options.env ?? process.env);
    if (choice.warning) this.#log(choice.warning);
    this.deadline = choice.deadline;
    this.deadlineSource = choice.source;
    this.#signals = [...new Set(options.signals ?? DEFAULT_SIGNALS)];
    // By default only signals the app handed to the library can force: with
    // `signals: []` the app keeps SIGTERM and SIGINT to itself.
    this.#forceSignals = [...new Set(options.forceSignals ?? DEFAULT_FORCE_SIGNALS.filter((signal) => this.#signals.includes(signal)))];
    this.#readinessDelay = options.readinessDelay ?? 0;
    this.#hookTimeout = options.hookTimeout;
    this.#drainTimeout = options.drainTimeout;
    this.#order = options.order ?? 'reverse';
    this.#exit = options.exit ?? true;
    this.#onEvent = options.onEvent;
    for (const signal of this.#signals) this.#listenTo(signal);
    if (options.notify ?? true) this.#notifySupervisor(options.env ?? process.env);
  }

  /** Shortcut for `readiness.state`. */
  get state(): Readiness['state'] {
    return this.readiness.state;
  }

  /** The order steps run in, see {@link LifecycleOptions.order}. */
  get order(): 'reverse' | 'registration' {
    return this.#order;
  }

  /**
   * Marks the app ready to take traffic (`starting` → `ready`).
   * @returns false when a shutdown has already begun
   */
  ready(): boolean {
    return this.readiness.markReady();
  }

  /**
   * Registers a shutdown hook. Hooks run once, one at a time, last registered
   * first by default. A hook added while a shutdown is running still runs,
   * as the next step (or the last one with `order: 'registration'`).
   *
   * @param name - named on stderr when the hook fails or times out
   * @param hook - the work to do
   * @param options - its timeout
   * @returns a function that unregisters the hook if it has not started
   */
  addHook(name: string, hook: ShutdownHook, options: HookOptions = {}): () => void {
    assertDuration('timeout', options.timeout);
    return this.#addStep({ kind: 'hook', name, hook, timeout: options.timeout });
  }

  /**
   * Attaches an `http`, `https` or `http2` server: before it listens, in the
   * same tick as `listen()` (Express's or Koa's `app.listen()`), or later (its
   * HTTP/1 connections are then adopted, see {@link ServerDrainer}).
   * On shutdown it stops accepting together with every other attached server
   * (right after the readiness delay), then drains when its turn comes in the
   * step order: in-flight requests finish, keep-alive clients are told
   * `Connection: close`, idle connections are closed, server-sent event
   * streams are ended, WebSockets get a close frame, HTTP/2 sessions get a
   * graceful GOAWAY, and what is left at the drain timeout is destroyed.
   *
   * @returns the drainer, whose counters can be read at any time
   */
  attachServer(server: DrainableServer, options: AttachServerOptions = {}): ServerDrainer {
    assertDuration('timeout', options.timeout);
    const drainer = new ServerDrainer(server, options);
    this.#addStep({ kind: 'server', server, drainer, fixedName: options.name, timeout: options.timeout, name: undefined });
    return drainer;
  }

  /**
   * Starts a health server reporting this lifecycle's readiness. It stays up
   * for the whole shutdown, so that probes see 503 rather than a refused
   * connection, and closes at the very end.
   */
  async startHealthServer(options: HealthServerOptions = {}): Promise<HealthServer> {
    const health = await startHealthServer(this.readiness, options);
    this.#healthServers.push(health);
    return health;
  }

  /**
   * Keeps the process alive until the shutdown ends, for apps with nothing
   * else holding the event loop (no server, no timer): signal listeners alone
   * do not, and Node would exit at once.
   */
  keepProcessAlive(): void {
    if (this.#run?.finished) return;
    this.#keepAlive ??= setInterval(() => undefined, 0x7fffffff);
  }

  /**
   * Starts the shutdown, as a signal would. Later calls (and signals) return
   * the same promise. With `exit: true` (the default) the process exits at the
   * end and the promise never settles in practice.
   */
  shutdown(request: ShutdownRequest = {}): Promise<ShutdownResult> {
    if (request.exitCode !== undefined && !(Number.isInteger(request.exitCode) && request.exitCode >= 0 && request.exitCode <= 255)) {
      throw new RangeError(`exitCode must be an integer from 0 to 255, got ${String(request.exitCode)}`);
    }
    return this.#begin({ type: 'call', message: request.message }, request.exitCode ?? 0);
  }

  /**
   * Removes the signal listeners and stops keeping the process alive, without
   * shutting down: for tests and for handing over to another mechanism.
   */
  dispose(): void {
    this.#stopListening();
    if (this.#keepAlive) clearInterval(this.#keepAlive);
    this.#keepAlive = undefined;
  }

  #notifySupervisor(env: NodeJS.ProcessEnv): void {
    const notifier = createSupervisorNotifier(env, (message) => this.#log(message));
    if (!notifier) return;
    this.readiness.onChange((state) => {
      if (state === 'ready') void notifier.send('READY=1');
      else if (state === 'shutting-down') void notifier.send('STOPPING=1');
    });
  }

  #addStep(step: Step): () => void {
    this.#steps.push(step);
    const run = this.#run;
    if (run && !run.finished) {
      if (this.#order === 'reverse') run.pending.unshift(step);
      else run.pending.push(step);
      if (step.kind === 'server' && run.listenersClosed) this.#stopAccepting(step);
    }
    return () => {
      const index = this.#steps.indexOf(step);
      if (index >= 0) this.#steps.splice(index, 1);
      const pendingIndex = this.#run?.pending.indexOf(step) ?? -1;
      if (pendingIndex >= 0) this.#run?.pending.splice(pendingIndex, 1);
      if (step.kind === 'server' && !this.#run) step.drainer.dispose();
    };
  }

  readonly #onSignal = (signal: NodeJS.Signals): void => {
    const run = this.#run;
    if (!run) {
      void this.#begin({ type: 'signal', signal }, 0);
      return;
    }
    // Other signals during a shutdown are swallowed: their default action
    // (terminate) would skip the rest of the shutdown.
    if (run.finished || !this.#forceSignals.includes(signal)) return;
    const sameAsFirst = run.reason.type === 'signal' && run.reason.signal === signal;
    if (sameAsFirst && performance.now() - run.startedAt < DUPLICATE_SIGNAL_WINDOW_MS) return;
    this.#force(run, signal);
  };

  #listenTo(signal: NodeJS.Signals): void {
    if (this.#listeningTo.has(signal)) return;
    this.#listeningTo.add(signal);
    process.on(signal, this.#onSignal);
  }

  #stopListening(): void {
    for (const signal of this.#listeningTo) process.off(signal, this.#onSignal);
    this.#listeningTo.clear();
  }

  #emit(event: LifecycleEvent): void {
    try {
      this.#onEvent?.(event);
    } catch {
      // Observers must not be able to derail a shutdown.
    }
  }

  #begin(reason: ShutdownReason, requestedExitCode: number): Promise<ShutdownResult> {
    if (this.#result) return this.#result;
    for (const signal of this.#forceSignals) this.#listenTo(signal);
    // While exiting, a closed stderr (EPIPE) must not turn a clean shutdown into a crash.
    if (this.#usesDefaultLog && process.stderr.listenerCount('error') === 0) process.stderr.on('error', () => undefined);
    const startedAt = performance.now();
    let resolve!: (result: ShutdownResult) => void;
    this.#result = new Promise<ShutdownResult>((settle) => {
      resolve = settle;
    });
    const ordered = this.#order === 'reverse' ? [...this.#steps].reverse() : [...this.#steps];
    const run: Run = {
      reason,
      requestedExitCode,
      startedAt,
      deadlineAt: startedAt + this.deadline,
      pending: ordered,
      outcomes: [],
      stop: new AbortController(),
      // Referenced on purpose: it keeps the event loop alive until the end,
      // since signal listeners do not and hooks may wait on nothing else.
      watchdog: setTimeout(() => void this.#finish(run, { type: 'deadline' }), this.deadline),
      resolve,
      listenersClosed: false,
      deadlineHit: false,
      current: undefined,
      finished: false,
    };
    this.#run = run;
    this.readiness.markShuttingDown();
    this.#emit({ type: 'shutdown-start', reason, deadline: this.deadline });
    void this.#runSteps(run);
    return this.#result;
  }

  async #runSteps(run: Run): Promise<void> {
    try {
      const delay = Math.min(this.#readinessDelay, run.deadlineAt - performance.now());
      if (delay > 0) await sleep(delay, undefined, { signal: run.stop.signal });
    } catch {
      return; // The run finished during the delay (forced or deadline).
    }
    if (run.finished) return;
    run.listenersClosed = true;
    for (const step of run.pending) if (step.kind === 'server') this.#stopAccepting(step);
    this.#emit({ type: 'listeners-closed' });

    for (let step = run.pending.shift(); step; step = run.pending.shift()) {
      const remaining = run.deadlineAt - performance.now();
      if (remaining <= 0) {
        run.pending.unshift(step);
        break;
      }
      const outcome = step.kind === 'hook'
        ? await this.#runHook(run, step, remaining)
        : await this.#drainServer(run, step, remaining);
      if (run.finished) return;
      run.current = undefined;
      this.#record(run, outcome);
    }
    await this.#finish(run, { type: 'completed' });
  }

  #stopAccepting(step: ServerStep): void {
    step.name ??= step.fixedName ?? describeServer(step.server);
    step.drainer.stopAccepting();
  }

  async #runHook(run: Run, step: HookStep, remaining: number): Promise<StepOutcome> {
    const own = step.timeout ?? this.#hookTimeout;
    const timeout = own === undefined ? remaining : Math.min(own, remaining);
    const startedAt = performance.now();
    const controller = new AbortController();
    run.current = { step, startedAt, controller };
    this.#emit({ type: 'step-start', name: step.name, kind: 'hook' });
    const context: HookContext = {
      reason: run.reason,
      signal: controller.signal,
      remaining: () => Math.max(0, startedAt + timeout - performance.now()),
    };
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<typeof TIMED_OUT>((settle) => {
      timer = setTimeout(() => settle(TIMED_OUT), timeout);
    });
    // The executor turns a synchronous throw into a rejection.
    const settled = new Promise<void>((settle) => settle(step.hook(context))).then(
      () => ({ error: undefined, failed: false }),
      (error: unknown) => ({ error, failed: true }),
    );
    const outcome = await Promise.race([settled, timedOut]);
    clearTimeout(timer);
    const durationMs = performance.now() - startedAt;
    if (outcome === TIMED_OUT) {
      controller.abort(new Error(`shutdown hook "${step.name}" timed out after ${Math.round(timeout)} ms`));
      const limitedByDeadline = timeout >= remaining;
      if (limitedByDeadline) run.deadlineHit = true;
      this.#log(limitedByDeadline
        ? `hook "${step.name}" was still running at the shutdown deadline (${this.deadline} ms)`
        : `hook "${step.name}" timed out after ${Math.round(timeout)} ms`);
      return { name: step.name, kind: 'hook', status: 'timed-out', durationMs };
    }
    if (outcome.failed) {
      this.#log(`hook "${step.name}" failed: ${describeError(outcome.error)}`);
      return { name: step.name, kind: 'hook', status: 'failed', durationMs, error: outcome.error };
    }
    return { name: step.name, kind: 'hook', status: 'ok', durationMs };
  }

  async #drainServer(run: Run, step: ServerStep, remaining: number): Promise<StepOutcome> {
    const name = step.name ?? step.fixedName ?? describeServer(step.server);
    const own = step.timeout ?? this.#drainTimeout;
    const timeout = Math.min(own ?? remaining * 0.75, remaining);
    const startedAt = performance.now();
    run.current = { step, startedAt, controller: new AbortController() };
    this.#emit({ type: 'step-start', name, kind: 'server' });
    const drain = await step.drainer.drain(timeout);
    const durationMs = performance.now() - startedAt;
    if (drain.destroyedBusy > 0 || drain.destroyedUpgraded > 0) {
      if (timeout >= remaining) run.deadlineHit = true;
      const cut: string[] = [];
      if (drain.destroyedBusy > 0) {
        const named = drain.destroyedRequests.length > 0 ? `: ${drain.destroyedRequests.join(', ')}` : '';
        cut.push(`${drain.destroyedBusy} connection(s) with requests in flight${named}`);
      }
      if (drain.destroyedUpgraded > 0) {
        cut.push(`${drain.destroyedUpgraded} upgraded connection(s) (WebSocket) whose closing handshake had not finished`);
      }
      this.#log(`${name}: drain timed out after ${Math.round(timeout)} ms; destroyed ${cut.join('; and ')}`);
      return { name, kind: 'server', status: 'timed-out', durationMs, drain };
    }
    return { name, kind: 'server', status: 'ok', durationMs, drain };
  }

  #record(run: Run, outcome: StepOutcome): void {
    run.outcomes.push(outcome);
    this.#emit({ type: 'step-end', outcome });
  }

  #force(run: Run, signal: NodeJS.Signals): void {
    const exitCode = 128 + signalNumber(signal);
    const running = run.current ? `; still running: "${stepName(run.current.step)}"` : '';
    this.#log(`received ${signal} again during shutdown: forcing exit with code ${exitCode}${running}`);
    void this.#finish(run, { type: 'forced', exitCode });
  }

  async #finish(run: Run, end: { type: 'completed' } | { type: 'deadline' } | { type: 'forced'; exitCode: number }): Promise<void> {
    if (run.finished) return;
    run.finished = true;
    clearTimeout(run.watchdog);
    run.stop.abort();
    const cutShort = end.type !== 'completed';
    const current = run.current;
    if (current) {
      run.current = undefined;
      current.controller.abort(new Error(end.type === 'forced' ? 'shutdown forced' : 'shutdown deadline exceeded'));
      const name = stepName(current.step);
      if (end.type === 'deadline') {
        this.#log(`${current.step.kind === 'hook' ? 'hook ' : ''}"${name}" was still running at the shutdown deadline (${this.deadline} ms)`);
      }
      this.#record(run, {
        name,
        kind: current.step.kind,
        status: end.type === 'forced' ? 'abandoned' : 'timed-out',
        durationMs: performance.now() - current.startedAt,
      });
    }
    if (cutShort) {
      for (const step of this.#steps) if (step.kind === 'server') step.drainer.destroyAll();
    }
    const unrun = run.pending.splice(0);
    for (const step of unrun) {
      const name = stepName(step);
      if (end.type !== 'forced') this.#log(`${step.kind === 'hook' ? 'hook ' : ''}"${name}" skipped: the shutdown deadline (${this.deadline} ms) had passed`);
      this.#record(run, { name, kind: step.kind, status: 'skipped', durationMs: 0 });
    }
    const failed = run.outcomes.filter((outcome) => outcome.status !== 'ok');
    let exitCode: number;
    if (end.type === 'forced') exitCode = end.exitCode;
    else if (run.requestedExitCode !== 0) exitCode = run.requestedExitCode;
    else exitCode = failed.length > 0 ? 1 : 0;

    if (end.type !== 'forced') {
      // Probes must see 503 until the very end, not a refused connection.
      await Promise.race([
        Promise.all(this.#healthServers.map((health) => health.close())),
        sleep(500, undefined, { ref: false }),
      ]);
    }
    this.readiness.markStopped();
    const durationMs = performance.now() - run.startedAt;
    const result: ShutdownResult = {
      reason: run.reason,
      exitCode,
      forced: end.type === 'forced',
      deadlineExceeded: end.type === 'deadline' || (end.type === 'completed' && (run.deadlineHit || unrun.length > 0)),
      durationMs,
      steps: run.outcomes,
    };
    if (failed.length > 0 && end.type !== 'forced') {
      this.#log(`shutdown finished in ${Math.round(durationMs)} ms with exit code ${exitCode}; not ok: ` +
        failed.map((outcome) => `"${outcome.name}" (${outcome.status})`).join(', '));
    }
    this.#emit({ type: 'shutdown-end', result });
    if (this.#exit) process.exit(exitCode);
    this.dispose();
    run.resolve(result);
  }
}

function stepName(step: Step): string {
  return step.kind === 'hook' ? step.name : step.name ?? step.fixedName ?? describeServer(step.server);
}

function describeServer(server: DrainableServer): string {
  const address = server.address();
  if (address === null) return 'server';
  if (typeof address === 'string') return `server ${address}`;
  return `server :${address.port}`;
}

/**
 * Creates a {@link Lifecycle} and starts listening for its signals at once.
 *
 * @example
 * ```ts
 * import http from 'node:http';
 * import { createLifecycle } from 'usher-init/shutdown';
 *
 * const lifecycle = createLifecycle({ readinessDelay: 5_000 });
 * const db = await connectDatabase();
 * lifecycle.addHook('database', () => db.close(), { timeout: 2_000 });
 * const server = http.createServer(app);
 * lifecycle.attachServer(server);           // drained before the database closes
 * await lifecycle.startHealthServer({ port: 9000 });
 * server.listen(8080, () => lifecycle.ready());
 * ```
 */
export function createLifecycle(options: LifecycleOptions = {}): Lifecycle {
  return new Lifecycle(options);
}
