// A small in-memory SupervisorControl for testing the control socket and the
// health server on their own: the servers are what is under test, this only
// records what they asked for and answers as a supervisor would.
import { ControlError, type MetricsSnapshot, type ServiceStatus, type SupervisorControl } from '../../src/supervisor/types.js';

export interface Call {
  command: 'start' | 'stop' | 'restart' | 'signal';
  name: string;
  signal?: number;
}

export class FakeControl implements SupervisorControl {
  live = true;
  readyOverride: boolean | undefined;
  readonly calls: Call[] = [];
  /** When set, stop() waits for this before answering (a service taking its stop_timeout). */
  stopGate: Promise<void> | undefined;
  #callWaiters: (() => void)[] = [];
  /** What metrics() reports for the shutdown. */
  shutdown: MetricsSnapshot['shutdown'] = { startedAt: null, endedAt: null, killed: 0 };
  /** Epoch ms each service entered its state (default: a minute ago). */
  readonly stateSince = new Map<string, number>();

  constructor(readonly services: ServiceStatus[]) {}

  static sample(now = Date.now()): FakeControl {
    return new FakeControl([
      { name: 'db', pid: 12, state: 'running', ready: true, restarts: 0, startedAt: now - 192_000, lastExit: null },
      {
        name: 'web',
        pid: 40,
        state: 'starting',
        ready: false,
        restarts: 2,
        startedAt: now - 5_000,
        lastExit: { code: 1, signal: null, at: now - 125_000 },
      },
      {
        name: 'worker',
        pid: null,
        state: 'failed',
        ready: null,
        restarts: 5,
        startedAt: null,
        lastExit: { code: null, signal: 'SIGKILL', at: now - 7_000 },
        reason: 'gave up after 5 restarts',
      },
      { name: 'migrate', pid: null, state: 'completed', ready: null, restarts: 0, startedAt: null, lastExit: { code: 0, signal: null, at: now - 3_600_000 } },
    ]);
  }

  #service(name: string): ServiceStatus {
    const s = this.services.find((x) => x.name === name);
    if (!s) throw new Error(`the server asked for unknown service ${name}`);
    return s;
  }

  #record(call: Call): void {
    this.calls.push(call);
    for (const w of this.#callWaiters.splice(0)) w();
  }

  /** Resolves once `count` calls have been made. */
  async waitForCalls(count: number): Promise<void> {
    while (this.calls.length < count) await new Promise<void>((r) => this.#callWaiters.push(r));
  }

  status(): ServiceStatus[] {
    return this.services.map((s) => ({ ...s }));
  }

  async start(name: string): Promise<void> {
    this.#record({ command: 'start', name });
    const s = this.#service(name);
    if (s.state === 'running' || s.state === 'starting') throw new ControlError(`${name} is already ${s.state}`);
    Object.assign(s, { state: 'running', pid: 99, startedAt: Date.now() });
  }

  async stop(name: string): Promise<void> {
    this.#record({ command: 'stop', name });
    await this.stopGate;
    Object.assign(this.#service(name), { state: 'stopped', pid: null, startedAt: null });
  }

  async restart(name: string): Promise<void> {
    this.#record({ command: 'restart', name });
    const s = this.#service(name);
    s.restarts++;
  }

  signal(name: string, signal: number): void {
    this.#record({ command: 'signal', name, signal });
    if (this.#service(name).pid === null) throw new ControlError(`${name} is not running`);
  }

  isReady(): boolean {
    return this.readyOverride ?? this.services.every((s) => s.ready !== false && s.state !== 'failed');
  }

  isLive(): boolean {
    return this.live;
  }

  metrics(): MetricsSnapshot {
    const now = Date.now();
    return {
      now,
      services: this.status().map((status) => ({ status, stateSince: this.stateSince.get(status.name) ?? now - 60_000 })),
      shutdown: { ...this.shutdown },
    };
  }
}
