// The container engines, for the end-to-end suite and its runner: podman
// (with runc, see docs/containers.md) and Docker, one command at a time, with
// the names of this run. Where the two differ (removing a container, telling
// that `stop` had to SIGKILL, the bundled init, building without a registry),
// the difference lives here and nowhere else. No node:test here: the runner is
// not a test.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** The repository (this file runs compiled, from build/test/e2e/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Set by the runner for every test file; a file started on its own makes its own. */
export const RUN_ID = process.env.USHER_E2E_RUN_ID ?? `${Date.now().toString(36)}${process.pid.toString(36)}`;
/** Every container, pod and image of this run is named with it, and only those are ever removed. */
export const PREFIX = `usher-e2e-${RUN_ID}`;

export type EngineName = 'podman' | 'docker';
/** Every engine the suite knows, in the order its cases run. */
export const ENGINE_NAMES: readonly EngineName[] = ['podman', 'docker'];

/** Thrown when an engine itself does not work: the suite must say so, not pass. */
export class EngineUnavailable extends Error {
  override name = 'EngineUnavailable';
}

const HELP: Record<EngineName, string> = {
  podman:
    'podman needs runc, as root (Debian: apt-get install podman runc uidmap), and on cgroup v1 hosts lowered ulimits, ' +
    'in /etc/containers/containers.conf or a file in containers.conf.d/:\n' +
    '  [containers]\n  default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n  [engine]\n  runtime = "runc"\n' +
    '.ci/run sets both up.',
  docker:
    'Docker needs its daemon, as root (Debian: apt-get install docker.io); without systemd start it with\n' +
    '  dockerd --iptables=false --ip6tables=false --bridge=none &\n' +
    'and wait until `docker info` answers. .ci/run does both, and stops the daemon it started.',
};

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall-clock duration of the engine command. */
  ms: number;
}

export interface CliOptions {
  /** Reject when the engine exits non-zero (default true). */
  check?: boolean;
  timeoutMs?: number;
  input?: NodeJS.ReadableStream;
}

/** What `stop` did: the command's result, and whether the engine had to SIGKILL after the timeout. */
export interface StopResult extends Result {
  forced: boolean;
}

/** One engine's command line. */
export class Engine {
  constructor(readonly name: EngineName) {}

  get help(): string {
    return HELP[this.name];
  }

  /** Runs one engine command to completion. */
  cli(args: string[], options: CliOptions = {}): Promise<Result> {
    const { check = true, timeoutMs = 120_000 } = options;
    const started = performance.now();
    // The legacy builder, always: BuildKit (when installed) resolves FROM differently and is not what the notes checked.
    const env = this.name === 'docker' ? { ...process.env, DOCKER_BUILDKIT: '0' } : process.env;
    return new Promise((resolve, reject) => {
      const child = spawn(this.name, args, { env, stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
      child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
      if (options.input && child.stdin) options.input.pipe(child.stdin);
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        reject(new Error(`${this.name} ${args.join(' ')}: no answer after ${timeoutMs} ms\n${stderr}`));
      }, timeoutMs);
      child.on('error', (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        reject(err.code === 'ENOENT' ? new EngineUnavailable(`${this.name} is not installed.\n${this.help}`) : err);
      });
      child.on('close', (code) => {
        clearTimeout(timer);
        const result = { code: code ?? -1, stdout, stderr, ms: performance.now() - started };
        if (check && result.code !== 0) {
          reject(new Error(`${this.name} ${args.join(' ')} exited with ${result.code}:\n${stderr.trim()}`));
        } else {
          resolve(result);
        }
      });
    });
  }

  /** Fails with EngineUnavailable, and the engine's own words, when it cannot run here; else a line about it. */
  async check(): Promise<string> {
    const format =
      this.name === 'podman'
        ? '{{.Host.OCIRuntime.Name}} runtime, cgroups {{.Host.CgroupsVersion}}, version {{.Version.Version}}'
        : '{{.DefaultRuntime}} runtime, cgroups {{.CgroupVersion}}, version {{.ServerVersion}}';
    let info: Result;
    try {
      info = await this.cli(['info', '--format', format], { check: false, timeoutMs: 60_000 });
    } catch (err) {
      if (err instanceof EngineUnavailable) throw err;
      throw new EngineUnavailable(`${this.name} info did not answer: ${oneLine(String(err))}\n${this.help}`);
    }
    // docker info exits 0 with a client-only report when no daemon answers; its stderr says so.
    if (info.code !== 0 || (this.name === 'docker' && !/version \S/.test(info.stdout))) {
      throw new EngineUnavailable(`${this.name} info failed: ${oneLine(info.stderr || info.stdout)}\n${this.help}`);
    }
    return info.stdout.trim();
  }

  /** Flags every `run` of the suite gets: Docker's never pulls (no registry) and has no bridge network here. */
  runFlags(network: 'default' | 'host'): string[] {
    if (this.name === 'podman') return network === 'host' ? ['--network', 'host'] : [];
    return ['--pull', 'never', '--network', network === 'host' ? 'host' : 'none'];
  }

  /** `run --init`: the engine's bundled init, as `ps` shows it in PID 1's place. */
  get initPath(): string {
    return this.name === 'podman' ? '/run/podman-init' : '/sbin/docker-init';
  }

  /** What `run --init` puts in PID 1's place, in words. */
  get initName(): string {
    return this.name === 'podman' ? 'catatonit' : "Docker's bundled tini";
  }

  /** Removes a container at once, running or not; no error when it is gone. */
  async removeContainer(name: string): Promise<void> {
    await this.cli(this.name === 'podman' ? ['rm', '--force', '--time', '0', name] : ['rm', '--force', name], { check: false });
  }

  /**
   * `stop [-t SECONDS] NAME`: the stop signal, SIGKILL after the timeout (the
   * engine's default, 10 s, when none is given). podman says "resorting to
   * SIGKILL" when it had to; Docker says nothing, but its event log records
   * the SIGKILL as a second `kill` event.
   */
  async stop(name: string, timeoutSeconds?: number): Promise<StopResult> {
    const since = Date.now() / 1000;
    const timeout = timeoutSeconds === undefined ? [] : ['-t', String(timeoutSeconds)];
    const result = await this.cli(['stop', ...timeout, name]);
    if (this.name === 'podman') return { ...result, forced: /resorting to SIGKILL/.test(result.stderr) };
    const events = await this.cli([
      'events', '--since', since.toFixed(3), '--until', (Date.now() / 1000).toFixed(3),
      '--filter', `container=${name}`, '--filter', 'event=kill', '--format', '{{.Actor.Attributes.signal}}',
    ]);
    return { ...result, forced: events.stdout.split('\n').includes('9') };
  }

  /** `tar ... | ENGINE import - NAME` with Dockerfile-style changes. */
  async importImage(input: NodeJS.ReadableStream, name: string, changes: string[]): Promise<void> {
    const args = ['import'];
    if (this.name === 'podman') args.push('--quiet');
    for (const c of changes) args.push('--change', c);
    await this.cli([...args, '-', name], { input, timeoutMs: 300_000 });
  }

  /** Builds a Containerfile FROM local images only; intermediate layers are not kept. */
  async buildImage(name: string, context: string, file: string): Promise<void> {
    const args =
      this.name === 'podman'
        ? ['build', '--quiet', '--pull=never', '--layers=false', '--file', file, '--tag', name, context]
        : ['build', '--quiet', '--force-rm', '--file', file, '--tag', name, context];
    await this.cli(args, { timeoutMs: 300_000 });
  }

  /** Names of every container, running or not. */
  async containerNames(): Promise<string[]> {
    return (await this.cli(['ps', '--all', '--format', '{{.Names}}'], { check: false })).stdout.split('\n').filter(Boolean);
  }

  /** REPOSITORY:TAG of every image. */
  async imageNames(): Promise<string[]> {
    return (await this.cli(['images', '--format', '{{.Repository}}:{{.Tag}}'], { check: false })).stdout.split('\n').filter(Boolean);
  }
}

export const engines: Record<EngineName, Engine> = { podman: new Engine('podman'), docker: new Engine('docker') };

/** podman, for what only podman does (pods, kube play). */
export function podman(args: string[], options: CliOptions = {}): Promise<Result> {
  return engines.podman.cli(args, options);
}

/**
 * The engines this run must test: USHER_E2E_ENGINES (comma-separated) names
 * them, and each named one must work, or the run fails; unset, every engine
 * that works here is tested and the others are skipped, each with its reason.
 */
export function requestedEngines(): { names: EngineName[]; required: boolean } {
  const raw = process.env.USHER_E2E_ENGINES?.trim();
  if (!raw) return { names: [...ENGINE_NAMES], required: false };
  const names = raw.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = names.filter((n) => !(ENGINE_NAMES as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`USHER_E2E_ENGINES: unknown engine ${unknown.join(', ')}; known: ${ENGINE_NAMES.join(', ')}`);
  return { names: names as EngineName[], required: true };
}

/** An engine's words on one line, for a skip reason. */
export const oneLine = (text: string) => text.trim().replace(/\s*\n\s*/g, ' | ');

/** A name no other run and no other test uses. */
export function uniqueName(label: string): string {
  return `${PREFIX}-${label}-${randomBytes(3).toString('hex')}`;
}
