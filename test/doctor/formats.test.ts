// `usher doctor --format sarif|github` for the static checks, as CI runs it:
// SARIF 2.1.0 valid against the published schema, one rule per finding id;
// GitHub workflow commands escaped as GitHub reads them; --json unchanged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { doctor, parseReport, ROOT } from './helpers.js';
import { renderGithub } from '../../src/doctor/formats.js';
import type { DoctorReport } from '../../src/doctor/report.js';

const SAMPLES = `${ROOT}test/doctor/samples/`;

/**
 * The SARIF 2.1.0 schema as Microsoft's SARIF SDK ships it (draft-04, the
 * 2.1.0 release's rtm.5). Ajv 8 reads draft-07: in this schema the two differ
 * only in the name of the id keyword.
 */
function sarifValidator() {
  const require = createRequire(import.meta.url);
  const schema = JSON.parse(readFileSync(require.resolve('@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')) as Record<string, unknown>;
  const { $schema: _draft, id, ...rest } = schema;
  // One of its patterns is not valid with the u flag (a stray `]`): the schema was written for plain RegExps.
  const ajv = new Ajv({ allErrors: true, strict: false, unicodeRegExp: false });
  ajv.addFormat('uri', (s: string) => URL.canParse(s));
  ajv.addFormat('uri-reference', (s: string) => URL.canParse(s, 'file:///'));
  ajv.addFormat('date-time', (s: string) => !Number.isNaN(Date.parse(s)));
  return ajv.compile({ ...rest, $id: id as string });
}

interface SarifLog {
  version: string;
  runs: {
    tool: { driver: { name: string; rules: { id: string; help: { text: string }; shortDescription: { text: string } }[] } };
    results: { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations?: { physicalLocation: { artifactLocation: { uri: string }; region?: { startLine: number } } }[] }[];
  }[];
}

test('--format sarif: SARIF 2.1.0 that validates, one rule per finding id with its help, results with file, line and level', async () => {
  const r = await doctor(['--format', 'sarif', '--dockerfile', 'test/doctor/samples/docker-keep-alive/Dockerfile', '--kubernetes', 'test/doctor/samples/kubernetes/real-world.yaml'], { cwd: ROOT });
  assert.equal(r.code, 1, `an error finding: exit 1\n${r.stderr}`);
  const log = JSON.parse(r.stdout) as SarifLog;
  const validate = sarifValidator();
  assert.ok(validate(log), JSON.stringify(validate.errors, null, 2));
  const run = log.runs[0];
  assert.ok(run);
  assert.equal(log.version, '2.1.0');
  assert.equal(run.tool.driver.name, 'usher doctor');
  const ids = run.tool.driver.rules.map((rule) => rule.id);
  assert.deepEqual(ids, [...new Set(ids)], 'one rule per id');
  assert.deepEqual([...ids].sort(), [...new Set(run.results.map((x) => x.ruleId))].sort());
  for (const rule of run.tool.driver.rules) assert.ok(rule.help.text.length > 40 && rule.shortDescription.text.length > 5, rule.id);
  const trap = run.results.find((x) => x.ruleId === 'trap-without-wait');
  assert.ok(trap);
  assert.equal(trap.level, 'error');
  assert.equal(run.tool.driver.rules[trap.ruleIndex]?.id, 'trap-without-wait');
  assert.deepEqual(trap.locations?.[0]?.physicalLocation, { artifactLocation: { uri: 'test/doctor/samples/docker-keep-alive/start.sh' }, region: { startLine: 16 } });
  assert.match(trap.message.text, /\nFix: apache2ctl -D FOREGROUND & wait \$!/);
  const levels = new Set(run.results.map((x) => x.level));
  assert.deepEqual([...levels].sort(), ['error', 'note', 'warning']);
});

test('--format github: one workflow command per finding, escaped as GitHub reads them', async () => {
  const r = await doctor(['--format', 'github', '--kubernetes', 'test/doctor/samples/kubernetes/real-world.yaml'], { cwd: ROOT });
  assert.equal(r.code, 1);
  const lines = r.stdout.trimEnd().split('\n');
  assert.equal(lines.length, 4, r.stdout);
  assert.match(lines[0] ?? '', /^::notice file=test\/doctor\/samples\/kubernetes\/real-world\.yaml,line=24,title=usher doctor%3A prestop-duration-unknown::Deployment web, container nginx: /);
  assert.match(lines[1] ?? '', /^::warning file=[^:]*,line=29,title=[^:]*::.*%0AFix: command: \["sh","-c","trap 'exit 0' TERM; tail -f \/dev\/null & wait"\]$/);
  assert.match(lines[3] ?? '', /^::error file=/);

  // Escaping, per GitHub's rules: % \r \n in the message; also : and , in properties.
  const report: DoctorReport = {
    verdict: null,
    durationMs: null,
    exitCode: null,
    mode: 'static',
    processes: [],
    findings: [{ id: 'no-init', severity: 'warning', message: '100% sure:\r\nsecond line, with a comma', fix: 'a: b', file: 'dir,with:odd%name/Dockerfile', line: 3 }],
  };
  assert.equal(renderGithub(report), '::warning file=dir%2Cwith%3Aodd%25name/Dockerfile,line=3,title=usher doctor%3A no-init::100%25 sure:%0D%0Asecond line, with a comma%0AFix: a: b\n');
  // Any other control character (a process's own command line quoted) is written out, never sent to the terminal.
  const hostile: DoctorReport = { ...report, findings: [{ id: 'no-init', severity: 'error', message: 'pid 7 (x\x1b[2J\x07y)', fix: 'f', file: 'Dockerfile', line: 1 }] };
  assert.equal(renderGithub(hostile), '::error file=Dockerfile,line=1,title=usher doctor%3A no-init::pid 7 (x\\x1b[2J\\x07y)%0AFix: f\n');
});

test('--json is the same report as before, without the edits; --format json is --json; formats and --context are checked', async () => {
  const args = ['--dockerfile', 'test/doctor/samples/docker-functions/Dockerfile.app'];
  const json = await doctor(['--json', ...args], { cwd: ROOT });
  const report = parseReport(json); // validated against schema/doctor-report.schema.json
  assert.ok(report.findings.length > 0);
  assert.ok(report.findings.every((f) => !('edit' in f)), 'no edit in --json');
  assert.equal((await doctor(['--format', 'json', ...args], { cwd: ROOT })).stdout, json.stdout);
  const bad = await doctor(['--format', 'xml', ...args], { cwd: ROOT });
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /--format expects text, json, sarif or github; got "xml"/);
  const two = await doctor(['--json', '--format', 'sarif', ...args], { cwd: ROOT });
  assert.equal(two.code, 2);
  assert.match(two.stderr, /two output formats given/);
  const lone = await doctor(['--context', '.', '--kubernetes', 'test/doctor/samples/kubernetes/good.yaml'], { cwd: ROOT });
  assert.equal(lone.code, 2);
  assert.match(lone.stderr, /--context goes with --dockerfile/);
  // An interpreter as PID 1 in a Dockerfile and in a manifest: the pointer to a run is said once.
  const twice = await doctor(['--json', '--dockerfile', 'test/doctor/samples/docker-reapers/Dockerfile.python', '--kubernetes', 'test/doctor/samples/kubernetes/real-world.yaml'], { cwd: ROOT });
  assert.equal(parseReport(twice).findings.filter((f) => f.id === 'signal-handler-unknown').length, 1);
  // --context reads the script the Dockerfile copies from the repository root.
  const context = await doctor(['--json', '--dockerfile', `${SAMPLES}docker-context/docker/Dockerfile`, '--context', `${SAMPLES}docker-context`], { cwd: ROOT });
  assert.deepEqual(parseReport(context).findings.map((f) => f.id), ['no-init', 'shell-form-cmd']);
});

test('--help names the formats, --context and the CI recipe', async () => {
  const help = await doctor(['--help']);
  for (const needle of ['--format FORMAT', 'sarif', 'github', '--context DIR', 'docs/doctor-static.md']) assert.ok(help.stdout.includes(needle), needle);
});
