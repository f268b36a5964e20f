// The report as a whole: static checks combined with a run and with each
// other, every --json output valid against the published schema, and the
// text report's parts (verdict line, timeline, exit code, fixes).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, doctor, doctorJson, ids, parseReport, ROOT } from './helpers.js';

const SAMPLES = `${ROOT}test/doctor/samples/`;
const T = { timeout: 90_000 };
const UP = ['--ready', 'log:^Start'];

test('--dockerfile with a run: the run\'s findings and the Dockerfile\'s, each static one with its file and line', T, async () => {
  const { report, result } = await doctorJson(['./run.sh'], [...UP, '--dockerfile', `${SAMPLES}docker-case2/Dockerfile`]);
  const why = describe(report, result);
  assert.equal(report.verdict, 'forced', why);
  assert.ok(ids(report).includes('shell-does-not-forward'), why);
  const script = report.findings.find((f) => f.id === 'script-without-exec');
  assert.ok(script, why);
  assert.match(script.file ?? '', /run\.sh$/, why);
  assert.equal(script.line, 3, why);
  assert.equal(result.code, 1, why);
});

test('--dockerfile and --kubernetes together, no run: mode static, verdict null, schema-valid', T, async () => {
  const result = await doctor(['--json', '--dockerfile', `${SAMPLES}docker-case2/Dockerfile`, '--kubernetes', `${SAMPLES}kubernetes/bad.yaml`]);
  const report = parseReport(result);
  assert.equal(report.mode, 'static');
  assert.equal(report.verdict, null);
  assert.deepEqual(report.processes, []);
  assert.ok(report.findings.some((f) => f.file?.endsWith('Dockerfile') || f.file?.endsWith('run.sh')), describe(report, result));
  assert.ok(report.findings.some((f) => f.file?.endsWith('bad.yaml')), describe(report, result));
  assert.equal(result.code, 1);
});

test('a clean Dockerfile alone: no findings, exit 0', T, async () => {
  const result = await doctor(['--json', '--dockerfile', `${SAMPLES}docker-good-usher/Dockerfile`]);
  const report = parseReport(result);
  assert.deepEqual(report.findings, []);
  assert.equal(result.code, 0);
});

test('a missing Dockerfile: the check could not run, exit 2, the reason in a check-failed finding', T, async () => {
  const result = await doctor(['--json', '--dockerfile', '/nonexistent/Dockerfile']);
  const report = parseReport(result);
  assert.equal(report.verdict, 'error');
  assert.equal(report.findings[0]?.id, 'check-failed');
  assert.match(report.findings[0]?.message ?? '', /no such file/);
  assert.equal(result.code, 2);
});

test('the text report of case 2: verdict line, one timeline row per process, what was SIGKILLed, exit code, the fix', T, async () => {
  const result = await doctor(['--grace', '2s', ...UP, '--', './run.sh']);
  const out = result.stdout;
  assert.match(out, /^forced after 2 s: 2 processes still running/m, out);
  assert.match(out, /mode: pid-namespace/, out);
  assert.match(out, /^\s+1\s+0\s+\/bin\/sh \.\/run\.sh\s+-=+x\s+SIGTERM dropped/m, out);
  assert.match(out, /^\s+\d+\s+1\s+node \.\/seed-app\.mjs\s+=+x\s+no SIGTERM, SIGKILLed at \+2 s/m, out);
  assert.match(out, /SIGKILLed: pid 1 \(\/bin\/sh \.\/run\.sh\), pid \d+ \(node \.\/seed-app\.mjs\)/, out);
  assert.match(out, /exit code the runtime would record: 137/, out);
  assert.match(out, /error\s+shell-does-not-forward/, out);
  assert.match(out, /fix: .*exec/, out);
  assert.equal(result.code, 1);
});

test('the text report of its fix: graceful in N ms', T, async () => {
  const result = await doctor(['--grace', '2s', ...UP, '--', `${ROOT}bin/usher`, '--', './run.sh']);
  assert.match(result.stdout, /^graceful in \d+ ms/m, result.stdout);
  assert.match(result.stdout, /findings: none/, result.stdout);
  assert.equal(result.code, 0);
});

test('a command line with a newline and an escape sequence: the text report shows them escaped, one line each; --json keeps them', T, async (t) => {
  // A program name is what /proc shows as both the process's name and its argv[0].
  const dir = mkdtempSync(join(tmpdir(), 'ud-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const evil = join(dir, 'x\nforged\x1b[2J');
  symlinkSync('/bin/sh', evil);
  const command = ['--grace', '2s', '--', evil, '-c', 'trap "kill $!; exit 0" TERM; sleep 1000 & wait'];
  const shown = 'x\\nforged\\x1b[2J';

  const text = await doctor(command);
  const out = text.stdout;
  assert.doesNotMatch(out, /\x1b/, out);
  assert.doesNotMatch(out, /^forged/m, out);
  assert.ok(out.includes(`ran: ${dir}/${shown} -c `), out);
  assert.ok(out.includes(`PID 1: ${shown} `), out);
  assert.match(out, /^\s+1\s+0\s+\S+\/x\\nforged/m, out);

  const { report, result } = await doctorJson(command.slice(3), command.slice(0, 2));
  assert.ok(report.processes[0]?.command.startsWith(`${evil} -c `), describe(report, result));
});

test('--image with an engine that is not installed: the check could not run, exit 2, and says what to do', T, async (t) => {
  const result = await doctor(['--json', '--image', 'localhost/anything:latest', '--engine', 'docker'], { env: { PATH: '/nonexistent' } });
  const report = parseReport(result);
  t.diagnostic(report.findings[0]?.message ?? '');
  assert.equal(report.verdict, 'error');
  assert.equal(report.mode, 'container');
  assert.match(report.findings[0]?.message ?? '', /docker is not installed/);
  assert.equal(result.code, 2);
});

test('--image refuses a command, --ready and --signal (usage errors, exit 2)', T, async () => {
  for (const args of [['--image', 'x', '--', 'true'], ['--image', 'x', '--ready', 'tcp:80'], ['--image', 'x', '--signal', 'TERM']]) {
    const r = await doctor(args);
    assert.equal(r.code, 2, args.join(' '));
    assert.match(r.stderr, /usher doctor: /, args.join(' '));
  }
});
