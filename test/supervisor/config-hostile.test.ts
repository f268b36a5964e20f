// Files built to make the loader hang or crash, as the stress fuzzer
// (test/stress/fuzz-config.test.ts) found them: each is refused with one-line
// problems, where it once took minutes (a regex backtracking over a long
// line; searches of every key, alias or error for each other one) or threw a
// stack trace (recursion as deep as the file was nested). The slow ones run
// as real `usher run --check` processes with the fuzzer's 60 s bound: a hang
// fails the test instead of stalling it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { LIMITS } from '../../src/supervisor/config/limits.js';
import { checkRun, runCheck, type FileCase } from '../helpers/fuzz-files.js';
import { load, problemsOf, yaml } from './config-helpers.js';

const services = (n: number, line: (i: number) => string) => ['services:', ...Array.from({ length: n }, (_, i) => line(i))].join('\n') + '\n';
const list = (n: number, name: (i: number) => string) => Array.from({ length: n }, (_, i) => name(i)).join(', ');

/** Files that each took minutes to refuse (measured on the 2-core machine before the fix). */
const ONCE_MINUTES: Record<string, { files: Record<string, string>; main: string; problem: RegExp }> = {
  // ENTRY's lazy name group backtracked over every blank once per character: ~10 minutes.
  'a Procfile line of 1 MiB of blanks and no colon': {
    main: 'Procfile',
    files: { Procfile: `a${' '.repeat(LIMITS.fileBytes - 10)}b\n` },
    problem: /^Procfile:1:1: not a 'name: command' line; expected/,
  },
  // The yaml package compared each key with every key before it; each problem searched its map: 3 minutes.
  'a map of 60 000 keys, each with a wrong value': {
    main: 'usher.yaml',
    files: { 'usher.yaml': `services:\n  a:\n    command: x\n    env:\n${Array.from({ length: 60_000 }, (_, i) => `      k${i}: {}\n`).join('')}` },
    problem: /^usher\.yaml:5:11: services\.a\.env\.k0: got a map; expected a string, a number or a boolean$/,
  },
  // The yaml package searched the whole file for each alias's anchor: 4 minutes.
  '100 000 aliases': {
    main: 'usher.yaml',
    files: {
      'usher.yaml': `x-a:\n${list(100, (i) => `  - &a${i} x`).replace(/, /g, '\n')}\nservices:\n  a:\n    command: [${Array.from({ length: 100 }, (_, i) => Array(999).fill(`*a${i}`).join(',')).join(',')}]\n`,
    },
    problem: /^usher\.yaml:104:\d+: 99900 aliases \(\*name\) in one file; expected at most 1000$/,
  },
  // execIfSimple trimmed the command's end with /\s+$/, which retried from every blank of the run: minutes.
  'a command of "a", 400 000 spaces and "b"': {
    main: 'usher.yaml',
    files: { 'usher.yaml': `services:\n  a:\n    command: "a${' '.repeat(400_000)}b"\n` },
    problem: /^usher\.yaml:3:14: services\.a\.command: is 400002 bytes long; expected at most 131071 bytes/,
  },
  // A "did you mean" searched every name for each unknown dependency, each message listed every name: minutes, gigabytes.
  '1000 services, each depending on 180 services that do not exist': {
    main: 'usher.yaml',
    files: { 'usher.yaml': services(1000, (i) => `  s${i}: {command: x, depends_on: [${list(180, (j) => `q${j}`)}]}`) },
    problem: /^usher\.yaml:2:\d+: services\.s0\.depends_on: unknown service 'q0' \(did you mean 's0'\?\); expected one of s0, s1, .*, s19 and 980 more$/,
  },
};

test('files that once took minutes to refuse are refused at once, with one-line problems (real processes, 60 s bound)', { timeout: 300_000 }, async () => {
  await Promise.all(
    Object.entries(ONCE_MINUTES).map(async ([kind, { files, main, problem }]) => {
      const c: FileCase = { kind, main, files, env: {} };
      const r = await runCheck(c);
      assert.equal(checkRun(r, c).code, 2, kind);
      assert.match(r.stderr.split('\n')[0] ?? '', problem, kind);
    }),
  );
});

test('an include: pattern of many * beside a file that nearly matches is matched at once (as a regular expression it backtracked for minutes)', { timeout: 120_000 }, async () => {
  const c: FileCase = {
    kind: 'include glob',
    main: 'usher.yaml',
    files: { 'usher.yaml': `include: "${'a*'.repeat(40)}b.yaml"\nservices:\n  a:\n    command: x\n`, [`${'a'.repeat(60)}.yaml`]: 'services: {b: {command: y}}\n' },
    env: {},
  };
  const r = await runCheck(c);
  assert.equal(checkRun(r, c).code, 0);
  assert.match(r.stdout, /valid, 1 service\(s\)/, 'the file that nearly matches is not included');
});

test('${...} nested thousands deep is refused past 32 levels, where it once overflowed the stack (a RangeError and its trace)', async (t) => {
  const nested = (depth: number) => `${'${A:-'.repeat(depth)}x${'}'.repeat(depth)}`;
  const config = await load(t, yaml('services:', '  a:', `    command: ["echo", "${nested(LIMITS.nestedVariables)}"]`));
  assert.deepEqual(config.services[0]?.argv, ['echo', 'x']);
  for (const depth of [LIMITS.nestedVariables + 1, 5_000]) {
    const problems = await problemsOf(t, yaml('services:', '  a:', `    command: ["echo", "${nested(depth)}"]`));
    assert.equal(problems.length, 1, problems.join('\n'));
    // At the '${' one level too deep: the 33rd, 5 characters apart, the first in column 24.
    assert.match(problems[0] as string, new RegExp(`^usher\\.yaml:3:${24 + 5 * LIMITS.nestedVariables}: services\\.a\\.command\\[1\\]: '\\$\\{A:-.*' is nested more than 32 deep in \\$\\{\\.\\.\\.\\}; expected at most 32 levels`));
  }
});

test('more than 1000 services are refused before they are checked; a dependency chain of 20 000 once overflowed the stack', async (t) => {
  const chain = (n: number) => services(n, (i) => `  s${i}: {command: x${i > 0 ? `, depends_on: [s${i - 1}]` : ''}}`);
  const config = await load(t, chain(LIMITS.services));
  assert.equal(config.startOrder.length, LIMITS.services, 'a chain of 1000: 1000 waves of one');
  for (const n of [LIMITS.services + 1, 20_000]) {
    assert.deepEqual(await problemsOf(t, chain(n)), [`usher.yaml:1:1: services: ${n} services; expected at most ${LIMITS.services}`]);
  }
  // replicas copies count: 11 services of 100 copies each are 1100 services to run.
  assert.deepEqual(await problemsOf(t, services(11, (i) => `  s${i}: {command: x, replicas: 100}`)), [
    `usher.yaml:1:1: services: 1100 services (11 written, 1100 with their replicas); expected at most ${LIMITS.services}`,
  ]);
  const procfile = Array.from({ length: LIMITS.services + 2 }, (_, i) => `p${i}: sleep 1`).join('\n');
  assert.deepEqual(await problemsOf(t, procfile, { name: 'Procfile' }), [
    `Procfile:1001:1: 'p1000' is entry 1001; expected at most ${LIMITS.services} entries (usher's limit for the services of one file)`,
  ]);
});

test('what a message quotes from the file stays one short line: names, cycles, paths, control characters', async (t) => {
  // A cycle through 1000 services: its start and its end.
  const cycle = await problemsOf(t, services(1000, (i) => `  s${i}: {command: x, depends_on: [s${(i + 1) % 1000}]}`));
  assert.deepEqual(cycle, [
    `usher.yaml:2:33: dependency cycle: s0 -> s1 -> s2 -> s3 -> s4 -> s5 -> s6 -> s7 -> s8 -> s9 -> ... (989 more) -> s999 -> s0; expected dependencies without a loop (remove one of these depends_on entries)`,
  ]);
  // An env_file path of 5000 characters: cut in the middle.
  const path = await problemsOf(t, yaml('services:', '  a:', '    command: x', `    env_file: ${'d/'.repeat(2500)}x.env`));
  assert.equal(path.length, 1);
  assert.ok((path[0] as string).length < 500, path[0]);
  assert.match(path[0] as string, /^usher\.yaml:4:15: services\.a\.env_file: d\/d\/.*\.\.\.(\/d)+\/x\.env \(5005 characters\) cannot be read \(ENAMETOOLONG\)/);
  // An alias whose anchor does not exist, named by 900 characters: the parser's message quotes the name whole.
  const alias = await problemsOf(t, yaml('services:', `  a: {command: *${'*'.repeat(900)}}`));
  assert.equal(alias.length, 1, alias.join('\n'));
  assert.ok((alias[0] as string).length < 300, alias[0]);
  assert.match(alias[0] as string, /^usher\.yaml:1:1: Unresolved alias .*\*{20}\.\.\.; expected a plain YAML document$/);
  // Line separators, C1 controls and bidirectional overrides in names and values: escaped, as usher's log does.
  const controls = await problemsOf(t, yaml('services:', '  "a\u2028b\u202e":', '    command: x', '    restart: "\u0085no\u009b"'));
  for (const line of controls) assert.doesNotMatch(line, /[\u0085\u009b\u2028\u2029\u202e]/, line);
  assert.ok(controls.some((l) => l.includes('\\u2028') && l.includes('\\u202e')), controls.join('\n'));
});

test('an env file value may hold U+2028, U+2029 or a lone CR (in quotes or not): read as written, not "not a KEY=VALUE line"', async (t) => {
  const config = await load(t, yaml('services:', '  a:', '    command: x', '    env_file: .env'), {
    files: { '.env': 'A="x\u2028y"\nB=a\u2029b\nC=\'a\rb\'\n# a comment\u2028still the comment\n' },
  });
  assert.deepEqual(config.services[0]?.env, { A: 'x\u2028y', B: 'a\u2029b', C: 'a\rb' });
});
