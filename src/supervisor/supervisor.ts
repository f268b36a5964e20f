// The supervisor: starts services in dependency order (independent ones in
// parallel), fails dependants of a failed dependency, stops everything in
// reverse dependency order within the grace budget, and decides usher's exit
// status. It is also the SupervisorControl the control socket and the health
// server drive.
import { sendSignal } from '../core/libc.js';
import type { ProcessTable } from '../core/process-table.js';
import { SIG } from '../core/signals.js';
import { commandLineOf } from '../core/proc-fs.js';
import { liveDescendants, signalToEnd, waitForDescendants } from '../core/terminate.js';
import { checkDependencies } from './dependency-gate.js';
import type { LogOutput } from './log/log-output.js';
import { NotifySockets } from './notify.js';
import { Service, type ServiceHost } from './service.js';
import { ControlError, type MetricsSnapshot, type ServiceState, type ServiceStatus, type SupervisorConfig, type SupervisorControl } from './types.js';

/**
 * Exit status when a requested stop had to SIGKILL something (a service past
 * its stop_timeout, or anything left at the end of `grace`): 128 + SIGKILL, as
 * if the runtime had killed it, except that usher named the process and ended
 * in time.
 */
export const KILLED_EXIT = 137;

export type ShutdownCause =
  /** SIGTERM or SIGINT: a requested stop. */
  | { kind: 'signal'; signal: string }
  /** A critical service failed for good (or, from a Procfile, any service ended): its status. */
  | { kind: 'critical'; service: string; code: number };

/** How long before the end of grace the services' own SIGKILLs fire. */
const SWEEP_MARGIN_MS = 100;
/** After SIGKILL, how long to wait for the kernel to end the processes. */
const KILL_SETTLE_MS = 2000;
/** At the end, how long the last lines may take to come out of the pipes. */
const DRAIN_BOUND_MS = 1000;

const seconds = (ms: number) => `${+(ms / 1000).toFixed(3)}s`;

export class Supervisor implements SupervisorControl {
  readonly #services = new Map<string, Service>();
  /** For each service, the services that depend on it. */
  readonly #dependants = new Map<string, string[]>();
  #shutdown: Promise<number> | undefined;
  #deadline = Infinity;
  /**
   * Pids the shutdown had to SIGKILL (each named once). Kills before it (a
   * service past its stop_timeout in `usher restart`) are history, not part of
   * how this stop went.
   */
  readonly #killed = new Set<number>();
  #firstFailure: number | undefined;
  /** For GET /metrics: each service's state and when it entered it; the shutdown's start and end. */
  readonly #stateSince = new Map<string, { state: ServiceState; since: number }>();
  #shutdownStartedAt: number | null = null;
  #shutdownEndedAt: number | null = null;
  readonly #notifySockets = new NotifySockets();
  #evaluating = false;
  #finishing = false;
  #finished!: (code: number) => void;
  /** Settles with usher's exit status. */
  readonly done: Promise<number>;

  constructor(
    readonly config: SupervisorConfig,
    private readonly table: ProcessTable,
    private readonly output: LogOutput,
  ) {
    this.done = new Promise((resolve) => (this.#finished = resolve));
    const host: ServiceHost = {
      table,
      output,
      // Services end their own stop sequences a little before the deadline, so
      // that the final sweep at the deadline only finds what no service owned.
      shutdownDeadline: () => this.#deadline - SWEEP_MARGIN_MS,
      changed: (service) => this.#changed(service),
      killed: (pid) => {
        if (this.#shutdown) this.#killed.add(pid);
      },
      notify: this.#notifySockets,
    };
    for (const s of config.services) {
      this.#services.set(s.name, new Service(s, host));
      this.#stateSince.set(s.name, { state: 'waiting', since: Date.now() });
      this.#dependants.set(s.name, []);
    }
    for (const s of config.services) for (const d of s.dependsOn) this.#dependants.get(d.name)?.push(s.name);
  }

  /** Starts every service whose dependencies allow it; the others wait for their conditions. */
  begin(): void {
    this.#schedule();
  }

  #event(event: string, fields: Record<string, string | number | undefined>, text: string): void {
    this.output.event(event, fields, text);
  }

  /** State changes arrive in bursts (one exit can fail several dependants): evaluate once per tick. */
  #changed(service: Service): void {
    if (this.#stateSince.get(service.name)?.state !== service.state) {
      this.#stateSince.set(service.name, { state: service.state, since: Date.now() });
    }
    if (!this.#shutdown && service.state === 'failed') {
      this.#firstFailure ??= service.failureCode;
      if (service.config.critical) {
        void this.shutdown({ kind: 'critical', service: service.name, code: service.failureCode });
      }
    }
    if (!this.#shutdown && service.config.exitOnEnd && (service.state === 'completed' || service.state === 'failed')) {
      // foreman: when one process ends, everything stops, with its status.
      const code = service.state === 'failed' ? service.failureCode : 0;
      void this.shutdown({ kind: 'critical', service: service.name, code });
    }
    this.#schedule();
  }

  #schedule(): void {
    if (this.#evaluating) return;
    this.#evaluating = true;
    queueMicrotask(() => {
      this.#evaluating = false;
      this.#evaluate();
    });
  }

  #evaluate(): void {
    if (this.#shutdown || this.#finishing) return;
    for (const service of this.#services.values()) {
      if (service.state !== 'waiting') continue;
      const verdict = checkDependencies(service.config, (n) => this.#services.get(n));
      if (verdict.kind === 'go') service.launch();
      else if (verdict.kind === 'fail') {
        const dep = this.#services.get(verdict.dependency);
        service.fail(verdict.reason, dep?.failureCode || 1);
      }
    }
    // Exit once nothing runs or waits to (re)start. Services stopped on request
    // keep usher up: someone may `usher start` them again.
    const all = [...this.#services.values()];
    if (all.some((s) => s.active || s.state === 'stopped')) return;
    if (this.#finishing) return;
    this.#finishing = true;
    void this.#finishNaturally(this.#firstFailure ?? 0);
  }

  /**
   * Stops everything: reverse dependency order (a service stops once every
   * service depending on it has ended), independent ones in parallel, each with
   * its stop_signal and stop_timeout cut to what is left of `grace`; at the end
   * of grace, whatever still lives below usher is SIGKILLed and named. A second
   * call returns the same shutdown: it never starts over.
   */
  shutdown(cause: ShutdownCause): Promise<number> {
    this.#shutdown ??= this.#runShutdown(cause);
    return this.#shutdown;
  }

  get shuttingDown(): boolean {
    return this.#shutdown !== undefined;
  }

  async #runShutdown(cause: ShutdownCause): Promise<number> {
    const started = Date.now();
    this.#shutdownStartedAt = started;
    this.#deadline = started + this.config.graceMs;
    const why = cause.kind === 'signal' ? `received ${cause.signal}` : `critical service ${cause.service} ended (status ${cause.code})`;
    this.#event('shutdown', { reason: why, grace_ms: this.config.graceMs }, `${why}: stopping every service within ${seconds(this.config.graceMs)}`);

    // Nothing restarts or starts from now on.
    for (const service of this.#services.values()) service.holdStopped();
    const stops = new Map<string, Promise<void>>();
    const stopInOrder = (name: string): Promise<void> => {
      let p = stops.get(name);
      if (!p) {
        const service = this.#services.get(name) as Service;
        const dependants = this.#dependants.get(name) ?? [];
        p = Promise.all(dependants.map(stopInOrder)).then(() => service.stop(this.#deadline - SWEEP_MARGIN_MS));
        stops.set(name, p);
      }
      return p;
    };
    let graceTimer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'grace'>((resolve) => (graceTimer = setTimeout(() => resolve('grace'), this.config.graceMs)));
    const outcome = await Promise.race([Promise.all([...this.#services.keys()].map(stopInOrder)).then(() => 'stopped' as const), graceOver]);

    // Processes that escaped their service's session (a daemon that called
    // setsid) or outlived it: SIGTERM now, SIGKILL and a name at the deadline.
    if (outcome === 'stopped') {
      for (const p of liveDescendants(process.pid)) signalToEnd(p.pid, SIG.TERM);
    }
    await this.#sweep(this.#deadline, 'still running at the end of the ' + seconds(this.config.graceMs) + ' grace period');
    clearTimeout(graceTimer);
    // The services' stop sequences see their processes gone now; let them report.
    await Promise.race([Promise.all(stops.values()), new Promise((r) => setTimeout(r, 1000).unref())]);
    await this.#drained();

    const code = cause.kind === 'critical' ? cause.code : this.#killed.size > 0 ? KILLED_EXIT : 0;
    this.#shutdownEndedAt = Date.now();
    this.#event('exit', { code, took_ms: Date.now() - started },
      `stopped in ${seconds(Date.now() - started)}; exit status ${code}${cause.kind === 'signal' && this.#killed.size > 0 ? ` (${this.#killed.size} process(es) had to be killed)` : ''}`);
    this.#notifySockets.close();
    this.#finished(code);
    return code;
  }

  /**
   * Waits until nothing lives below usher, or the deadline; then SIGKILLs what
   * is left and names each process (those a service already killed only once).
   */
  async #sweep(deadline: number, why: string): Promise<void> {
    if (await waitForDescendants(process.pid, this.table, deadline)) return;
    for (const p of liveDescendants(process.pid)) {
      sendSignal(p.pid, SIG.KILL);
      if (this.#killed.has(p.pid)) continue; // already named by its service, SIGKILL on its way
      this.#killed.add(p.pid);
      const command = commandLineOf(p.pid, p.comm);
      this.#event('killed', { pid: p.pid, command, reason: 'grace' }, `killed pid ${p.pid} (${command}): ${why}`);
    }
    // SIGKILL is not instant (uninterruptible I/O ends first); let the kernel finish.
    await waitForDescendants(process.pid, this.table, Date.now() + KILL_SETTLE_MS);
  }

  /** Every line the services wrote is out: all processes are gone, so their pipes end; bounded all the same. */
  async #drained(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      Promise.all([...this.#services.values()].map((s) => s.drained())),
      new Promise((resolve) => (timer = setTimeout(resolve, DRAIN_BOUND_MS))),
    ]);
    clearTimeout(timer);
  }

  /**
   * Every service has ended by itself. What they started outside their
   * sessions (a daemon that called setsid) would die with usher, mid-write:
   * it gets SIGTERM and the grace period first, like in a shutdown.
   */
  async #finishNaturally(code: number): Promise<void> {
    const left = liveDescendants(process.pid);
    if (left.length > 0) {
      for (const p of left) signalToEnd(p.pid, SIG.TERM);
      this.#event('shutdown', { reason: 'every service ended', grace_ms: this.config.graceMs },
        `every service ended; stopping ${left.length} process(es) they left behind within ${seconds(this.config.graceMs)}`);
      await this.#sweep(Date.now() + this.config.graceMs, `left behind by the services and still running ${seconds(this.config.graceMs)} after SIGTERM`);
    }
    await this.#drained();
    this.#event('exit', { code }, code === 0 ? 'every service completed' : `no service left running; exit status ${code}`);
    this.#notifySockets.close();
    this.#finished(code);
  }

  /** Sends a signal that is not a stop request (HUP, USR1, USR2, WINCH...) to every running service's groups. */
  broadcast(signal: number): void {
    for (const service of this.#services.values()) service.signal(signal);
  }

  // SupervisorControl

  status(): ServiceStatus[] {
    return [...this.#services.values()].map((s) => s.status());
  }

  #get(name: string): Service {
    const service = this.#services.get(name);
    if (!service) {
      throw new ControlError(`no service named "${name}"; services: ${[...this.#services.keys()].join(', ')}`);
    }
    return service;
  }

  #checkNotStopping(): void {
    if (this.#shutdown || this.#finishing) throw new ControlError('usher is shutting down');
  }

  async start(name: string): Promise<void> {
    const service = this.#get(name);
    this.#checkNotStopping();
    if (service.state === 'running' || service.state === 'starting' || service.state === 'stopping') {
      throw new ControlError(`${name} is already ${service.state} (pid ${service.pid})`);
    }
    service.launchOnRequest();
  }

  async stop(name: string): Promise<void> {
    const service = this.#get(name);
    this.#checkNotStopping();
    if (!service.active) throw new ControlError(`${name} is not running (${service.state})`);
    await service.stop();
  }

  async restart(name: string): Promise<void> {
    const service = this.#get(name);
    this.#checkNotStopping();
    await service.stop();
    this.#checkNotStopping();
    service.launchOnRequest();
  }

  signal(name: string, signal: number): void {
    const service = this.#get(name);
    if (!service.signal(signal)) throw new ControlError(`${name} is not running (${service.state})`);
  }

  isReady(): boolean {
    if (this.#shutdown) return false;
    // A one-shot that completed no longer needs to be ready.
    return [...this.#services.values()].every(
      (s) => s.state !== 'failed' && (s.config.ready === undefined || s.state === 'completed' || s.status().ready === true),
    );
  }

  isLive(): boolean {
    return !this.#shutdown;
  }

  metrics(): MetricsSnapshot {
    const now = Date.now();
    return {
      now,
      services: [...this.#services.values()].map((s) => ({ status: s.status(), stateSince: this.#stateSince.get(s.name)?.since ?? now })),
      shutdown: { startedAt: this.#shutdownStartedAt, endedAt: this.#shutdownEndedAt, killed: this.#killed.size },
    };
  }
}
