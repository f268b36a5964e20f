// What `usher run` (and init mode) holds while it runs, beyond the node it
// runs on (issue 19: PID 1's memory budget is a bare node's + 8 MB).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { settled } from '../helpers/eventually.js';
import { fixture, startPid1 } from '../helpers/pid1.js';
import { NODE, startRun, withFiles } from './helpers.js';

function threadsOf(pid: number): number {
  return readdirSync(`/proc/${pid}/task`).length;
}

/** The threads of an idle bare `node` on this machine (V8's workers depend on the cores). */
async function bareNodeThreads(): Promise<number> {
  const bare = spawn(NODE, ['-e', 'process.stdout.write("up\\n"); setInterval(() => {}, 1e9)'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      bare.stdout.once('data', () => resolve());
      bare.once('exit', (code) => reject(new Error(`bare node exited (${code})`)));
    });
    return await settled(() => threadsOf(bare.pid as number), { what: "a bare node's thread count", quietMs: 500 });
  } finally {
    bare.kill('SIGKILL');
  }
}

test('usher run, its config read (with an include:), starts no thread beyond a bare node\'s: no libuv thread pool in PID 1', { timeout: 60_000 }, async () => {
  const dir = withFiles({
    'base.yaml': 'services:\n  a:\n    command: ["sh", "-c", "echo up; exec sleep 1000"]\n',
    'usher.yaml': 'include: base.yaml\nservices:\n  b:\n    command: ["sleep", "1000"]\n',
  });
  const bare = await bareNodeThreads();
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  try {
    await ns.stdout.waitFor(/^a +\| up$/);
    const threads = await settled(() => threadsOf(ns.pid1), { what: "usher run's thread count", quietMs: 1000 });
    assert.equal(threads, bare, `threads of usher run (${threads}) against a bare node (${bare}): libuv's pool was started`);
  } finally {
    ns.signal('SIGTERM');
  }
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

test('once its services are started, usher run lets go of the config loader (the YAML parser, the schema validator) and V8 collects it', { timeout: 60_000 }, async () => {
  const dir = withFiles({ 'usher.yaml': 'services:\n  a:\n    command: ["sh", "-c", "echo up; exec sleep 1000"]\n' });
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { preload: fixture('watch-config-file.cjs') });
  try {
    await ns.stderr.waitFor('usher-config.cjs loaded', 30_000);
    await ns.stdout.waitFor(/^a +\| up$/);
    // No allocation wakes an idle usher, so without usher's own collection this never comes.
    await ns.stderr.waitFor('usher-config.cjs collected', 20_000);
  } finally {
    ns.signal('SIGTERM');
  }
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});

/** Node's own modules usher must not load (issue 19): each is memory of PID 1's for good, and time at every start. */
const NOT_NEEDED = [
  // node:v8, for setting a V8 flag, brings heap snapshots, promise hooks and
  // streams (1.6 MB); core/libc.ts sets flags through V8's own function.
  'v8',
  // net.Server.listen() asks the cluster module whether this is a worker; it
  // brings child_process and dgram (0.6 MB). The control socket listens without.
  'cluster',
  'child_process',
  'dgram',
];

function loadedNodeModules(stderr: string): string[] {
  const line = /^node modules: (.*)$/m.exec(stderr);
  assert.ok(line, `no module list on stderr (the preload did not run?): ${stderr}`);
  return (line[1] as string).split(' ');
}

test('usher run, with its control socket, loads none of Node\'s modules it does not use (v8, cluster, child_process, dgram)', { timeout: 60_000 }, async () => {
  const dir = withFiles({ 'usher.yaml': 'services:\n  a:\n    command: ["sh", "-c", "echo up; exec sleep 1000"]\n' });
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { preload: fixture('list-node-modules.cjs') });
  // The control socket listens before any service starts.
  await ns.stdout.waitFor(/^a +\| up$/);
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.equal(exit.code, 0, ns.stderr.text);
  const loaded = loadedNodeModules(ns.stderr.text);
  assert.ok(loaded.includes('net'), `the module list looks wrong (no net): ${loaded.join(' ')}`);
  assert.deepEqual(NOT_NEEDED.filter((m) => loaded.includes(m)), []);
});

test('init mode loads none of Node\'s modules it does not use (v8, cluster, child_process, dgram)', { timeout: 60_000 }, async () => {
  const ns = startPid1(['--', 'sh', '-c', 'echo up; exec sleep 1000'], { preload: fixture('list-node-modules.cjs') });
  await ns.stdout.waitFor(/^up$/);
  ns.signal('SIGTERM');
  await ns.exited;
  assert.deepEqual(NOT_NEEDED.filter((m) => loadedNodeModules(ns.stderr.text).includes(m)), []);
});
