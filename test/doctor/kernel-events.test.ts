// Run mode built from the kernel's own signal events (tracefs, as root): who
// sent which signal to whom, when, and what became of it; /proc polling as the
// fallback that says "unknown" where it cannot know; the process that held a
// forced stop always named; usher recognised by what runs; and no tracing
// instance or mount left behind on any way out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../helpers/eventually.js';
import { describe, DOCTOR_FIXTURES, doctor, doctorJson, FIXTURES, ROOT } from './helpers.js';

const USHER = `${ROOT}bin/usher`;
const USHER_CJS = `${ROOT}build/bin/usher.cjs`;
const T = { timeout: 90_000 };
const UP = ['--ready', 'log:^Start'];
const POLLING = { env: { USHER_DOCTOR_NO_KERNEL_EVENTS: '1' } };

/** The kernel's tracefs, mounted for the test's own looks and unmounted after. */
function withTracefs<T>(look: (root: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'usher-test-tracefs-'));
  assert.equal(spawnSync('mount', ['-t', 'tracefs', 'nodev', dir]).status, 0, 'mount tracefs (the tests run as root)');
  try {
    return look(dir);
  } finally {
    spawnSync('umount', [dir]);
    rmdirSync(dir);
  }
}
const doctorInstances = () => withTracefs((root) => readdirSync(join(root, 'instances')).filter((n) => n.startsWith('usher-doctor-')));
const doctorMounts = () => readFileSync('/proc/self/mounts', 'utf8').split('\n').filter((l) => / tracefs /.test(l) && /usher-doctor-tracefs-/.test(l));

test('kernel events: the article\'s fix, who sent SIGTERM to whom and what each did with it', T, async () => {
  const { report, result } = await doctorJson([USHER, '--', './run.sh'], UP);
  const why = describe(report, result);
  assert.equal(report.source, 'kernel-events', why);
  const [pid1, ...rest] = report.processes;
  assert.deepEqual(pid1?.signals?.filter((s) => s.signal === 'SIGTERM').map((s) => [s.senderPid, s.outcome]), [[0, 'handled']], `the runtime's SIGTERM reached usher's handler: ${why}`);
  const shell = rest.find((p) => p.command === '/bin/sh ./run.sh');
  const app = rest.find((p) => p.command.includes('seed-app.mjs'));
  // usher forwards to the group: the shell dies of it (no trap), the app's handler runs.
  assert.deepEqual(shell?.signals?.map((s) => [s.signal, s.senderPid, s.outcome]), [['SIGTERM', 1, 'default-action']], why);
  assert.deepEqual(app?.signals?.map((s) => [s.signal, s.senderPid, s.outcome]), [['SIGTERM', 1, 'handled']], why);
  assert.ok((app?.signals?.[0]?.atMs ?? -1) >= 0, `taken after the stop signal: ${why}`);
});

test('kernel events: the article\'s case 2, the kernel drops PID 1\'s SIGTERM and the app never gets one', T, async () => {
  const result = await doctor(['--grace', '2s', ...UP, '--', './run.sh']);
  assert.match(result.stdout, /^events: the kernel's \(tracefs\)/m, result.stdout);
  assert.match(result.stdout, /^\s+1\s+0\s+\/bin\/sh \.\/run\.sh\s+-=+x\s+SIGTERM dropped \(PID 1, no handler\)/m, result.stdout);
  assert.match(result.stdout, /node \.\/seed-app\.mjs\s+=+x\s+no SIGTERM, SIGKILLed at \+2 s/, result.stdout);
  assert.doesNotMatch(result.stderr, /sigprocmask/, 'no noise of unshare\'s about the SIGKILL the doctor sent');
  const { report } = await doctorJson(['./run.sh'], UP);
  // The runtime's SIGTERM, dropped; then its SIGKILL at the deadline.
  assert.deepEqual(report.processes[0]?.signals?.map((s) => [s.signal, s.senderPid, s.outcome]), [['SIGTERM', 0, 'dropped'], ['SIGKILL', 0, 'default-action']], JSON.stringify(report));
  // The app: only the SIGKILL of the namespace's teardown (sent in PID 1's exit, so from pid 1).
  assert.deepEqual(report.processes.find((p) => p.command.includes('seed-app'))?.signals?.map((s) => s.signal), ['SIGKILL'], JSON.stringify(report));
});

test('/proc polling (no kernel events): the source says so, and what it cannot know is "unknown"', T, async () => {
  const result = await doctor(['--grace', '2s', ...UP, '--', './run.sh'], POLLING);
  assert.match(result.stdout, /^events: \/proc polling \(USHER_DOCTOR_NO_KERNEL_EVENTS=1\)/m, result.stdout);
  assert.match(result.stdout, /node \.\/seed-app\.mjs\s+=+x\s+SIGTERM unknown, SIGKILLed/, result.stdout);
  assert.doesNotMatch(result.stdout, /no SIGTERM seen/, result.stdout);
  const { report } = await doctorJson([USHER, '--', './run.sh'], UP, POLLING);
  assert.equal(report.source, 'proc-polling');
  const app = report.processes.find((p) => p.command.includes('seed-app.mjs'));
  assert.deepEqual(app?.signals, [{ signal: 'SIGTERM', senderPid: 1, atMs: null, outcome: 'unknown' }], JSON.stringify(report));
});

// PID 1 a shell whose trap exits at once, leaving a sleep re-parented to it
// (its parent, a shell, ended while the doctor watched): the kernel SIGKILLs
// the sleep as PID 1 ends.
const LEAVES_ORPHAN = ['sh', '-c', 'sh -c "sleep 1000 & sleep 1" & sleep 1.5; trap "exit 0" TERM; echo Start; while :; do sleep 0.05; done'];
// Kernel events only: polling may see the orphan gone while PID 1, still
// tearing the namespace down, is not yet (docs/doctor.md, Limits).
test('kernel events: a process PID 1 orphaned and never waited for is reported killed with PID 1 (orphans-left)', T, async () => {
  const { report, result } = await doctorJson(LEAVES_ORPHAN, ['--grace', '3s', ...UP]);
  const why = describe(report, result);
  assert.equal(report.source, 'kernel-events', why);
  const sleep = report.processes.find((p) => p.command === 'sleep 1000');
  assert.equal(sleep?.outcome, 'killed', why);
  assert.ok(report.findings.some((f) => f.id === 'orphans-left' && f.message.includes('sleep 1000')), why);
});

test('killed with PID 1: the orphans the kernel SIGKILLed after PID 1\'s exit (from whichever of its threads), whatever the poll saw', async () => {
  const { parseTrace } = await import('../../src/doctor/kernel-trace.js');
  const { killedWithPid1 } = await import('../../src/doctor/phases.js');
  type Watched = Parameters<typeof killedWithPid1>[0];
  const tracked = (hostPid: number, firstPpid = 100) => ({ hostPid, firstPpid }) as Watched['outlivedPid1'][number];
  // 300 was forked by a process that ended (an orphan); 400 and 700 were seen first with another parent; 600 is PID 1's own child.
  const [pid1, reaped, zapped, zappedByThread, killedBefore, ownChild, seenOrphan] = [tracked(100, 0), tracked(200), tracked(300), tracked(400, 250), tracked(500), tracked(600), tracked(700, 250)];
  const records = [pid1, reaped, zapped, zappedByThread, killedBefore, ownChild, seenOrphan];
  const trace = [
    '# entries-in-buffer/entries-written: 10/10   #P:2',
    '              sh-250    (    250) [000] .....    9.000000: sched_process_fork: comm=sh pid=250 child_comm=sh child_pid=300',
    '            node-100    (    100) [000] .....    9.000100: sched_process_fork: comm=node pid=100 child_comm=sh child_pid=600',
    '            node-100    (    100) [001] d..1.   10.000000: signal_generate: sig=15 errno=0 code=0 comm=app pid=200 grp=1 res=0',
    '            node-100    (    100) [001] d..1.   10.000500: signal_generate: sig=9 errno=0 code=0 comm=app pid=500 grp=1 res=0',
    '             app-200    (    200) [000] .....   10.000700: sched_process_exit: comm=app pid=200 prio=120 group_dead=true',
    '            node-100    (    100) [001] .....   10.000900: sched_process_exit: comm=node pid=100 prio=120 group_dead=false',
    '            node-100    (    100) [001] d..1.   10.001000: signal_generate: sig=9 errno=0 code=128 comm=sleep pid=300 grp=1 res=0',
    '        node-101    (-------) [000] d..1.   10.002000: signal_generate: sig=9 errno=0 code=128 comm=sleep pid=400 grp=1 res=0',
    '            node-100    (    100) [001] d..1.   10.002100: signal_generate: sig=9 errno=0 code=128 comm=sleep pid=600 grp=1 res=0',
    '            node-100    (    100) [001] d..1.   10.002200: signal_generate: sig=9 errno=0 code=128 comm=sleep pid=700 grp=1 res=0',
  ].join('\n');
  const events = parseTrace(trace, (s) => s * 1000 - 10_000);
  // The poll took the reaped process for one killed with PID 1 and never saw the zapped one re-parented.
  const watched: Watched = { forced: false, aliveAtGrace: [], outlivedPid1: [reaped], needed: new Map(), overtimeMs: 0 };
  assert.deepEqual(killedWithPid1(watched, records, pid1, events), [zapped, zappedByThread, seenOrphan]);
  // Without the kernel's events, with some lost, or past the deadline, the poll's answer stands.
  assert.deepEqual(killedWithPid1(watched, records, pid1, 'no tracefs'), [reaped]);
  assert.deepEqual(killedWithPid1(watched, records, pid1, { ...events, lost: true }), [reaped]);
  assert.deepEqual(killedWithPid1({ ...watched, forced: true }, records, pid1, events), [reaped]);
});

for (const [how, inner] of [['its bin script', [USHER]], ['node and the bundled entry (distroless)', [process.execPath, USHER_CJS]]] as const) {
  test(`a shell's slow trap under usher started through ${how}: usher is recognised, and the finding names the shell and its trap's command`, T, async () => {
    for (const env of [{}, POLLING.env]) {
      const result = await doctor(['--grace', '2s', ...UP, '--', ...inner, '--', `${DOCTOR_FIXTURES}slow-trap.sh`], { env });
      const out = result.stdout;
      assert.match(out, /^forced after 2 s/m, out);
      assert.match(out, /^PID 1: usher \(init, forwards to the child's process group\)/m, out);
      assert.match(out, /slow-trap\.sh\s+S=+x\s+SIGTERM (from pid 1( at \+\d+ ms)? \(handler ran\)|forwarded)/, `the shell got SIGTERM from usher: ${out}`);
      assert.match(out, /error\s+slow-shutdown\n\s+pid \d+ \(\/bin\/sh \S+slow-trap\.sh\) caught SIGTERM and was still shutting down .*waiting for pid \d+ \(sleep 4\), which it started/, out);
      assert.equal(result.code, 1, out);
    }
  });
}

test('every forced verdict names the process that held the stop, even one no other finding explains', T, async () => {
  // A shell in a session of its own that traps SIGTERM and goes on: usher's
  // group forwarding does not reach it, its drain does, and it keeps running.
  // It says Start itself once its trap is set: the stop comes after that, never before it exists.
  const stubborn = 'trap "echo not now" TERM; echo Start; while :; do sleep 0.2; done';
  for (const options of [{}, POLLING]) {
    const { report, result } = await doctorJson([USHER, '--', 'sh', '-c', `setsid sh -c '${stubborn}' & wait`], UP, options);
    const why = describe(report, result);
    assert.equal(report.verdict, 'forced', why);
    const held = report.findings.find((f) => /pid \d+ \(sh -c trap/.test(f.message));
    assert.ok(held, `a finding names the stubborn shell: ${why}`);
  }
});

test('the tracing instance is removed on every way out: a finished run, an interrupted one, and a SIGKILLed one (by the next run)', T, async () => {
  assert.deepEqual(doctorInstances(), [], 'no doctor instance before the test');
  await doctor(['--grace', '1s', '--', 'sleep', '1000']);
  assert.deepEqual(doctorInstances(), [], 'after a finished run');
  assert.deepEqual(doctorMounts(), [], 'the doctor unmounted the tracefs it mounted');

  for (const signal of ['SIGINT', 'SIGKILL'] as const) {
    const child = spawn(process.execPath, [USHER, 'doctor', '--grace', '60s', '--settle', '60s', '--', 'sleep', '1000'], { cwd: FIXTURES, stdio: 'ignore' });
    const exited = new Promise((resolve) => child.on('close', resolve));
    await eventually(() => doctorInstances().length === 1, { what: 'the running doctor\'s tracing instance' });
    child.kill(signal);
    await exited;
    if (signal === 'SIGKILL') {
      // Nothing runs in a SIGKILLed process: the next doctor removes what it left.
      assert.equal(doctorInstances().length, 1, 'a SIGKILLed doctor leaves its instance');
      await doctor(['--grace', '1s', '--', 'sleep', '1000']);
    }
    assert.deepEqual(doctorInstances(), [], `after ${signal}`);
    assert.deepEqual(doctorMounts(), [], `no tracefs mount left after ${signal}`);
  }
});

test('the timeline parser: kernel trace lines to signals with sender, outcome and delivery', async () => {
  const { parseTrace } = await import('../../src/doctor/kernel-trace.js');
  const trace = [
    '# entries-in-buffer/entries-written: 6/6   #P:2',
    '            node-100    (    100) [001] d..1.   10.000000: signal_generate: sig=15 errno=0 code=0 comm=node pid=200 grp=1 res=0',
    '            node-200    (    200) [000] d..1.   10.002000: signal_deliver: sig=15 errno=0 code=0 sa_handler=18b68a0 sa_flags=14000000',
    '            node-200    (    200) [000] d..2.   10.003000: signal_generate: sig=15 errno=0 code=0 comm=my app pid=300 grp=1 res=0',
    '          my app-300    (    300) [000] d..1.   10.004000: signal_deliver: sig=9 errno=0 code=0 sa_handler=0 sa_flags=0',
    '            bash-400    (    400) [001] d..1.   10.005000: signal_generate: sig=15 errno=0 code=0 comm=sh pid=1 grp=1 res=1',
    '              sh-500    (    500) [001] .....   10.006000: sched_process_fork: comm=sh pid=500 child_comm=sh child_pid=501',
  ].join('\n');
  const events = parseTrace(trace, (s) => s * 1000 - 10_000);
  assert.equal(events.lost, false);
  assert.deepEqual(
    events.signals.map((e) => [e.senderHostPid, e.targetHostPid, e.signal, e.generation, e.delivered?.action, e.delivered?.atMs]),
    [
      [100, 200, 15, 'queued', 'handler', 2],
      [200, 300, 15, 'queued', 'default', 4],
      [400, 1, 15, 'ignored', undefined, undefined],
    ],
  );
  assert.deepEqual(events.processes, [{ atMs: 6, kind: 'fork', hostPid: 501, parentHostPid: 500 }]);
  assert.equal(parseTrace('# entries-in-buffer/entries-written: 5/9   #P:2\n', (s) => s).lost, true);

});
