// What people migrating from supervisord, foreman and process-compose write,
// as the loader takes it: a top-level env, ${VAR} in user:, replicas with
// ${USHER_REPLICA}, disabled services, stable_after, and YAML merge keys with
// x- anchors (process-compose files use them).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeStartOrder } from '../../src/supervisor/config/index.js';
import { GROUP, load, PASSWD, problemsOf, yaml } from './config-helpers.js';

test('a top-level env reaches every service; a service\'s env_file and env win over it', async (t) => {
  const config = await load(
    t,
    yaml(
      'env: { TZ: UTC, LOG_LEVEL: "${LEVEL:-info}", SHARED: top }',
      'services:',
      '  api:',
      '    command: node api.js',
      '    env_file: api.env',
      '  worker:',
      '    command: node worker.js',
      '    env: ["SHARED=worker"]',
    ),
    { env: { LEVEL: 'debug' }, files: { 'api.env': 'SHARED=from-file\n' } },
  );
  const [api, worker] = config.services;
  assert.deepEqual(api?.env, { TZ: 'UTC', LOG_LEVEL: 'debug', SHARED: 'from-file' });
  assert.deepEqual(worker?.env, { TZ: 'UTC', LOG_LEVEL: 'debug', SHARED: 'worker' });
});

test('user: takes ${VAR} (Laravel Sail\'s user=%(ENV_WWWUSER)s)', async (t) => {
  const files = { passwd: PASSWD, group: GROUP };
  const config = await load(
    t,
    yaml('services:', '  php:', '    command: php-fpm -F', '    user: "${WWWUSER:-node}"', '  queue:', '    command: php artisan queue:work', '    user: "${WWWUSER}:${WWWGROUP:-1000}"'),
    { env: { WWWUSER: '1000' }, files },
  );
  assert.equal(config.services[0]?.user?.uid, 1000);
  assert.equal(config.services[0]?.user?.spec, '1000');
  assert.deepEqual([config.services[1]?.user?.uid, config.services[1]?.user?.gid], [1000, 1000]);
  assert.equal((await load(t, yaml('services:', '  php:', '    command: php-fpm', '    user: "${WWWUSER:-node}"'), { files })).services[0]?.user?.name, 'node');
  assert.deepEqual(
    await problemsOf(t, yaml('services:', '  php:', '    command: php-fpm', '    user: "${WWWUSER}x:y"'), { env: { WWWUSER: 'a:b' }, files }),
    [`usher.yaml:4:11: services.php.user: '\${WWWUSER}x:y' gives 'a:bx:y'; expected a user name or uid, optionally followed by :group (name or gid)`],
  );
  assert.deepEqual(await problemsOf(t, yaml('services:', '  php:', '    command: php-fpm', '    user: "${WWWUSER:?set it}"'), { files }), [
    "usher.yaml:4:12: services.php.user: required variable WWWUSER is not set (set it); expected WWWUSER in usher's environment",
  ]);
});

test('replicas: copies named NAME-0, NAME-1... each with USHER_REPLICA and its own ${USHER_REPLICA}; a dependency on NAME waits for every copy', async (t) => {
  const config = await load(
    t,
    yaml(
      'services:',
      '  web:',
      '    command: ["node", "server.js", "--port", "80${USHER_REPLICA}"]',
      '    replicas: 3',
      '    ready: { tcp: "80${USHER_REPLICA}" }',
      '  proxy:',
      '    command: haproxy',
      '    depends_on: { web: ready }',
      '  single:',
      '    command: node single.js',
      '    replicas: 1',
    ),
  );
  assert.deepEqual(config.services.map((s) => s.name), ['web-0', 'web-1', 'web-2', 'proxy', 'single']);
  assert.deepEqual(config.services.slice(0, 3).map((s) => s.argv[3]), ['800', '801', '802']);
  assert.deepEqual(config.services.slice(0, 3).map((s) => s.env.USHER_REPLICA), ['0', '1', '2']);
  assert.deepEqual(config.services[2]?.ready?.probe, { kind: 'tcp', host: '127.0.0.1', port: 802 });
  assert.deepEqual(config.services[3]?.dependsOn.map((d) => `${d.name}: ${d.condition}`), ['web-0: ready', 'web-1: ready', 'web-2: ready']);
  assert.deepEqual(config.services[4]?.env, { USHER_REPLICA: '0' }, 'one copy keeps its name');
  assert.deepEqual(config.startOrder, [['web-0', 'web-1', 'web-2', 'single'], ['proxy']]);
  assert.equal(describeStartOrder(config), '1. web-0, web-1, web-2, single\n2. proxy (after web-0: ready, web-1: ready, web-2: ready)');
});

test('replicas: a copy name another service has, a bad count, a problem of every copy reported once', async (t) => {
  assert.deepEqual(
    await problemsOf(
      t,
      yaml('services:', '  web:', '    command: node s.js', '    replicas: 2', '    stop_signal: SIGTREM', '  web-1:', '    command: x', '  bad:', '    command: x', '    replicas: 0'),
    ),
    [
      "usher.yaml:4:15: services.web.replicas: makes a copy named 'web-1', which is a service of the file; expected copy names (NAME-0, NAME-1...) that no other service has",
      "usher.yaml:5:18: services.web.stop_signal: unknown signal 'SIGTREM' (did you mean SIGTERM?); expected a signal name such as SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, or a number from 1 to 31",
      'usher.yaml:10:15: services.bad.replicas: 0 is out of range; expected a whole number from 1 to 100',
    ],
  );
});

test('disabled: true and stable_after load, and --check says the service waits for usher start', async (t) => {
  const config = await load(
    t,
    yaml('services:', '  web:', '    command: node s.js', '  debug:', '    command: node inspector.js', '    disabled: true', '    stable_after: 1m', '    max_restarts: 3'),
  );
  const [web, debug] = config.services;
  assert.equal(web?.disabled, false);
  assert.equal(web?.stableAfterMs, 10_000, 'the default');
  assert.equal(debug?.disabled, true);
  assert.equal(debug?.stableAfterMs, 60_000);
  assert.equal(describeStartOrder(config), '1. web, debug (disabled: only by usher start)');
});

test('YAML merge keys: <<: *anchor from an x- extension key (process-compose style) give every service the shared keys', async (t) => {
  const config = await load(
    t,
    yaml(
      'x-defaults: &defaults',
      '  restart: on-failure',
      '  backoff: { initial: 2s }',
      '  env: { APP_ENV: production }',
      'x-probe: &probe { interval: 1s, timeout: 30s }',
      'services:',
      '  api:',
      '    <<: *defaults',
      '    command: node api.js',
      '    ready: { <<: *probe, http: "http://127.0.0.1:8080/ready" }',
      '  worker:',
      '    <<: *defaults',
      '    command: node worker.js',
      '    restart: always',
    ),
  );
  const [api, worker] = config.services;
  assert.equal(api?.restart, 'on-failure');
  assert.deepEqual(api?.backoff, { initialMs: 2000, maxMs: 30_000 });
  assert.deepEqual(api?.env, { APP_ENV: 'production' });
  assert.deepEqual(api?.ready, { probe: { kind: 'http', url: 'http://127.0.0.1:8080/ready' }, intervalMs: 1000, timeoutMs: 30_000 });
  assert.equal(worker?.restart, 'always', 'a key written beside <<: wins');
  // A problem in a merged value points at the anchor where it is written.
  assert.deepEqual(
    await problemsOf(t, yaml('x-defaults: &defaults', '  restart: sometimes', 'services:', '  api:', '    <<: *defaults', '    command: node api.js')),
    ["usher.yaml:2:12: services.api.restart: 'sometimes' is not allowed; expected no, on-failure or always"],
  );
});
