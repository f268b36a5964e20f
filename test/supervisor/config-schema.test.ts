// schema/usher.schema.json: valid for ajv (draft-07, strict), accepts the
// issue's example, documents every key for editors, agrees with the loader's
// defaults, and the committed compiled validator is what it generates.
import AjvModule from 'ajv';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { parse } from 'yaml';
import { DEFAULTS } from '../../src/supervisor/config/defaults.js';
import { parseDuration } from '../../src/supervisor/config/duration.js';
import { AJV_OPTIONS, GENERATED_FILE, generateValidatorSource } from '../../src/supervisor/config/generate-validator.js';
import { schemaText } from '../../src/supervisor/config/index.js';
import { LIVE_DEFAULTS, READY_DEFAULTS } from '../../src/supervisor/config/probes.js';
import { ISSUE_EXAMPLE } from './config-helpers.js';

const ROOT = new URL('../../../', import.meta.url);
const SCHEMA_FILE = new URL('schema/usher.schema.json', ROOT);
type Schema = { [key: string]: any };
const schema = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as Schema;

function freshValidator() {
  const ajv = new AjvModule.default({ ...AJV_OPTIONS, code: {} });
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  return ajv.compile(schema);
}

test('schemaText() is the committed file, a draft-07 JSON Schema', () => {
  assert.equal(schemaText(), readFileSync(SCHEMA_FILE, 'utf8'));
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  assert.equal(schema.title, 'usher.yaml');
});

test("the issue's example file validates without errors (ajv compiling the schema, strict)", () => {
  const validate = freshValidator();
  const valid = validate(parse(ISSUE_EXAMPLE));
  assert.deepEqual(validate.errors ?? [], []);
  assert.equal(valid, true);
});

test('the schema rejects what the issue rules out: unknown keys, two probes, bad durations', () => {
  const validate = freshValidator();
  const service = (extra: object) => ({ services: { a: { command: 'x', ...extra } } });
  assert.equal(validate(service({})), true);
  assert.equal(validate(service({ image: 'x' })), false);
  assert.equal(validate(service({ ready: { tcp: 1, http: 'http://x' } })), false);
  assert.equal(validate(service({ ready: { interval: '1s' } })), false);
  assert.equal(validate(service({ live: { tcp: 1, failures: 2 } })), true);
  assert.equal(validate(service({ ready: { tcp: 1, failures: 2 } })), false, 'failures belongs to live only');
  assert.equal(validate(service({ ready: 'notify' })), true);
  assert.equal(validate(service({ ready: { notify: true, timeout: '2m' } })), true);
  assert.equal(validate(service({ ready: 'notfy' })), false);
  assert.equal(validate(service({ ready: { notify: true, tcp: 1 } })), false);
  assert.equal(validate(service({ live: { watchdog: '10s' } })), true);
  assert.equal(validate(service({ ready: { watchdog: '10s' } })), false, 'watchdog belongs to live only');
  assert.equal(validate(service({ live: 'notify' })), false, 'notify belongs to ready only');
  assert.equal(validate(service({ stop_timeout: '10' })), false);
  assert.equal(validate(service({ stop_timeout: 10 })), true);
  assert.equal(validate(service({ depends_on: { b: 'healthy' } })), false);
  assert.equal(validate({ services: {}, 'x-anchors': { any: 1 } }), false);
  assert.equal(validate({ services: { a: { command: ['x'] } }, 'x-anchors': { any: 1 } }), true);
});

test('the compiled validator committed in src/ is what the schema generates (after editing the schema: see generate-validator.ts)', () => {
  const committed = readFileSync(new URL(`src/supervisor/config/${GENERATED_FILE}`, ROOT), 'utf8');
  assert.ok(committed === generateValidatorSource(readFileSync(SCHEMA_FILE, 'utf8')), 'stale: run `npm run build && node build/src/supervisor/config/generate-validator.js`');
});

test('every key is documented for editors: a description, directly or through its $ref', () => {
  const resolve = (node: Schema): Schema => {
    if (typeof node.$ref !== 'string') return node;
    const target = (node.$ref as string).slice(2).split('/').reduce((n: Schema, k) => n[k], schema);
    return { ...target, ...node };
  };
  const undocumented: string[] = [];
  const walk = (node: Schema, where: string) => {
    const n = resolve(node);
    for (const [key, child] of Object.entries((n.properties ?? {}) as Record<string, Schema>)) {
      if (typeof resolve(child).description !== 'string') undocumented.push(`${where}.${key}`);
      walk(child, `${where}.${key}`);
    }
    if (n.additionalProperties && typeof n.additionalProperties === 'object') walk(n.additionalProperties, `${where}.*`);
  };
  walk(schema, 'top');
  assert.deepEqual(undocumented, []);
});

test('the keys are exactly the issue\'s', () => {
  const keys = (node: Schema) => Object.keys(node.properties as object);
  const defs = schema.definitions as Schema;
  assert.deepEqual(keys(schema), ['grace', 'health', 'env', 'services', 'include']);
  assert.deepEqual(keys(schema.properties.health), ['port', 'host']);
  assert.deepEqual(keys(defs.service), [
    'command', 'cwd', 'env', 'env_file', 'user', 'depends_on', 'ready', 'live', 'restart',
    'max_restarts', 'stable_after', 'backoff', 'stop_signal', 'stop_timeout', 'signal_group', 'critical', 'disabled', 'replicas',
  ]);
  assert.deepEqual(keys(defs.service.properties.backoff), ['initial', 'max']);
  assert.deepEqual(keys(defs.readyProbe), ['tcp', 'http', 'exec', 'log', 'delay', 'notify', 'interval', 'timeout']);
  assert.deepEqual(keys(defs.liveProbe), ['tcp', 'http', 'exec', 'log', 'delay', 'watchdog', 'interval', 'timeout', 'failures']);
  assert.deepEqual(defs.service.properties.restart.enum, ['no', 'on-failure', 'always']);
});

test("the schema's defaults are the loader's", () => {
  const defs = schema.definitions as Schema;
  const service = defs.service.properties;
  assert.equal(parseDuration(schema.properties.grace.default), DEFAULTS.graceMs);
  assert.equal(schema.properties.health.properties.host.default, DEFAULTS.healthHost);
  assert.equal(service.stop_signal.default, 'SIGTERM');
  assert.equal(parseDuration(service.stop_timeout.default), DEFAULTS.stopTimeoutMs);
  assert.equal(service.restart.default, DEFAULTS.restart);
  assert.equal(service.critical.default, DEFAULTS.yamlCritical);
  assert.equal(service.signal_group.default, DEFAULTS.signalGroup);
  assert.equal(parseDuration(service.stable_after.default), DEFAULTS.stableAfterMs);
  assert.equal(parseDuration(service.backoff.properties.initial.default), DEFAULTS.backoff.initialMs);
  assert.equal(parseDuration(service.backoff.properties.max.default), DEFAULTS.backoff.maxMs);
  assert.equal(parseDuration(defs.readyProbe.properties.interval.default), READY_DEFAULTS.intervalMs);
  assert.equal(parseDuration(defs.readyProbe.properties.timeout.default), READY_DEFAULTS.timeoutMs);
  assert.equal(parseDuration(defs.liveProbe.properties.interval.default), LIVE_DEFAULTS.intervalMs);
  assert.equal(parseDuration(defs.liveProbe.properties.timeout.default), LIVE_DEFAULTS.timeoutMs);
  assert.equal(defs.liveProbe.properties.failures.default, LIVE_DEFAULTS.failures);
});

test('the package publishes schema/', () => {
  const pkg = JSON.parse(readFileSync(new URL('package.json', ROOT), 'utf8')) as { files: string[] };
  assert.ok(pkg.files.includes('schema/'));
});
