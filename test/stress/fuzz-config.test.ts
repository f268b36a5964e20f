// Fuzzed usher.yaml and Procfiles (fast-check): files near the schema,
// valid files with random edits, binary junk, and inputs built to exhaust the
// loader: YAML alias bombs ("billion laughs", merge keys), nesting thousands
// deep, lines past the 1 MiB file limit, ${...} nested thousands deep, tens of
// thousands of services in a dependency chain, a cycle or depending on
// unknown names. Env files referenced by the cases are fuzzed too
// (fuzz-env-file.test.ts goes deeper into them).
//
// Two layers, as in fuzz-cli.test.ts:
// - every case through the loader in-process (loadConfig, what `usher run`
//   runs first): a config within usher's limits, or a ConfigError whose lines
//   are each `FILE:LINE:COL: message` inside the file, bounded in number and
//   length; never another exception;
// - a sample as real `usher run --check -f FILE` processes: exit 0 or 2
//   only, one-line problems, no stack trace, no hang (60 s).
// The seed is printed, and on failure with the command to replay it:
//   USHER_FUZZ_SEED=<seed> node --test build/test/stress/fuzz-config.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError, loadConfig } from '../../src/supervisor/config/index.js';
import { LIMITS } from '../../src/supervisor/config/limits.js';
import type { SupervisorConfig } from '../../src/supervisor/types.js';
import { checkRun, describeCase, fileCase, FULL_SIZES, malformedProblemLines, runCheck, SHORT_SIZES, type CheckRun } from '../helpers/fuzz-files.js';
import { FULL, figure, size } from '../helpers/stress.js';

const IN_PROCESS = size(250, 5_000);
const REAL = size(6, 300);
const SIZES = FULL ? FULL_SIZES : SHORT_SIZES;
const SEED = process.env.USHER_FUZZ_SEED !== undefined ? Number(process.env.USHER_FUZZ_SEED) : randomBytes(4).readInt32LE();

function replayHint(err: unknown): Error {
  const text = err instanceof Error ? err.message : String(err);
  return new Error(`${text}\nReplay with: USHER_FUZZ_SEED=${SEED} node --test build/test/stress/fuzz-config.test.js`);
}

/** What a loaded config may hold: only what the runtime can honour. */
function assertWithinLimits(config: SupervisorConfig): void {
  assert.ok(config.services.length > 0, 'a config has services');
  const durations = [config.graceMs, ...config.services.flatMap((s) => [s.stopTimeoutMs, s.backoff.initialMs, s.backoff.maxMs])];
  for (const ms of durations) assert.ok(Number.isInteger(ms) && ms >= 0 && ms <= LIMITS.durationMs, `a duration of ${ms} ms`);
  for (const s of config.services) {
    assert.ok(s.argv.length > 0 && s.argv.length <= LIMITS.arguments + 2, `${s.name}: ${s.argv.length} arguments`);
    for (const text of [...s.argv, ...Object.keys(s.env), ...Object.values(s.env)]) {
      assert.ok(!text.includes('\0'), `${s.name}: a NUL byte passed`);
      assert.ok(Buffer.byteLength(text) <= LIMITS.argumentBytes, `${s.name}: an argument of ${Buffer.byteLength(text)} bytes`);
    }
  }
  const started = config.startOrder.flat();
  assert.deepEqual([...started].sort(), config.services.map((s) => s.name).sort(), 'the start order holds every service once');
}

test(`fuzzed usher.yaml and Procfiles, in-process: ${IN_PROCESS} cases through the loader`, { timeout: 1_800_000 }, async (t) => {
  t.diagnostic(`fast-check seed ${SEED}`);
  const root = mkdtempSync(join(tmpdir(), 'usher-fuzz-config-'));
  t.after(() => rmSync(root, { recursive: true, force: true }));
  const kinds = new Map<string, { loaded: number; refused: number; slowestMs: number }>();
  let slowest = { ms: 0, kind: '' };
  try {
    await fc.assert(
      fc.asyncProperty(fileCase(SIZES), async (c) => {
        const dir = mkdtempSync(join(root, 'case-'));
        try {
          for (const [name, content] of Object.entries(c.files)) writeFileSync(join(dir, name), content);
          const tally = kinds.get(c.kind) ?? { loaded: 0, refused: 0, slowestMs: 0 };
          kinds.set(c.kind, tally);
          const started = performance.now();
          try {
            const config = await loadConfig({ cwd: dir, env: c.env, users: { passwdFile: join(dir, 'passwd'), groupFile: join(dir, 'group') }, file: c.main });
            assertWithinLimits(config);
            tally.loaded++;
          } catch (err) {
            if (!(err instanceof ConfigError)) {
              throw new Error(`the loader threw instead of reporting problems: ${err instanceof Error ? err.stack : String(err)}\n${describeCase(c)}`);
            }
            const wrong = malformedProblemLines(err.format(), c.files);
            assert.equal(wrong, undefined, `${wrong}\n${describeCase(c)}`);
            tally.refused++;
          }
          const ms = performance.now() - started;
          tally.slowestMs = Math.max(tally.slowestMs, ms);
          if (ms > slowest.ms) slowest = { ms, kind: c.kind };
        } finally {
          rmSync(dir, { recursive: true, force: true });
        }
      }),
      { numRuns: IN_PROCESS, seed: SEED, includeErrorInReport: true },
    );
  } catch (err) {
    throw replayHint(err);
  }
  for (const [kind, k] of [...kinds].sort()) t.diagnostic(`${kind}: ${k.loaded} loaded, ${k.refused} refused, slowest ${k.slowestMs.toFixed(0)} ms`);
  const loaded = [...kinds.values()].reduce((n, k) => n + k.loaded, 0);
  figure(t, {
    scenario: 'fuzzed usher.yaml and Procfiles',
    thrown: `${IN_PROCESS} generated files in-process: near the schema, mutated, alias bombs, nesting up to ${SIZES.depth} deep, lines up to ${SIZES.line} characters, up to ${SIZES.services} services, binary junk (seed ${SEED})`,
    measure: 'outcomes: a config within the limits, or one-line problems at FILE:LINE:COL; slowest load',
    value: `${loaded} loaded, ${IN_PROCESS - loaded} refused, 0 other; ${slowest.ms.toFixed(0)} ms (${slowest.kind})`,
    target: '0 other',
    held: true,
  });
});

test(`fuzzed usher.yaml and Procfiles, real processes: a sample of ${REAL} through usher run --check`, { timeout: 1_800_000 }, async (t) => {
  const runs: CheckRun[] = [];
  try {
    await fc.assert(
      fc.asyncProperty(fileCase(SIZES), async (c) => {
        runs.push(checkRun(await runCheck(c), c));
      }),
      { numRuns: REAL, seed: SEED, includeErrorInReport: true },
    );
  } catch (err) {
    throw replayHint(err);
  }
  const codes = (code: number) => runs.filter((r) => r.code === code).length;
  const slowest = runs.reduce((a, b) => (b.ms > a.ms ? b : a));
  figure(t, {
    scenario: 'fuzzed usher.yaml and Procfiles',
    thrown: `${REAL} of the same kinds of files through a real \`usher run --check -f FILE\` (seed ${SEED})`,
    measure: 'exit codes; crashes, hangs, stack traces; slowest',
    value: `0 ×${codes(0)}, 2 ×${codes(2)}; 0, 0, 0; ${(slowest.ms / 1000).toFixed(1)} s (${slowest.kind})`,
    target: 'only 0 and 2; 0, 0, 0',
    held: true,
  });
});
