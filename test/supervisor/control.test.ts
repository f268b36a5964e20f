// Every control command against the real engine: `usher run` as PID 1 of a
// PID namespace, real services, and `usher ps/start/stop/restart/signal` run
// from outside as `docker exec` would (the socket path through USHER_SOCKET).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { FIXTURES, statOf, startPid1, type Namespace } from '../helpers/pid1.js';
import { usherControl } from './control-client-helper.js';
import { freePort, NODE, SUP_FIXTURES, tempDir, withFiles } from './helpers.js';

const T = { timeout: 90_000 };
const PROBE = `${FIXTURES}signal-probe.mjs`;
const LISTEN = `${SUP_FIXTURES}listen-later.mjs`;

interface PsService {
  name: string;
  pid: number | null;
  state: string;
  ready: boolean | null;
  restarts: number;
  lastExit: { code: number | null; signal: string | null } | null;
}

async function ps(socket: string): Promise<Record<string, PsService>> {
  const r = await usherControl(['ps', '--json'], socket);
  assert.equal(r.code, 0, r.stderr);
  return Object.fromEntries((JSON.parse(r.stdout) as { services: PsService[] }).services.map((s) => [s.name, s]));
}

/** Polls `usher ps --json` (bounded) until `test` holds: for states with no line of output to wait on. */
async function psUntil(socket: string, what: string, test: (s: Record<string, PsService>) => boolean, timeoutMs = 20_000): Promise<Record<string, PsService>> {
  const deadline = Date.now() + timeoutMs;
  let last: Record<string, PsService> = {};
  for (let delay = 20; Date.now() < deadline; delay = Math.min(delay * 2, 250)) {
    // Until usher has opened its socket, the client says nobody listens (exit 2): try again.
    const r = await usherControl(['ps', '--json'], socket);
    if (r.code === 0) {
      last = Object.fromEntries((JSON.parse(r.stdout) as { services: PsService[] }).services.map((s) => [s.name, s]));
      if (test(last)) return last;
    } else if (r.code !== 2) {
      throw new Error(`usher ps failed: ${r.stderr}`);
    }
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(`timed out waiting for ${what}; last usher ps: ${JSON.stringify(last)}`);
}

function startUsher(files: Record<string, string>): { ns: Namespace; socket: string; dir: string } {
  const dir = withFiles(files);
  const socket = join(dir, 'run', 'control.sock');
  const ns = startPid1(['run', '-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: socket } });
  return { ns, socket, dir };
}

const yaml = (port: number) => `grace: 10s
services:
  app:
    command: ["${NODE}", "${PROBE}"]
    restart: always
  job:
    command: "echo job done"
  late:
    command: ["${NODE}", "${LISTEN}", "${port}", "600000"]
    ready: { tcp: ${port}, timeout: 10m }
`;

async function stopAll(ns: Namespace): Promise<void> {
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.equal(exit.code, 0, ns.stderr.text);
}

test('usher ps shows the real services: pids as seen inside the container, states, readiness, last exit; the socket is root-only', T, async () => {
  const { ns, socket } = startUsher({ 'usher.yaml': yaml(freePort()) });
  await ns.stdout.waitFor(/^app +\| ready \d+$/);
  await ns.stdout.waitFor(/^job +\| job done$/);
  const s = await psUntil(socket, 'job completed', (x) => x.job?.state === 'completed');
  assert.equal(statSync(socket).mode & 0o777, 0o600);
  assert.equal(statSync(join(socket, '..')).mode & 0o777, 0o700);

  assert.equal(s.app?.state, 'running');
  assert.equal(s.app?.ready, null, 'no ready check: ready is null (shown as -)');
  const appPid = Number(/^app +\| ready (\d+)$/.exec(await ns.stdout.waitFor(/^app +\| ready \d+$/))?.[1]);
  assert.equal(s.app?.pid, appPid, 'the pid ps reports is the one the service sees for itself');
  assert.match(readFileSync(`/proc/${ns.hostPid(appPid)}/cmdline`, 'utf8'), /signal-probe\.mjs/);
  assert.deepEqual([s.job?.state, s.job?.pid, s.job?.lastExit?.code], ['completed', null, 0]);
  assert.deepEqual([s.late?.state, s.late?.ready], ['starting', false]);

  const table = await usherControl(['ps'], socket);
  assert.equal(table.code, 0);
  assert.match(table.stdout, /^NAME +PID +STATE +READY +RESTARTS +UPTIME +LAST EXIT\n/);
  assert.match(table.stdout, new RegExp(`^app +${appPid} +running +- +0 +\\d+s +-$`, 'm'));
  assert.match(table.stdout, /^job +- +completed +- +0 +- +exited 0 \((just now|\d+s ago)\)$/m);
  assert.match(table.stdout, /^late +\d+ +starting +no +0 +\d+s +-$/m);

  await stopAll(ns);
  assert.equal(existsSync(socket), false, 'usher removes its socket when it exits');
});

test('usher signal delivers the signal to the service, which keeps running', T, async () => {
  const { ns, socket } = startUsher({ 'usher.yaml': yaml(freePort()) });
  const appPid = Number(/ready (\d+)$/.exec(await ns.stdout.waitFor(/^app +\| ready \d+$/))?.[1]);
  assert.deepEqual(await usherControl(['signal', 'app', 'HUP'], socket), { code: 0, stdout: 'app: sent SIGHUP\n', stderr: '' });
  await ns.stdout.waitFor(new RegExp(`^app +\\| SIGHUP ${appPid}$`));
  assert.equal((await usherControl(['signal', 'app', 'SIGUSR2'], socket)).code, 0);
  await ns.stdout.waitFor(new RegExp(`^app +\\| SIGUSR2 ${appPid}$`));
  const s = await ps(socket);
  assert.deepEqual([s.app?.state, s.app?.pid], ['running', appPid]);
  await stopAll(ns);
});

test('usher stop stops the service gracefully and answers once it has exited; it stays stopped (restart: always) until usher start', T, async () => {
  const { ns, socket } = startUsher({ 'usher.yaml': yaml(freePort()) });
  const oldPid = Number(/ready (\d+)$/.exec(await ns.stdout.waitFor(/^app +\| ready \d+$/))?.[1]);
  const hostPid = ns.hostPid(oldPid);
  const stopped = await usherControl(['stop', 'app'], socket);
  assert.deepEqual(stopped, { code: 0, stdout: 'app: stopped\n', stderr: '' });
  // Answered only once the process was gone: its SIGTERM line is out and it no longer runs.
  assert.ok(ns.stdout.all.some((l) => new RegExp(`^app +\\| SIGTERM ${oldPid}$`).test(l)), ns.stdout.text);
  assert.ok(['gone', 'Z'].includes(statOf(hostPid)?.state ?? 'gone'), `old app process state ${statOf(hostPid)?.state}`);
  const s = await ps(socket);
  assert.deepEqual([s.app?.state, s.app?.pid], ['stopped', null]);
  assert.ok(!ns.stdout.all.some((l) => /^app +\| ready /.test(l) && !l.endsWith(` ${oldPid}`)), 'not restarted by its policy');

  assert.deepEqual(await usherControl(['start', 'app'], socket), { code: 0, stdout: 'app: started\n', stderr: '' });
  const newLine = await ns.stdout.waitFor(new RegExp(`^app +\\| ready (?!${oldPid}$)\\d+$`));
  const newPid = Number(/ready (\d+)$/.exec(newLine)?.[1]);
  const after = await psUntil(socket, 'app running again', (x) => x.app?.state === 'running');
  assert.equal(after.app?.pid, newPid);
  await stopAll(ns);
});

test('usher restart: the old instance ends before the new one starts (no overlap), and the pid changes', T, async () => {
  const { ns, socket } = startUsher({ 'usher.yaml': yaml(freePort()) });
  const oldPid = Number(/ready (\d+)$/.exec(await ns.stdout.waitFor(/^app +\| ready \d+$/))?.[1]);
  assert.deepEqual(await usherControl(['restart', 'app'], socket), { code: 0, stdout: 'app: restarted\n', stderr: '' });
  const newLine = await ns.stdout.waitFor(new RegExp(`^app +\\| ready (?!${oldPid}$)\\d+$`));
  const newPid = Number(/ready (\d+)$/.exec(newLine)?.[1]);
  const out = ns.stdout.all;
  const oldTerm = out.findIndex((l) => new RegExp(`^app +\\| SIGTERM ${oldPid}$`).test(l));
  assert.ok(oldTerm >= 0 && oldTerm < out.indexOf(newLine), `old instance stopped before the new one started:\n${ns.stdout.text}`);
  const events = ns.stderr.all;
  const exited = events.findIndex((l) => new RegExp(`app: pid ${oldPid} exited`).test(l));
  const started = events.findIndex((l) => new RegExp(`app: starting \\(pid ${newPid}\\)`).test(l));
  assert.ok(exited >= 0 && started > exited, `exit reported before the new start:\n${ns.stderr.text}`);
  await stopAll(ns);
});

test('a restart of a completed one-shot runs it again', T, async () => {
  const { ns, socket } = startUsher({ 'usher.yaml': yaml(freePort()) });
  await psUntil(socket, 'job completed', (x) => x.job?.state === 'completed');
  assert.equal((await usherControl(['start', 'job'], socket)).code, 0);
  await ns.stdout.waitForCount(/^job +\| job done$/, 2);
  await stopAll(ns);
});

test('an unknown service: exit 1 listing the known names; a refused request: exit 1 with the supervisor\'s reason', T, async () => {
  const { ns, socket } = startUsher({ 'usher.yaml': yaml(freePort()) });
  await ns.stdout.waitFor(/^app +\| ready \d+$/);
  for (const args of [['stop', 'ap'], ['start', 'ap'], ['restart', 'ap'], ['signal', 'ap', 'HUP']]) {
    const r = await usherControl(args, socket);
    assert.deepEqual(r, { code: 1, stdout: '', stderr: `usher ${args[0]}: no service named 'ap'; known services: app, job, late\n` });
  }
  const again = await usherControl(['start', 'app'], socket);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^usher start: .*app/);
  await stopAll(ns);
});

test('a second usher run on the same socket does not take it over: it says why, starts nothing and exits 2; the first keeps answering', T, async () => {
  const first = startUsher({ 'usher.yaml': yaml(freePort()) });
  await first.ns.stdout.waitFor(/^app +\| ready \d+$/);
  await psUntil(first.socket, 'the first usher answering', (x) => x.app?.state === 'running');
  const marks = tempDir();
  const dir2 = withFiles({ 'usher.yaml': `services:\n  other:\n    command: ["sh", "-c", "touch ${marks}/started; exec sleep 1000"]\n` });
  const second = startPid1(['run', '-f', join(dir2, 'usher.yaml')], { env: { USHER_SOCKET: first.socket } });
  const exit = await second.exited;
  assert.equal(exit.code, 2, second.stderr.text);
  assert.ok(
    second.stderr.all.some((l) => l.includes(`another usher supervisor is already listening on ${first.socket}`) && l.endsWith('nothing started')),
    second.stderr.text,
  );
  assert.equal(existsSync(join(marks, 'started')), false, 'the second usher started its service');
  assert.ok(existsSync(first.socket), 'the second usher did not remove the first one\'s socket');
  assert.deepEqual(Object.keys(await ps(first.socket)), ['app', 'job', 'late'], 'still the first usher');
  await stopAll(first.ns);
});

test('a socket left by a usher that was SIGKILLed: the next usher run removes it and serves', T, async () => {
  const dir = withFiles({ 'usher.yaml': `services:\n  one:\n    command: ["sleep", "1000"]\n` });
  const socket = join(dir, 'control.sock');
  const start = () => startPid1(['run', '-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: socket } });
  const dead = start();
  await psUntil(socket, 'the first usher answering', (x) => x.one?.state === 'running');
  dead.destroy();
  await dead.exited;
  assert.ok(statSync(socket).isSocket(), 'SIGKILL left the socket file behind');
  const gone = await usherControl(['ps'], socket);
  assert.equal(gone.code, 2);
  assert.match(gone.stderr, /no usher supervisor is listening on/);
  const next = start();
  await psUntil(socket, 'the new usher answering', (x) => x.one?.state === 'running');
  await stopAll(next);
});
