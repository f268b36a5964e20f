// Runs `usher doctor` from outside, as a user does, and hands back its report.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { FIXTURES, ROOT, USHER } from '../helpers/pid1.js';
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
