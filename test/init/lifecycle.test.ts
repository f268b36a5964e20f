// What happens around the main child's end: leftovers are drained and named,
// --stop-timeout ends a hung shutdown, --stop-delay holds SIGTERM, and usher
// never strands children when it fails itself.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, ROOT, startPid1, USHER } from '../helpers/pid1.js';

const T = { timeout: 180_000 };
const PROBE = fixture('signal-probe.mjs');

test('main child exits: leftovers that honour SIGTERM stop gracefully and nothing is named', T, async () => {
  // The script starts a background probe and exits at once.
  // The script exits as soon as its background probe says it is listening.
  const ns = startPid1(['--', 'sh', '-c', `trap 'exit 7' USR2; node ${PROBE} --notify-parent & wait`]);
  await ns.stdout.waitFor(/^ready \d+$/);
  const exit = await ns.exited;
  assert.equal(exit.code, 7, 'exit status is the main child\'s');
  assert.match(ns.stdout.text, /^SIGTERM \d+$/m, 'the leftover got SIGTERM');
  assert.equal(ns.stderr.text, '');
});

test('main child exits: a leftover that ignores SIGTERM is SIGKILLed after --drain-timeout and named', T, async () => {
  const started = Date.now();
  const ns = startPid1(['--drain-timeout', '1', '--', 'sh', '-c', `trap 'exit 3' USR2; node ${PROBE} --ignore SIGTERM --notify-parent & wait`]);
  await ns.stdout.waitFor(/^ready \d+$/);
  const exit = await ns.exited;
  const elapsed = Date.now() - started;
  assert.equal(exit.code, 3);
  assert.match(ns.stdout.text, /^ignored SIGTERM \d+$/m);
  assert.match(
    ns.stderr.text,
    /^\[usher\] killed pid \d+ \(node .*signal-probe\.mjs --ignore SIGTERM --notify-parent\): still running 1s after the main process exited \(--drain-timeout\)$/m,
  );
  assert.ok(elapsed >= 1000, `usher waited the drain timeout (${elapsed} ms)`);
});

test('main child exits: a leftover still exiting (main thread gone, another thread finishing) is waited for until reaped', T, async () => {
  // /proc shows such a process as a zombie, but it cannot be reaped until its
  // last thread ends; usher exiting before that has the kernel kill that thread.
  const py = [
    'import ctypes, os, signal, threading, time',
    // Ignored: the SIGTERM usher sends what is left of the group must not end it early.
    'signal.signal(signal.SIGTERM, signal.SIG_IGN)',
    'def finish():',
    '    time.sleep(0.5)',
    "    os.write(1, b'last thread done\\n')",
    '    os._exit(0)',
    'threading.Thread(target=finish).start()',
    'ctypes.CDLL(None).pthread_exit(None)',
  ].join('\n');
  // The script exits once the leftover reads as a zombie, its thread still running.
  const script = 'python3 -c "$0" & p=$!; while [ "$(cut -d" " -f3 /proc/$p/stat)" != Z ]; do sleep 0.01; done';
  const ns = startPid1(['--', 'sh', '-c', script, py]);
  const exit = await ns.exited;
  assert.equal(exit.code, 0, ns.stderr.text);
  assert.match(ns.stdout.text, /^last thread done$/m, 'usher exited before its leftover had ended: the kernel killed the last thread');
});

test('--drain-timeout 0 exits at once, as dumb-init does', T, async () => {
  const ns = startPid1(['--drain-timeout', '0', '--', 'sh', '-c', `trap 'exit 4' USR2; node ${PROBE} --ignore SIGTERM --notify-parent & wait`]);
  await ns.stdout.waitFor(/^ready \d+$/);
  const exit = await ns.exited;
  assert.equal(exit.code, 4);
  assert.equal(ns.stderr.text, '');
});

test('--stop-timeout: processes still running after SIGTERM are SIGKILLed and named; exit 137', T, async () => {
  const ns = startPid1(['--stop-timeout', '1', '--', 'node', PROBE, '--ignore', 'SIGTERM', '--children', '1']);
  await ns.stdout.waitForCount(/^ready \d+$/, 2);
  const sent = Date.now();
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  const elapsed = Date.now() - sent;
  assert.equal(exit.code, 137, 'main child killed by SIGKILL: 128+9');
  const named = ns.stderr.all.filter((l) =>
    /^\[usher\] pid \d+ \((\/usr\/bin\/)?node .*signal-probe\.mjs.*\) did not stop within 1s of SIGTERM \(--stop-timeout\); sending SIGKILL$/.test(l),
  );
  assert.equal(named.length, 2, ns.stderr.text);
  // Lower bound exact (taken before the signal); the upper one is Docker's 10 s
  // grace, generous on purpose: the machine is small and shared.
  assert.ok(elapsed >= 1000 && elapsed < 10_000, `stopped after the timeout, before a runtime's SIGKILL (${elapsed} ms)`);
});

test('--stop-timeout does not fire when the app stops in time', T, async () => {
  const ns = startPid1(['--stop-timeout', '5', '--', 'node', PROBE]);
  await ns.stdout.waitFor(/^ready \d+$/);
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.equal(exit.code, 0);
  assert.equal(ns.stderr.text, '');
});

test('--stop-delay holds SIGTERM before forwarding it', T, async () => {
  const ns = startPid1(['--stop-delay', '1.2', '-v', '--', 'node', PROBE]);
  const [pid] = (await ns.stdout.waitFor(/^ready \d+$/)).split(' ').slice(1);
  const sent = Date.now();
  ns.signal('SIGTERM');
  await ns.stdout.waitFor(`SIGTERM ${pid}`);
  // A lower bound only: taken before the signal was sent, it holds on any machine.
  const held = Date.now() - sent;
  assert.ok(held >= 1200, `held for ${held} ms`);
  assert.equal((await ns.exited).code, 0);
  assert.match(ns.stderr.text, /holding SIGTERM for 1\.2s \(--stop-delay\)/);
});

test('--stop-delay: other signals pass at once while SIGTERM is held; a second SIGTERM forwards at once', T, async () => {
  // A delay far longer than any stall of a busy machine, so that "still held"
  // is a fact and not a race; the second SIGTERM ends the test.
  const ns = startPid1(['--stop-delay', '120', '-v', '--', 'node', PROBE]);
  const [pid] = (await ns.stdout.waitFor(/^ready \d+$/)).split(' ').slice(1);
  ns.signal('SIGTERM');
  await ns.stderr.waitFor('holding SIGTERM for 120s (--stop-delay)');
  ns.signal('SIGUSR1');
  await ns.stdout.waitFor(`SIGUSR1 ${pid}`);
  assert.ok(!ns.stdout.all.some((l) => l.startsWith('SIGTERM')), 'SIGTERM still held');
  ns.signal('SIGTERM');
  await ns.stdout.waitFor(`SIGTERM ${pid}`);
  assert.equal((await ns.exited).code, 0);
  const order = ns.stdout.all.filter((l) => /^SIG(USR1|TERM) /.test(l));
  assert.deepEqual(order, [`SIGUSR1 ${pid}`, `SIGTERM ${pid}`]);
});

test('USHER_STOP_TIMEOUT and USHER_STOP_DELAY configure the same from the environment', T, async () => {
  const ns = startPid1(['--', 'node', PROBE, '--ignore', 'SIGTERM'], {
    env: { USHER_STOP_TIMEOUT: '500ms', USHER_STOP_DELAY: '0.2' },
  });
  await ns.stdout.waitFor(/^ready \d+$/);
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.equal(exit.code, 137);
  assert.match(ns.stderr.text, /did not stop within 0\.5s of SIGTERM/);
});

test('an internal error in usher stops the children gracefully and exits 70', T, async () => {
  const ns = startPid1(['--', 'node', PROBE, '--children', '1'], { preload: fixture('fault-injection.cjs') });
  await ns.stdout.waitForCount(/^ready \d+$/, 2);
  ns.signal('SIGUSR2');
  const exit = await ns.exited;
  assert.equal(exit.code, 70);
  assert.match(ns.stderr.text, /^\[usher\] internal error, stopping all processes: Error: fault injected/m);
  assert.equal(ns.stdout.all.filter((l) => /^SIGTERM \d+$/.test(l)).length, 2, 'both probes were asked to stop');
  assert.ok(!ns.stdout.all.some((l) => l.startsWith('SIGUSR2')), 'the failed signal was not half-forwarded');
});

test('no test hook ships: the built package has no fault injection', () => {
  // What package.json's "files" puts in the package from the build.
  const shipped = ['build/bin', 'build/src'].flatMap((dir) =>
    readdirSync(join(ROOT, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile())
      .map((e) => join(e.parentPath, e.name)),
  );
  assert.ok(shipped.some((f) => f.endsWith('usher.cjs')), 'the build is there');
  for (const file of shipped) {
    const text = readFileSync(file, 'latin1');
    for (const hook of ['FAULT_INJECTION', 'fault injected', 'crash-on-sigusr2']) {
      assert.ok(!text.includes(hook), `${file} contains "${hook}"`);
    }
  }
});

test('--stop-timeout is announced to the app as USHER_SHUTDOWN_BUDGET_MS', T, async () => {
  const ns = startPid1(['--stop-timeout', '9', '--', 'sh', '-c', 'echo "budget=$USHER_SHUTDOWN_BUDGET_MS"']);
  await ns.exited;
  assert.deepEqual(ns.stdout.all, ['budget=9000']);
  const none = startPid1(['--', 'sh', '-c', 'echo "budget=${USHER_SHUTDOWN_BUDGET_MS-unset}"']);
  await none.exited;
  assert.deepEqual(none.stdout.all, ['budget=unset']);
});

test('docker stop of a shell script: the app behind it gets SIGTERM once, not again when the shell dies', T, async () => {
  // The shell dies of the forwarded SIGTERM at once, while the app takes its
  // time: a second SIGTERM (usher's "what is left of the group", or the drain)
  // would tell many apps to skip the graceful part.
  const app = `let n = 0; process.on('SIGTERM', () => { console.log('SIGTERM ' + ++n); setTimeout(() => process.exit(0), 800); }); console.log('ready'); setInterval(() => {}, 1e6);`;
  const ns = startPid1(['--', 'sh', '-c', `node -e "${app}"; echo never`]);
  await ns.stdout.waitFor(/^ready$/);
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.deepEqual(ns.stdout.all.filter((l) => l.startsWith('SIGTERM')), ['SIGTERM 1'], ns.stdout.text);
  assert.equal(exit.code, 143, 'the shell was killed by the SIGTERM: 128 + 15');
});

test('a newline in a command line cannot forge usher\'s lines: argv and the killed process\'s command are printed escaped', T, async () => {
  // The leftover renames itself (argv[0]) to text that, printed raw, would end
  // usher's line and start one that reads like usher's own.
  const forgery = 'worker\\n[usher] main process 1 exited with code 0';
  const script =
    `(trap '' TERM; exec -a "$(printf '${forgery}')" sleep 1000) & ` +
    `until [ "$(head -c 6 /proc/$!/cmdline | tr -d '\\000')" = worker ]; do sleep 0.01; done`;
  const ns = startPid1(['-v', '--drain-timeout', '1', '--', 'bash', '-c', script, 'bash', 'arg\n[usher] forged too']);
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.match(ns.stderr.text, /^\[usher\] started pid \d+: bash -c .* bash arg\\n\[usher\] forged too \(/m);
  assert.match(
    ns.stderr.text,
    /^\[usher\] killed pid \d+ \(worker\\n\[usher\] main process 1 exited with code 0 1000\): still running 1s after the main process exited/m,
  );
  assert.deepEqual(ns.stderr.all.filter((l) => !l.startsWith('[usher] ')), [], 'every line is one of usher\'s');
  assert.ok(!ns.stderr.all.some((l) => l.startsWith('[usher] forged') || l.startsWith('[usher] main process 1 exited with code 0 1000')));
});

test('as tini: a newline in the program\'s name is printed escaped in "Spawned child process"', T, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'usher-escape-'));
  try {
    const tini = join(dir, 'tini');
    symlinkSync(USHER, tini);
    const program = join(dir, 'true\n[INFO  tini (1)] forged');
    symlinkSync('/bin/true', program);
    const ns = startPid1(['-vv', '--', program], { argv0: tini });
    assert.equal((await ns.exited).code, 0, ns.stderr.text);
    assert.match(ns.stdout.text, /^\[INFO  tini \(1\)\] Spawned child process '.*\/true\\n\[INFO  tini \(1\)\] forged' with pid '\d+'$/m);
    assert.ok(!ns.stdout.all.some((l) => l.startsWith('[INFO  tini (1)] forged')), ns.stdout.text);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
