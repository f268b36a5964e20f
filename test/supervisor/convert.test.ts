// usher convert: supervisord.conf, a Procfile, a process-compose.yaml and a pm2
// ecosystem file (our own, written in the style of real ones: fixtures/convert/)
// become usher.yaml files that pass --check, with what has no exact
// equivalent said in comments. A pm2 .js file is read, never run.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { parse } from 'yaml';
import { loadConfig } from '../../src/supervisor/config/index.js';
import { convert, ConvertError } from '../../src/supervisor/convert/index.js';
import { USHER } from '../helpers/pid1.js';
import { tempDir, usersIn } from './config-helpers.js';
import { SUP_FIXTURES } from './helpers.js';

const FIXTURES = `${SUP_FIXTURES}convert/`;
const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nwww:x:1000:1000::/home/www:/bin/sh\n';

/** Converts a fixture (copied into a temp dir with its neighbours) and loads the result as usher run would. */
async function convertAndLoad(t: import('node:test').TestContext, fixture: string, neighbours: string[] = [], env: Record<string, string> = {}) {
  const dir = tempDir(t, { passwd: PASSWD, group: 'www:x:1000:\n' });
  const name = fixture.split('/').pop() as string;
  copyFileSync(join(FIXTURES, fixture), join(dir, name));
  for (const n of neighbours) copyFileSync(join(FIXTURES, n), join(dir, n.split('/').pop() as string));
  const text = convert(join(dir, name), readFileSync(join(dir, name), 'utf8'), { env });
  writeFileSync(join(dir, 'usher.yaml'), text);
  const config = await loadConfig({ cwd: dir, env, users: usersIn(dir), file: 'usher.yaml' });
  return { text, config, yaml: parse(text) as { services: Record<string, Record<string, unknown>>; env?: Record<string, string> }, dir };
}

test('supervisord.conf: programs become services; defaults that differ are written out; the rest is commented', async (t) => {
  const { text, config, yaml } = await convertAndLoad(t, 'supervisord.conf', [], { WWWUSER: '1000' });
  assert.deepEqual(config.services.map((s) => s.name), ['php-fpm', 'nginx', 'laravel-worker-0', 'laravel-worker-1', 'scheduler']);
  const s = yaml.services;
  // supervisord runs commands without a shell: an argv list, the quoting of the file undone.
  assert.deepEqual(s.nginx?.command, ['nginx', '-g', 'daemon off;']);
  assert.equal(s['php-fpm']?.restart, 'no');
  assert.equal(s['php-fpm']?.signal_group, false, "stopasgroup=false is supervisord's default");
  const worker = s['laravel-worker'] as Record<string, unknown>;
  assert.equal(worker.user, '${WWWUSER}');
  assert.deepEqual(worker.env, { LARAVEL_SAIL: '1', XDG_CONFIG_HOME: '/var/www/html/config', HOME: '/home/${WWWUSER}' });
  assert.equal(worker.replicas, 2);
  assert.equal(worker.signal_group, undefined, 'stopasgroup=true: the default');
  assert.deepEqual([worker.restart, worker.max_restarts, worker.stable_after, worker.stop_timeout], ['always', 3, '1s', '3600s']);
  assert.deepEqual(config.services[2]?.user, { spec: '1000', uid: 1000, gid: 1000, groups: [1000], name: 'www', home: '/home/www' });
  const scheduler = s.scheduler as Record<string, unknown>;
  assert.deepEqual([scheduler.restart, scheduler.disabled, scheduler.stop_signal], ['on-failure', true, 'SIGQUIT']);
  assert.match(text, /# no autorestart= line: supervisord's default is autorestart=unexpected/);
  assert.match(text, /# priority=5: no equivalent/);
  assert.match(text, /# exitcodes=0,2: no equivalent/);
  assert.match(text, /# \[include\] files = \/etc\/supervisor\/conf\.d\/\*\.conf: convert each included file/);
  assert.match(text, /# stdout_logfile=\/dev\/stdout, stdout_logfile_maxbytes=0, .*: not needed/);
  assert.match(text, /# %\(process_num\)02d|numprocs=2: copies named laravel-worker-0/);
});

test('Procfile: PORT per entry and the .env as foreman, release first, every entry critical', async (t) => {
  const { text, config, yaml } = await convertAndLoad(t, 'procfile/Procfile', ['procfile/.env']);
  assert.deepEqual(config.startOrder, [['release'], ['web', 'worker', 'clock']]);
  assert.deepEqual(Object.values(yaml.services).map((s) => (s.env as { PORT: string }).PORT), ['5000', '5100', '5200', '5300']);
  assert.equal(yaml.services.release?.command, 'bundle exec rails db:migrate && bundle exec rails data:migrate');
  assert.deepEqual(config.services[0]?.env, { RAILS_ENV: 'production', RAILS_LOG_TO_STDOUT: '1', PORT: '5000' });
  assert.ok(config.services.every((s) => s.critical));
  assert.match(text, /unlike foreman, an entry that exits 0 ends only itself/);
});

test('process-compose.yaml: probes, availability, replicas, anchors and the global environment', async (t) => {
  const { text, config, yaml } = await convertAndLoad(t, 'process-compose.yaml');
  assert.deepEqual(yaml.env, { GLOBAL_ENV_VAR: '1' });
  assert.deepEqual(config.services.map((s) => s.name), ['db', 'migrate', 'api-0', 'api-1', 'web', 'mailer']);
  const api0 = config.services[2];
  assert.deepEqual(api0?.argv, ['/bin/sh', '-c', 'exec node api.js --port 800'], 'PC_REPLICA_NUM became USHER_REPLICA');
  assert.deepEqual(api0?.env, { GLOBAL_ENV_VAR: '1', API_KEY: 'dev', USHER_REPLICA: '0' });
  assert.deepEqual(api0?.ready, { probe: { kind: 'http', url: 'http://127.0.0.1:8080/ready' }, intervalMs: 5000, timeoutMs: 19_000 });
  assert.deepEqual(api0?.live, { probe: { kind: 'http', url: 'http://127.0.0.1:8080/live' }, intervalMs: 5000, timeoutMs: 2000, failures: 3 });
  assert.deepEqual([api0?.restart, api0?.maxRestarts, api0?.backoff], ['always', 5, { initialMs: 2000, maxMs: 2000 }], 'from the <<: *always anchor');
  assert.deepEqual(config.services[0]?.stopSignal, 2);
  assert.equal(config.services[1]?.critical, true, 'exit_on_failure');
  const web = config.services[4];
  assert.ok(web?.ready?.probe.kind === 'log' && web.ready.probe.pattern.test('> ready on http://localhost:3000 (v1.0)'));
  assert.ok(web?.ready?.probe.kind === 'log' && !web.ready.probe.pattern.test('ready on http://localhost:3000 xv1.0)'), 'the line is escaped, not a pattern');
  assert.equal(config.services[5]?.disabled, true);
  assert.match(text, /# initial_delay_seconds: 2: no equivalent; a live check starts once the service is ready/);
  assert.match(text, /# log_location: no equivalent/);
  assert.match(text, /# namespace: no equivalent/);
});

test('pm2 ecosystem.config.js: read without running it; literals converted, expressions named', async (t) => {
  const { text, config, yaml } = await convertAndLoad(t, 'ecosystem.config.js');
  assert.deepEqual(config.services.map((s) => s.name), ['api-0', 'api-1', 'jobs', 'cron.cleanup']);
  assert.deepEqual(yaml.services.api?.command, ['node', '--max-old-space-size=512', './dist/server.js', '--port', '8080', '--host', '0.0.0.0']);
  assert.deepEqual(yaml.services.api?.env, { NODE_ENV: 'development', PORT: '8080' });
  const api = config.services[0];
  assert.deepEqual([api?.restart, api?.maxRestarts, api?.stableAfterMs, api?.stopTimeoutMs], ['always', 10, 5000, 5000]);
  assert.deepEqual(api?.backoff, { initialMs: 100, maxMs: 15_000 });
  assert.deepEqual([config.services[2]?.restart, config.services[2]?.maxRestarts], ['always', 16], "pm2's defaults written out");
  assert.deepEqual(config.services[3]?.argv, ['bash', 'scripts/cleanup.sh']);
  assert.match(text, /# env\.SECRET: process\.env\.SECRET is not a literal/);
  assert.match(text, /# cwd: path\.join\(__dirname, 'jobs'\) is not a literal/);
  assert.match(text, /# wait_ready: process\.send\('ready'\) is not seen by usher/);
  assert.match(text, /# watch: no equivalent/);
  assert.match(text, /# deploy: not converted/);
});

test('usher convert FILE prints a usher.yaml that usher run --check accepts; a .js file is never run', async (t) => {
  const dir = tempDir(t);
  const marker = join(dir, 'ran');
  writeFileSync(
    join(dir, 'ecosystem.config.js'),
    `require('fs').writeFileSync(${JSON.stringify(marker)}, 'x');\nmodule.exports = { apps: [{ name: 'app', script: 'server.js', args: ['--port', '3000'] }] };\n`,
  );
  const converted = spawnSync(process.execPath, [USHER, 'convert', 'ecosystem.config.js'], { cwd: dir, encoding: 'utf8' });
  assert.equal(converted.status, 0, converted.stderr);
  assert.equal(existsSync(marker), false, 'the ecosystem file was executed');
  writeFileSync(join(dir, 'usher.yaml'), converted.stdout);
  const check = spawnSync(process.execPath, [USHER, 'run', '--check'], { cwd: dir, encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr + converted.stdout);
  assert.match(check.stdout, /valid, 1 service\(s\)/);
});

test('usher convert: what cannot be converted says where and why; exit 2', async (t) => {
  const dir = tempDir(t, {
    'notes.txt': 'nothing to see\n',
    'bad.conf': '[program:x]\ncommand=true\nthis line has no equals sign\n',
    'deep.config.js': `module.exports = { apps: ${'['.repeat(5000)} }`,
  });
  const run = (...args: string[]) => spawnSync(process.execPath, [USHER, 'convert', ...args], { cwd: dir, encoding: 'utf8' });
  const unknown = run('notes.txt');
  assert.equal(unknown.status, 2);
  assert.match(unknown.stderr, /notes\.txt: cannot tell which tool it is for; expected a supervisord\.conf, a Procfile, a process-compose\.yaml or a pm2 ecosystem file \(or say which with --from/);
  const bad = run('bad.conf');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bad\.conf:3:1: not a 'key = value' line; expected supervisord's INI/);
  const deep = run('--from', 'pm2', 'deep.config.js');
  assert.equal(deep.status, 2, deep.stderr);
  assert.match(deep.stderr, /deep\.config\.js:1:\d+: cannot read the ecosystem file without running it \(values nested more than 64 deep\)/);
  assert.equal(run().status, 2);
  assert.equal(run('--from', 'systemd', 'notes.txt').status, 2);
  assert.equal(run('missing.conf').status, 2);
  assert.throws(() => convert('x.yaml', 'processes: {}\n'), ConvertError);
});
