// podman, for the end-to-end suite and its runner: one command at a time,
// with the names of this run. No node:test here: the runner is not a test.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

/** The repository (this file runs compiled, from build/test/e2e/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Set by the runner for every test file; a file started on its own makes its own. */
export const RUN_ID = process.env.USHER_E2E_RUN_ID ?? `${Date.now().toString(36)}${process.pid.toString(36)}`;
/** Every container, pod and image of this run is named with it, and only those are ever removed. */
export const PREFIX = `usher-e2e-${RUN_ID}`;

/** Thrown when the engine itself does not work: the suite must say so, not pass. */
export class EngineUnavailable extends Error {
  override name = 'EngineUnavailable';
}

export const ENGINE_HELP =
  'The e2e suite needs podman with runc, as root (Debian: apt-get install podman runc uidmap), and on ' +
  'cgroup v1 hosts lowered ulimits, in /etc/containers/containers.conf or a file in containers.conf.d/:\n' +
  '  [containers]\n  default_ulimits = ["nofile=1024:1024", "nproc=4096:4096"]\n  [engine]\n  runtime = "runc"\n' +
  '.ci/run sets both up.';

export interface Result {
  code: number;
  stdout: string;
  stderr: string;
  /** Wall-clock duration of the podman command. */
  ms: number;
}

export interface PodmanOptions {
  /** Reject when podman exits non-zero (default true). */
  check?: boolean;
  timeoutMs?: number;
  input?: NodeJS.ReadableStream;
}

/** Runs one podman command to completion. */
export function podman(args: string[], options: PodmanOptions = {}): Promise<Result> {
  const { check = true, timeoutMs = 120_000 } = options;
  const started = performance.now();
  return new Promise((resolve, reject) => {
    const child = spawn('podman', args, { stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    if (options.input && child.stdin) options.input.pipe(child.stdin);
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`podman ${args.join(' ')}: no answer after ${timeoutMs} ms\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(err.code === 'ENOENT' ? new EngineUnavailable(`podman is not installed.\n${ENGINE_HELP}`) : err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      const result = { code: code ?? -1, stdout, stderr, ms: performance.now() - started };
      if (check && result.code !== 0) {
        reject(new Error(`podman ${args.join(' ')} exited with ${result.code}:\n${stderr.trim()}`));
      } else {
        resolve(result);
      }
    });
  });
}

/** Fails with EngineUnavailable, and podman's own words, when podman cannot run here. */
export async function checkEngine(): Promise<string> {
  const info = await podman(['info', '--format', '{{.Host.OCIRuntime.Name}} {{.Host.CgroupsVersion}} {{.Version.Version}}'], {
    check: false,
    timeoutMs: 60_000,
  });
  if (info.code !== 0) throw new EngineUnavailable(`podman info failed:\n${info.stderr.trim()}\n${ENGINE_HELP}`);
  return info.stdout.trim();
}

/** A name no other run and no other test uses. */
export function uniqueName(label: string): string {
  return `${PREFIX}-${label}-${randomBytes(3).toString('hex')}`;
}

