// Runs `usher doctor` from outside, as a user does, and hands back its report.
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { after } from 'node:test';
import { Ajv } from 'ajv';
import { FIXTURES, Lines, ROOT, USHER } from '../helpers/pid1.js';
import type { DoctorReport } from '../../src/doctor/report.js';

export { FIXTURES, ROOT };
export const DOCTOR_FIXTURES = `${FIXTURES}doctor/`;

export interface DoctorResult {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The doctor's own pid (its containers are named after it). */
  pid: number;
}

/** How long a doctor that overran its limit gets to clean up (its namespace, its container) after SIGTERM. */
const CLEAN_UP_MS = 10_000;

/**
 * `usher doctor ARGS`, bounded: a doctor that does not finish in limitMs gets
 * SIGTERM (so that it removes what it started), SIGKILL if it still runs after
 * that, and the test fails.
 */
export function doctor(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; limitMs?: number } = {}): Promise<DoctorResult> {
  const limitMs = options.limitMs ?? 60_000;
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [USHER, 'doctor', ...args], {
      cwd: options.cwd ?? FIXTURES,
      env: { ...process.env, ...options.env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let overran = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      overran = true;
      child.kill('SIGTERM');
      setTimeout(() => child.kill('SIGKILL'), CLEAN_UP_MS).unref();
    }, limitMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      if (overran) reject(new Error(`usher doctor ${args.join(' ')} did not finish in ${limitMs} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
      else resolve({ code, stdout, stderr, pid: child.pid as number });
    });
  });
}

const schema = JSON.parse(readFileSync(`${ROOT}schema/doctor-report.schema.json`, 'utf8')) as object;
const validate = new Ajv({ allErrors: true, strict: true }).compile(schema);

/** Parses --json output and checks it against the published schema. */
export function parseReport(r: DoctorResult): DoctorReport {
  let report: unknown;
  try {
    report = JSON.parse(r.stdout);
  } catch {
    throw new Error(`not JSON on stdout:\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  if (!validate(report)) throw new Error(`report does not match schema/doctor-report.schema.json: ${JSON.stringify(validate.errors, null, 2)}\n${r.stdout}`);
  return report as DoctorReport;
}

/** `usher doctor --json --grace 2s ARGS -- COMMAND`, validated. */
export async function doctorJson(command: string[], args: string[] = [], options: Parameters<typeof doctor>[1] = {}): Promise<{ report: DoctorReport; result: DoctorResult }> {
  const settle = args.includes('--ready') ? [] : ['--settle', '500ms'];
  const result = await doctor(['--json', '--grace', '2s', ...settle, ...args, '--', ...command], options);
  return { report: parseReport(result), result };
}

export const ids = (report: DoctorReport) => report.findings.map((f) => f.id).sort();
export const describe = (report: DoctorReport, result: DoctorResult) => `report:\n${JSON.stringify(report, null, 2)}\nstderr:\n${result.stderr}`;

/** A doctor started in the background, for tests that interrupt it. */
export interface RunningDoctor {
  pid: number;
  stdout: Lines;
  stderr: Lines;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  kill(signal: NodeJS.Signals): void;
}

const running = new Set<RunningDoctor>();
after(() => {
  // A test that failed before its doctor ended: SIGKILL it (what it started is the test's clean-up).
  for (const d of running) d.kill('SIGKILL');
});

/** `usher doctor ARGS` in the background, killed after the file's tests if it still runs. */
export function startDoctor(args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): RunningDoctor {
  const child = spawn(process.execPath, [USHER, 'doctor', ...args], {
    cwd: options.cwd ?? FIXTURES,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const d: RunningDoctor = {
    pid: child.pid as number,
    stdout: new Lines(child.stdout),
    stderr: new Lines(child.stderr),
    exited: new Promise((resolve) => child.on('close', (code, signal) => {
      running.delete(d);
      resolve({ code, signal });
    })),
    kill: (signal) => {
      try {
        child.kill(signal);
      } catch {
        // gone
      }
    },
  };
  running.add(d);
  return d;
}

/** The command lines (argv joined by spaces) of pid's children, from /proc. */
export function childCommands(pid: number): string[] {
  const out: string[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== pid) continue;
      out.push(readFileSync(`/proc/${entry}/cmdline`, 'utf8').split('\0').filter(Boolean).join(' '));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
