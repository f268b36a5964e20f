// What a config file, an env file or a Procfile may not do to the loader or
// the runtime: durations past what Node's timers can wait, files that are not
// regular (a FIFO would hang the read, /dev/zero never ends), binary and huge
// files, NUL bytes and sizes exec refuses, and keys that would touch
// Object.prototype. Each is refused (or kept) with a clear message and position.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { ConfigError, loadConfig } from '../../src/supervisor/config/index.js';
import { LIMITS } from '../../src/supervisor/config/limits.js';
import { load, problemsOf, tempDir, usersIn, yaml } from './config-helpers.js';

const SCHEMA = JSON.parse(readFileSync(new URL('../../../schema/usher.schema.json', import.meta.url), 'utf8')) as Schema;
type Schema = { [key: string]: any };

/** Every place of usher.yaml that holds a duration, found in the schema (so that a new duration key is covered too). */
function durationPaths(node: Schema = SCHEMA, path: string[] = []): string[][] {
  if (node.$ref === '#/definitions/duration') return [path];
  if (typeof node.$ref === 'string') return durationPaths(SCHEMA.definitions[node.$ref.split('/').pop() as string], path);
  const found: string[][] = [];
  for (const [key, child] of Object.entries((node.properties ?? {}) as Record<string, Schema>)) found.push(...durationPaths(child, [...path, key]));
  // services: a map of names to services.
  if (typeof node.additionalProperties === 'object') found.push(...durationPaths(node.additionalProperties, [...path, 'a']));
  // ready: `notify`, else a probe map.
  if (typeof node.else === 'object') found.push(...durationPaths(node.else, path));
  return found;
}

/** A file that is valid but for `value` at `path` (a probe gets a kind when the duration is not its delay). */
function fileWith(path: string[], value: unknown): string {
  const doc: Schema = { services: { a: { command: ['true'] } } };
  let at = doc;
  for (const key of path.slice(0, -1)) at = at[key] ??= {};
  at[path.at(-1) as string] = value;
  const probe = doc.services.a.ready ?? doc.services.a.live;
  if (probe && probe.delay === undefined && probe.watchdog === undefined) probe.tcp = 1;
  return stringify(doc);
}

const subject = (path: string[]) => path.join('.');

test('the schema has the durations this test expects to find (the walk works)', () => {
  const paths = durationPaths().map(subject);
  for (const p of ['grace', 'services.a.stop_timeout', 'services.a.backoff.initial', 'services.a.backoff.max', 'services.a.ready.interval', 'services.a.ready.timeout', 'services.a.ready.delay', 'services.a.live.interval', 'services.a.live.timeout', 'services.a.live.delay', 'services.a.live.watchdog']) {
    assert.ok(paths.includes(p), `${p} in ${paths.join(', ')}`);
  }
});

test('every duration past 576h (24 days) is refused at its line and column; 576h itself loads', async (t) => {
  for (const path of durationPaths()) {
    const text = fileWith(path, '600h');
    const line = text.split('\n').findIndex((l) => l.trimStart().startsWith(`${path.at(-1)}: 600h`)) + 1;
    const column = (text.split('\n')[line - 1] as string).indexOf('600h') + 1;
    assert.deepEqual(await problemsOf(t, text), [
      `usher.yaml:${line}:${column}: ${subject(path)}: 600h is longer than usher's limit of 576h (24 days: Node's timers cannot wait longer); expected at most 576h`,
    ], text);
    await load(t, fileWith(path, path.at(-1) === 'delay' ? '1s' : '576h'));
  }
});

test('absurd durations (years, a number of seconds, too many digits) are refused, never taken for "not given"', async (t) => {
  for (const value of ['87600h', 1e9, `${'9'.repeat(400)}h`]) {
    const problems = await problemsOf(t, yaml('services:', '  a:', '    command: ["true"]', `    stop_timeout: ${value}`));
    assert.equal(problems.length, 1, problems.join('\n'));
    assert.match(problems[0] as string, /^usher\.yaml:4:19: services\.a\.stop_timeout: .*longer than usher's limit of 576h .*expected at most 576h$/);
  }
  const config = await load(t, yaml('grace: 576h', 'services:', '  a:', '    command: ["true"]', '    backoff: { initial: 1s, max: 2073600 }'));
  assert.equal(config.graceMs, LIMITS.durationMs);
  assert.equal(config.services[0]?.backoff.maxMs, LIMITS.durationMs);
});

test('a FIFO as the config file or as an env file is refused at once (reading it would wait forever for a writer)', { timeout: 20_000 }, async (t) => {
  const dir = tempDir(t, { 'usher.yaml': yaml('services:', '  a:', '    command: ["true"]', '    env_file: [pipe.env]') });
  execFileSync('mkfifo', [join(dir, 'pipe.yaml'), join(dir, 'pipe.env')]);
  const problems = async (file: string) => {
    try {
      await loadConfig({ cwd: dir, env: {}, users: usersIn(dir), file });
    } catch (e) {
      if (e instanceof ConfigError) return e.format();
      throw e;
    }
    assert.fail(`${file} loaded`);
  };
  assert.equal(await problems('pipe.yaml'), 'pipe.yaml: is a FIFO (named pipe), not a regular file; expected a usher.yaml or a Procfile');
  assert.equal(
    await problems('usher.yaml'),
    `usher.yaml:4:16: services.a.env_file[0]: pipe.env is a FIFO (named pipe), not a regular file; expected a file of KEY=VALUE lines (relative to the config file's directory)`,
  );
});

test('/dev/zero and a directory as env files are refused without reading them', { timeout: 20_000 }, async (t) => {
  const problems = await problemsOf(t, yaml('services:', '  a:', '    command: ["true"]', '    env_file: [/dev/zero, .]'));
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(problems[0] as string, /^usher\.yaml:4:16: services\.a\.env_file\[0\]: \/dev\/zero is a character device, not a regular file; expected a file of KEY=VALUE lines/);
  assert.match(problems[1] as string, /^usher\.yaml:4:27: services\.a\.env_file\[1\]: DIR is a directory, not a regular file; expected/);
});

test('a binary file as config: one problem at the first NUL byte, "binary file?", not the file echoed', async (t) => {
  const binary = Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\x00'), Buffer.alloc(4000, 0xa7), Buffer.from('services:\n')]);
  const dir = tempDir(t);
  writeFileSync(join(dir, 'usher.yaml'), binary);
  writeFileSync(join(dir, 'latin1.yaml'), Buffer.from('services:\n  caf\xe9:\n    command: ["true"]\n', 'latin1'));
  const formatted = async (file: string) => {
    try {
      await loadConfig({ cwd: dir, env: {}, users: usersIn(dir), file });
    } catch (e) {
      if (e instanceof ConfigError) return e.format();
      throw e;
    }
    assert.fail('loaded');
  };
  assert.equal(await formatted('usher.yaml'), 'usher.yaml:1:8: holds a NUL byte (a binary file?); expected a usher.yaml or a Procfile');
  assert.equal(await formatted('latin1.yaml'), 'latin1.yaml:2:6: is not UTF-8 text (a binary file?); expected a usher.yaml or a Procfile');
  // Inside an env file: the position in that file.
  const env = await problemsOf(t, yaml('services:', '  a:', '    command: ["true"]', '    env_file: bin.env'), { files: { 'bin.env': 'A=1\nB=\0\n' } });
  assert.deepEqual(env, ['bin.env:2:3: holds a NUL byte (a binary file?); expected a text file of KEY=VALUE lines']);
});

test('thousands of problems print the first 100 and a count; a long value is quoted cut short', async (t) => {
  const services = Array.from({ length: 500 }, (_, i) => `  s${i}: { command: ["true"], restart: "${'x'.repeat(i === 0 ? 100_000 : 3)}" }`);
  const dir = tempDir(t, { 'usher.yaml': yaml('services:', ...services) });
  try {
    await loadConfig({ cwd: dir, env: {}, users: usersIn(dir), file: 'usher.yaml' });
    assert.fail('loaded');
  } catch (e) {
    if (!(e instanceof ConfigError)) throw e;
    assert.equal(e.problems.length, 500, 'every problem is kept');
    const lines = e.format().split('\n');
    assert.equal(lines.length, 101);
    assert.equal(lines[100], '... and 400 more problem(s) not shown; fix these first (is it the right file?)');
    assert.match(lines[0] as string, /^usher\.yaml:2:\d+: services\.s0\.restart: 'x{60}'\.\.\. \(100000 characters\) is not allowed; expected no, on-failure or always$/);
    assert.ok(e.format().length < 20_000, `${e.format().length} characters`);
  }
});

test('files over 1 MiB are refused before they are parsed: config, env file', async (t) => {
  const big = `# ${'x'.repeat(LIMITS.fileBytes)}\n`;
  const dir = tempDir(t, { 'big.yaml': `services:\n  a:\n    command: ["true"]\n${big}` });
  await assert.rejects(loadConfig({ cwd: dir, env: {}, users: usersIn(dir), file: 'big.yaml' }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.format(), 'big.yaml: is larger than 1 MiB, usher\'s limit for a file it reads; expected a usher.yaml or a Procfile');
    return true;
  });
  const problems = await problemsOf(t, yaml('services:', '  a:', '    command: ["true"]', '    env_file: big.env'), { files: { 'big.env': big } });
  assert.deepEqual(problems, [`usher.yaml:4:15: services.a.env_file: big.env is larger than 1 MiB, usher's limit for a file it reads; expected a file of KEY=VALUE lines (relative to the config file's directory)`]);
});

test('a NUL byte in a command, a probe, an env value or cwd is refused (exec cannot pass it)', async (t) => {
  const problems = await problemsOf(
    t,
    yaml(
      'services:',
      '  a:',
      '    command: ["sh", "-c", "echo a\\0b"]',
      '    env: { X: "1\\02" }',
      '    cwd: "/tmp\\0x"',
      '    ready: { exec: "true\\0" }',
      '  b:',
      '    command: "echo \\0"',
    ),
  );
  assert.deepEqual(problems, [
    'usher.yaml:3:27: services.a.command[2]: holds a NUL byte (at character 7), which an argument cannot carry; expected text without \\0',
    'usher.yaml:4:15: services.a.env.X: X=...: holds a NUL byte (at character 4), which an environment variable cannot carry; expected text without \\0',
    'usher.yaml:5:10: services.a.cwd: holds a NUL byte (at character 5), which a path cannot carry; expected text without \\0',
    'usher.yaml:6:20: services.a.ready.exec: holds a NUL byte (at character 5), which a command cannot carry; expected text without \\0',
    'usher.yaml:8:14: services.b.command: holds a NUL byte (at character 6), which a command cannot carry; expected text without \\0',
  ]);
});

test('sizes exec refuses: an argument over 128 KiB, more than 4096 arguments, a command or variables over 1 MiB in all', async (t) => {
  const long = 'y'.repeat(LIMITS.argumentBytes + 1);
  const chunk = 'z'.repeat(100_000);
  const problems = await problemsOf(
    t,
    yaml(
      `x-chunk: &chunk "${chunk}"`,
      'services:',
      '  a:',
      `    command: ["echo", "${long}"]`,
      '  b:',
      `    command: [${Array(LIMITS.arguments + 1).fill('a').join(', ')}]`,
      '  c:',
      `    command: [${Array(11).fill('*chunk').join(', ')}]`,
      '  d:',
      '    command: ["true"]',
      '    env_file: [one.env, two.env]',
      '  e:',
      `    command: "${long}"`,
      '    env: [',
      `      "A=${long}"]`,
    ),
    // Twelve variables of 100 KB: each one fits, not all of them.
    { files: { 'one.env': [1, 2, 3, 4, 5, 6].map((i) => `A${i}=${chunk}\n`).join(''), 'two.env': [1, 2, 3, 4, 5, 6].map((i) => `B${i}=${chunk}\n`).join('') } },
  );
  assert.deepEqual(problems, [
    `usher.yaml:4:23: services.a.command[1]: is ${LIMITS.argumentBytes + 1} bytes long; expected at most ${LIMITS.argumentBytes} bytes (the kernel's limit for an argument: 128 KiB with its NUL)`,
    'usher.yaml:6:14: services.b.command: has 4097 arguments; expected at most 4096',
    `usher.yaml:8:14: services.c.command: is 1100011 bytes long in all; expected at most 1 MiB (with the environment, it must fit the kernel's room for exec)`,
    `usher.yaml:11:15: services.d.env_file: the service's own variables (env_file and env) are 1200048 bytes in all; expected at most 1 MiB (with the command, they must fit the kernel's room for exec)`,
    `usher.yaml:13:14: services.e.command: is ${LIMITS.argumentBytes + 1} bytes long; expected at most ${LIMITS.argumentBytes} bytes (the kernel's limit for a command: 128 KiB with its NUL)`,
    `usher.yaml:15:7: services.e.env[0]: A=...: is ${LIMITS.argumentBytes + 3} bytes long; expected at most ${LIMITS.argumentBytes} bytes (the kernel's limit for an environment variable: 128 KiB with its NUL)`,
  ]);
});

test('a Procfile line longer than exec can take is refused at its line', async (t) => {
  const problems = await problemsOf(t, `web: echo ${'w'.repeat(LIMITS.argumentBytes)}\nworker: sleep 1\n`, { name: 'Procfile' });
  assert.deepEqual(problems, [
    `Procfile:1:6: 'web': the command is ${LIMITS.argumentBytes + 5} bytes long; expected at most ${LIMITS.argumentBytes} bytes (the kernel's limit for a command: 128 KiB with its NUL)`,
  ]);
});

test('__proto__ is a variable like any other (env map, env list, env file); ${constructor} is not Object.prototype\'s', async (t) => {
  const config = await load(
    t,
    yaml(
      'services:',
      '  a:',
      '    command: ["echo", "${constructor}", "${__proto__}", "${toString:-default}"]',
      '    env: { __proto__: from-map, constructor: c }',
      '  b:',
      '    command: ["true"]',
      '    env: ["__proto__=from-list"]',
      '    env_file: .env',
    ),
    { files: { '.env': '__proto__=from-file\nhasOwnProperty=h\n' } },
  );
  const [a, b] = config.services;
  assert.deepEqual(a?.argv, ['echo', '', '', 'default']);
  assert.deepEqual(Object.entries(a?.env ?? {}), [['__proto__', 'from-map'], ['constructor', 'c']]);
  assert.deepEqual(Object.entries(b?.env ?? {}), [['__proto__', 'from-list'], ['hasOwnProperty', 'h']]);
  assert.equal(Object.getPrototypeOf(b?.env), Object.prototype, 'the prototype was not replaced');
});
