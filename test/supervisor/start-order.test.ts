// Dependency order with readiness: a dependant starts only once its dependency
// meets its condition (started, ready by tcp/http/exec/log/delay, completed),
// independents start at once, and a dependency that fails fails its dependants.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { freePort, indexOf, NODE, startEngine, SUP_FIXTURES, tempDir } from './helpers.js';

const T = { timeout: 60_000 };
const LISTEN = `${SUP_FIXTURES}listen-later.mjs`;
const ready = (probe: object, timeoutMs = 20_000) => ({ probe, intervalMs: 100, timeoutMs });

async function checkOrder(readyProbe: (port: number, dir: string) => object, server: (port: number, dir: string) => string[]) {
  const port = freePort();
  const dir = tempDir();
  const ns = startEngine({
    services: [
      { name: 'web', argv: ['sh', '-c', 'echo web up; exec sleep 1000'], dependsOn: [{ name: 'db', condition: 'ready' }] },
      { name: 'db', argv: server(port, dir), ready: ready(readyProbe(port, dir)) },
      { name: 'side', argv: ['sh', '-c', 'echo side up; exec sleep 1000'] },
    ],
  });
  await ns.stdout.waitFor(/^web +\| web up$/);
  const events = ns.stderr.all;
  const dbReady = indexOf(events, /^usher +\| db: ready after \d+ ms/);
  const webStart = indexOf(events, /^usher +\| web: starting/);
  assert.ok(dbReady >= 0 && webStart > dbReady, `web starts after db is ready:\n${ns.stderr.text}`);
  // The independent service did not wait for db.
  const sideStart = indexOf(events, /^usher +\| side: starting/);
  assert.ok(sideStart >= 0 && sideStart < dbReady, `side starts without waiting:\n${ns.stderr.text}`);
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.equal(exit.code, 0, ns.stderr.text);
  return ns;
}

test('tcp: the dependant starts once the dependency listens (after a delay)', T, async () => {
  const ns = await checkOrder((port) => ({ kind: 'tcp', host: '127.0.0.1', port }), (port) => [NODE, LISTEN, String(port), '700']);
  assert.match(ns.stdout.text, /^db +\| shutdown \d+$/m, 'db stopped gracefully');
});

test('http: ready on a 2xx answer', T, async () => {
  await checkOrder((port) => ({ kind: 'http', url: `http://127.0.0.1:${port}/ready` }), (port) => [NODE, LISTEN, String(port), '700', 'http']);
});

test('exec: ready when the command exits 0', T, async () => {
  await checkOrder(
    (_p, dir) => ({ kind: 'exec', argv: ['test', '-f', `${dir}/flag`] }),
    (_p, dir) => ['sh', '-c', `sleep 0.5; touch ${dir}/flag; echo listening; exec sleep 1000`],
  );
});

test('log: ready on a matching line of its output', T, async () => {
  await checkOrder(() => ({ kind: 'log', pattern: '^listening \\d+$' }), (port) => [NODE, LISTEN, String(port), '500']);
});

test('delay: ready once it has run that long', T, async () => {
  await checkOrder(() => ({ kind: 'delay', ms: 500 }), (port) => [NODE, LISTEN, String(port), '0']);
});

test('completed: a one-shot job runs to exit 0 before its dependant starts', T, async () => {
  const ns = startEngine({
    services: [
      { name: 'web', argv: ['sh', '-c', 'echo web up; exec sleep 1000'], dependsOn: [{ name: 'migrate', condition: 'completed' }] },
      { name: 'migrate', argv: ['sh', '-c', 'sleep 0.3; echo migrated'] },
    ],
  });
  await ns.stdout.waitFor(/^web +\| web up$/);
  const out = ns.stdout.all;
  assert.ok(indexOf(out, /^migrate +\| migrated$/) < indexOf(out, /^web +\| web up$/), ns.stdout.text);
  const ev = ns.stderr.all;
  assert.ok(indexOf(ev, /migrate: pid \d+ exited with code 0/) < indexOf(ev, /web: starting/), ns.stderr.text);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0);
});

test('a dependency that exits before it is ready fails its dependants; a critical dependant ends the container with that status', T, async () => {
  const dir = tempDir();
  const ns = startEngine({
    services: [
      // db fails once side is up (and can report its stop).
      { name: 'db', argv: ['sh', '-c', `while [ ! -f ${dir}/up ]; do sleep 0.05; done; echo crashing; exit 3`], ready: ready({ kind: 'log', pattern: 'never' }) },
      { name: 'web', argv: ['sh', '-c', 'echo web up; exec sleep 1000'], dependsOn: [{ name: 'db', condition: 'ready' }], critical: true },
      { name: 'side', argv: ['node', '-e', `process.on("SIGTERM", () => { console.log("side stopping"); process.exit(0) }); setInterval(() => {}, 1e6); require("fs").writeFileSync("${dir}/up", "")`] },
    ],
  });
  const exit = await ns.exited;
  assert.equal(exit.code, 3, ns.stderr.text);
  assert.match(ns.stderr.text, /web: failed: dependency "db" failed before it was ready: exited with code 3/);
  assert.doesNotMatch(ns.stdout.text, /web up/, 'web never started');
  assert.match(ns.stdout.text, /^side +\| side stopping$/m, 'the others were stopped');
});

test('a ready timeout fails the service and its dependants (non-critical: the rest keeps running)', T, async () => {
  const ns = startEngine({
    services: [
      { name: 'db', argv: ['sh', '-c', 'echo started; exec sleep 1000'], ready: ready({ kind: 'log', pattern: 'never' }, 600), stopTimeoutMs: 2000 },
      { name: 'web', argv: ['sh', '-c', 'echo web up; exec sleep 1000'], dependsOn: [{ name: 'db', condition: 'ready' }] },
      { name: 'side', argv: ['sh', '-c', 'echo side up; exec sleep 1000'] },
    ],
  });
  await ns.stderr.waitFor(/db: not ready within 0\.6s \(log \/never\/\)/);
  await ns.stderr.waitFor(/web: failed: dependency "db" failed before it was ready: not ready within 0\.6s/);
  await ns.stderr.waitFor(/db: pid \d+ was killed by SIGTERM/);
  await ns.stdout.waitFor(/^side +\| side up$/);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('a dependency that fails but will be restarted keeps its dependants waiting, until it is ready', T, async () => {
  const dir = tempDir();
  const ns = startEngine({
    services: [
      // First run crashes; the second one becomes ready.
      {
        name: 'db',
        argv: ['sh', '-c', `if [ ! -f ${dir}/ran ]; then touch ${dir}/ran; echo crash; exit 1; fi; echo listening; exec sleep 1000`],
        ready: ready({ kind: 'log', pattern: '^listening$' }),
        restart: 'on-failure',
        backoff: { initialMs: 100, maxMs: 100 },
      },
      { name: 'web', argv: ['sh', '-c', 'echo web up; exec sleep 1000'], dependsOn: [{ name: 'db', condition: 'ready' }] },
    ],
  });
  await ns.stdout.waitFor(/^web +\| web up$/);
  // usher's events come on stderr, another pipe than the services' lines: wait for them too.
  await ns.stderr.waitFor(/web: starting/);
  const ev = ns.stderr.all;
  const restarted = indexOf(ev, /db: restarting in 0\.1s/);
  assert.ok(restarted >= 0 && restarted < indexOf(ev, /web: starting/), ns.stderr.text);
  assert.doesNotMatch(ns.stderr.text, /web: failed/);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});
