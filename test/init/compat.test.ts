// Invoked as dumb-init or tini (through a link), usher behaves as that tool:
// compared side by side with the real Debian binaries where they are installed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fixture, startPid1, USHER } from '../helpers/pid1.js';

const T = { timeout: 180_000 };
const links = { 'dumb-init': '', tini: '' };
let dir = '';

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'usher-compat-'));
  for (const name of Object.keys(links) as (keyof typeof links)[]) {
    links[name] = join(dir, name);
    symlinkSync(USHER, links[name]);
  }
});
after(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

function run(file: string, args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(file, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const real = (name: string) => spawnSync('sh', ['-c', `command -v ${name}`], { encoding: 'utf8' }).stdout.trim();

test('as dumb-init: same exit codes and messages as the real dumb-init', (t) => {
  const dumbInit = real('dumb-init');
  if (!dumbInit) return t.skip('dumb-init is not installed (.ci/run installs it)');
  const cases: string[][] = [
    [],
    ['no-such-program'],
    ['-r', '99:1', 'true'],
    ['-r', 'x', 'true'],
    ['--bogus', 'true'],
    ['-x', 'true'],
    ['-r'],
    ['sh', '-c', 'exit 42'],
    ['sh', '-c', 'kill -TERM $$'],
  ];
  for (const args of cases) {
    const ours = run(links['dumb-init'], args);
    const theirs = run(dumbInit, args);
    assert.equal(ours.code, theirs.code, `exit code of dumb-init ${args.join(' ')}`);
    assert.equal(ours.stderr.replaceAll(links['dumb-init'], 'dumb-init'), theirs.stderr.replaceAll(dumbInit, 'dumb-init'), `stderr of dumb-init ${args.join(' ')}`);
  }
  // dumb-init writes its help and version to stderr.
  assert.match(run(links['dumb-init'], ['--help']).stderr, /^dumb-init v1\.2\.5 \(usher .*\)\nUsage: dumb-init \[option\] command/);
  assert.equal(run(dumbInit, ['-V']).stdout, '');
  assert.equal(run(links['dumb-init'], ['-V']).stdout, '');
  assert.match(run(links['dumb-init'], ['-V']).stderr, /^dumb-init v1\.2\.5/);
});

test('as tini: same exit codes and messages as the real tini', (t) => {
  const tini = real('tini');
  if (!tini) return t.skip('tini is not installed (.ci/run installs it)');
  const cases: string[][] = [
    ['-s', '--', 'no-such-program'],
    ['-s', '--', '/etc/passwd'],
    ['-s', '-e', '3', '--', 'sh', '-c', 'exit 3'],
    ['-s', '--', 'sh', '-c', 'exit 42'],
    ['-s', '--', 'sh', '-c', 'kill -KILL $$'],
    ['-e', '256', 'true'],
    ['-p', 'SIGNOPE', 'true'],
    ['-x', 'true'],
    ['-e'],
    [],
  ];
  const norm = (s: string) => s.replace(/tini \(\d+\)/g, 'tini (PID)').replaceAll(links.tini, 'tini').replaceAll(tini, 'tini');
  for (const args of cases) {
    const ours = run(links.tini, args);
    const theirs = run(tini, args);
    assert.equal(ours.code, theirs.code, `exit code of tini ${args.join(' ')}`);
    assert.equal(norm(ours.stderr), norm(theirs.stderr), `stderr of tini ${args.join(' ')}`);
  }
  // Not PID 1 and not a subreaper: the same three-line warning.
  assert.equal(norm(run(links.tini, ['true']).stderr), norm(run(tini, ['true']).stderr));
  assert.equal(run(links.tini, ['--version']).stdout.split(' (')[0], run(tini, ['--version']).stdout.trim());
});

test('as tini: signals go to the child only by default, to its group with -g', T, async () => {
  const probe = fixture('signal-probe.mjs');
  for (const [args, grandchildGetsIt] of [[[], false], [['-g'], true]] as const) {
    const ns = startPid1([...args, '--', 'node', probe, '--children', '1'], { argv0: links.tini });
    await ns.stdout.waitForCount(/^ready \d+$/, 2);
    const [parent, grandchild] = ns.stdout.all.filter((l) => l.startsWith('ready')).map((l) => l.split(' ')[1]);
    ns.signal('SIGUSR1');
    await ns.stdout.waitFor(`SIGUSR1 ${parent}`);
    if (grandchildGetsIt) await ns.stdout.waitFor(`SIGUSR1 ${grandchild}`);
    else {
      process.kill(ns.hostPid(Number(grandchild)), 'SIGUSR2');
      await ns.stdout.waitFor(`SIGUSR2 ${grandchild}`);
      assert.ok(!ns.stdout.all.includes(`SIGUSR1 ${grandchild}`));
    }
    ns.destroy();
    await ns.exited;
  }
});

test('as dumb-init: group forwarding, and the group gets SIGTERM when the child exits', T, async () => {
  const ns = startPid1(['sh', '-c', `trap 'exit 9' USR2; node ${fixture('signal-probe.mjs')} --notify-parent & wait`], {
    argv0: links['dumb-init'],
  });
  await ns.stdout.waitFor(/^ready \d+$/);
  const exit = await ns.exited;
  assert.equal(exit.code, 9);
  // dumb-init exits at once; the probe may or may not have printed before the
  // kernel took it down with PID 1. What matters: no drain wait, no messages.
  assert.equal(ns.stderr.text, '');
});

test('tini environment: TINI_SUBREAPER, TINI_VERBOSITY, TINI_KILL_PROCESS_GROUP', T, async () => {
  // TINI_SUBREAPER registers usher-as-tini as a subreaper: no warning.
  assert.equal(run(links.tini, ['true'], { TINI_SUBREAPER: '' }).stderr, '');
  // TINI_VERBOSITY=0 silences the warning too; 2 adds INFO lines on stdout, as tini does.
  assert.equal(run(links.tini, ['true'], { TINI_VERBOSITY: '0' }).stderr, '');
  const verbose = run(links.tini, ['-s', '--', 'true'], { TINI_VERBOSITY: '2' });
  assert.match(verbose.stdout, /^\[INFO  tini \(\d+\)\] /m);
  // TINI_KILL_PROCESS_GROUP: signals reach the grandchild too.
  const probe = fixture('signal-probe.mjs');
  const ns = startPid1(['--', 'node', probe, '--children', '1'], { argv0: links.tini, env: { TINI_KILL_PROCESS_GROUP: '1' } });
  await ns.stdout.waitForCount(/^ready \d+$/, 2);
  ns.signal('SIGUSR1');
  await ns.stdout.waitForCount(/^SIGUSR1 \d+$/, 2);
  ns.destroy();
  await ns.exited;
});

test('-l prints the license', () => {
  assert.match(run(USHER, ['-l']).stdout, /MIT License/);
});
