// checkDockerfile on sample Dockerfiles and their scripts: each finding with
// its id, severity, file and exact line; nothing at all on the good ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDockerfile } from '../../src/doctor/static/index.js';
import type { Finding } from '../../src/doctor/types.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SAMPLES = join(ROOT, 'test/doctor/samples');

/** `id severity file:line`, the file relative to the samples directory. */
function summary(findings: Finding[]): string[] {
  return findings.map((f) => `${f.id} ${f.severity} ${relative(SAMPLES, f.file ?? '?')}:${f.line}`);
}

async function check(path: string): Promise<Finding[]> {
  const findings = await checkDockerfile(join(SAMPLES, path));
  for (const f of findings) {
    assert.ok(f.message.length > 20, `${f.id}: a plain explanation`);
    assert.ok(f.fix.length > 5 && !f.fix.includes('\n'), `${f.id}: a one-line fix`);
    assert.equal(typeof f.line, 'number', `${f.id}: a line`);
  }
  return findings;
}

test('good Dockerfiles: usher, an entrypoint that execs "$@", a trap that waits, the official nginx image: no findings', async () => {
  for (const path of ['docker-good-usher/Dockerfile', 'docker-good-trap-wait/Dockerfile', 'docker-good-nginx/Dockerfile']) {
    assert.deepEqual(summary(await check(path)), [], path);
  }
  // Python as PID 1 after the hand-over: only a pointer to a run, which can tell whether it handles SIGTERM.
  assert.deepEqual(summary(await check('docker-good-exec-script/Dockerfile')), ['signal-handler-unknown info docker-good-exec-script/Dockerfile:5']);
});

test("the repo's own examples come out clean (only an info about HEALTHCHECK on the service)", async () => {
  const node = await checkDockerfile(join(ROOT, 'examples/node-app/Dockerfile'));
  assert.deepEqual(node.map((f) => `${f.id} ${f.severity}`), ['no-healthcheck info']);
  assert.deepEqual(await checkDockerfile(join(ROOT, 'examples/shell-script/Dockerfile')), []);
});

test("the article's case 2: run.sh is PID 1 and starts the app without exec", async () => {
  const findings = await check('docker-case2/Dockerfile');
  assert.deepEqual(summary(findings), [
    'no-init warning docker-case2/Dockerfile:10',
    'script-without-exec error docker-case2/run.sh:3',
  ]);
  const f = findings[1] as Finding;
  assert.match(f.message, /run\.sh is PID 1 \(started at .*docker-case2\/Dockerfile:10\) and runs `\.\/go-test`/);
  assert.match(f.fix, /^exec \.\/go-test /);
});

test('shell form: ENTRYPOINT, CMD with single quotes, compound CMD over continuation lines with # escape=`', async () => {
  assert.deepEqual(summary(await check('docker-shell-form/Dockerfile')), [
    'shell-form-entrypoint error docker-shell-form/Dockerfile:4',
    'no-init warning docker-shell-form/Dockerfile:4',
  ]);
  const [entrypoint] = await check('docker-shell-form/Dockerfile');
  assert.equal(entrypoint?.fix, 'ENTRYPOINT ["node","server.js","--port","8080"]');
  assert.match(entrypoint?.message ?? '', /CMD \(line 5\) is ignored/);

  const quotes = await check('docker-shell-form/Dockerfile.quotes');
  assert.deepEqual(summary(quotes), [
    'shell-form-cmd error docker-shell-form/Dockerfile.quotes:4',
    'no-init warning docker-shell-form/Dockerfile.quotes:4',
  ]);
  assert.match(quotes[0]?.message ?? '', /not valid JSON/);
  assert.equal(quotes[0]?.fix, 'CMD ["node", "server.js"]');

  const escaped = await check('docker-escape/Dockerfile');
  assert.deepEqual(summary(escaped), [
    'shell-form-cmd error docker-escape/Dockerfile:7',
    'no-init warning docker-escape/Dockerfile:7',
  ]);
  assert.equal(escaped[0]?.fix, 'CMD ["/bin/sh","-c","/usr/local/bin/app migrate && exec /usr/local/bin/app serve"]');
});

test('npm start as PID 1: behind an entrypoint that execs "$@", and as a shell-form CMD on Alpine', async () => {
  assert.deepEqual(summary(await check('docker-npm/Dockerfile')), [
    'no-init warning docker-npm/Dockerfile:7',
    'package-manager-pid1 error docker-npm/Dockerfile:8',
  ]);
  // BusyBox sh execs a single command: only a warning for the shell form, npm is PID 1.
  assert.deepEqual(summary(await check('docker-shell-form/Dockerfile.npm')), [
    'shell-form-cmd warning docker-shell-form/Dockerfile.npm:5',
    'package-manager-pid1 error docker-shell-form/Dockerfile.npm:5',
    'no-init warning docker-shell-form/Dockerfile.npm:5',
  ]);
});

test('traps: a trap that waits for the foreground app, and a STOPSIGNAL the script does not trap', async () => {
  assert.deepEqual(summary(await check('docker-trap/Dockerfile')), [
    'no-init warning docker-trap/Dockerfile:4',
    'trap-without-wait error docker-trap/trap.sh:10',
  ]);
  const mismatch = await check('docker-trap/Dockerfile.stopsignal');
  assert.deepEqual(summary(mismatch), [
    'stopsignal-mismatch error docker-trap/Dockerfile.stopsignal:3',
    'no-init warning docker-trap/Dockerfile.stopsignal:4',
  ]);
  assert.equal(mismatch[0]?.fix, 'STOPSIGNAL SIGTERM');
});

test('multi-stage: only the final stage counts, and it inherits from a named stage', async () => {
  // The build stage's `CMD npm run dev` is ignored; the final stage's shell-form ENTRYPOINT execs.
  assert.deepEqual(summary(await check('docker-multistage/Dockerfile')), [
    'shell-form-entrypoint warning docker-multistage/Dockerfile:12',
    'signal-handler-unknown info docker-multistage/Dockerfile:12',
  ]);
  // FROM dev inherits ENTRYPOINT ["tini", "--"] and the shell-form CMD: tini signals only `sh -c`.
  assert.deepEqual(summary(await check('docker-multistage/Dockerfile.inherit')), [
    'shell-form-cmd error docker-multistage/Dockerfile.inherit:4',
    'package-manager-pid1 warning docker-multistage/Dockerfile.inherit:4',
  ]);
});

test('servers that want another stop signal: nginx and php-fpm on SIGTERM', async () => {
  const nginx = await check('docker-nginx/Dockerfile');
  assert.deepEqual(summary(nginx), [
    'no-healthcheck info docker-nginx/Dockerfile:3',
    'stopsignal-mismatch warning docker-nginx/Dockerfile:4',
  ]);
  assert.equal(nginx[1]?.fix, 'STOPSIGNAL SIGQUIT');
  const php = await check('docker-nginx/Dockerfile.php');
  assert.deepEqual(summary(php), ['stopsignal-mismatch warning docker-nginx/Dockerfile.php:3']);
  assert.match(php[0]?.message ?? '', /php-fpm gets SIGTERM/);
});

test('a script written by a COPY heredoc, and a script under tini without -g', async () => {
  assert.deepEqual(summary(await check('docker-heredoc/Dockerfile')), [
    'script-without-exec error docker-heredoc/Dockerfile:7',
    'no-init warning docker-heredoc/Dockerfile:9',
  ]);
  const tini = await check('docker-tini-child/Dockerfile');
  assert.deepEqual(summary(tini), ['script-without-exec error docker-tini-child/scripts/run.sh:2']);
  assert.match(tini[0]?.message ?? '', /`node app\.mjs "\$@" \| tee \/tmp\/app\.log`/);
  assert.match(tini[0]?.fix ?? '', /ENTRYPOINT \["\/sbin\/tini","-g","--"\]/);
});

test('what cannot be checked is an error with the reason', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-static-'));
  try {
    await assert.rejects(checkDockerfile(join(dir, 'missing')), /cannot read the Dockerfile .*missing: no such file/);
    writeFileSync(join(dir, 'Dockerfile'), 'apiVersion: v1\nkind: Pod\n');
    await assert.rejects(checkDockerfile(join(dir, 'Dockerfile')), /is not a Dockerfile: it has no FROM instruction/);
    writeFileSync(join(dir, 'Dockerfile'), '# escape=x\nFROM scratch\n');
    await assert.rejects(checkDockerfile(join(dir, 'Dockerfile')), /Dockerfile:1: invalid escape directive "x"/);
    writeFileSync(join(dir, 'Dockerfile'), 'FROM debian\nRUN <<EOF\necho hi\n');
    await assert.rejects(checkDockerfile(join(dir, 'Dockerfile')), /Dockerfile:2: heredoc <<EOF is never closed/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('stop signals: an init rewrite, SIGKILL, SIGUSR1 for node, uWSGI on SIGTERM, a signal nobody handles', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'doctor-static-'));
  try {
    const cases: [string, string[]][] = [
      // dumb-init rewrites TERM to QUIT for nginx: graceful, nothing to say.
      ['FROM debian\nENTRYPOINT ["dumb-init", "-r", "15:3", "--"]\nCMD ["nginx", "-g", "daemon off;"]\nHEALTHCHECK NONE\n', []],
      ['FROM debian\nENTRYPOINT ["usher", "--rewrite=TERM:HUP", "--"]\nCMD ["/usr/sbin/nginx", "-g", "daemon off;"]\n', ['no-healthcheck info 1', 'stopsignal-mismatch warning 3']],
      ['FROM node:20\nSTOPSIGNAL SIGKILL\nCMD ["node", "server.js"]\n', ['stopsignal-mismatch warning 2']],
      ['FROM node:20\nCMD ["node", "server.js"]\nSTOPSIGNAL 10\n', ['signal-handler-unknown info 2', 'stopsignal-mismatch warning 3']],
      ['FROM python:3.12\nCMD ["uwsgi", "--http", ":80", "--module", "app"]\n', ['stopsignal-mismatch warning 2']],
      ['FROM python:3.12\nCMD ["uwsgi", "--die-on-term", "--module", "app"]\n', []],
      ['FROM debian\nSTOPSIGNAL SIGWINCH\nCMD ["/app"]\n', ['stopsignal-mismatch warning 2']],
      ['FROM httpd:2.4\nCOPY site /usr/local/apache2/htdocs\nHEALTHCHECK CMD ["true"]\n', []],
      // npm behind dumb-init (group): the app hears SIGTERM, npm is still in between.
      ['FROM node:20\nENTRYPOINT ["dumb-init", "--"]\nCMD ["npm", "start"]\n', ['package-manager-pid1 warning 3']],
      // bash execs the single command: node is PID 1, and whether it handles SIGTERM only a run can tell.
      ['FROM node:20\nCMD ["bash", "-c", "node server.js"]\n', ['signal-handler-unknown info 2']],
      ['FROM node:20\nCMD ["sh", "-c", "node server.js"]\n', ['script-without-exec error 2', 'no-init warning 2']],
    ];
    for (const [text, expected] of cases) {
      writeFileSync(join(dir, 'Dockerfile'), text);
      const findings = await checkDockerfile(join(dir, 'Dockerfile'));
      assert.deepEqual(findings.map((f) => `${f.id} ${f.severity} ${f.line}`), expected, text);
    }
    writeFileSync(join(dir, 'Dockerfile'), 'FROM node:20\nCMD ["sh", "-c", "node server.js"]\n');
    assert.equal((await checkDockerfile(join(dir, 'Dockerfile')))[0]?.fix, 'CMD ["sh","-c","exec node server.js"]');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
