// What people migrating from supervisord, foreman and process-compose rely on,
// at run time: max_restarts counting only failures in a row (stable_after, as
// supervisord's startretries/startsecs), disabled services (autostart=false),
// replicas (numprocs), and a Procfile's release entry, PORT and .env.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NODE, PROBE, startEngine, startRun, tempDir, withFiles } from './helpers.js';
import { usherControl } from './control-client-helper.js';

const T = { timeout: 60_000 };

test('stable_after: a run that lasted that long resets the max_restarts count; quick failures in a row still give up', T, async () => {
  const dir = tempDir();
  // Each run lasts 0.4 s (past stable_after) and fails, until the fourth, which completes.
  const script = `echo run >> ${dir}/runs; sleep 0.4; [ "$(wc -l < ${dir}/runs)" -ge 4 ] && exit 0; exit 1`;
  const ns = startEngine({
    services: [
      { name: 'steady', argv: ['sh', '-c', script], restart: 'on-failure', maxRestarts: 1, stableAfterMs: 300, backoff: { initialMs: 100, maxMs: 100 } },
      { name: 'quick', argv: ['sh', '-c', 'exit 1'], restart: 'on-failure', maxRestarts: 1, stableAfterMs: 300, backoff: { initialMs: 100, maxMs: 100 } },
    ],
  });
  await ns.stderr.waitFor(/quick: failed: gave up after 1 restart\(s\) \(max_restarts 1\)/);
  await ns.stderr.waitFor(/steady: pid \d+ exited with code 0/);
  assert.equal((await ns.exited).code, 1, 'quick failed for good; nothing left to run');
  assert.equal(ns.stderr.all.filter((l) => /steady: restarting in .* \(restart 1 of 1\)/.test(l)).length, 3, ns.stderr.text);
  assert.doesNotMatch(ns.stderr.text, /steady: failed/);
});

test('disabled: true is not started with the others; usher start starts it', T, async () => {
  const dir = withFiles({
    'usher.yaml': [
      'services:',
      '  web:',
      `    command: ["${NODE}", "${PROBE}"]`,
      '  debug:',
      '    command: ["sh", "-c", "echo debugging; exec sleep 1000"]',
      '    disabled: true',
    ].join('\n') + '\n',
  });
  const socket = join(tempDir(), 'c.sock');
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: socket } });
  await ns.stdout.waitFor(/^web +\| ready \d+$/);
  const ps = JSON.parse((await usherControl(['ps', '--json'], socket)).stdout);
  const debug = ps.services.find((s: { name: string }) => s.name === 'debug');
  assert.deepEqual([debug.state, debug.pid], ['stopped', null]);
  assert.doesNotMatch(ns.stderr.text, /debug: starting/);

  const start = await usherControl(['start', 'debug'], socket);
  assert.equal(start.code, 0, start.stderr);
  await ns.stdout.waitFor(/^debug +\| debugging$/);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('replicas: every copy runs with its own USHER_REPLICA, named NAME-N', T, async () => {
  const dir = withFiles({
    'usher.yaml': [
      'services:',
      '  worker:',
      '    command: ["sh", "-c", "echo copy $USHER_REPLICA of ${USHER_REPLICA}; exec sleep 1000"]',
      '    replicas: 2',
    ].join('\n') + '\n',
  });
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  await ns.stdout.waitFor(/^worker-0 +\| copy 0 of 0$/);
  await ns.stdout.waitFor(/^worker-1 +\| copy 1 of 1$/);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('Procfile: release runs once before the others, which get PORT and the .env; usher keeps running after it', T, async () => {
  const dir = withFiles({
    Procfile: ['release: echo "migrating on $PORT"', 'web: echo "web on $PORT says $GREETING"; exec sleep 1000', 'worker: echo "worker on $PORT"; exec sleep 1000'].join('\n') + '\n',
    '.env': 'GREETING=hello\n',
  });
  const ns = startRun(['-f', join(dir, 'Procfile')]);
  await ns.stdout.waitFor(/^release +\| migrating on 5000$/);
  await ns.stdout.waitFor(/^web +\| web on 5100 says hello$/);
  await ns.stdout.waitFor(/^worker +\| worker on 5200$/);
  // usher's events come on stderr, another pipe than the services' lines: wait for them too.
  await ns.stderr.waitFor(/web: starting/);
  const ev = ns.stderr.all;
  const releaseExit = ev.findIndex((l) => /release: pid \d+ exited with code 0/.test(l));
  const webStart = ev.findIndex((l) => /web: starting/.test(l));
  assert.ok(releaseExit >= 0 && webStart > releaseExit, ns.stderr.text);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('Procfile: a release that fails starts nothing else; usher exits with its status', T, async () => {
  const dir = withFiles({ Procfile: 'web: echo web; exec sleep 1000\nrelease: echo failing; exit 3\n' });
  const ns = startRun(['-f', join(dir, 'Procfile')]);
  assert.equal((await ns.exited).code, 3, ns.stderr.text);
  assert.match(ns.stdout.text, /^release +\| failing$/m);
  assert.doesNotMatch(ns.stdout.text, /^web +\| web$/m);
});
