// The notify protocol in `usher run` (PID 1 of a PID namespace), spoken by the
// real client, Debian's `systemd-notify`: `ready: notify`, STATUS= and
// STOPPING=1 in `usher ps`, `live: { watchdog }`, who may send, the size and
// rate caps, and an idle usher that still never wakes up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { contextSwitchesOf } from '../../src/core/proc-fs.js';
import { eventually } from '../helpers/eventually.js';
import { usherControl } from './control-client-helper.js';
import { NODE, PROBE, startRun, SUP_FIXTURES, tempDir, withFiles } from './helpers.js';

const T = { timeout: 90_000 };
const SEND = `${SUP_FIXTURES}notify-send.pl`;

interface PsService {
  name: string;
  state: string;
  ready: boolean | null;
  restarts: number;
  notify?: { status?: string; stopping?: true };
}

async function ps(socket: string): Promise<PsService[]> {
  const r = await usherControl(['ps', '--json'], socket);
  assert.equal(r.code, 0, r.stderr);
  return JSON.parse(r.stdout).services as PsService[];
}

async function service(socket: string, name: string): Promise<PsService> {
  const found = (await ps(socket)).find((s) => s.name === name);
  assert.ok(found, `no service ${name} in usher ps`);
  return found;
}

/** A named pipe: a service blocks reading it until the test writes a line. */
function gate(dir: string): { path: string; open: () => void } {
  const path = join(dir, 'go');
  assert.equal(spawnSync('mkfifo', ['-m', '0666', path]).status, 0);
  return { path, open: () => writeFileSync(path, 'go\n') };
}

test('ready: notify: the service is starting until systemd-notify --ready, then ready with its STATUS; its socket is in a private directory removed at exit', T, async () => {
  const dir = withFiles({
    'usher.yaml': `services:
  web:
    command: 'echo "socket $NOTIFY_SOCKET watchdog \${WATCHDOG_USEC:-none}"; read go < "$GO"; systemd-notify --ready --status="serving"; exec sleep 1000'
    ready: notify
`,
  });
  const go = gate(dir);
  const control = join(tempDir(), 'c.sock');
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: control, GO: go.path } });
  const line = await ns.stdout.waitFor(/^web +\| socket \S+ watchdog none$/);
  const socketPath = line.match(/socket (\S+)/)?.[1] as string;
  assert.ok(statSync(socketPath).isSocket(), socketPath);
  const own = statSync(dirname(socketPath));
  assert.equal(own.mode & 0o777, 0o700, 'the socket\'s directory is private');
  assert.equal(statSync(dirname(dirname(socketPath))).mode & 0o777, 0o711, 'usher\'s directory can be passed through, not listed');

  const before = await service(control, 'web');
  assert.deepEqual([before.state, before.ready], ['starting', false]);
  go.open();
  await ns.stderr.waitFor(/web: ready after \d+ ms \(notify READY=1\)/);
  const after = await service(control, 'web');
  assert.deepEqual([after.state, after.ready, after.notify], ['running', true, { status: 'serving' }]);

  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.equal(existsSync(dirname(dirname(socketPath))), false, 'the notify directory was left behind');
});

test('STATUS= and STOPPING=1 show in usher ps: control characters escaped in the text, exact in --json', T, async () => {
  const dir = withFiles({
    'usher.yaml': `services:
  web:
    command: |
      systemd-notify --ready
      systemd-notify STOPPING=1 "STATUS=$(printf 'a\\rb\\033[2Jc')"
      echo told
      exec sleep 1000
    ready: notify
`,
  });
  const control = join(tempDir(), 'c.sock');
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: control } });
  // systemd-notify waits until usher has read its message (its barrier): by "told" it has.
  await ns.stdout.waitFor(/^web +\| told$/);
  const json = await service(control, 'web');
  assert.deepEqual(json.notify, { status: 'a\rb\x1b[2Jc', stopping: true });
  const text = await usherControl(['ps'], control);
  assert.equal(text.code, 0, text.stderr);
  const lines = text.stdout.split('\n');
  assert.ok(lines.includes('web: says it is stopping (STOPPING=1)'), text.stdout);
  assert.ok(lines.includes('web: status: a\\rb\\x1b[2Jc'), text.stdout);
  assert.doesNotMatch(text.stdout, /[\r\x1b]/);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('live: { watchdog }: WATCHDOG_USEC is set, and a service silent for longer is dead and restarted per its policy', T, async () => {
  const dir = withFiles({
    'usher.yaml': `services:
  dog:
    command: 'echo "usec $WATCHDOG_USEC"; systemd-notify --ready; systemd-notify WATCHDOG=1; exec sleep 1000'
    ready: notify
    live: { watchdog: 1s }
    restart: on-failure
    max_restarts: 1
    backoff: { initial: 100ms }
  keep:
    command: 'exec sleep 1000'
`,
  });
  const control = join(tempDir(), 'c.sock');
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: control } });
  await ns.stdout.waitFor(/^dog +\| usec 1000000$/);
  await ns.stderr.waitFor(/dog: watchdog: no WATCHDOG=1 within 1s/);
  await ns.stderr.waitFor(/dog: restarting in 0\.1s \(restart 1 of 1\)/);
  await ns.stderr.waitFor(/dog: failed: gave up after 1 restart\(s\) \(max_restarts 1\); last: watchdog: no WATCHDOG=1 within 1s/);
  const dog = await service(control, 'dog');
  assert.deepEqual([dog.state, dog.restarts], ['failed', 1]);
  ns.signal('SIGTERM');
  await ns.exited;
});

test('who may send: the service\'s own user (here nobody) from any of its processes; another user cannot reach the socket, and root from another service is refused', T, async () => {
  const dir = tempDir();
  chmodSync(dir, 0o755);
  const shared = join(dir, 'shared');
  mkdirSync(shared);
  chmodSync(shared, 0o777);
  const go = gate(dir);
  const tryReady = (who: string) =>
    `while [ ! -s "$SHARED/socket" ]; do sleep 0.05; done; NOTIFY_SOCKET=$(cat "$SHARED/socket") systemd-notify --ready; echo "${who} sent $?"; exec sleep 1000`;
  writeFileSync(
    join(dir, 'usher.yaml'),
    `services:
  web:
    command: 'echo "$NOTIFY_SOCKET" > "$SHARED/tmp" && mv "$SHARED/tmp" "$SHARED/socket"; read go < "$GO"; systemd-notify --ready; echo "web sent $?"; exec sleep 1000'
    user: nobody
    ready: notify
  stranger:
    command: '${tryReady('stranger')}'
    user: daemon
  other:
    command: '${tryReady('other')}'
`,
  );
  const control = join(tempDir(), 'c.sock');
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: control, GO: go.path, SHARED: shared } });
  await ns.stdout.waitFor(/^stranger +\| stranger sent [1-9]\d*$/);
  await ns.stdout.waitFor(/^other +\| other sent 0$/);
  await ns.stderr.waitFor(/web: a notify message was dropped: sent by pid \d+, which is not a process of web/);
  const waiting = await service(control, 'web');
  assert.deepEqual([waiting.state, waiting.ready], ['starting', false], 'a READY=1 from another service counted');
  go.open();
  await ns.stdout.waitFor(/^web +\| web sent 0$/);
  await ns.stderr.waitFor(/web: ready after \d+ ms \(notify READY=1\)/);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('caps: a message over 4 KiB is dropped, a flood is read 100 a second without losing one, and usher answers meanwhile', T, async () => {
  const dir = withFiles({
    'usher.yaml': `services:
  flood:
    command: ["perl", "${SEND}", "big:5000", "READY=1", "400*STATUS=%d"]
    ready: notify
`,
  });
  const control = join(tempDir(), 'c.sock');
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: control } });
  await ns.stderr.waitFor(/flood: a notify message longer than 4096 bytes was dropped/);
  await ns.stderr.waitFor(/flood: ready after \d+ ms \(notify READY=1\)/);
  await ns.stderr.waitFor(/flood: more than 100 notify messages a second; reading them slowed down/);
  const midway = await service(control, 'flood');
  assert.equal(midway.ready, true);
  await eventually(async () => (await service(control, 'flood')).notify?.status === '400', { what: 'the last STATUS= read', timeoutMs: 60_000 });
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('an idle usher with a notify service never wakes up: no polling of the socket', { timeout: 60_000 }, async () => {
  const dir = withFiles({
    'usher.yaml': `services:
  web:
    command: 'systemd-notify --ready; echo up; exec sleep 1000'
    ready: notify
`,
  });
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  await ns.stdout.waitFor(/^web +\| up$/);
  await ns.stderr.waitFor(/web: ready after/);
  const pid = ns.pid1;
  await new Promise((r) => setTimeout(r, 1500)); // start-up work settles; the quiet period starts here
  const before = contextSwitchesOf(pid);
  await new Promise((r) => setTimeout(r, 9000)); // past V8's 8 s memory-reducer mark
  const after = contextSwitchesOf(pid);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.equal(after - before, 0, 'context switches while idle');
});

test('SIGIO is usher\'s own (a notify message arrived), not passed on to the services like HUP or PWR', T, async () => {
  const dir = withFiles({ 'usher.yaml': `services:\n  app:\n    command: ["${NODE}", "${PROBE}"]\n` });
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  await ns.stdout.waitFor(/^app +\| ready \d+$/);
  // Sent in this order, and PWR (30) after IO (29) even when both are pending at once.
  ns.signal('SIGIO');
  ns.signal('SIGPWR');
  await ns.stdout.waitFor(/^app +\| SIGPWR \d+$/);
  assert.equal(ns.stdout.all.filter((l) => /SIGIO/.test(l)).length, 0, ns.stdout.text);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});
