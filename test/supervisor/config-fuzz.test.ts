// Whatever the file holds, the loader either returns a config or reports
// problems, each on one line with a position inside the file: never a crash.
import fc from 'fast-check';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { stringify } from 'yaml';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig } from '../../src/supervisor/config/index.js';
import { Problems } from '../../src/supervisor/config/errors.js';
import { UserResolver } from '../../src/supervisor/config/users.js';
import { buildYamlConfig } from '../../src/supervisor/config/yaml-config.js';

const SERVICE_KEYS = ['command', 'cwd', 'env', 'env_file', 'user', 'depends_on', 'ready', 'live', 'restart', 'max_restarts', 'backoff', 'stop_signal', 'stop_timeout', 'critical', 'comand'];
const PROBE_KEYS = ['tcp', 'http', 'exec', 'log', 'delay', 'interval', 'timeout', 'failures'];
const NAMES = ['a', 'b', 'web', 'db', 'bad name', 'usher'];

/** Values near what the schema wants, and some far from it. */
const scalar = fc.oneof(
  fc.constantFrom('10s', '500ms', '1m', 'x', '', 'no', 'always', 'ready', 'completed', 'SIGTERM', 'TERM', '${A}', '${A', '$$', '(', 'http://127.0.0.1:1/', 'root', '1000:1000', 'a', 'b', 'web'),
  fc.integer({ min: -5, max: 70_000 }),
  fc.boolean(),
  fc.constant(null),
  fc.string({ maxLength: 8 }),
);
const probe = fc.dictionary(fc.constantFrom(...PROBE_KEYS), fc.oneof(scalar, fc.array(scalar, { maxLength: 3 })), { maxKeys: 3 });
const value = fc.oneof(scalar, probe, fc.array(scalar, { maxLength: 3 }), fc.dictionary(fc.constantFrom(...NAMES, 'A', 'B'), scalar, { maxKeys: 3 }));
const service = fc.dictionary(fc.constantFrom(...SERVICE_KEYS), value, { maxKeys: 6 });
const config = fc.record(
  { grace: scalar, health: fc.oneof(scalar, fc.record({ port: scalar }, { requiredKeys: [] })), services: fc.oneof(fc.dictionary(fc.constantFrom(...NAMES), fc.oneof(service, scalar), { maxKeys: 4 }), scalar) },
  { requiredKeys: [] },
);

async function check(text: string): Promise<void> {
  const problems = new Problems();
  const result = await buildYamlConfig(
    { file: '/nonexistent/usher.yaml', text, cwd: '/nonexistent', env: { A: 'x' }, users: new UserResolver({ passwdFile: '/nonexistent/passwd', groupFile: '/nonexistent/group' }) },
    problems,
  );
  const lines = text.split('\n').length;
  if (problems.empty) assert.ok(result, 'no problem, so a config');
  else assert.equal(result, undefined, 'problems, so no config');
  for (const p of problems.list) {
    assert.ok(!p.message.includes('\n'), `one line: ${JSON.stringify(p.message)}`);
    assert.match(p.message, /; expected /, p.message);
    if (p.file === 'usher.yaml') assert.ok(p.line >= 1 && p.line <= lines + 1 && p.column >= 1, `position ${p.line}:${p.column} in ${lines} lines`);
  }
}

test('random files near the schema: a config or well-formed problems, never a crash', async () => {
  await fc.assert(fc.asyncProperty(config, (c) => check(stringify(c))), { numRuns: 300 });
});

test('random flow-style files: the same', async () => {
  await fc.assert(fc.asyncProperty(config, (c) => check(stringify(c, { collectionStyle: 'flow' }))), { numRuns: 200 });
});

test('random text: the same', async () => {
  await fc.assert(fc.asyncProperty(fc.string({ maxLength: 200 }), (text) => check(text)), { numRuns: 300 });
});

test('random bytes as usher.yaml (binary, not UTF-8, YAML-like noise): a config or a short, bounded report', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'usher-fuzz-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const file = join(dir, 'usher.yaml');
  const noise = fc.array(fc.constantFrom(...'services:\n  a:\n    command: [\0\x01\xff"\'{}-&*!|>%@`#'.split('')), { maxLength: 3000 }).map((cs) => Buffer.from(cs.join(''), 'latin1'));
  // One long line, as most of an executable is: a YAML error would quote it whole.
  const oneLine = fc.uint8Array({ minLength: 1000, maxLength: 3000 }).map((a) => Buffer.from(a.map((b) => (b === 10 ? 0 : b))));
  const bytes = fc.oneof(fc.uint8Array({ maxLength: 3000 }).map((a) => Buffer.from(a)), oneLine, noise);
  await fc.assert(
    fc.asyncProperty(bytes, async (content) => {
      writeFileSync(file, content);
      try {
        await loadConfig({ cwd: dir, env: {}, users: { passwdFile: '/nonexistent/passwd', groupFile: '/nonexistent/group' }, file: 'usher.yaml' });
      } catch (e) {
        if (!(e instanceof ConfigError)) throw e;
        const lines = e.format().split('\n');
        assert.ok(lines.length <= 101, `${lines.length} lines`);
        for (const line of lines) assert.ok(line.length <= 1000, `a line of ${line.length} characters: ${line.slice(0, 200)}`);
      }
    }),
    { numRuns: 200 },
  );
});
