// Durations as usher.yaml writes them: 10s, 500ms, 1m, 1h, 1m30s, or a plain
// number of seconds (YAML number). The schema's pattern accepts the same set;
// at most LIMITS.durationMs (24 days), which the loader checks.
import { LIMITS } from './limits.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const WHOLE = /^\s*(?:[0-9]+(?:\.[0-9]+)?(?:ms|s|m|h)\s*)+$/;
const PART = /([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)/g;

/**
 * Milliseconds (rounded to a whole ms), or undefined when the value is not a
 * duration. May be past LIMITS.durationMs, Infinity included for a string
 * of too many digits: the loader refuses those (tooLong), never taking them
 * for "not given".
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  }
  if (typeof value !== 'string' || !WHOLE.test(value)) return undefined;
  let total = 0;
  for (const [, amount, unit] of value.matchAll(PART)) total += Number(amount) * (UNIT_MS[unit as string] ?? 0);
  return Math.round(total);
}

/** Why a duration of `ms` cannot be used (longer than usher's limit), or undefined. */
export function tooLong(ms: number): string | undefined {
  if (ms <= LIMITS.durationMs) return undefined;
  const limit = formatDuration(LIMITS.durationMs);
  const given = Number.isFinite(ms) && ms < 1e15 ? `${formatDuration(ms)} is` : 'is far';
  return `${given} longer than usher's limit of ${limit} (24 days: Node's timers cannot wait longer); expected at most ${limit}`;
}

/** The shortest usual spelling: 25s, 500ms, 1m30s; for --check and messages. */
export function formatDuration(ms: number): string {
  if (ms === 0) return '0s';
  if (ms % 1000 !== 0) return ms < 1000 ? `${ms}ms` : `${ms / 1000}s`;
  let s = ms / 1000;
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return `${h ? `${h}h` : ''}${m ? `${m}m` : ''}${s ? `${s}s` : ''}`;
}
