// The container engine, for the end-to-end test files: podman (with runc, see
// docs/containers.md), driven the way users drive Docker. Every container, pod
// and manifest a test file starts is named with this run's prefix and removed
// in an `after` hook, whether the tests pass or not.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { after } from 'node:test';
import { buildImages, removeImages, type Manifest } from './images.js';
import { Lines } from '../helpers/lines.js';
import { checkEngine, podman, uniqueName, type Result } from './podman.js';

export * from './podman.js';
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
 * on its own (`node --test build/test/e2e/tty.e2e.js`), built now and removed
 * when the file's tests are done.
 */
export function getImages(): Promise<Manifest> {
  const fromRunner = process.env.USHER_E2E_IMAGES;
  if (fromRunner) return Promise.resolve(JSON.parse(readFileSync(fromRunner, 'utf8')) as Manifest);
  if (!built) {
    built = checkEngine().then(() => buildImages((l) => process.stderr.write(`${l}\n`)));
    onCleanup(removeImages);
  }
  return built;
}

export interface RunOptions {
  image: string;
  /** Part of the container's name, to tell containers apart in `podman ps`. */
  label: string;
  /** Like the image's ENTRYPOINT (exec form); [] clears it. Default: the image's. */
  entrypoint?: string[];
  /** Like the image's CMD. Default: the image's. */
  command?: string[];
  env?: Record<string, string>;
  /** `podman run --init`: podman's own init (catatonit) as PID 1. */
  init?: boolean;
  /** More `podman run` flags. */
  flags?: string[];
}

export interface ProcessRow {
  pid: number;
  ppid: number;
  stat: string;
  comm: string;
  args: string;
}

/**
 * A container started with `podman run` attached (no -d): its stdout and
 * stderr arrive here line by line as the app writes them, and `exited`
 * resolves with the container's exit status, which `podman run` returns.
 */
export class Container {
  readonly stdout: Lines;
  readonly stderr: Lines;
  readonly exited: Promise<number>;

  private constructor(
    readonly name: string,
    runArgs: string[],
  ) {
    const child = spawn('podman', runArgs, { stdio: ['ignore', 'pipe', 'pipe'] });
    this.stdout = new Lines(child.stdout);
    this.stderr = new Lines(child.stderr);
    this.exited = new Promise((resolve) => child.on('close', (code) => resolve(code ?? -1)));
    onCleanup(async () => {
      await podman(['rm', '--force', '--time', '0', name], { check: false });
      // podman run returns once the container is gone.
      await this.exited;
    });
  }

  static run(options: RunOptions): Container {
    const name = uniqueName(options.label);
    const args = ['run', '--name', name];
    if (options.init) args.push('--init');
    if (options.entrypoint) args.push('--entrypoint', JSON.stringify(options.entrypoint));
    for (const [k, v] of Object.entries(options.env ?? {})) args.push('--env', `${k}=${v}`);
    args.push(...(options.flags ?? []), options.image, ...(options.command ?? []));
    return new Container(name, args);
  }

  /** `podman stop -t SECONDS`: SIGTERM (the image's stop signal), SIGKILL after the timeout. */
  async stop(timeoutSeconds: number): Promise<Result> {
    return podman(['stop', '--time', String(timeoutSeconds), this.name]);
  }

  /** `podman kill --signal SIG`: the signal to PID 1, as `docker kill -s` sends it. */
  async kill(signal: string): Promise<void> {
    await podman(['kill', '--signal', signal, this.name]);
  }

  async exec(command: string[]): Promise<Result> {
    return podman(['exec', this.name, ...command]);
  }

  /** `podman inspect` fields, e.g. '{{.State.ExitCode}}'. */
  async inspect(format: string): Promise<string> {
    return (await podman(['inspect', '--format', format, this.name])).stdout.trim();
  }

  /** The exit status recorded by the engine, once the container has stopped. */
  async exitCode(): Promise<number> {
    await this.exited;
    return Number(await this.inspect('{{.State.ExitCode}}'));
  }

  /** What `podman exec NAME ps` shows, minus the ps itself. */
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
 * The runtime never had to step in: `podman stop -t N` says "resorting to
 * SIGKILL" when the container outlived its grace period. This, not a wall-clock
 * bound on `podman stop` (engine overhead on a busy machine varies by seconds),
 * is what "stopped gracefully within the timeout" means; the duration goes to
 * the diagnostics.
 */
export function assertStoppedWithinGrace(stop: Pick<Result, 'stderr' | 'ms'>): void {
  assert.doesNotMatch(stop.stderr, /resorting to SIGKILL/, `the runtime had to SIGKILL the container (stop took ${secs(stop.ms)})`);
}

/** Milliseconds as seconds, for diagnostics. */
export const secs = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
