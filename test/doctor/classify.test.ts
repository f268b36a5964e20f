// PID 1's kind and an init's forwarding, from command lines as /proc shows them;
// and the /proc signal masks, read from a real process with known dispositions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { classifyPid1 } from '../../src/doctor/classify.js';
import { readSignalDispositions, signalsInMask } from '../../src/core/proc-fs.js';
import { Lines } from '../helpers/lines.js';

test('shells, package managers, inits and apps are told apart', () => {
  assert.equal(classifyPid1(['/bin/sh', './run.sh']).kind, 'shell');
  assert.equal(classifyPid1(['bash', '-c', 'node app.js']).kind, 'shell');
  assert.deepEqual(classifyPid1(['npm', 'start']), { kind: 'package-manager', name: 'npm' });
  assert.deepEqual(classifyPid1(['node', '/usr/lib/node_modules/npm/bin/npm-cli.js', 'start']), { kind: 'package-manager', name: 'npm' });
  assert.deepEqual(classifyPid1(['node', '/usr/local/bin/yarn', 'start']), { kind: 'package-manager', name: 'yarn' });
  assert.deepEqual(classifyPid1(['pnpm', 'start']), { kind: 'package-manager', name: 'pnpm' });
  assert.deepEqual(classifyPid1(['node', '/usr/local/bin/usher', '--', 'node', 'app.js']), { kind: 'init', name: 'usher', forwarding: 'group' });
  assert.deepEqual(classifyPid1(['/usr/bin/tini', '--', 'app']), { kind: 'init', name: 'tini', forwarding: 'single-child' });
  assert.equal(classifyPid1(['tini', '-g', '--', 'app']).forwarding, 'group');
  assert.equal(classifyPid1(['tini', '-sg', '--', 'app']).forwarding, 'group');
  assert.equal(classifyPid1(['tini', '--', 'app'], new Map([['TINI_KILL_PROCESS_GROUP', '1']])).forwarding, 'group');
  assert.equal(classifyPid1(['dumb-init', '--', 'app']).forwarding, 'group');
  assert.equal(classifyPid1(['dumb-init', '-c', '--', 'app']).forwarding, 'single-child');
  assert.equal(classifyPid1(['dumb-init', 'app'], new Map([['DUMB_INIT_SETSID', '0']])).forwarding, 'single-child');
  assert.equal(classifyPid1(['catatonit', '--', 'app']).forwarding, 'single-child');
  assert.equal(classifyPid1(['s6-svscan', '/etc/s6']).kind, 'init');
  assert.deepEqual(classifyPid1(['node', 'server.js']), { kind: 'app', name: 'node' });
  assert.deepEqual(classifyPid1(['/app/server']), { kind: 'app', name: 'server' });
});

test('signal masks: bit N-1 is signal N', () => {
  assert.deepEqual(signalsInMask('0000000000000000'), []);
  assert.deepEqual(signalsInMask('0000000000004002'), [2, 15]);
  assert.deepEqual(signalsInMask('0000000180000000'), [32, 33]);
  assert.deepEqual(signalsInMask('not hex'), []);
});

test('readSignalDispositions sees what a real process catches and ignores', async () => {
  const child = spawn('sh', ['-c', "trap 'exit 0' TERM; trap '' HUP; echo up; while :; do sleep 0.1; done"], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Lines(child.stdout).waitFor('up', 10_000);
    const d = readSignalDispositions(child.pid as number);
    assert.ok(d, 'the process is there');
    assert.ok(d.caught.includes(15), `SIGTERM caught: ${JSON.stringify(d)}`);
    assert.ok(d.ignored.includes(1), `SIGHUP ignored: ${JSON.stringify(d)}`);
    assert.deepEqual(d.nsPids.at(-1), child.pid);
  } finally {
    child.kill('SIGKILL');
  }
});

test('--ready conditions parse, and bad ones are refused', async () => {
  const { parseReady } = await import('../../src/doctor/ready.js');
  assert.deepEqual(parseReady('tcp:3000'), { kind: 'tcp', port: 3000, host: '127.0.0.1' });
  assert.deepEqual(parseReady('tcp:[::1]:80'), { kind: 'tcp', port: 80, host: '::1' });
  assert.deepEqual(parseReady('http:localhost:8080/healthz'), { kind: 'http', url: 'http://localhost:8080/healthz' });
  assert.deepEqual(parseReady('http://localhost/ready'), { kind: 'http', url: 'http://localhost/ready' });
  assert.equal(parseReady('log:^listening on \\d+')?.kind, 'log');
  for (const bad of ['tcp:99999', 'tcp:', 'log:(', 'udp:53', '3000']) assert.equal(parseReady(bad), undefined, bad);
});
