// Starting the supervisor as PID 1 of a PID namespace for the tests: from a
// hand-built config (through harness.js) or a real usher.yaml / Procfile.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { ROOT, startPid1, type Namespace, type StartOptions } from '../helpers/pid1.js';

export const HARNESS = `${ROOT}build/test/supervisor/harness.js`;
export const SUP_FIXTURES = `${ROOT}test/supervisor/fixtures/`;
export const PROBE = `${ROOT}test/fixtures/signal-probe.mjs`;
export const NODE = process.execPath;

/** A hand-built service for harness.js: defaults are filled in there. */
export interface TestService {
  name: string;
  argv: string[];
  [key: string]: unknown;
}

export function startEngine(config: { graceMs?: number; format?: 'yaml' | 'procfile'; services: TestService[] }, format: 'text' | 'json' = 'text', options: StartOptions = {}): Namespace {
  return startPid1([NODE, HARNESS, JSON.stringify(config), format], { ...options, bare: true });
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/** A fresh temporary directory, removed after the tests. */
export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'usher-sup-'));
  dirs.push(dir);
  return dir;
}

/** Writes files into a fresh directory and returns it. */
export function withFiles(files: Record<string, string>): string {
  const dir = tempDir();
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return dir;
}

/**
 * A TCP port unlikely to be taken, different per call: below the kernel's
 * ephemeral range, where every outgoing connection on the machine (and the
 * TIME_WAITs they leave) takes its local port, so nothing but a listener of
 * its own choosing can hold it. A random start keeps test files apart.
 */
const EPHEMERAL_LOW = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]) || 32768;
const PORT_FLOOR = 10_000;
let nextPort = PORT_FLOOR + Math.floor(Math.random() * (EPHEMERAL_LOW - PORT_FLOOR - 2000));
export function freePort(): number {
  return nextPort++;
}

/** Index of the first line matching, or -1. */
export function indexOf(lines: string[], pattern: RegExp): number {
  return lines.findIndex((l) => pattern.test(l));
}

/** `usher run ARGS` as PID 1, with its control socket in a private temp dir (never the host's /run/usher). */
export function startRun(args: string[], options: StartOptions & { cwd?: string } = {}): Namespace {
  const socketDir = tempDir();
  return startPid1(['run', ...args], { ...options, env: { USHER_SOCKET: join(socketDir, 'control.sock'), ...options.env } });
}
