// Bad input gets one clear line and a conventional exit code; --help teaches.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { USHER } from '../helpers/pid1.js';

function usher(args: string[], env: NodeJS.ProcessEnv = {}) {
  const r = spawnSync(USHER, args, { encoding: 'utf8', env: { ...process.env, ...env }, timeout: 60_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('no command: usage on stderr, exit 2', () => {
  const r = usher([]);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^usher: no command given: say what to run, e.g. usher -- node server.js\nTry 'usher --help' for more information\.\n$/);
  assert.equal(usher(['--']).code, 2);
});

test('unknown option: named, exit 2', () => {
  const r = usher(['--bogus', 'true']);
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^usher: unknown option --bogus\n/);
  assert.match(usher(['-x', 'true']).stderr, /^usher: unknown option -x\n/);
});

test('malformed values: each says what it expects, exit 2', () => {
  const cases: [string[], RegExp][] = [
    [['-r', 'TERM', 'true'], /-r expects FROM:TO, two signal names or numbers from 1 to 31 \(TO may be 0 to drop the signal\), e.g. -r TERM:QUIT; got "TERM"/],
    [['--rewrite', '99:1', 'true'], /--rewrite expects FROM:TO.*got "99:1"/],
    [['-r', 'TERM:NOPE', 'true'], /got "TERM:NOPE"/],
    [['-e', '256', 'true'], /-e expects an exit code from 0 to 255; got "256"/],
    [['-p', 'SIGFOO', 'true'], /-p expects a signal name or number, like TERM, SIGKILL or 9; got "SIGFOO"/],
    [['--stop-timeout', 'soon', 'true'], /--stop-timeout expects seconds, like 8, 2.5 or 500ms; got "soon"/],
    [['--stop-delay'], /option --stop-delay needs a value \(SECONDS\)/],
    // Beyond what a timer can wait: Node would fire it after 1 ms (an instant SIGKILL).
    [['--stop-timeout', '9999999', 'true'], /--stop-timeout is at most 2147483s \(about 24 days\); got "9999999"/],
    [['--drain-timeout=2147484', 'true'], /--drain-timeout is at most 2147483s/],
  ];
  for (const [args, message] of cases) {
    const r = usher(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, message);
    assert.equal(r.stderr.split('\n').filter(Boolean).length, 2, 'one line and a pointer to --help');
  }
});

test('the longest duration a timer can wait is accepted, from the environment too; one more second is not', () => {
  assert.equal(usher(['--stop-timeout', '2147483', '--', 'true']).code, 0);
  const r = usher(['--', 'true'], { USHER_STOP_DELAY: '2147484' });
  assert.equal(r.code, 2);
  assert.match(r.stderr, /^usher: USHER_STOP_DELAY is at most 2147483s \(about 24 days\); got "2147484"\n/);
});

test('command not found: 127; not executable: 126; with a hint', (t) => {
  const nf = usher(['--', 'no-such-program-here']);
  assert.equal(nf.code, 127);
  assert.match(nf.stderr, /^\[usher\] cannot run no-such-program-here: No such file or directory: check the program name and that it is installed and on PATH\n$/);
  const dir = mkdtempSync(join(tmpdir(), 'usher-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const script = join(dir, 'script.sh');
  writeFileSync(script, '#!/bin/sh\necho hi\n');
  chmodSync(script, 0o644);
  const ne = usher(['--', script]);
  assert.equal(ne.code, 126);
  assert.match(ne.stderr, /cannot run .*script\.sh: Permission denied: the file is not executable \(chmod \+x\)/);
});

test('options stop at the command: its own flags are passed through', () => {
  const r = usher(['-q', 'sh', '-c', 'echo "$@"', 'sh', '-v', '--stop-timeout', 'x']);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '-v --stop-timeout x\n');
});

test('the child inherits stdout, stderr, environment and working directory; no output is lost', () => {
  const r = spawnSync(USHER, ['--', 'sh', '-c', 'echo "out $FOO $(pwd)"; echo err >&2; seq 1 20000 | tail -1'], {
    encoding: 'utf8',
    cwd: '/tmp',
    env: { ...process.env, FOO: 'bar' },
  });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'out bar /tmp\n20000\n');
  assert.equal(r.stderr, 'err\n');
});

test('the child starts with default signal dispositions and an empty mask (Node ignores SIGPIPE)', () => {
  const r = spawnSync(USHER, ['--', 'sh', '-c', 'grep -E "^Sig(Ign|Blk)" /proc/self/status; yes | head -n 2'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0);
  assert.equal(r.stdout, 'SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\ny\ny\n');
  assert.equal(r.stderr, '', 'yes died of SIGPIPE quietly instead of complaining about EPIPE');
});

test('--help teaches: usage, Docker entrypoint, every option group, exit codes', () => {
  const r = usher(['--help']);
  assert.equal(r.code, 0);
  for (const needle of ['Usage: usher [options] [--] command [args...]', 'ENTRYPOINT ["usher", "--"]', '--single-child', '--rewrite', '--stop-timeout', '--stop-delay', '--drain-timeout', 'usher doctor -- COMMAND', 'Exit codes:']) {
    assert.ok(r.stdout.includes(needle), needle);
  }
  assert.match(usher(['-V']).stdout, /^usher \d+\.\d+\.\d+\n$/);
});
