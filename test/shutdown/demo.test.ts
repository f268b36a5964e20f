/**
 * The seed's demo, ported to TypeScript: exactly the Go program's three lines,
 * for each of its signals, also as PID 1 of its own PID namespace (the
 * container case) and with nobody left reading its output.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Child, childEnv, DEMO } from './helpers.js';

const GO_NAMES = { SIGTERM: 'terminated', SIGINT: 'interrupt', SIGHUP: 'hangup' } as const;

for (const [signal, goName] of Object.entries(GO_NAMES) as Array<[keyof typeof GO_NAMES, string]>) {
  test(`demo: ${signal} prints exactly the three lines of the Go program and exits 0`, async (t) => {
    const demo = new Child(process.execPath, [DEMO], childEnv());
    t.after(() => demo.cleanup());
    await demo.waitForLine((line) => line === 'Start ...', '"Start ..."');
    demo.signal(signal);
    const exit = await demo.exited;
    assert.deepEqual(demo.lines, ['Start ...', `receive system signal: ${goName}`, 'Shutdown ~']);
    assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null });
    assert.equal(demo.stderr, '');
  });
}

test('demo: stays up with nothing to do until a signal comes', async (t) => {
  const demo = new Child(process.execPath, [DEMO], childEnv());
  t.after(() => demo.cleanup());
  await demo.waitForLine((line) => line === 'Start ...', '"Start ..."');
  // Without keepProcessAlive() Node would exit right after "Start ...".
  const early = await Promise.race([demo.exited, new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 300))]);
  assert.equal(early, 'running');
  demo.signal('SIGTERM');
  assert.equal((await demo.exited).code, 0);
});

test('demo: exits 0 even when nobody reads its output any more (EPIPE)', async (t) => {
  const demo = new Child(process.execPath, [DEMO], childEnv());
  t.after(() => demo.cleanup());
  await demo.waitForLine((line) => line === 'Start ...', '"Start ..."');
  demo.process.stdout?.destroy();
  demo.signal('SIGTERM');
  const exit = await demo.exited;
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, demo.stderr);
  assert.equal(demo.stderr, '');
});

function canUnshare(): boolean {
  if (process.platform !== 'linux') return false;
  const probe = spawnSync('unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', 'true'], { stdio: 'ignore' });
  return probe.status === 0;
}

/** Children of `ppid`, found through /proc (the kernel here has no /proc/PID/task/TID/children). */
function childrenOf(ppid: number): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // The command name may hold spaces and parentheses: fields resume after the last ')'.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === ppid) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

test('demo: as PID 1 of its own PID namespace, like in a container, SIGTERM still shuts it down gracefully', { skip: !canUnshare() && 'needs unshare with PID namespaces (root on Linux)' }, async (t) => {
  // The kernel drops signals to a namespace's PID 1 that has no handler for them:
  // this is the seed's case 1, where Node without handlers would ignore `docker stop`.
  // --kill-child: if the test gives up and kills unshare, the demo dies with it.
  const unshare = new Child('unshare', ['--pid', '--fork', '--kill-child', '--mount-proc', process.execPath, DEMO], childEnv());
  t.after(() => unshare.cleanup());
  await unshare.waitForLine((line) => line === 'Start ...', '"Start ..."');
  const [demoPid] = childrenOf(unshare.pid);
  assert.ok(demoPid !== undefined, 'demo process not found under unshare');
  const nsPid = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${demoPid}/status`, 'utf8'))?.[1]?.trim().split(/\s+/);
  assert.equal(nsPid?.at(-1), '1', `demo is not PID 1 in its namespace: NSpid ${String(nsPid)}`);

  process.kill(demoPid, 'SIGTERM');
  const exit = await unshare.exited;
  assert.deepEqual(unshare.lines, ['Start ...', 'receive system signal: terminated', 'Shutdown ~']);
  assert.deepEqual({ code: exit.code, signal: exit.signal }, { code: 0, signal: null }, unshare.stderr);
});
