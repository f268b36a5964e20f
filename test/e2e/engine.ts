// The container engines, for the end-to-end test files: every case runs once
// per engine (podman with runc, and Docker), driven the way users drive them,
// with the engine's name first in the test's name. An engine this run does not
// test (not installed, no daemon, not selected) has its cases reported as
// skipped with the reason, never left out silently.
//
// Every container, pod and manifest a test file starts is named with this
// run's prefix and removed in an `after` hook, whether the tests pass or not.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { after, test, type TestContext } from 'node:test';
import { buildImages, imageName, MANIFEST, removeImages, removeStaging, selectEngines, type ImageSet, type Manifest } from './images.js';
import { Lines } from '../helpers/lines.js';
import { Engine, ENGINE_NAMES, engines, uniqueName, type CliOptions, type EngineName, type Result, type StopResult } from './engine-cli.js';

export * from './engine-cli.js';
export type { ImageSet, Manifest } from './images.js';

// Clean-up, newest first, once every test of the file has run.
const cleanups: (() => Promise<unknown>)[] = [];
export function onCleanup(fn: () => Promise<unknown>): void {
  cleanups.push(fn);
}
after(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup().catch(() => undefined);
});

let built: Promise<Manifest> | undefined;

/**
 * The run's images: from the runner's manifest, or, for a test file started
 * on its own (`node --test build/test/e2e/tty.e2e.js`), built now in every
 * engine that works here and removed when the file's tests are done.
 */
function getManifest(): Promise<Manifest> {
  const fromRunner = process.env.USHER_E2E_IMAGES;
  if (fromRunner) return Promise.resolve(JSON.parse(readFileSync(fromRunner, 'utf8')) as Manifest);
  if (!built) {
    const log = (l: string) => process.stderr.write(`# usher e2e: ${l}\n`);
    built = selectEngines(log).then((selected) => {
      onCleanup(async () => {
        for (const engine of selected.usable) await removeImages(engine);
        removeStaging();
      });
      return buildImages(selected, log);
    });
  }
  return built;
}

export type TestFn = (t: TestContext) => Promise<void>;
export type TestOptions = { timeout?: number };

/** One engine, as the test files see it. */
export class EngineUnderTest {
  constructor(
    readonly engine: Engine,
    readonly images: ImageSet,
    readonly sizes: Record<string, number>,
    readonly usherVersion: string,
    /** Why this engine's cases are skipped; undefined when they run. */
    readonly skip: string | undefined,
  ) {}

  get name(): EngineName {
    return this.engine.name;
  }

  /** node:test's `test`, named `ENGINE: title`, skipped with the reason when this engine is not tested. */
  test(title: string, options: TestOptions, fn: TestFn): void {
    void test(`${this.name}: ${title}`, this.skip === undefined ? options : { ...options, skip: `${this.name} is not tested here: ${this.skip}` }, fn);
  }

  /** Runs one engine command. */
  cli(args: string[], options?: CliOptions): Promise<Result> {
    return this.engine.cli(args, options);
  }

  run(options: RunOptions): Container {
    return Container.run(this.engine, options);
  }

  /** `run --rm` to completion (not checked), named so that a run cut short is still cleaned up. */
  runOnce(options: Omit<RunOptions, 'label'>): Promise<Result> {
    const name = uniqueName('once');
    onCleanup(() => this.engine.removeContainer(name));
    return this.cli(['run', '--rm', ...runArgs(this.engine, name, { ...options, label: 'once' })], { check: false, timeoutMs: 60_000 });
  }

  /**
   * Ports for an app that listens on the ports these environment variables
   * name (defaults given). podman gives each container its own address, so
   * the defaults stay; Docker's containers here share the host's network
   * (no bridge: see runFlags), so free host ports are picked instead.
   */
  async ports(defaults: Record<string, number>): Promise<Ports> {
    if (this.name === 'podman') return { network: 'default', port: { ...defaults } };
    const port: Record<string, number> = {};
    for (const name of Object.keys(defaults)) port[name] = await freePort();
    return { network: 'host', port };
  }
}

/** Where an app in a container listens: see EngineUnderTest.ports. */
export interface Ports {
  network: 'default' | 'host';
  /** The port behind each environment variable. */
  port: Record<string, number>;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/**
 * Every engine the suite knows, in order: the ones this run tests with their
 * images, the others with the reason their cases are skipped. A test file
 * loops over them and declares each case with `e.test(...)`.
 */
export async function getEngines(): Promise<EngineUnderTest[]> {
  const manifest = await getManifest();
  return ENGINE_NAMES.map((name) => {
    const built = manifest.engines[name];
    if (built) return new EngineUnderTest(engines[name], built.images, built.sizes, manifest.usherVersion, undefined);
    const placeholder = Object.fromEntries(
      (['node', 'usher', 'nodeApp', 'shellScript', 'multiProcess', 'single', 'sea', 'distroless'] as const).map((k) => [k, imageName(k)]),
    ) as unknown as ImageSet;
    return new EngineUnderTest(engines[name], placeholder, {}, manifest.usherVersion, manifest.skipped[name] ?? 'not built in this run');
  });
}

export interface RunOptions {
  image: string;
  /** Part of the container's name, to tell containers apart in `ENGINE ps`. */
  label: string;
  /** Like the image's ENTRYPOINT (exec form); [] clears it. Default: the image's. Overriding it drops the image's CMD, as in Docker. */
  entrypoint?: string[];
  /** Like the image's CMD. Default: the image's. */
  command?: string[];
  env?: Record<string, string>;
  /** `run --init`: the engine's own init (catatonit, Docker's tini) as PID 1. */
  init?: boolean;
  /** From EngineUnderTest.ports: the network, and the ports set through the environment. */
  ports?: Ports;
  /** More `run` flags. */
  flags?: string[];
}

/** `run` arguments after the word `run`: name, the engine's flags, options, image, command. */
export function runArgs(engine: Engine, name: string, options: RunOptions): string[] {
  const args = ['--name', name, ...engine.runFlags(options.ports?.network ?? 'default')];
  if (options.init) args.push('--init');
  let command = options.command ?? [];
  if (options.entrypoint) {
    // --entrypoint takes one word in Docker; the rest goes before the command.
    args.push('--entrypoint', options.entrypoint[0] ?? '');
    command = [...options.entrypoint.slice(1), ...command];
  }
  const env = { ...options.env, ...Object.fromEntries(Object.entries(options.ports?.port ?? {}).map(([k, v]) => [k, String(v)])) };
  for (const [k, v] of Object.entries(env)) args.push('--env', `${k}=${v}`);
  args.push(...(options.flags ?? []), options.image, ...command);
  return args;
}

export interface ProcessRow {
  pid: number;
  ppid: number;
  stat: string;
  comm: string;
  args: string;
}

/**
 * A container started with `ENGINE run` attached (no -d): its stdout and
 * stderr arrive here line by line as the app writes them, and `exited`
 * resolves with the container's exit status, which `run` returns.
 */
export class Container {
  readonly stdout: Lines;
  readonly stderr: Lines;
  readonly exited: Promise<number>;

  private constructor(
    readonly engine: Engine,
    readonly name: string,
    readonly ports: Ports | undefined,
    runArguments: string[],
  ) {
    const child = spawn(engine.name, ['run', ...runArguments], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.stdout = new Lines(child.stdout);
    this.stderr = new Lines(child.stderr);
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    onCleanup(async () => {
      await engine.removeContainer(name);
      // run returns once the container is gone.
      await this.exited;
    });
  }

  static run(engine: Engine, options: RunOptions): Container {
    const name = uniqueName(options.label);
    return new Container(engine, name, options.ports, runArgs(engine, name, options));
  }

  /** `stop [-t SECONDS]`: the image's stop signal, SIGKILL after the timeout (the engine's default, 10 s, when none is given). */
  stop(timeoutSeconds?: number): Promise<StopResult> {
    return this.engine.stop(this.name, timeoutSeconds);
  }

  /** `kill -s SIG`: the signal to PID 1, as `docker kill -s` sends it. */
  async kill(signal: string): Promise<void> {
    await this.engine.cli(['kill', '-s', signal, this.name]);
  }

  async exec(command: string[]): Promise<Result> {
    return this.engine.cli(['exec', this.name, ...command]);
  }

  /** `inspect` fields, e.g. '{{.State.ExitCode}}'. */
  async inspect(format: string): Promise<string> {
    return (await this.engine.cli(['inspect', '--format', format, this.name])).stdout.trim();
  }

  /** The exit status recorded by the engine, once the container has stopped. */
  async exitCode(): Promise<number> {
    await this.exited;
    return Number(await this.inspect('{{.State.ExitCode}}'));
  }

  /** Where the host reaches the app: the container's own address, or the host's loopback when it shares the host's network. */
  async address(): Promise<string> {
    if (this.ports?.network === 'host') return '127.0.0.1';
    const ip = await this.inspect('{{.NetworkSettings.IPAddress}}');
    assert.match(ip, /^\d+\.\d+\.\d+\.\d+$/, `${this.name} has no address`);
    return ip;
  }

  /** The port behind an environment variable of the ports the container was started with. */
  port(env: string): number {
    const port = this.ports?.port[env];
    assert.ok(port, `${this.name} was started without a port for ${env}`);
    return port;
  }

  /** What `ENGINE exec NAME ps` shows, minus the ps itself. */
  async ps(): Promise<ProcessRow[]> {
    const out = (await this.exec(['ps', '-o', 'pid,ppid,stat,comm,args'])).stdout;
    return out
      .split('\n')
      .slice(1)
      .filter((l) => l.trim())
      .map((line) => {
        const [pid = '', ppid = '', stat = '', comm = '', ...args] = line.trim().split(/\s+/);
        return { pid: Number(pid), ppid: Number(ppid), stat, comm, args: args.join(' ') };
      })
      .filter((p) => !(p.comm === 'ps' && p.args.startsWith('ps -o')));
  }
}

/** Polls `probe` with back-off until it returns a value other than undefined. For states with no event to wait on. */
export async function waitUntil<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (let delay = 20; ; delay = Math.min(delay * 2, 250)) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    }
    await new Promise((r) => setTimeout(r, delay));
  }
}

/**
 * The runtime never had to step in: the engine had no need to SIGKILL the
 * container after its grace period (Engine.stop tells). This, not a wall-clock
 * bound on `stop` (engine overhead on a busy machine varies by seconds), is
 * what "stopped gracefully within the timeout" means; the duration goes to
 * the diagnostics.
 */
export function assertStoppedWithinGrace(stop: Pick<StopResult, 'forced' | 'ms'>): void {
  assert.equal(stop.forced, false, `the runtime had to SIGKILL the container (stop took ${secs(stop.ms)})`);
}

/** Milliseconds as seconds, for diagnostics. */
export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
