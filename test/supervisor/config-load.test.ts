// loadConfig on valid files: every default, the example, the start order.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeStartOrder } from '../../src/supervisor/config/index.js';
import { load, yaml } from './config-helpers.js';

test('the smallest file gets every default', async (t) => {
  const config = await load(t, yaml('services:', '  app:', '    command: node server.js'));
  assert.equal(config.format, 'yaml');
  assert.equal(config.graceMs, 25_000);
  assert.equal(config.health, undefined);
  assert.deepEqual(config.startOrder, [['app']]);
  const [app] = config.services;
  assert.deepEqual(app, {
    name: 'app',
    argv: ['/bin/sh', '-c', 'node server.js'],
    commandText: 'node server.js',
    env: {},
    dependsOn: [],
    restart: 'no',
    backoff: { initialMs: 1000, maxMs: 30_000 },
    stopSignal: 15,
    stopTimeoutMs: 10_000,
    critical: false,
  });
});

test('start order: waves, independents together, file order inside a wave', async (t) => {
  const config = await load(
    t,
    yaml(
      'services:',
      '  web: { command: w, depends_on: { db: ready, migrate: completed } }',
      '  cache: { command: c }',
      '  migrate: { command: m, depends_on: [db] }',
      '  db: { command: d, ready: { tcp: 5432 } }',
      '  worker: { command: k, depends_on: [cache] }',
    ),
  );
  assert.deepEqual(config.services.map((s) => s.name), ['web', 'cache', 'migrate', 'db', 'worker']);
  assert.deepEqual(config.startOrder, [['cache', 'db'], ['migrate', 'worker'], ['web']]);
  assert.equal(
    describeStartOrder(config),
    ['1. cache, db', '2. migrate (after db: started), worker (after cache: started)', '3. web (after db: ready, migrate: completed)'].join('\n'),
  );
});
