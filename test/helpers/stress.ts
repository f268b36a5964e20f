// Sizes, measurements and figures for the stress scenarios (test/stress/).
//
// `npm test` runs each scenario at a short size with generous bounds (a few
// seconds each, on a busy 2-core machine); `npm run stress` sets
// USHER_STRESS=full for the sizes and acceptance figures, and
// USHER_STRESS_FIGURES to a file where every measured figure is appended (one
// JSON line each) for the summary table.
import { appendFileSync, readdirSync, readFileSync } from 'node:fs';
import type { TestContext } from 'node:test';

export const FULL = process.env.USHER_STRESS === 'full';

/** The short size in `npm test`, the full one under `npm run stress`. */
export const size = (short: number, full: number): number => (FULL ? full : short);

/** Resident set size of a process, in bytes, from /proc/PID/status (VmRSS). */
export function rssOf(pid: number): number {
  const kb = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
  if (kb === undefined) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(kb) * 1024;
}

/** Open descriptors of a process, from /proc/PID/fd. */
export function fdCountOf(pid: number): number {
  return readdirSync(`/proc/${pid}/fd`).length;
}

/**
 * How far the highest of the second half of a run's RSS samples is above the
 * highest of the first half. RSS moves by a few MB either way as V8 and
 * malloc take and give back pages, and grows once as the heap warms up; a
 * leak grows the second peak with every round, a one-time step early in the
 * run does not.
 */
export function secondHalfPeakGrowth(rssSamples: readonly number[]): number {
  const half = Math.floor(rssSamples.length / 2);
  return Math.max(...rssSamples.slice(half)) - Math.max(...rssSamples.slice(0, half));
}

export const MB = 1024 * 1024;
export const mb = (bytes: number): string => `${(bytes / MB).toFixed(2)} MB`;

export interface Figure {
  scenario: string;
  /** What was thrown, e.g. "10000 signals". */
  thrown: string;
  measure: string;
  /** As printed, with its unit. */
  value: string;
  /** The acceptance figure, as printed. */
  target: string;
  held: boolean;
}

/**
 * Reports a measured figure next to its target (in the test's diagnostics,
 * and in the figures file under `npm run stress`). The caller asserts.
 */
export function figure(t: TestContext, f: Figure): void {
  t.diagnostic(`${f.scenario}: ${f.measure} ${f.value} (target ${f.target}; ${f.held ? 'held' : 'NOT HELD'}) after ${f.thrown}`);
  const file = process.env.USHER_STRESS_FIGURES;
  if (file) appendFileSync(file, `${JSON.stringify(f)}\n`);
}
