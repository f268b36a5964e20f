// usher outside PID 1's place: as a child subreaper it still reaps orphans; -p
// hands it a signal when its parent dies; and an idle usher does not wake up.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';
import { fixture, Lines, startPid1, USHER } from '../helpers/pid1.js';
import { settled } from '../helpers/eventually.js';
import { contextSwitchesOf } from '../../src/core/proc-fs.js';

const T = { timeout: 180_000 };
const PROBE = fixture('signal-probe.mjs');

test('not PID 1: usher registers as a child subreaper and reaps orphans', T, async () => {
  const child = spawn(USHER, ['-v', '--', 'sh', '-c', 'sh -c "sleep 0.2 &"; echo done'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = new Lines(child.stderr);
  const stdout = new Lines(child.stdout);
  await stdout.waitFor('done');
  // The orphaned sleep is re-parented to usher (not to the machine's init) and reaped.
  await stderr.waitFor(/^\[usher\] reaped pid \d+, which (exited|was killed)/);
  const code = await new Promise((r) => child.on('close', r));
  assert.equal(code, 0);
});

test('-p SIG: usher gets SIG when its parent dies, and passes it on (usher under usher)', T, async () => {
  // Inner usher's parent is a shell; when the test kills that shell, the kernel
  // sends the inner usher SIGTERM, which it forwards to its probe.
  const ns = startPid1(['--', 'sh', '-c', `${USHER} -p SIGTERM -- node ${PROBE} & wait`]);
  await ns.stdout.waitFor(/^ready \d+$/);
  const shell = ns.descendants().find((p) => p.comm === 'sh');
  assert.ok(shell, 'the shell between the two ushers');
  process.kill(shell.pid, 'SIGKILL');
  await ns.stdout.waitFor(/^SIGTERM \d+$/);
  const exit = await ns.exited;
  assert.equal(exit.code, 137, 'the outer usher reports its child, the SIGKILLed shell');
});


test('an idle usher does not wake up: no polling timers in any of its threads', T, async () => {
  const ns = startPid1(['--', 'sh', '-c', 'echo ready; exec sleep 1000']);
  await ns.stdout.waitFor('ready');
  const pid = ns.pid1;
  // Start-up work (compilation, GC threads) ends at its own pace on a busy
  // machine: the quiet period starts once the counter has not moved for 1 s.
  const before = await settled(() => contextSwitchesOf(pid), { what: "usher's context switches", quietMs: 1000, timeoutMs: 30_000 });
  // Past the 8 s mark, where V8's memory reducer would wake every thread once.
  await sleep(9000);
  const after = contextSwitchesOf(pid);
  ns.destroy();
  // A 1 Hz poll (tini's sigtimedwait) would show 9 here, libuv timers many more.
  assert.equal(after - before, 0, 'context switches while idle');
});
