// usher doctor on real processes in a real PID namespace: the founding
// article's three cases and their usher fixes, and one fixture per finding.
// Graces are short (2 s) to keep the suite quick; every wait is bounded by
// the doctor's own run (and the helper's limit), never by a timed assertion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { eventually } from '../helpers/eventually.js';
import { childCommands, describe, DOCTOR_FIXTURES, doctor, doctorJson, FIXTURES, ids, parseReport, startDoctor } from './helpers.js';

const USHER = `${FIXTURES}../../bin/usher`;
const T = { timeout: 90_000 };
/** Stop once the seed app says it is up (its handlers are installed by then). */
const UP = ['--ready', 'log:^Start \\.\\.\\.'];

test('case 1, the app as PID 1 with a SIGTERM handler: graceful, exit 0, no findings', T, async () => {
  const { report, result } = await doctorJson(['node', 'seed-app.mjs'], UP);
  const why = describe(report, result);
  assert.equal(report.verdict, 'graceful', why);
  assert.equal(report.mode, 'pid-namespace', why);
  assert.equal(report.exitCode, 0, why);
  assert.deepEqual(ids(report), [], why);
  assert.equal(result.code, 0, why);
  const pid1 = report.processes[0];
  assert.equal(pid1?.pid, 1, why);
  assert.ok(pid1?.catches.includes('SIGTERM'), why);
  assert.equal(pid1?.outcome, 'exited', why);
  assert.match(result.stderr, /Shutdown ~/, 'the app\'s own output goes to stderr');
});

test('case 1 without a handler (sleep as PID 1): the kernel drops SIGTERM: forced, 137, pid1-no-handler', T, async () => {
  const { report, result } = await doctorJson(['sleep', '1000']);
  const why = describe(report, result);
  assert.equal(report.verdict, 'forced', why);
  assert.equal(report.exitCode, 137, why);
  assert.deepEqual(ids(report), ['pid1-no-handler'], why);
  assert.equal(report.processes[0]?.outcome, 'killed', why);
  assert.equal(result.code, 1, why);
});

test('case 2, run.sh as PID 1: forced after the grace period, 137, the app SIGKILLed, shell-does-not-forward', T, async () => {
  const { report, result } = await doctorJson(['./run.sh'], UP);
  const why = describe(report, result);
  assert.equal(report.verdict, 'forced', why);
  assert.equal(report.exitCode, 137, why);
  assert.equal(report.durationMs, 2000, why);
  assert.deepEqual(ids(report), ['shell-does-not-forward'], why);
  const app = report.processes.find((p) => p.command.includes('seed-app.mjs'));
  assert.equal(app?.outcome, 'killed', why);
  assert.equal(app?.signal, 'SIGKILL', why);
  assert.ok(app?.catches.includes('SIGTERM'), `the app could have stopped: ${why}`);
  assert.doesNotMatch(result.stderr, /Shutdown ~/, why);
  assert.equal(result.code, 1, why);
});

test('case 2 fixed with usher as PID 1 (run.sh unmodified): graceful, no findings', T, async () => {
  const { report, result } = await doctorJson([USHER, '--', './run.sh'], UP);
  const why = describe(report, result);
  assert.equal(report.verdict, 'graceful', why);
  assert.deepEqual(ids(report), [], why);
  // sh died of the SIGTERM usher forwarded to its group: 128 + 15.
  assert.equal(report.exitCode, 143, why);
  assert.ok(report.processes.every((p) => p.outcome === 'exited'), why);
  assert.match(result.stderr, /Shutdown ~/, why);
  assert.equal(result.code, 0, why);
});

test('case 3, dumb-init -- trap.sh (the article\'s fix): graceful', T, async () => {
  const { report, result } = await doctorJson(['dumb-init', '--', './trap.sh'], UP);
  const why = describe(report, result);
  assert.equal(report.verdict, 'graceful', why);
  assert.deepEqual(ids(report), [], why);
  assert.equal(report.exitCode, 0, why);
  assert.equal(result.code, 0, why);
});

test('case 3 with usher instead of dumb-init: graceful', T, async () => {
  const { report, result } = await doctorJson([USHER, '--', './trap.sh'], UP);
  const why = describe(report, result);
  assert.equal(report.verdict, 'graceful', why);
  assert.deepEqual(ids(report), [], why);
});

test('trap.sh as PID 1 itself: its trap waits for the app, forced, shell-does-not-forward', T, async () => {
  const { report, result } = await doctorJson(['./trap.sh'], UP);
  const why = describe(report, result);
  assert.equal(report.verdict, 'forced', why);
  assert.deepEqual(ids(report), ['shell-does-not-forward'], why);
  assert.ok(report.processes[0]?.catches.includes('SIGTERM'), why);
  assert.match(report.findings[0]?.message ?? '', /trap/, why);
});

test('tini without -g running trap.sh: single-child-forwarding names the app that never got SIGTERM', T, async () => {
  const { report, result } = await doctorJson(['tini', '--', './trap.sh'], UP);
  const why = describe(report, result);
  assert.equal(report.verdict, 'forced', why);
  assert.deepEqual(ids(report), ['single-child-forwarding'], why);
  assert.match(report.findings[0]?.message ?? '', /seed-app\.mjs/, why);
  assert.match(report.findings[0]?.fix ?? '', /tini -g/, why);
});

test('tini -g running trap.sh: the whole group gets SIGTERM, graceful', T, async () => {
  const { report, result } = await doctorJson(['tini', '-g', '--', './trap.sh'], UP);
  const why = describe(report, result);
  assert.equal(report.verdict, 'graceful', why);
  assert.deepEqual(ids(report), [], why);
});

test('an app that ignores SIGTERM (under usher): forced after the grace period, and named', T, async () => {
  const { report, result } = await doctorJson([USHER, '--', `${DOCTOR_FIXTURES}ignore-term.sh`], ['--ready', 'log:^ready$']);
  const why = describe(report, result);
  assert.equal(report.verdict, 'forced', why);
  assert.deepEqual(ids(report), ['ignores-signal'], why);
  const sleeper = report.processes.find((p) => p.command === 'sleep 1000');
  assert.ok(sleeper?.ignores.includes('SIGTERM'), why);
  assert.equal(sleeper?.outcome, 'killed', why);
  assert.match(report.findings[0]?.message ?? '', /sleep 1000.*ignores SIGTERM/, why);
  assert.equal(report.findings[0]?.severity, 'error', why);
});

test('a slow app (3 s shutdown, 2 s grace): forced, slow-shutdown says how long it needed and what grace fits', T, async () => {
  const { report, result } = await doctorJson(['node', `${DOCTOR_FIXTURES}slow-shutdown.mjs`], UP, { env: { SLOW_MS: '3000' } });
  const why = describe(report, result);
  assert.equal(report.verdict, 'forced', why);
  assert.equal(report.exitCode, 137, why);
  assert.deepEqual(ids(report), ['slow-shutdown'], why);
  const f = report.findings[0];
  assert.match(f?.message ?? '', /needed 3(\.\d)? s/, why);
  assert.match(f?.fix ?? '', /docker stop -t [45]\b/, why);
});

test('a zombie factory: zombies counted, PID 1 named as the one that does not reap', T, async () => {
  const { report, result } = await doctorJson([`${DOCTOR_FIXTURES}zombie-factory.sh`]);
  const why = describe(report, result);
  assert.ok(ids(report).includes('zombies'), why);
  const f = report.findings.find((x) => x.id === 'zombies');
  assert.match(f?.message ?? '', /^3 zombies/, why);
  assert.match(f?.message ?? '', /sleep 1000/, why);
});

test('npm start as PID 1: package-manager-pid1, and the app it leaves behind', T, async () => {
  const { report, result } = await doctorJson(['npm', 'start'], UP, { cwd: `${DOCTOR_FIXTURES}npm-app`, env: { npm_config_update_notifier: 'false', npm_config_loglevel: 'error' } });
  const why = describe(report, result);
  assert.ok(ids(report).includes('package-manager-pid1'), why);
  assert.equal(report.findings.find((f) => f.id === 'package-manager-pid1')?.severity, 'error', why);
  assert.notEqual(result.code, 0, why);
});

test('the subreaper fallback (USHER_DOCTOR_NO_NAMESPACE=1): same verdicts for case 2 and its fix, mode says so', T, async () => {
  const env = { USHER_DOCTOR_NO_NAMESPACE: '1' };
  const bad = await doctorJson(['./run.sh'], UP, { env });
  assert.equal(bad.report.mode, 'subreaper', describe(bad.report, bad.result));
  assert.equal(bad.report.verdict, 'forced', describe(bad.report, bad.result));
  assert.deepEqual(ids(bad.report), ['shell-does-not-forward'], describe(bad.report, bad.result));
  const good = await doctorJson([USHER, '--', './run.sh'], UP, { env });
  assert.equal(good.report.mode, 'subreaper', describe(good.report, good.result));
  assert.equal(good.report.verdict, 'graceful', describe(good.report, good.result));
  assert.deepEqual(ids(good.report), [], describe(good.report, good.result));
  const text = await doctor(['--grace', '2s', ...UP, '--', './run.sh'], { env });
  assert.match(text.stdout, /weaker verdict/);
});

test('subreaper fallback: an app without a handler is still reported as PID 1 would fare', T, async () => {
  const { report, result } = await doctorJson(['sleep', '1000'], [], { env: { USHER_DOCTOR_NO_NAMESPACE: '1' } });
  const why = describe(report, result);
  assert.equal(report.mode, 'subreaper', why);
  assert.equal(report.verdict, 'forced', why);
  assert.deepEqual(ids(report), ['pid1-no-handler'], why);
});

test('--ready log:REGEX waits for the line, and --signal picks the stop signal', T, async () => {
  const { report, result } = await doctorJson(['node', 'seed-app.mjs'], ['--ready', 'log:^Start'], {});
  assert.match(result.stderr, /Shutdown ~/);
  assert.equal(report.verdict, 'graceful', describe(report, result));
  const r2 = await doctor(['--json', '--grace', '2s', '--signal', 'SIGINT', ...UP, '--', 'node', 'seed-app.mjs']);
  const rep2 = parseReport(r2);
  assert.equal(rep2.verdict, 'graceful', describe(rep2, r2));
  assert.match(r2.stderr, /receive system signal: interrupt/);
});

test('a command that exits by itself, or does not exist: the check could not run (exit 2, reason given)', T, async () => {
  const exits = await doctorJson(['sh', '-c', 'echo bye']);
  assert.equal(exits.report.verdict, 'error', describe(exits.report, exits.result));
  assert.equal(exits.result.code, 2);
  assert.match(exits.report.findings[0]?.message ?? '', /exited by itself|at once/);
  const missing = await doctorJson(['/nonexistent/app']);
  assert.equal(missing.report.verdict, 'error');
  assert.equal(missing.result.code, 2);
});

test('usage errors exit 2 with a pointer to --help; --help teaches with examples', T, async () => {
  const none = await doctor([]);
  assert.equal(none.code, 2);
  assert.match(none.stderr, /nothing to check/);
  const both = await doctor(['--settle', '1s', '--ready', 'tcp:80', '--', 'true']);
  assert.equal(both.code, 2);
  const help = await doctor(['--help']);
  assert.equal(help.code, 0);
  assert.match(help.stdout, /Examples:/);
  assert.match(help.stdout, /usher doctor -- \.\/run\.sh/);
});

test('a tree that never settles (a loop of short commands) is stopped anyway, and the report says so', T, async () => {
  // A new process every 100 ms, each living 1 s, against a 1 s settle: every
  // poll sees several, and a new one among them, however late it comes on a
  // loaded machine.
  const result = await doctor(['--grace', '2s', '--settle', '1s', '--', 'sh', '-c', 'trap "exit 0" TERM; while :; do sleep 1 & sleep 0.1; done']);
  assert.match(result.stdout, /^graceful in \d+ ms/m, result.stdout);
  assert.match(result.stdout, /note: the tree never settled/, result.stdout);
  assert.equal(result.code, 0, result.stdout);
});

test('a doctor that is SIGKILLed leaves nothing running: unshare and the whole namespace die with it', T, async () => {
  // A token no other process has: the app is found by its command line.
  const token = `31337.${process.pid}${Date.now() % 1000}`;
  /** Processes whose command line has the token: the doctor, unshare, sh (the namespace's PID 1) and sleep. */
  const withToken = (exactArg = false) =>
    readdirSync('/proc')
      .filter((name) => /^\d+$/.test(name))
      .filter((pid) => {
        try {
          const argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
          return exactArg ? argv.includes(token) : argv.some((arg) => arg.includes(token));
        } catch {
          return false; // gone meanwhile
        }
      })
      .map(Number);
  const child = spawn(process.execPath, [USHER, 'doctor', '--grace', '60s', '--settle', '60s', '--', 'sh', '-c', `sleep ${token} & wait`], {
    stdio: 'ignore',
  });
  const exited = new Promise((resolve) => child.on('close', resolve));
  try {
    await eventually(() => withToken(true).length === 1, { what: `the doctor's command running (sleep ${token})` });
    child.kill('SIGKILL');
    await exited;
    await eventually(() => withToken(), { holds: (pids) => pids.length === 0, what: 'every process the doctor started gone after its SIGKILL' });
  } finally {
    child.kill('SIGKILL');
    for (const pid of withToken()) process.kill(pid, 'SIGKILL');
  }
});

/** Pids whose command line is exactly argv (from /proc). */
function pidsRunning(argv: string[]): number[] {
  const want = `${argv.join('\0')}\0`;
  return readdirSync('/proc')
    .filter((e) => /^\d+$/.test(e))
    .filter((e) => {
      try {
        return readFileSync(`/proc/${e}/cmdline`, 'utf8') === want;
      } catch {
        return false;
      }
    })
    .map(Number);
}

test('subreaper fallback interrupted by SIGHUP (the terminal hung up): the doctor kills the command before it exits', T, async (t) => {
  // A duration no other process uses: the command is found by it in /proc.
  const command = ['sleep', `${600 + (process.pid % 300)}.${Date.now() % 100_000}`];
  t.after(() => {
    for (const pid of pidsRunning(command)) process.kill(pid, 'SIGKILL');
  });
  const d = startDoctor(['--grace', '60s', '--settle', '200ms', '--', ...command], { env: { USHER_DOCTOR_NO_NAMESPACE: '1' } });
  await eventually(() => childCommands(d.pid).includes(command.join(' ')), { what: `the doctor running ${command.join(' ')}` });
  d.kill('SIGHUP');
  const exit = await d.exited;
  assert.deepEqual(exit, { code: 130, signal: null }, d.stderr.text);
  assert.match(d.stderr.text, /interrupted by SIGHUP; everything it started was stopped: every process of the run, killed/);
  await eventually(() => pidsRunning(command).length === 0, { what: `${command.join(' ')} gone` });
});
