// `usher run` end to end through real files: usher.yaml with ${VAR}
// expansion, env_file and cwd, a Procfile (foreman semantics), --check, an
// invalid file (nothing started, exit 2), `user:` dropping privileges, and the
// clear error for `user:` when usher is not root; a service's own PATH and a
// uid without a passwd entry; what --check refuses (long durations, a FIFO).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { USHER } from '../helpers/pid1.js';
import { NODE, PROBE, startRun, tempDir, withFiles } from './helpers.js';

const T = { timeout: 60_000 };

test('usher.yaml: ${VAR} and ${VAR:-default} from usher\'s environment, $$ literal, env_file, cwd', T, async () => {
  const dir = withFiles({
    'usher.yaml': [
      'services:',
      '  show:',
      '    command: ["sh", "-c", "echo \\"A=$$A B=$$B C=$$C D=$$D dir=$$(pwd)\\""]',
      '    cwd: /tmp',
      '    env_file: .env',
      '    env: { A: "${OUTER}", B: "${MISSING:-fallback}", C: "$${NOT_EXPANDED}" }',
    ].join('\n') + '\n',
    '.env': 'D=from-file\n',
  });
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { OUTER: 'outer-value' } });
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.deepEqual(ns.stdout.all, ['show  | A=outer-value B=fallback C=${NOT_EXPANDED} D=from-file dir=/tmp']);
});

test('Procfile: every entry runs; when one exits, all stop, with its status', T, async () => {
  const dir = withFiles({
    Procfile: `# two processes\nweb: ${NODE} ${PROBE}\n\nworker: sh -c 'sleep 0.5; echo worker done; exit 7'\n`,
  });
  const ns = startRun(['-f', join(dir, 'Procfile')]);
  const exit = await ns.exited;
  assert.equal(exit.code, 7, ns.stderr.text);
  assert.match(ns.stdout.text, /^worker +\| worker done$/m);
  assert.match(ns.stderr.text, /critical service worker ended \(status 7\)/);
});

test('--check prints the start order and starts nothing; an invalid file: every problem, exit 2, nothing started', T, () => {
  const dir = tempDir();
  const flag = join(dir, 'started');
  writeFileSync(join(dir, 'usher.yaml'), `services:\n  db:\n    command: touch ${flag}\n    ready: { tcp: 8080 }\n  web:\n    command: touch ${flag}\n    depends_on: { db: ready }\n`);
  const check = spawnSync(NODE, [USHER, 'run', '--check', '-f', join(dir, 'usher.yaml')], { encoding: 'utf8' });
  assert.equal(check.status, 0, check.stderr);
  assert.match(check.stdout, /1\. db\n2\. web \(after db: ready\)/);
  assert.ok(!existsSync(flag));

  writeFileSync(join(dir, 'bad.yaml'), `services:\n  db:\n    command: touch ${flag}\n    restart: sometimes\n  web:\n    command: touch ${flag}\n    depends_on: [nope]\n`);
  const bad = spawnSync(NODE, [USHER, 'run', '-f', join(dir, 'bad.yaml')], { encoding: 'utf8' });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /bad\.yaml:4:\d+: .*restart/);
  assert.match(bad.stderr, /bad\.yaml:7:\d+: .*nope/);
  assert.match(bad.stderr, /nothing was started/);
  assert.ok(!existsSync(flag), 'nothing was started');
});

test('user: the service runs as that user with its groups; usher stays root', T, async () => {
  const dir = withFiles({
    'usher.yaml': [
      'services:',
      '  dropped:',
      '    command: ["sh", "-c", "grep -E \'^(Uid|Gid|Groups|CapEff):\' /proc/self/status; echo HOME=$$HOME USER=$$USER"]',
      '    user: nobody',
      '  after:',
      '    command: ["sh", "-c", "grep -E \'^(Uid|Gid):\' /proc/1/status | sed s/^/usher-/; id -u"]',
      '    depends_on: { dropped: completed }',
    ].join('\n') + '\n',
  });
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  const out = ns.stdout.all.map((l) => l.replace(/^\w+ +\| /, '').replace(/\s+/g, ' '));
  assert.ok(out.includes('Uid: 65534 65534 65534 65534'), ns.stdout.text);
  assert.ok(out.includes('Gid: 65534 65534 65534 65534'), ns.stdout.text);
  assert.ok(out.includes('Groups: 65534 ') || out.includes('Groups: 65534'), ns.stdout.text);
  assert.ok(out.includes('CapEff: 0000000000000000'), ns.stdout.text);
  assert.ok(out.includes('HOME=/nonexistent USER=nobody'), ns.stdout.text);
  // usher (PID 1) got its own ids back, and the next service runs as root.
  assert.ok(out.includes('usher-Uid: 0 0 0 0'), ns.stdout.text);
  assert.ok(out.includes('usher-Gid: 0 0 0 0'), ns.stdout.text);
  assert.ok(out.includes('0'), ns.stdout.text);
});

test('user: the exec ready check runs as the service\'s user too', T, async () => {
  const dir = withFiles({
    'usher.yaml': [
      'services:',
      '  dropped:',
      '    command: ["sh", "-c", "echo up; exec sleep 1000"]',
      '    user: nobody',
      // Passes only as nobody: run as root, it would fail until the timeout.
      '    ready: { exec: "test $$(id -u) = 65534 && test $$(id -g) = 65534", interval: 100ms, timeout: 20s }',
      '  after:',
      '    command: ["sh", "-c", "echo go; exec sleep 1000"]',
      '    depends_on: { dropped: ready }',
    ].join('\n') + '\n',
  });
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  await ns.stdout.waitFor(/^after +\| go$/);
  await ns.stderr.waitFor(/dropped: ready after \d+ ms/);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('user: when usher is not root is a clear error before anything starts', T, () => {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  const flag = join(dir, 'started');
  writeFileSync(join(dir, 'usher.yaml'), `services:\n  web:\n    command: touch ${flag}\n    user: nobody\n`);
  chmodSync(join(dir, 'usher.yaml'), 0o644);
  const run = spawnSync('setpriv', ['--reuid', '65534', '--regid', '65534', '--clear-groups', NODE, USHER, 'run', '-f', join(dir, 'usher.yaml')], { encoding: 'utf8', env: { ...process.env, USHER_SOCKET: join(dir, 'c.sock') } });
  assert.equal(run.status, 2, run.stderr);
  assert.match(run.stderr, /service "web" has user: nobody, but usher runs as uid 65534, not root/);
  assert.ok(!existsSync(flag));
});

test('user with supplementary groups (hand-built config): the child has exactly those groups', T, async () => {
  const { startEngine } = await import('./helpers.js');
  const ns = startEngine({
    services: [{
      name: 'g',
      argv: ['sh', '-c', "grep -E '^(Uid|Gid|Groups):' /proc/self/status"],
      user: { spec: '65534:65534', uid: 65534, gid: 65534, groups: [65534, 100, 4242] },
    }],
  });
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  const out = ns.stdout.all.map((l) => l.replace(/^\w+ +\| /, '').trim().replace(/\s+/g, ' '));
  assert.deepEqual(out, ['Uid: 65534 65534 65534 65534', 'Gid: 65534 65534 65534 65534', 'Groups: 100 4242 65534']);
});

test('usher run --help teaches, --schema prints the published schema, bad usage exits 2 with a hint', T, () => {
  const cli = (...args: string[]) => spawnSync(NODE, [USHER, 'run', ...args], { encoding: 'utf8', cwd: tempDir() });
  const help = cli('--help');
  assert.equal(help.status, 0);
  assert.match(help.stdout, /^Usage: usher run \[-f FILE\] \[--check\] \[--log-format text\|json\] \[--no-color\]/);
  assert.match(help.stdout, /137 +a requested stop had to SIGKILL something/);
  const schema = cli('--schema');
  assert.equal(schema.status, 0);
  assert.equal(JSON.parse(schema.stdout).title, 'usher.yaml');
  for (const [args, message] of [
    [['--log-format', 'xml'], /--log-format is text or json; got "xml"/],
    [['--nope'], /unknown option --nope/],
    [['server.js'], /unexpected argument "server\.js"/],
    [['-f'], /option -f needs a value/],
  ] as const) {
    const r = cli(...args);
    assert.equal(r.status, 2, r.stderr);
    assert.match(r.stderr, message);
    assert.match(r.stderr, /Try 'usher run --help'/);
  }
  const none = cli();
  assert.equal(none.status, 2);
  assert.match(none.stderr, /no usher\.yaml, usher\.yml or Procfile in this directory/);
});

test('a service\'s own PATH (env:) finds its command and its exec probe, argv[0] kept as written', T, async () => {
  const dir = tempDir();
  mkdirSync(join(dir, 'bin'));
  // Found only through the service's PATH: usher's own does not have this directory.
  symlinkSync(NODE, join(dir, 'bin', 'mynode'));
  writeFileSync(join(dir, 'bin', 'myready'), '#!/bin/sh\nexit 0\n', { mode: 0o755 });
  writeFileSync(join(dir, 'usher.yaml'), [
    'services:',
    '  app:',
    '    command: ["mynode", "-e", "console.log(`argv0=$${process.argv0}`); setInterval(() => {}, 1000)"]',
    `    env: { PATH: "${dir}/bin:/usr/bin:/bin" }`,
    '    ready: { exec: ["myready"], interval: 100ms, timeout: 20s }',
    '  after:',
    '    command: ["sh", "-c", "echo go"]',
    '    depends_on: { app: ready }',
  ].join('\n') + '\n');
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  const ended = ns.exited.then(() => assert.fail(`usher exited before the dependant started:\n${ns.stderr.text}`));
  await Promise.race([ns.stdout.waitFor(/^after +\| go$/), ended]);
  await Promise.race([ns.stdout.waitFor(/^app +\| argv0=mynode$/), ended]);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('user: a uid with no passwd entry runs with HOME=/ and no USER/LOGNAME of usher\'s; a variable named __proto__ arrives', T, async () => {
  const dir = withFiles({
    'usher.yaml': [
      'services:',
      '  bare:',
      '    command: ["sh", "-c", "echo HOME=$$HOME USER=$${USER-unset} LOGNAME=$${LOGNAME-unset}; env | grep ^__proto__="]',
      '    user: 4242',
      '    env: { __proto__: kept }',
      '  own:',
      '    command: ["sh", "-c", "echo HOME=$$HOME"]',
      '    user: 4242',
      '    env: { HOME: /data }',
    ].join('\n') + '\n',
  });
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { HOME: '/root', USER: 'root', LOGNAME: 'root' } });
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.ok(ns.stdout.all.includes('bare  | HOME=/ USER=unset LOGNAME=unset'), ns.stdout.text);
  assert.ok(ns.stdout.all.includes('bare  | __proto__=kept'), ns.stdout.text);
  assert.ok(ns.stdout.all.includes('own   | HOME=/data'), ns.stdout.text);
});

test('--check refuses a duration past 576h at its position, and a FIFO as -f at once (no read that waits for a writer)', T, () => {
  const dir = tempDir();
  writeFileSync(join(dir, 'usher.yaml'), 'services:\n  app:\n    command: ["sleep", "1000"]\n    live: { exec: "true", interval: 600h }\n    backoff: { initial: 1s, max: 600h }\n');
  const long = spawnSync(NODE, [USHER, 'run', '--check', '-f', join(dir, 'usher.yaml')], { encoding: 'utf8', cwd: dir });
  assert.equal(long.status, 2, long.stderr);
  assert.match(long.stderr, /^usher\.yaml:4:37: services\.app\.live\.interval: 600h is longer than usher's limit of 576h/m);
  assert.match(long.stderr, /^usher\.yaml:5:34: services\.app\.backoff\.max: 600h is longer than usher's limit of 576h/m);
  spawnSync('mkfifo', [join(dir, 'pipe.yaml')]);
  const fifo = spawnSync(NODE, [USHER, 'run', '--check', '-f', 'pipe.yaml'], { encoding: 'utf8', cwd: dir, timeout: 30_000 });
  assert.equal(fifo.status, 2, `status ${fifo.status} (null: it hung until killed) ${fifo.stderr}`);
  assert.match(fifo.stderr, /^pipe\.yaml: is a FIFO \(named pipe\), not a regular file; expected a usher\.yaml or a Procfile$/m);
});

test('a ${VAR} left empty is warned about on stderr as an event line with its file:line:col, at run and at --check', T, async () => {
  const dir = withFiles({
    'usher.yaml': 'services:\n  show:\n    command: echo "[${USHER_TEST_UNSET}]"\n',
  });
  const env = { ...process.env };
  delete env.USHER_TEST_UNSET;
  const warning = 'usher.yaml:3:21: services.show.command: variable USHER_TEST_UNSET is not set, so ${USHER_TEST_UNSET} is empty; ' +
    'set it, or write ${USHER_TEST_UNSET:-default} or ${USHER_TEST_UNSET-} to choose';

  const check = spawnSync(NODE, [USHER, 'run', '--check'], { encoding: 'utf8', cwd: dir, env });
  assert.equal(check.status, 0, check.stderr);
  assert.equal(check.stderr, `usher | ${warning}\n`);
  assert.equal(check.stdout, `${join(dir, 'usher.yaml')}: valid, 1 service(s). Start order:\n1. show\n`);

  const ns = startRun([], { cwd: dir });
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.deepEqual(ns.stdout.all, ['show  | []']);
  assert.equal(ns.stderr.all[0], `usher | ${warning}`, ns.stderr.text);

  const json = startRun(['--log-format', 'json'], { cwd: dir });
  assert.equal((await json.exited).code, 0, json.stderr.text);
  const first = JSON.parse(json.stderr.all[0] ?? '{}') as Record<string, unknown>;
  assert.deepEqual({ service: first.service, event: first.event, message: first.message }, { service: 'usher', event: 'warning', message: warning });
});
