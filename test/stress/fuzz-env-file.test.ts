// Fuzzed env files (fast-check), as `env_file:` names them in usher.yaml.
//
// Two layers, as in fuzz-cli.test.ts:
// - in-process, many cases: valid files in every syntax env files allow
//   (export, quotes, escapes, comments, CRLF) must mean exactly what they
//   say (a model of the file is compared with what the parser returns), and
//   any other text or bytes must give variables or problems on one line each
//   at a position inside the file, never a crash;
// - a sample as real processes: `usher run --check -f usher.yaml` with the
//   file as a service's env_file: only exit 0 or 2, one-line problems with
//   file:line:col, no stack trace, never a hang.
// The seed is printed, and on failure with the command to replay it:
//   USHER_FUZZ_SEED=<seed> node --test build/test/stress/fuzz-env-file.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { ConfigError, loadConfig } from '../../src/supervisor/config/index.js';
import { parseEnvFile } from '../../src/supervisor/config/env-file.js';
import { Problems } from '../../src/supervisor/config/errors.js';
import { checkRun, ENV_KEY, envFile, envFileModel, FULL_SIZES, malformedProblemLines, runCheck, SHORT_SIZES, type CheckRun } from '../helpers/fuzz-files.js';
import { FULL, figure, size } from '../helpers/stress.js';


const MODELS = size(1_000, 20_000);
const IN_PROCESS = size(300, 5_000);
const REAL = size(6, 100);
const SIZES = FULL ? FULL_SIZES : SHORT_SIZES;
const SEED = process.env.USHER_FUZZ_SEED !== undefined ? Number(process.env.USHER_FUZZ_SEED) : randomBytes(4).readInt32LE();

/** The env file under test is the env_file of this usher.yaml's one service. */
const USHER_YAML = 'services:\n  a:\n    command: ["true"]\n    env_file: .env\n';

function replayHint(err: unknown): Error {
  const text = err instanceof Error ? err.message : String(err);
  return new Error(`${text}\nReplay with: USHER_FUZZ_SEED=${SEED} node --test build/test/stress/fuzz-env-file.test.js`);
}

test(`fuzzed env files, in-process: ${MODELS} valid files mean what they say`, async (t) => {
  t.diagnostic(`fast-check seed ${SEED}`);
  try {
    fc.assert(
      fc.property(envFileModel, ({ text, vars }) => {
        const problems = new Problems();
        const parsed = parseEnvFile(text, '.env', problems);
        assert.deepEqual(problems.list, [], `problems in a valid file:\n${text}`);
        assert.deepEqual(new Map(Object.entries(parsed)), vars, `the file:\n${JSON.stringify(text)}`);
      }),
      { numRuns: MODELS, seed: SEED, includeErrorInReport: true },
    );
  } catch (err) {
    throw replayHint(err);
  }
  figure(t, {
    scenario: 'fuzzed env files',
    thrown: `${MODELS} generated valid env files (export, quotes, escapes, comments, CRLF, any Unicode; seed ${SEED})`,
    measure: 'files whose variables differ from what they say',
    value: '0',
    target: '0',
    held: true,
  });
});

test(`fuzzed env files, in-process: ${IN_PROCESS} cases of any text or bytes through the loader`, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'usher-fuzz-env-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  writeFileSync(join(dir, 'usher.yaml'), USHER_YAML);
  let loaded = 0;
  let refused = 0;
  let slowestMs = 0;
  try {
    await fc.assert(
      fc.asyncProperty(envFile(SIZES), async ({ content }) => {
        // The parser alone, on text: never throws, problems in place.
        if (typeof content === 'string') {
          const problems = new Problems();
          const vars = parseEnvFile(content, '.env', problems);
          for (const key of Object.keys(vars)) assert.match(key, ENV_KEY);
          const lines = content.split(/\r?\n/).length;
          for (const p of problems.list) {
            assert.ok(p.line >= 1 && p.line <= lines && p.column >= 1, `position ${p.line}:${p.column} in ${lines} lines`);
          }
        }
        // Through the loader, as usher reads it: a config or well-formed problems.
        writeFileSync(join(dir, '.env'), content);
        const started = performance.now();
        try {
          const config = await loadConfig({ cwd: dir, env: {}, users: { passwdFile: join(dir, 'passwd'), groupFile: join(dir, 'group') }, file: 'usher.yaml' });
          for (const [key, value] of Object.entries(config.services[0]?.env ?? {})) {
            assert.ok(!key.includes('\0') && !value.includes('\0'), `a NUL byte passed in ${key}`);
          }
          loaded++;
        } catch (err) {
          if (!(err instanceof ConfigError)) throw new Error(`the loader threw instead of reporting problems: ${err instanceof Error ? err.stack : String(err)}`);
          const wrong = malformedProblemLines(err.format(), { '.env': content, 'usher.yaml': USHER_YAML });
          assert.equal(wrong, undefined, wrong);
          refused++;
        }
        slowestMs = Math.max(slowestMs, performance.now() - started);
      }),
      { numRuns: IN_PROCESS, seed: SEED, includeErrorInReport: true },
    );
  } catch (err) {
    throw replayHint(err);
  }
  figure(t, {
    scenario: 'fuzzed env files',
    thrown: `${IN_PROCESS} generated env files (near misses, junk, lines up to ${SIZES.line} characters), in-process (seed ${SEED})`,
    measure: 'outcomes: variables, or one-line problems at a position; slowest load',
    value: `${loaded} loaded, ${refused} refused, 0 other; ${slowestMs.toFixed(0)} ms`,
    target: '0 other',
    held: true,
  });
});

test(`fuzzed env files, real processes: a sample of ${REAL} through usher run --check`, { timeout: 900_000 }, async (t) => {
  const runs: CheckRun[] = [];
  try {
    await fc.assert(
      fc.asyncProperty(envFile(SIZES), async ({ content }) => {
        const files = { 'usher.yaml': USHER_YAML, '.env': content };
        const c = { kind: 'env file', main: 'usher.yaml', files, env: {} };
        runs.push(checkRun(await runCheck(c), c));
      }),
      { numRuns: REAL, seed: SEED, includeErrorInReport: true },
    );
  } catch (err) {
    throw replayHint(err);
  }
  const codes = (c: number) => runs.filter((r) => r.code === c).length;
  figure(t, {
    scenario: 'fuzzed env files',
    thrown: `${REAL} of them as a service's env_file of a real \`usher run --check\` (seed ${SEED})`,
    measure: 'exit codes; crashes, hangs, stack traces; slowest',
    value: `0 ×${codes(0)}, 2 ×${codes(2)}; 0, 0, 0; ${(Math.max(...runs.map((r) => r.ms)) / 1000).toFixed(1)} s`,
    target: 'only 0 and 2; 0, 0, 0',
    held: true,
  });
});
