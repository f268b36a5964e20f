// Several files as one config: `-f a.yaml -f b.yaml` merged as docker compose
// merges them, and `include:` (supervisord's [include]). Every problem still
// points at the file, line and column that wrote it.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { ConfigError, loadConfig } from '../../src/supervisor/config/index.js';
import { USHER } from '../helpers/pid1.js';
import { tempDir, usersIn, yaml } from './config-helpers.js';

async function problemsOfFiles(dir: string, files: string[]): Promise<string[]> {
  try {
    await loadConfig({ cwd: dir, env: {}, users: usersIn(dir), files });
  } catch (e) {
    if (e instanceof ConfigError) return e.format().split(dir).join('DIR').split('\n');
    throw e;
  }
  assert.fail('the files loaded, but they should have been rejected');
}

const BASE = yaml(
  'grace: 20s',
  'health: { port: 9000 }',
  'services:',
  '  db:',
  '    command: ["redis-server"]',
  '    ready: { tcp: 6379 }',
  '  web:',
  '    command: ["node", "server.js"]',
  '    env: { PORT: "8080", MODE: base }',
  '    depends_on: { db: ready }',
  '    restart: on-failure',
);

test('-f a -f b: the later file overrides key by key; services merged by name; env merged by variable', async (t) => {
  const dir = tempDir(t, {
    'usher.yaml': BASE,
    'usher.prod.yaml': yaml(
      'grace: 40s',
      'health: { host: 127.0.0.1 }',
      'services:',
      '  web:',
      '    env: { MODE: prod }',
      '    restart: always',
      '  worker:',
      '    command: node worker.js',
    ),
  });
  const config = await loadConfig({ cwd: dir, env: {}, users: usersIn(dir), files: ['usher.yaml', 'usher.prod.yaml'] });
  assert.equal(config.graceMs, 40_000);
  assert.deepEqual(config.health, { port: 9000, host: '127.0.0.1' });
  assert.deepEqual(config.services.map((s) => s.name), ['db', 'web', 'worker']);
  const web = config.services[1];
  assert.deepEqual(web?.argv, ['node', 'server.js'], 'kept from the first file');
  assert.deepEqual(web?.env, { PORT: '8080', MODE: 'prod' });
  assert.equal(web?.restart, 'always');
  assert.deepEqual(web?.dependsOn, [{ name: 'db', condition: 'ready' }]);
  assert.deepEqual(config.files, [join(dir, 'usher.yaml'), join(dir, 'usher.prod.yaml')]);
});

test('-f a -f b: a key given again replaces the earlier value whole (a command, a probe, a list env)', async (t) => {
  const dir = tempDir(t, {
    'a.yaml': yaml('services:', '  web:', '    command: ["node", "a.js", "--flag"]', '    ready: { tcp: 80, interval: 1s }', '    env: ["A=1", "B=2"]'),
    'b.yaml': yaml('services:', '  web:', '    command: node b.js', '    ready: { http: "http://127.0.0.1/ready" }', '    env: ["B=3"]'),
  });
  const [web] = (await loadConfig({ cwd: dir, env: {}, users: usersIn(dir), files: ['a.yaml', 'b.yaml'] })).services;
  assert.deepEqual(web?.argv, ['/bin/sh', '-c', 'exec node b.js']);
  assert.deepEqual(web?.ready?.probe, { kind: 'http', url: 'http://127.0.0.1/ready' });
  assert.equal(web?.ready?.intervalMs, 500, 'the interval of the replaced probe is not kept');
  assert.deepEqual(web?.env, { B: '3' });
});

test('-f a -f b: every problem points at the file, line and column that wrote it', async (t) => {
  const dir = tempDir(t, {
    'a.yaml': yaml('services:', '  web:', '    command: ["node", "server.js"]', '    stop_signal: SIGTREM', '  db:', '    command: redis-server'),
    'b.yaml': yaml('grace: 10x', 'services:', '  web:', '    restart: sometimes', '  db:', '    depends_on: [nope]'),
  });
  assert.deepEqual(await problemsOfFiles(dir, ['a.yaml', 'b.yaml']), [
    "a.yaml:4:18: services.web.stop_signal: unknown signal 'SIGTREM' (did you mean SIGTERM?); expected a signal name such as SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, or a number from 1 to 31",
    "b.yaml:1:8: grace: '10x' is not valid; expected a duration such as 10s, 500ms, 1m or a number of seconds",
    "b.yaml:4:14: services.web.restart: 'sometimes' is not allowed; expected no, on-failure or always",
    "b.yaml:6:18: services.db.depends_on: unknown service 'nope'; expected one of web, db",
  ]);
});

test('-f a -f b: a service only the second file completes (no command in either) is reported there', async (t) => {
  const dir = tempDir(t, {
    'a.yaml': yaml('services:', '  web:', '    command: node server.js'),
    'b.yaml': yaml('services:', '  worker:', '    restart: always'),
  });
  assert.deepEqual(await problemsOfFiles(dir, ['a.yaml', 'b.yaml']), [
    "b.yaml:3:5: services.worker: 'command' is missing; expected the command to run: a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)",
  ]);
});

test('-f: relative cwd and env_file start from the directory of the file that wrote them', async (t) => {
  const dir = tempDir(t, {
    'usher.yaml': yaml('services:', '  web:', '    command: node server.js', '    env_file: base.env'),
    'prod/override.yaml': yaml('services:', '  web:', '    cwd: app', '  worker:', '    command: node worker.js', '    env_file: prod.env'),
    'base.env': 'FROM=base\n',
    'prod/prod.env': 'FROM=prod\n',
  });
  const [web, worker] = (await loadConfig({ cwd: dir, env: {}, users: usersIn(dir), files: ['usher.yaml', 'prod/override.yaml'] })).services;
  assert.equal(web?.cwd, join(dir, 'prod/app'));
  assert.deepEqual(web?.env, { FROM: 'base' });
  assert.deepEqual(worker?.env, { FROM: 'prod' });
});

test('-f: a Procfile cannot be merged; every missing file is reported', async (t) => {
  const dir = tempDir(t, { 'usher.yaml': BASE, Procfile: 'web: node server.js\n' });
  assert.deepEqual(await problemsOfFiles(dir, ['usher.yaml', 'Procfile']), [
    'Procfile: a Procfile cannot be merged with other files; expected it alone with -f, or usher.yaml files only',
  ]);
  assert.deepEqual(await problemsOfFiles(dir, ['usher.yaml', 'gone.yaml', 'also-gone.yaml']), [
    'gone.yaml: no such file; expected a usher.yaml or a Procfile',
    'also-gone.yaml: no such file; expected a usher.yaml or a Procfile',
  ]);
});

test('usher run --check -f a -f b checks both files merged (the first is not dropped)', async (t) => {
  const dir = tempDir(t, {
    'a.yaml': yaml('services:', '  web:', '    command: node server.js', '    stop_signal: SIGTREM'),
    'b.yaml': yaml('services:', '  worker:', '    command: node worker.js', '    depends_on: [web]'),
  });
  const bad = spawnSync(process.execPath, [USHER, 'run', '--check', '-f', 'a.yaml', '-f', 'b.yaml'], { cwd: dir, encoding: 'utf8' });
  assert.equal(bad.status, 2, bad.stderr);
  assert.match(bad.stderr, /^a\.yaml:4:18: services\.web\.stop_signal: unknown signal 'SIGTREM'/m);
  const good = spawnSync(process.execPath, [USHER, 'run', '--check', '-f', 'a.yaml', '-f', 'b.yaml'], {
    cwd: tempDir(t, { 'a.yaml': yaml('services:', '  web:', '    command: node server.js'), 'b.yaml': yaml('services:', '  worker:', '    command: node worker.js', '    depends_on: [web]') }),
    encoding: 'utf8',
  });
  assert.equal(good.status, 0, good.stderr);
  assert.match(good.stdout, /a\.yaml \+ .*b\.yaml: valid, 2 service\(s\)\. Start order:\n1\. web\n2\. worker \(after web: started\)\n/);
});

test('include: files read before the one naming them, which overrides them; * in a file name takes every match in name order', async (t) => {
  const dir = tempDir(t, {
    'supervisord.yaml': yaml('include: [conf.d/*.yaml, extra.yaml]', 'services:', '  php-fpm:', '    stop_timeout: 30s'),
    'conf.d/10-php.yaml': yaml('services:', '  php-fpm:', '    command: php-fpm -F', '    signal_group: false'),
    'conf.d/20-nginx.yaml': yaml('services:', '  nginx:', '    command: ["nginx", "-g", "daemon off;"]', '    env_file: nginx.env'),
    'conf.d/nginx.env': 'WORKERS=2\n',
    'conf.d/README': 'not yaml\n',
    'extra.yaml': yaml('grace: 30s'),
  });
  const config = await loadConfig({ cwd: dir, env: {}, users: usersIn(dir), file: 'supervisord.yaml' });
  assert.deepEqual(config.services.map((s) => s.name), ['php-fpm', 'nginx']);
  const [php, nginx] = config.services;
  assert.equal(php?.stopTimeoutMs, 30_000);
  assert.equal(php?.signalGroup, false);
  assert.deepEqual(nginx?.env, { WORKERS: '2' }, 'env_file relative to the included file');
  assert.equal(config.graceMs, 30_000);
  assert.deepEqual(config.files, ['conf.d/10-php.yaml', 'conf.d/20-nginx.yaml', 'extra.yaml', 'supervisord.yaml'].map((f) => join(dir, f)));
});

test('include: a missing file, a loop and a bad entry, each where it is written', async (t) => {
  const dir = tempDir(t, {
    'usher.yaml': yaml('include:', '  - gone.yaml', '  - loop-a.yaml', '  - 7', 'services:', '  web:', '    command: node server.js'),
    'loop-a.yaml': yaml('include: loop-b.yaml'),
    'loop-b.yaml': yaml('include: [loop-a.yaml]'),
  });
  assert.deepEqual(await problemsOfFiles(dir, ['usher.yaml']), [
    "usher.yaml:2:5: include: 'gone.yaml': no such file; expected a YAML file (a relative path starts from the including file's directory)",
    'usher.yaml:4:5: include[2]: is not a file path; expected a file path or a list of file paths (relative to this file; * and ? allowed in the file name)',
    "loop-b.yaml:1:11: include: 'loop-a.yaml' includes itself (loop-a.yaml -> loop-b.yaml -> loop-a.yaml); expected includes without a loop",
  ]);
});

test('include: a problem inside an included file points into that file', async (t) => {
  const dir = tempDir(t, {
    'usher.yaml': yaml('include: sub/bad.yaml', 'services:', '  web:', '    command: node server.js', '    stop_signal: SIGTREM'),
    'sub/bad.yaml': yaml('services:', '  worker:', '    command: node worker.js', '    restart: nope'),
  });
  assert.deepEqual(await problemsOfFiles(dir, ['usher.yaml']), [
    "usher.yaml:5:18: services.web.stop_signal: unknown signal 'SIGTREM' (did you mean SIGTERM?); expected a signal name such as SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, or a number from 1 to 31",
    "sub/bad.yaml:4:14: services.worker.restart: 'nope' is not allowed (did you mean 'no'?); expected no, on-failure or always",
  ]);
});
