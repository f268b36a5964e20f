/**
 * Shared by the shutdown tests: spawning the fixture app and waiting for its
 * events, and a keep-alive HTTP client that classifies every outcome.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import http from 'node:http';
import type https from 'node:https';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import type { FixtureConfig } from './fixtures/app.js';

export const FIXTURE_APP = fileURLToPath(new URL('./fixtures/app.js', import.meta.url));
export const DEMO = fileURLToPath(new URL('../../examples/seed-demo/demo.js', import.meta.url));

/** One JSON line printed by the fixture. */
export interface FixtureEvent {
  readonly event: string;
  /** When the test process saw it (performance.now()). */
  readonly seenAt: number;
  readonly [field: string]: unknown;
}

/** How a child process ended and when the test saw it. */
export interface Exit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly at: number;
}

/** The environment for children: without the test runner's own variables. */
export function childEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  delete env['NODE_TEST_CONTEXT'];
  delete env['USHER_SHUTDOWN_BUDGET_MS'];
  return env;
}

/** A running child whose stdout lines and exit can be awaited. */
export class Child {
  readonly process: ChildProcess;
  readonly lines: string[] = [];
  stderr = '';
  readonly exited: Promise<Exit>;
  readonly #waiters = new Set<() => void>();
  #exit: Exit | undefined;

  constructor(command: string, args: readonly string[], env: NodeJS.ProcessEnv) {
    this.process = spawn(command, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let partial = '';
    this.process.stdout?.setEncoding('utf8').on('data', (chunk: string) => {
      partial += chunk;
      const parts = partial.split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const wake of [...this.#waiters]) wake();
    });
    this.process.stderr?.setEncoding('utf8').on('data', (chunk: string) => {
      this.stderr += chunk;
    });
    this.exited = new Promise<Exit>((resolve) => {
      this.process.once('close', (code, signal) => {
        if (partial !== '') this.lines.push(partial);
        this.#exit = { code, signal, at: performance.now() };
        for (const wake of [...this.#waiters]) wake();
        resolve(this.#exit);
      });
    });
  }

  get pid(): number {
    const { pid } = this.process;
    if (pid === undefined) throw new Error('child has no pid');
    return pid;
  }

  /** Resolves with the first line (already seen or to come) matching `predicate`. */
  waitForLine(predicate: (line: string) => boolean, what: string, timeoutMs = 30_000): Promise<string> {
    return new Promise<string>((resolve, reject) => {
      const check = (): void => {
        const found = this.lines.find(predicate);
        if (found !== undefined) {
          done();
          resolve(found);
        } else if (this.#exit) {
          done();
          reject(new Error(`child exited (${JSON.stringify(this.#exit)}) before ${what}; stdout: ${this.lines.join('\n')}; stderr: ${this.stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stdout: ${this.lines.join('\n')}; stderr: ${this.stderr}`));
      }, timeoutMs);
      const done = (): void => {
        clearTimeout(timer);
        this.#waiters.delete(check);
      };
      this.#waiters.add(check);
      check();
    });
  }

  /** Sends a signal, returning the time it was sent. */
  signal(signal: NodeJS.Signals): number {
    const at = performance.now();
    this.process.kill(signal);
    return at;
  }

  /** Kills the child if it still runs, and waits for it: for `t.after`. */
  async cleanup(): Promise<void> {
    if (!this.#exit) {
      this.process.kill('SIGKILL');
      await this.exited;
    }
  }
}

/** A child printing JSON event lines (see fixtures/harness.ts), with its events parsed. */
export class EventChild extends Child {
  /** All events printed so far. */
  get events(): FixtureEvent[] {
    return this.lines.filter((line) => line.startsWith('{')).map((line) => JSON.parse(line) as FixtureEvent);
  }

  /** Resolves with the first event of that name matching `match`. */
  async waitForEvent(event: string, match: (e: FixtureEvent) => boolean = () => true, timeoutMs = 30_000): Promise<FixtureEvent> {
    const line = await this.waitForLine((candidate) => {
      if (!candidate.startsWith('{')) return false;
      const parsed = JSON.parse(candidate) as FixtureEvent;
      return parsed.event === event && match(parsed);
    }, `event ${event}`, timeoutMs);
    return { ...(JSON.parse(line) as FixtureEvent), seenAt: performance.now() };
  }

  /** The first event of that name already printed, if any. */
  event(name: string): FixtureEvent | undefined {
    return this.events.find((e) => e.event === name);
  }
}

/** Starts a fixture script (compiled, under build/test/shutdown/fixtures) and waits until it listens. */
export async function startScript(script: string, env: Record<string, string> = {}, args: readonly string[] = []): Promise<{ app: EventChild; port: number }> {
  const path = fileURLToPath(new URL(`./fixtures/${script}`, import.meta.url));
  const app = new EventChild(process.execPath, [...args, path], childEnv({ USHER_SHUTDOWN_FIXTURE: '1', ...env }));
  try {
    const listening = await app.waitForEvent('listening');
    return { app, port: listening['port'] as number };
  } catch (error) {
    await app.cleanup();
    throw error;
  }
}

/** The fixture app, with its JSON events parsed. */
export class Fixture extends EventChild {
  constructor(config: FixtureConfig, env: Record<string, string> = {}) {
    super(process.execPath, [FIXTURE_APP], childEnv({
      ...env,
      USHER_SHUTDOWN_FIXTURE: '1',
      USHER_FIXTURE_CONFIG: JSON.stringify(config),
    }));
  }
}

/** Starts the fixture and waits until it listens. */
export async function startFixture(config: FixtureConfig, env: Record<string, string> = {}): Promise<{ app: Fixture; port: number; healthPort: number | undefined }> {
  const app = new Fixture(config, env);
  const listening = await app.waitForEvent('listening');
  return { app, port: listening['port'] as number, healthPort: listening['healthPort'] as number | undefined };
}

/** The outcome of one HTTP request, whatever happened. */
export interface RequestOutcome {
  readonly status: number | undefined;
  readonly body: string;
  readonly headers: http.IncomingHttpHeaders;
  /** Error code (ECONNRESET, ECONNREFUSED...) when the request failed. */
  readonly errorCode: string | undefined;
  readonly errorMessage: string | undefined;
  /** Whether the request went out on a keep-alive socket already used before. */
  readonly reusedSocket: boolean;
  readonly startedAt: number;
  readonly endedAt: number;
}

/** One HTTP/1 GET with `http` or `https`, never rejecting. */
export function request(
  client: typeof http | typeof https,
  options: http.RequestOptions,
): Promise<RequestOutcome> {
  const startedAt = performance.now();
  return new Promise<RequestOutcome>((resolve) => {
    let settled = false;
    const finish = (outcome: Omit<RequestOutcome, 'startedAt' | 'endedAt'>): void => {
      if (settled) return;
      settled = true;
      resolve({ ...outcome, startedAt, endedAt: performance.now() });
    };
    const req = client.request({ host: '127.0.0.1', method: 'GET', ...options }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        body += chunk;
      });
      res.on('end', () => finish({
        status: res.statusCode, body, headers: res.headers, errorCode: undefined, errorMessage: undefined, reusedSocket: req.reusedSocket,
      }));
      res.on('error', (error: NodeJS.ErrnoException) => finish({
        status: res.statusCode, body, headers: res.headers, errorCode: error.code ?? 'RESPONSE_ERROR', errorMessage: error.message, reusedSocket: req.reusedSocket,
      }));
      res.on('aborted', () => finish({
        status: res.statusCode, body, headers: res.headers, errorCode: 'ABORTED', errorMessage: 'response aborted', reusedSocket: req.reusedSocket,
      }));
    });
    req.on('error', (error: NodeJS.ErrnoException) => finish({
      status: undefined, body: '', headers: {}, errorCode: error.code ?? 'REQUEST_ERROR', errorMessage: error.message, reusedSocket: req.reusedSocket,
    }));
    req.end();
  });
}

/** Waits for `emitter` to emit `event`, with a timeout, for `once`-style waits in tests. */
export async function onceWithin(emitter: NodeJS.EventEmitter, event: string, timeoutMs: number): Promise<unknown[]> {
  return once(emitter, event, { signal: AbortSignal.timeout(timeoutMs) });
}

/** Creates an HTTP agent that keeps connections alive, as browsers and most clients do. */
export function keepAliveAgent(maxSockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets });
}

/**
 * Clients that each send `/work` requests back to back over a keep-alive
 * agent, until their first refused connection after the signal (the listener
 * is closed: from then on nothing is accepted) or a bound on count and time.
 *
 * Every outcome is classified:
 * - served: 200 with the full body;
 * - refused: ECONNREFUSED on a new connection after the signal was sent:
 *   the request was never accepted;
 * - failure: anything else, in particular ECONNRESET or "socket hang up" on a
 *   reused keep-alive socket, a truncated body, or a refusal before the signal.
 */
export class KeepAliveLoad {
  served = 0;
  servedAfterSignal = 0;
  connectionCloseResponses = 0;
  refused = 0;
  readonly failures: RequestOutcome[] = [];
  signalSentAt: number | undefined;
  readonly #loops: Array<Promise<void>>;
  readonly #thresholds = new Set<() => void>();
  #running: number;

  constructor(
    readonly client: typeof http | typeof https,
    readonly agent: http.Agent,
    readonly port: number,
    readonly body: string,
    clients: number,
    { maxPerClient = 20_000, maxMs = 20_000 } = {},
  ) {
    const until = performance.now() + maxMs;
    this.#running = clients;
    this.#loops = Array.from({ length: clients }, async () => {
      for (let i = 0; i < maxPerClient && performance.now() < until; i += 1) {
        if (!(await this.#one())) break;
      }
      this.#running -= 1;
      for (const wake of [...this.#thresholds]) wake();
    });
  }

  /** Resolves once `count` requests have been served (rejects if the clients stop first). */
  whenServed(count: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const check = (): void => {
        if (this.served >= count) {
          this.#thresholds.delete(check);
          resolve();
        } else if (this.#running === 0) {
          this.#thresholds.delete(check);
          reject(new Error(`clients stopped after ${this.served} served requests; failures: ${JSON.stringify(this.failures)}`));
        }
      };
      this.#thresholds.add(check);
      check();
    });
  }

  /** Resolves when every client has stopped. */
  async finished(): Promise<void> {
    await Promise.all(this.#loops);
  }

  async #one(): Promise<boolean> {
    const outcome = await request(this.client, { port: this.port, path: '/work', agent: this.agent });
    if (outcome.errorCode === undefined && outcome.status === 200 && outcome.body === this.body) {
      this.served += 1;
      if (this.signalSentAt !== undefined && outcome.endedAt >= this.signalSentAt) this.servedAfterSignal += 1;
      if (outcome.headers.connection === 'close') this.connectionCloseResponses += 1;
      for (const wake of [...this.#thresholds]) wake();
      return true;
    }
    if (outcome.errorCode === 'ECONNREFUSED' && !outcome.reusedSocket && this.signalSentAt !== undefined) {
      this.refused += 1;
      return false;
    }
    this.failures.push(outcome);
    return false;
  }
}

/** What {@link stopUnderLoad} saw. */
export interface StopUnderLoad {
  readonly load: KeepAliveLoad;
  readonly slow: RequestOutcome;
  readonly exit: Exit;
  readonly servedBefore: number;
}

/**
 * The framework round of issue 17: `clients` keep-alive clients sending
 * `/work` back to back plus one `/slow?ms=1500` request, SIGTERM once the slow
 * request has started, then wait for the exit and for every client.
 */
export async function stopUnderLoad(app: EventChild, port: number, body: string, clients = 16): Promise<StopUnderLoad> {
  const agent = keepAliveAgent(clients);
  const slowAgent = keepAliveAgent(1);
  try {
    const load = new KeepAliveLoad(http, agent, port, body, clients);
    await load.whenServed(300);
    const slow = request(http, { port, path: '/slow?ms=1500', agent: slowAgent });
    await app.waitForEvent('slow-start');
    const servedBefore = load.served;
    load.signalSentAt = app.signal('SIGTERM');
    const [exit, slowOutcome] = await Promise.all([app.exited, slow]);
    await load.finished();
    return { load, slow: slowOutcome, exit, servedBefore };
  } finally {
    agent.destroy();
    slowAgent.destroy();
  }
}

/** The failures of a load, one line each. */
export function describeFailures(load: KeepAliveLoad): string {
  return load.failures.map((f) => `${f.errorCode ?? `status ${String(f.status)}`} (${f.errorMessage ?? ''}; reused socket: ${f.reusedSocket}; body ${f.body.length} bytes)`).join('\n');
}
