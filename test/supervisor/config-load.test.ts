// loadConfig on valid files: every default, every key, the issue's example,
// ${VAR} expansion, env_file, the start order.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, describeStartOrder, findConfigFile, loadConfig } from '../../src/supervisor/config/index.js';
import { defaultService, GROUP, ISSUE_EXAMPLE, load, PASSWD, tempDir, usersIn, yaml } from './config-helpers.js';

test('the smallest file gets every default', async (t) => {
  const config = await load(t, yaml('services:', '  app:', '    command: node server.js'));
  assert.equal(config.format, 'yaml');
  assert.equal(config.graceMs, 25_000);
  assert.equal(config.health, undefined);
  assert.deepEqual(config.startOrder, [['app']]);
  const [app] = config.services;
  assert.deepEqual(app, defaultService({ name: 'app', argv: ['/bin/sh', '-c', 'exec node server.js'], commandText: 'node server.js' }));
});

test("the issue's example loads with every value as written", async (t) => {
  const dir = tempDir(t, { 'usher.yaml': ISSUE_EXAMPLE, '.env': 'FROM_FILE=1\nPORT=7000\n', passwd: PASSWD, group: GROUP });
  const config = await loadConfig({ cwd: dir, env: {}, users: { passwdFile: join(dir, 'passwd'), groupFile: join(dir, 'group') } });
  assert.equal(config.file, join(dir, 'usher.yaml'));
  assert.equal(config.graceMs, 25_000);
  assert.deepEqual(config.health, { port: 9000, host: '::' });
  assert.deepEqual(config.startOrder, [['db'], ['migrate'], ['web']]);
  const [db, migrate, web] = config.services;
  assert.deepEqual(db?.argv, ['redis-server', '--port', '6379']);
  assert.deepEqual(db?.ready, { probe: { kind: 'tcp', host: '127.0.0.1', port: 6379 }, intervalMs: 500, timeoutMs: 60_000 });
  assert.deepEqual(migrate?.argv, ['/bin/sh', '-c', 'exec npm run migrate']);
  assert.deepEqual(migrate?.dependsOn, [{ name: 'db', condition: 'ready' }]);
  assert.deepEqual(web, {
    name: 'web',
    argv: ['node', 'server.js'],
    commandText: 'node server.js',
    cwd: '/app',
    // env_file first, env after (env wins: PORT), ${DB_PORT:-6379} with DB_PORT unset.
    env: { FROM_FILE: '1', PORT: '8080', DB_URL: 'redis://127.0.0.1:6379' },
    user: { spec: 'node', uid: 1000, gid: 1000, groups: [1000, 29], name: 'node', home: '/home/node' },
    dependsOn: [
      { name: 'db', condition: 'ready' },
      { name: 'migrate', condition: 'completed' },
    ],
    ready: { probe: { kind: 'http', url: 'http://127.0.0.1:8080/ready' }, intervalMs: 500, timeoutMs: 60_000 },
    live: { probe: { kind: 'http', url: 'http://127.0.0.1:8080/live' }, intervalMs: 5000, timeoutMs: 2000, failures: 3 },
    restart: 'on-failure',
    maxRestarts: 5,
    backoff: { initialMs: 1000, maxMs: 30_000 },
    stopSignal: 15,
    stopTimeoutMs: 10_000,
    signalGroup: true,
    stableAfterMs: 10_000,
    disabled: false,
    critical: true,
    exitOnEnd: false,
  });
  assert.equal(describeStartOrder(config), '1. db\n2. migrate (after db: ready)\n3. web (after db: ready, migrate: completed)');
});

test('probe defaults: ready every 500ms for 60s; live every 5s, 2s per attempt, 3 failures', async (t) => {
  const config = await load(
    t,
    yaml(
      'services:',
      '  a:',
      '    command: a',
      '    ready: { log: "listening on \\\\d+$" }',
      '    live: { exec: "test -e /tmp/ok" }',
      '  b:',
      '    command: b',
      '    ready: { exec: [pg_isready, -q], interval: 2s, timeout: 1m }',
      '    live: { tcp: "db.local:5432", interval: 1.5s, timeout: 250ms, failures: 1 }',
      '  c:',
      '    command: c',
      '    ready: { delay: 3 }',
      '    live: { tcp: "[::1]:80" }',
    ),
  );
  const [a, b, c] = config.services;
  const { probe: aProbe, ...aTimings } = a?.ready ?? {};
  assert.deepEqual(aTimings, { intervalMs: 500, timeoutMs: 60_000 });
  assert.equal(aProbe?.kind === 'log' && aProbe.pattern.source, 'listening on \\d+$');
  assert.deepEqual(a?.live, { probe: { kind: 'exec', argv: ['/bin/sh', '-c', 'test -e /tmp/ok'] }, intervalMs: 5000, timeoutMs: 2000, failures: 3 });
  assert.deepEqual(b?.ready, { probe: { kind: 'exec', argv: ['pg_isready', '-q'] }, intervalMs: 2000, timeoutMs: 60_000 });
  assert.deepEqual(b?.live, { probe: { kind: 'tcp', host: 'db.local', port: 5432 }, intervalMs: 1500, timeoutMs: 250, failures: 1 });
  assert.deepEqual(c?.ready, { probe: { kind: 'delay', ms: 3000 }, intervalMs: 500, timeoutMs: 60_000 });
  assert.deepEqual(c?.live?.probe, { kind: 'tcp', host: '::1', port: 80 });
});

test('every key given: durations in all spellings, signals by name or number, health host', async (t) => {
  const config = await load(
    t,
    yaml(
      'grace: 1m30s',
      'health: { port: 9000, host: 127.0.0.1 }',
      'services:',
      '  a:',
      '    command: [a]',
      '    restart: always',
      '    max_restarts: 0',
      '    backoff: { initial: 250ms, max: 2 }',
      '    stop_signal: quit',
      '    stop_timeout: 0.5',
      '  b:',
      '    command: b',
      '    stop_signal: 10',
      '    stop_timeout: 1h',
      '    backoff: { initial: 45s }',
      '    critical: false',
    ),
  );
  assert.equal(config.graceMs, 90_000);
  assert.deepEqual(config.health, { port: 9000, host: '127.0.0.1' });
  const [a, b] = config.services;
  assert.equal(a?.restart, 'always');
  assert.equal(a?.maxRestarts, 0);
  assert.deepEqual(a?.backoff, { initialMs: 250, maxMs: 2000 });
  assert.equal(a?.stopSignal, 3);
  assert.equal(a?.stopTimeoutMs, 500);
  assert.equal(b?.stopSignal, 10);
  assert.equal(b?.stopTimeoutMs, 3_600_000);
  // max defaults to 30s, or to initial when that is longer.
  assert.deepEqual(b?.backoff, { initialMs: 45_000, maxMs: 45_000 });
  assert.equal(b?.maxRestarts, undefined);
});

test('${VAR} expansion in command, env, cwd and probes; $$ is a literal $; env_file values are not expanded', async (t) => {
  const config = await load(
    t,
    yaml(
      'services:',
      '  app:',
      '    command: echo ${GREETING:-hello} $$HOME ${UNSET} $NOT_EXPANDED',
      '    cwd: ${APP_DIR}/sub',
      '    env:',
      '      URL: "http://${HOST-localhost}:${PORT:-80}/"',
      '      EMPTY_DEFAULT: "${EMPTY:-fallback}"',
      '      EMPTY_DASH: "${EMPTY-kept}"',
      '      PLUS: "${HOST:+set}${UNSET:+never}"',
      '      NUMBER: 42',
      '      FLAG: true',
      '    env_file: [conf/a.env, conf/b.env]',
      '    ready: { http: "http://127.0.0.1:${PORT}/ready" }',
      '    live: { tcp: "${PORT}" }',
      '  list:',
      '    command: ["${BIN:-node}", "--flag=$${x}"]',
      '    env: ["A=${HOST}", "B=1=2"]',
    ),
    {
      env: { HOST: 'example', PORT: '8080', APP_DIR: '/srv', EMPTY: '' },
      files: { 'conf/a.env': '# comment\nexport A=1\nB="two words"\nC=${HOST}\n\n', 'conf/b.env': "B='override # not a comment'\nD=x # comment\n" },
    },
  );
  const [app, list] = config.services;
  assert.deepEqual(app?.argv, ['/bin/sh', '-c', 'echo hello $HOME  $NOT_EXPANDED']);
  assert.equal(app?.cwd, '/srv/sub');
  assert.deepEqual(app?.env, {
    A: '1',
    B: 'override # not a comment',
    C: '${HOST}',
    D: 'x',
    URL: 'http://example:8080/',
    EMPTY_DEFAULT: 'fallback',
    EMPTY_DASH: '',
    PLUS: 'set',
    NUMBER: '42',
    FLAG: 'true',
  });
  assert.deepEqual(app?.ready?.probe, { kind: 'http', url: 'http://127.0.0.1:8080/ready' });
  assert.deepEqual(app?.live?.probe, { kind: 'tcp', host: '127.0.0.1', port: 8080 });
  assert.deepEqual(list?.argv, ['node', '--flag=${x}']);
  assert.equal(list?.commandText, `node '--flag=\${x}'`);
  assert.deepEqual(list?.env, { A: 'example', B: '1=2' });
});

test('relative cwd and env_file are relative to the config file, not to usher\'s cwd', async (t) => {
  const dir = tempDir(t, { 'deploy/usher.yaml': yaml('services:', '  a:', '    command: a', '    cwd: ../app', '    env_file: local.env'), 'deploy/local.env': 'X=1\n' });
  const config = await loadConfig({ cwd: dir, file: 'deploy/usher.yaml', env: {}, users: usersIn(dir) });
  assert.equal(config.file, join(dir, 'deploy/usher.yaml'));
  assert.equal(config.services[0]?.cwd, join(dir, 'app'));
  assert.deepEqual(config.services[0]?.env, { X: '1' });
});

test('start order: waves, independents together, file order inside a wave and in services', async (t) => {
  const config = await load(
    t,
    yaml(
      'services:',
      '  web: { command: w, depends_on: { db: ready, migrate: completed } }',
      '  cache: { command: c }',
      '  migrate: { command: m, depends_on: [db] }',
      '  db: { command: d, ready: { tcp: 5432 } }',
      '  worker: { command: k, depends_on: [cache] }',
      '  2: { command: two }',
    ),
  );
  assert.deepEqual(config.services.map((s) => s.name), ['web', 'cache', 'migrate', 'db', 'worker', '2']);
  assert.deepEqual(config.startOrder, [['cache', 'db', '2'], ['migrate', 'worker'], ['web']]);
  assert.equal(
    describeStartOrder(config),
    ['1. cache, db, 2', '2. migrate (after db: started), worker (after cache: started)', '3. web (after db: ready, migrate: completed)'].join('\n'),
  );
});

test('YAML anchors, merge keys and x- extension keys, as in compose files', async (t) => {
  const config = await load(
    t,
    yaml(
      'x-defaults: &defaults',
      '  restart: on-failure',
      '  stop_timeout: 3s',
      'services:',
      '  a:',
      '    <<: *defaults',
      '    command: a',
      '  b:',
      '    <<: *defaults',
      '    command: b',
      '    stop_timeout: 1s',
    ),
  );
  assert.deepEqual(
    config.services.map((s) => [s.name, s.restart, s.stopTimeoutMs]),
    [
      ['a', 'on-failure', 3000],
      ['b', 'on-failure', 1000],
    ],
  );
});

test('findConfigFile: usher.yaml, then usher.yml, then Procfile; none is an error naming the three', (t) => {
  const all = tempDir(t, { 'usher.yaml': '', 'usher.yml': '', Procfile: '' });
  assert.equal(findConfigFile(all), join(all, 'usher.yaml'));
  const yml = tempDir(t, { 'usher.yml': '', Procfile: '' });
  assert.equal(findConfigFile(yml), join(yml, 'usher.yml'));
  const procfile = tempDir(t, { Procfile: '' });
  assert.equal(findConfigFile(procfile), join(procfile, 'Procfile'));
  const none = tempDir(t, { 'usher.json': '' });
  assert.throws(
    () => findConfigFile(none),
    (e: unknown) =>
      e instanceof ConfigError && e.format() === `${none}: no usher.yaml, usher.yml or Procfile in this directory; expected one of them, or -f FILE`,
  );
});

test('loadConfig without file finds the Procfile; -f names a missing file', async (t) => {
  const dir = tempDir(t, { Procfile: 'web: node server.js\n' });
  const config = await loadConfig({ cwd: dir, env: {} });
  assert.equal(config.format, 'procfile');
  await assert.rejects(loadConfig({ cwd: dir, env: {}, file: 'nope.yaml' }), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.equal(e.format(), 'nope.yaml: no such file; expected a usher.yaml or a Procfile');
    assert.deepEqual(e.problems, [{ file: 'nope.yaml', line: 0, column: 0, message: 'no such file; expected a usher.yaml or a Procfile' }]);
    return true;
  });
});

test('onWarning: each ${VAR} left empty because VAR is not set, with its position; defaults and $$ say nothing', async (t) => {
  const dir = tempDir(t, {
    'usher.yaml': yaml(
      'services:',
      '  a:',
      '    command: echo ${GREETING} ${NAME:-world} ${OPT-} $${LITERAL}',
      '    env: { URL: "http://${HOST}:${PORT}/", SET: "${SET}" }',
    ),
  });
  const warnings: string[] = [];
  const config = await loadConfig({ cwd: dir, env: { PORT: '80', SET: '1' }, users: usersIn(dir), onWarning: (w) => warnings.push(w) });
  assert.deepEqual(config.services[0]?.env, { URL: 'http://:80/', SET: '1' });
  assert.deepEqual(warnings, [
    'usher.yaml:3:19: services.a.command: variable GREETING is not set, so ${GREETING} is empty; set it, or write ${GREETING:-default} or ${GREETING-} to choose',
    'usher.yaml:4:25: services.a.env.URL: variable HOST is not set, so ${HOST} is empty; set it, or write ${HOST:-default} or ${HOST-} to choose',
  ]);
});

test('onWarning: nothing is said about a file that does not load (its problems come alone)', async (t) => {
  const dir = tempDir(t, { 'usher.yaml': yaml('services:', '  a: { command: "echo ${UNSET}", restart: sometimes }') });
  const warnings: string[] = [];
  await assert.rejects(loadConfig({ cwd: dir, env: {}, users: usersIn(dir), onWarning: (w) => warnings.push(w) }), ConfigError);
  assert.deepEqual(warnings, []);
});

test('ready: notify (or { notify: true } with timings) and live: { watchdog }: the notify protocol\'s checks', async (t) => {
  const config = await load(t, yaml(
    'services:',
    '  a:',
    '    command: ["a"]',
    '    ready: notify',
    '    live: { watchdog: 10s }',
    '  b:',
    '    command: ["b"]',
    '    ready: { notify: true, timeout: 2m }',
    '  c:',
    '    command: ["c"]',
    '    depends_on: { a: ready }',
  ));
  const [a, b] = config.services;
  assert.deepEqual(a?.ready, { probe: { kind: 'notify' }, intervalMs: 500, timeoutMs: 60_000 });
  assert.deepEqual(a?.live?.probe, { kind: 'watchdog', ms: 10_000 });
  assert.deepEqual(b?.ready, { probe: { kind: 'notify' }, intervalMs: 500, timeoutMs: 120_000 });
  assert.deepEqual(config.startOrder, [['a', 'b'], ['c']]);
});
