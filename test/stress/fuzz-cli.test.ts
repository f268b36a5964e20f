// Fuzzed command line and environment (fast-check): option lists mixing -r
// rewrites, durations, exit codes, signals, unknown options and junk, under
// the three personalities (usher, dumb-init, tini), with DUMB_INIT_*, TINI_*
// and USHER_* variables.
//
// Two layers, because ten thousand real usher processes would take most of an
// hour on this machine:
// - every case through the parser in-process (buildRequest, what bin/usher
//   runs first): it returns a request whose durations a timer can honour, or
//   throws a UsageError with a one-line message, never anything else;
// - a sample of the same cases as real processes: only documented exit codes,
//   no stack trace, one-line errors (usher's own personality), nothing left
//   running afterwards.
// The seed is printed, and on failure with the command to replay it:
//   USHER_FUZZ_SEED=<seed> node --test build/test/stress/fuzz-cli.test.js
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { MAX_DURATION_MS } from '../../src/cli/args.js';
import { loadPersonality, type Personality, type PersonalityName } from '../../src/cli/personality.js';
import { USHER } from '../helpers/pid1.js';
import { figure, size } from '../helpers/stress.js';

const IN_PROCESS = size(2_000, 10_000);
const REAL = size(15, 300);
const SEED = process.env.USHER_FUZZ_SEED !== undefined ? Number(process.env.USHER_FUZZ_SEED) : randomBytes(4).readInt32LE();

// --- generators -----------------------------------------------------------

const junk = fc.string({ maxLength: 12 });
// Mostly valid values, so that most cases get past the parser and run; the
// rest are near misses and junk.
const signal = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('TERM', 'SIGTERM', 'sigterm', 'KILL', 'HUP', 'USR1', 'SIGUSR2', 'QUIT', 'STOP', 'TSTP', 'WINCH', 'CHLD', '9', '15', '31') },
  { weight: 1, arbitrary: fc.constantFrom('RTMIN', 'SIGFOO', '', '0', '-1', '32', '64', '99') },
  { weight: 1, arbitrary: fc.integer({ min: -5, max: 70 }).map(String) },
  { weight: 1, arbitrary: junk },
);
const rewrite = fc.oneof(fc.tuple(signal, signal).map(([a, b]) => `${a}:${b}`), signal, fc.tuple(signal, signal, signal).map((s) => s.join(':')));
const duration = fc.oneof(
  { weight: 12, arbitrary: fc.constantFrom('0', '8', '2.5', '.5', '500ms', '8s', '0ms', ' 3 ', '2147483') },
  { weight: 3, arbitrary: fc.nat({ max: 3_000_000 }).map(String) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1e7, noNaN: true }).map((n) => `${n}${['', 's', 'ms'][Math.floor(n) % 3]}`) },
  { weight: 1, arbitrary: fc.constantFrom('1e3', '-1', 'soon', '', '2147484', '9999999', '99999999999999999999', '1.5.2', 'ms') },
  { weight: 1, arbitrary: junk },
);
const exitCode = fc.oneof(
  { weight: 12, arbitrary: fc.integer({ min: 0, max: 255 }).map(String) },
  { weight: 1, arbitrary: fc.oneof(fc.integer({ min: -3, max: 300 }).map(String), fc.constantFrom('', 'x', '007', '1.0'), junk) },
);
const withValue = (spellings: string[], value: fc.Arbitrary<string>) =>
  fc.tuple(fc.constantFrom(...spellings), value, fc.nat(2)).map(([opt, v, how]) => {
    if (how === 0 || !opt.startsWith('--')) return how === 1 && !opt.startsWith('--') ? [`${opt}${v}`] : [opt, v];
    return [`${opt}=${v}`];
  });
const flag = fc.constantFrom('-c', '-g', '-s', '-w', '-v', '-vv', '-q', '-cv', '-gw', '--single-child', '--group', '--subreaper', '--warn-on-reap', '--verbose', '--quiet', '-h', '-V', '-l', '--help', '--version', '--license');
const unknown = fc.oneof(fc.constantFrom('-x', '-Z', '--bogus', '--stop', '--verbose=1', '-', '---', '--=', '-r='), junk.map((s) => `-${s}`), junk.map((s) => `--${s}`));
const option = fc.oneof(
  { weight: 3, arbitrary: flag.map((f) => [f]) },
  { weight: 3, arbitrary: withValue(['-r', '--rewrite'], rewrite) },
  { weight: 3, arbitrary: withValue(['--stop-timeout', '--stop-delay', '--drain-timeout'], duration) },
  { weight: 2, arbitrary: withValue(['-e', '--expect-exit'], exitCode) },
  { weight: 2, arbitrary: withValue(['-p', '--pdeath-signal', '--stop-signal'], signal) },
  { weight: 1, arbitrary: unknown.map((u) => [u]) },
  { weight: 1, arbitrary: junk.map((j) => [j]) },
);
/** Commands that leave nothing running of their own: what is left afterwards is usher's doing. */
const command = fc.constantFrom<string[]>([], ['--'], ['--', 'true'], ['true'], ['sh', '-c', 'exit 3'], ['--', 'no-such-program-fuzz'], ['--', '/etc/passwd'], ['sh', '-c', 'sleep 0.1']);
const envValue = fc.oneof(fc.constantFrom('', '0', '1', '2', '3', '-1', 'yes'), duration);
const environment = fc.record(
  {
    DUMB_INIT_SETSID: envValue,
    DUMB_INIT_DEBUG: envValue,
    TINI_SUBREAPER: envValue,
    TINI_VERBOSITY: envValue,
    TINI_KILL_PROCESS_GROUP: envValue,
    USHER_STOP_TIMEOUT: duration,
    USHER_STOP_DELAY: duration,
    USHER_DRAIN_TIMEOUT: duration,
  },
  { requiredKeys: [] },
);
const subcommands = new Set(['run', 'ps', 'start', 'stop', 'restart', 'signal', 'doctor']);
const invocation = fc
  .record({
    personality: fc.constantFrom('usher', 'dumb-init', 'tini'),
    args: fc.tuple(fc.array(option, { maxLength: 5 }), command).map(([opts, cmd]) => [...opts.flat(), ...cmd]),
    env: environment,
  })
  // Subcommands are other modes with their own tests; this is the init's command line.
  .filter((i) => !(i.personality === 'usher' && subcommands.has(i.args[0] ?? '')));

type Invocation = { personality: string; args: string[]; env: Record<string, string> };

function replayHint(err: unknown): Error {
  const text = err instanceof Error ? err.message : String(err);
  return new Error(`${text}\nReplay with: USHER_FUZZ_SEED=${SEED} node --test build/test/stress/fuzz-cli.test.js`);
}

// --- in-process: the parser -------------------------------------------------

test(`fuzzed command line, in-process: ${IN_PROCESS} cases through the parser`, async (t) => {
  t.diagnostic(`fast-check seed ${SEED}`);
  const personalities = new Map<string, Personality>();
  for (const name of ['usher', 'dumb-init', 'tini'] as PersonalityName[]) personalities.set(name, await loadPersonality(name));
  let usage = 0;
  let runs = 0;
  try {
    await fc.assert(
      fc.asyncProperty(invocation, async ({ personality, args, env }: Invocation) => {
        let outcome;
        try {
          outcome = await (personalities.get(personality) as Personality).parse(personality, args, env);
        } catch (err) {
          throw new Error(`the parser threw instead of answering: ${err instanceof Error ? err.stack : String(err)}`);
        }
        if (outcome.kind === 'exit') {
          // Help, version, license, or a usage error: printed and exited, with a documented code.
          assert.ok([0, 1, 2].includes(outcome.code), `exit code ${outcome.code}`);
          for (const [fd, text] of outcome.print) {
            assert.ok(fd === 1 || fd === 2, `printed to fd ${fd}`);
            assert.doesNotMatch(text, /\n\s+at /, 'no stack trace');
          }
          if (outcome.code !== 0) usage++;
          return;
        }
        runs++;
        const { config } = outcome;
        assert.ok(config.argv.length > 0, 'a run has a command');
        for (const [name, ms] of [['drain', config.drainTimeoutMs], ['stop delay', config.stopDelayMs], ['stop timeout', config.stopTimeoutMs ?? 0]] as const) {
          assert.ok(Number.isInteger(ms) && ms >= 0 && ms <= MAX_DURATION_MS, `${name} ${ms} ms is not a duration a timer can wait`);
        }
        for (const [from, to] of config.rewrite) assert.ok(from >= 1 && from <= 31 && to >= 0 && to <= 31, `rewrite ${from}:${to}`);
      }),
      { numRuns: IN_PROCESS, seed: SEED },
    );
  } catch (err) {
    throw replayHint(err);
  }
  figure(t, {
    scenario: 'fuzzed CLI and environment',
    thrown: `${IN_PROCESS} generated argument lists and environments, in-process (seed ${SEED})`,
    measure: 'outcomes: a run, or printed text and a documented exit code',
    value: `${runs} runs, ${usage} usage errors, 0 other`,
    target: '0 other',
    held: true,
  });
});

// --- real processes: a sample ------------------------------------------------

interface Outcome {
  code: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

function run(file: string, args: string[], env: Record<string, string>): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`usher ${args.join(' ')} did not exit within 60 s; stderr: ${stderr}`));
    }, 60_000);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stderr });
    });
  });
}

/** Host processes whose environment carries `mark`: what a run left behind. */
function processesMarked(mark: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'latin1').includes(mark)) found.push(Number(name));
    } catch {
      // gone meanwhile, or a kernel thread
    }
  }
  return found;
}

const DOCUMENTED = new Set([0, 1, 2, 3, 126, 127]);

test(`fuzzed command line, real processes: a sample of ${REAL}`, { timeout: 900_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'usher-fuzz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const files: Record<string, string> = { usher: USHER };
  for (const name of ['dumb-init', 'tini']) {
    files[name] = join(dir, name);
    symlinkSync(USHER, files[name]);
  }
  const codes = new Map<number, number>();
  try {
    await fc.assert(
      fc.asyncProperty(invocation, async ({ personality, args, env }: Invocation) => {
        const mark = `USHER_FUZZ_MARK=${randomBytes(8).toString('hex')}`;
        const [key, value] = mark.split('=') as [string, string];
        const r = await run(files[personality] as string, args, { ...env, [key]: value });
        const what = `${personality} ${JSON.stringify(args)} with ${JSON.stringify(env)}: exit ${r.code ?? r.signal}, stderr:\n${r.stderr}`;
        assert.ok(r.code !== null && DOCUMENTED.has(r.code), `undocumented exit: ${what}`);
        codes.set(r.code, (codes.get(r.code) ?? 0) + 1);
        assert.doesNotMatch(r.stderr, /^\s+at .*:\d+:\d+\)?$/m, `stack trace: ${what}`);
        assert.doesNotMatch(r.stderr, /^\(node:\d+\)|Warning:/m, `Node warning: ${what}`);
        if (personality === 'usher' && r.code === 2 && r.stderr.startsWith('usher: ')) {
          assert.match(r.stderr, /^usher: [^\n]+\nTry 'usher --help' for more information\.\n$/, `not a one-line error: ${what}`);
        }
        assert.deepEqual(processesMarked(mark), [], `left running: ${what}`);
      }),
      { numRuns: REAL, seed: SEED },
    );
  } catch (err) {
    throw replayHint(err);
  }
  const seen = [...codes].sort((a, b) => a[0] - b[0]).map(([c, n]) => `${c}×${n}`).join(', ');
  figure(t, {
    scenario: 'fuzzed CLI and environment',
    thrown: `${REAL} of the same cases as real usher processes (seed ${SEED})`,
    measure: 'exit codes seen; stack traces; processes left',
    value: `${seen}; 0; 0`,
    target: 'documented codes only; 0; 0',
    held: true,
  });
});
