// Signals sent to usher (PID 1) from outside reach the child or its whole group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, startPid1, type Namespace } from '../helpers/pid1.js';

const T = { timeout: 180_000 };
const PROBE = fixture('signal-probe.mjs');

// Every signal usher forwards as it is (job-control stops and SIGTERM are covered elsewhere).
const FORWARDED = [
  'SIGHUP', 'SIGINT', 'SIGQUIT', 'SIGTRAP', 'SIGABRT', 'SIGUSR1', 'SIGUSR2', 'SIGALRM', 'SIGSTKFLT',
  'SIGCONT', 'SIGURG', 'SIGXCPU', 'SIGXFSZ', 'SIGVTALRM', 'SIGPROF', 'SIGWINCH', 'SIGIO', 'SIGPWR', 'SIGSYS',
] as const;

async function readyPids(ns: Namespace, count: number): Promise<number[]> {
  await ns.stdout.waitForCount(/^ready \d+$/, count);
  return ns.stdout.all.filter((l) => l.startsWith('ready ')).map((l) => Number(l.split(' ')[1]));
}

test('group mode: every catchable signal reaches the child and the grandchild in its group', T, async () => {
  const ns = startPid1(['--', 'node', PROBE, '--children', '1']);
  const pids = await readyPids(ns, 2);
  for (const sig of FORWARDED) {
    ns.signal(sig);
    for (const pid of pids) await ns.stdout.waitFor(`${sig} ${pid}`);
  }
  ns.signal('SIGTERM');
  for (const pid of pids) await ns.stdout.waitFor(`SIGTERM ${pid}`);
  const exit = await ns.exited;
  assert.equal(exit.code, 0);
  for (const sig of FORWARDED) {
    assert.equal(ns.stdout.all.filter((l) => l.startsWith(`${sig} `)).length, 2, `${sig} delivered exactly once to each`);
  }
});

test('single-child mode (-c): signals reach the direct child only', T, async () => {
  const ns = startPid1(['-c', '--', 'node', PROBE, '--children', '1']);
  const [parent, grandchild] = await readyPids(ns, 2);
  ns.signal('SIGUSR1');
  await ns.stdout.waitFor(`SIGUSR1 ${parent}`);
  // Barrier: had usher signalled the group, the grandchild's SIGUSR1 would have
  // been pending before this SIGUSR2, and lower-numbered signals go first.
  process.kill(ns.hostPid(grandchild as number), 'SIGUSR2');
  await ns.stdout.waitFor(`SIGUSR2 ${grandchild}`);
  assert.ok(!ns.stdout.all.includes(`SIGUSR1 ${grandchild}`), 'grandchild must not get SIGUSR1');
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.equal(exit.code, 0);
});

test('DUMB_INIT_SETSID=0 means single-child mode too', T, async () => {
  const ns = startPid1(['-v', '--', 'node', PROBE], { env: { DUMB_INIT_SETSID: '0' } });
  await readyPids(ns, 1);
  ns.signal('SIGHUP');
  await ns.stdout.waitFor('SIGHUP');
  ns.signal('SIGTERM');
  await ns.exited;
  assert.match(ns.stderr.text, /forwarded SIGHUP to pid \d+/);
});

test('--rewrite turns one signal into another and 0 drops it; names and numbers both work', T, async () => {
  const ns = startPid1(['-r', 'USR1:USR2', '--rewrite=10:12', '-r', 'SIGHUP:0', '-r', '28:0', '-v', '--', 'node', PROBE]);
  const [pid] = await readyPids(ns, 1);
  ns.signal('SIGUSR1');
  await ns.stdout.waitFor(`SIGUSR2 ${pid}`);
  ns.signal('SIGHUP');
  ns.signal('SIGWINCH');
  // Barrier: a signal that is not rewritten, sent after the dropped ones.
  ns.signal('SIGALRM');
  await ns.stdout.waitFor(`SIGALRM ${pid}`);
  ns.signal('SIGTERM');
  await ns.exited;
  assert.ok(!ns.stdout.all.some((l) => /^SIG(USR1|HUP|WINCH) /.test(l)), ns.stdout.text);
  assert.match(ns.stderr.text, /rewriting SIGUSR1 to SIGUSR2/);
  assert.match(ns.stderr.text, /dropping SIGHUP \(rewritten to 0\)/);
});

test('a rewritten stop signal: TERM:QUIT reaches the app as SIGQUIT', T, async () => {
  const ns = startPid1(['-r', 'TERM:QUIT', '--', 'node', PROBE, '--exit-on', 'SIGQUIT']);
  const [pid] = await readyPids(ns, 1);
  ns.signal('SIGTERM');
  await ns.stdout.waitFor(`SIGQUIT ${pid}`);
  assert.equal((await ns.exited).code, 0);
  assert.ok(!ns.stdout.all.some((l) => l.startsWith('SIGTERM')));
});

test('--verbose logs received, forwarded and reaped events with the [usher] prefix', T, async () => {
  // The inner sh leaves an orphan (sleep 0.2) that usher must reap.
  const script = `sh -c 'sleep 0.2 &'; exec node ${PROBE} --exit-on SIGUSR1`;
  const ns = startPid1(['--verbose', '--', 'sh', '-c', script]);
  await readyPids(ns, 1);
  await ns.stderr.waitFor(/reaped pid \d+, which exited with code 0/);
  ns.signal('SIGUSR1');
  const exit = await ns.exited;
  assert.equal(exit.code, 0);
  const log = ns.stderr.text;
  assert.match(log, /^\[usher\] started pid \d+: sh -c/m);
  assert.match(log, /^\[usher\] received SIGUSR1$/m);
  assert.match(log, /^\[usher\] forwarded SIGUSR1 to process group \d+$/m);
  assert.match(log, /^\[usher\] main process \d+ exited with code 0$/m);
  for (const line of ns.stderr.all) assert.match(line, /^\[usher\] /);
});
