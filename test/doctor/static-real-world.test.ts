// The static checks on Dockerfiles, scripts and manifests as people write
// them (samples in the style of official images' entrypoints): functions,
// keep-alive loops, scripts from other stages, shell-form CMDs running a
// script, commands that need the shell, what cannot be read. And every fix the
// doctor suggests for them is applied to a copy and checked again.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkDockerfile, checkKubernetes } from '../../src/doctor/static/index.js';
import type { Finding } from '../../src/doctor/types.js';
import { fixedCopy } from './apply-edits.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const SAMPLES = join(ROOT, 'test/doctor/samples');

function summary(findings: Finding[]): string[] {
  return findings.map((f) => `${f.id} ${f.severity} ${relative(SAMPLES, f.file ?? '?')}:${f.line}`);
}

const byId = (findings: Finding[], id: string): Finding => {
  const f = findings.find((x) => x.id === id);
  assert.ok(f, `a ${id} finding in ${JSON.stringify(summary(findings))}`);
  return f;
};

test('functions: `_main "$@"` runs the function, whose last command is judged (exec "$@": fine; no exec: found in the function)', async () => {
  // The database-image style: _main ends in exec "$@", behind `if ! _is_sourced`, with a re-exec as the user inside.
  assert.deepEqual(summary(await checkDockerfile(join(SAMPLES, 'docker-functions/Dockerfile'))), []);
  const app = await checkDockerfile(join(SAMPLES, 'docker-functions/Dockerfile.app'));
  assert.deepEqual(summary(app), ['no-init warning docker-functions/Dockerfile.app:5', 'script-without-exec error docker-functions/start-app.sh:13']);
  const f = byId(app, 'script-without-exec');
  assert.match(f.message, /`gosu app node \/srv\/server\.js "\$@"` \(in the function run_app, called at line 18\)/);
  assert.match(f.fix, /^exec gosu app node \/srv\/server\.js "\$@"/);
  for (const x of app) assert.doesNotMatch(x.fix, /exec (_?main|run_app)\b/, 'never exec a function');
});

test('a keep-alive after the server: which command runs when SIGTERM arrives decides', async () => {
  // trap, then apache2ctl -D FOREGROUND, then `while true; do tail -f /dev/null & wait $!; done`.
  const trap = await checkDockerfile(join(SAMPLES, 'docker-keep-alive/Dockerfile'));
  assert.deepEqual(summary(trap), ['no-init warning docker-keep-alive/Dockerfile:6', 'trap-without-wait error docker-keep-alive/start.sh:16']);
  assert.match(byId(trap, 'trap-without-wait').message, /`apache2ctl -D FOREGROUND` in the foreground; the keep-alive after it \(`tail -f \/dev\/null`, line 19\) is never reached/);
  // No trap: the foreground server holds the script; the sleep loop after it never runs.
  const server = await checkDockerfile(join(SAMPLES, 'docker-keep-alive/Dockerfile.server'));
  assert.deepEqual(summary(server), ['no-init warning docker-keep-alive/Dockerfile.server:4', 'script-without-exec error docker-keep-alive/run-server.sh:4']);
  assert.match(byId(server, 'script-without-exec').fix, /^exec \.\/server 8080 /);
  // A daemon and tail on its log: the keep-alive is what runs; exec'ing it would not help, an init does.
  const daemon = await checkDockerfile(join(SAMPLES, 'docker-keep-alive/Dockerfile.daemon'));
  assert.deepEqual(summary(daemon), ['no-init warning docker-keep-alive/Dockerfile.daemon:5', 'script-without-exec error docker-keep-alive/daemon.sh:4']);
  assert.match(byId(daemon, 'script-without-exec').message, /only keeps the container alive after `service nginx start` \(line 3\)/);
  assert.match(byId(daemon, 'script-without-exec').fix, /^ENTRYPOINT \["usher", "--"\]/);
  // A trap that stops the daemon, and a keep-alive in the background the trap interrupts: fine.
  assert.deepEqual(summary(await checkDockerfile(join(SAMPLES, 'docker-keep-alive/Dockerfile.forwards'))), []);
  // `exec tail -f /dev/null` as PID 1 ignores the stop signal (here php-fpm's SIGQUIT).
  const idle = await checkDockerfile(join(SAMPLES, 'docker-keep-alive/Dockerfile.idle'));
  assert.deepEqual(summary(idle), ['pid1-no-handler error docker-keep-alive/idle.sh:4']);
  assert.match(idle[0]?.message ?? '', /no handler for SIGQUIT/);
});

test('COPY --from: a script copied through an earlier stage (by name or index) is read; from an image it is said to be unread', async () => {
  for (const dockerfile of ['Dockerfile', 'Dockerfile.index']) {
    const findings = await checkDockerfile(join(SAMPLES, 'docker-copy-from', dockerfile));
    assert.deepEqual(summary(findings), [`no-init warning docker-copy-from/${dockerfile}:${dockerfile === 'Dockerfile' ? 14 : 6}`, 'script-without-exec error docker-copy-from/scripts/start.sh:4'], dockerfile);
  }
  const image = await checkDockerfile(join(SAMPLES, 'docker-copy-from/Dockerfile.image'));
  assert.deepEqual(summary(image), [
    'script-not-read info docker-copy-from/Dockerfile.image:3',
    'no-init warning docker-copy-from/Dockerfile.image:3',
    'shell-form-cmd error docker-copy-from/Dockerfile.image:4',
  ]);
  assert.match(byId(image, 'script-not-read').message, /takes it from the image ghcr\.io\/acme\/base-scripts:1\.4/);
});

test('a shell-form CMD running a script: the script is read, and judged as it runs once the CMD is in the exec form', async () => {
  const findings = await checkDockerfile(join(SAMPLES, 'docker-shell-form-script/Dockerfile'));
  assert.deepEqual(summary(findings), [
    'shell-form-cmd error docker-shell-form-script/Dockerfile:4',
    'no-init warning docker-shell-form-script/Dockerfile:4',
    'script-without-exec error docker-shell-form-script/run.sh:4',
  ]);
  assert.equal(byId(findings, 'shell-form-cmd').fix, 'CMD ["/run.sh"]');
  assert.match(byId(findings, 'script-without-exec').message, /run\.sh is PID 1 once the shell-form CMD .* is written in the exec form/);
});

test('a shell-form command that needs the shell keeps it, with exec inside; a pipeline gets an init', async () => {
  const expected: [string, string][] = [
    ['Dockerfile', 'CMD ["/bin/sh","-c","exec node server.js --port ${PORT} 2>&1"]'],
    ['Dockerfile.glob', 'CMD ["/bin/sh","-c","exec java -jar /app/*.jar"]'],
    ['Dockerfile.list', 'CMD ["/bin/sh","-c","python manage.py migrate && exec gunicorn app.wsgi -b 0.0.0.0:8000 > /proc/1/fd/1 2>&1"]'],
  ];
  for (const [dockerfile, fix] of expected) {
    const f = byId(await checkDockerfile(join(SAMPLES, 'docker-shell-features', dockerfile)), 'shell-form-cmd');
    assert.equal(f.fix, fix, dockerfile);
  }
  const pipe = byId(await checkDockerfile(join(SAMPLES, 'docker-shell-features/Dockerfile.pipe')), 'shell-form-cmd');
  assert.match(pipe.fix, /^ENTRYPOINT \["usher", "--"\]/);
});

test('what cannot be read is said, with how to point the doctor at it, and the rest is still judged', async () => {
  // The Dockerfile lives in docker/, its build context is the directory above.
  const elsewhere = await checkDockerfile(join(SAMPLES, 'docker-context/docker/Dockerfile'));
  assert.deepEqual(summary(elsewhere), [
    'script-not-read info docker-context/docker/Dockerfile:6',
    'no-init warning docker-context/docker/Dockerfile:6',
    'shell-form-cmd error docker-context/docker/Dockerfile:7',
  ]);
  assert.match(byId(elsewhere, 'script-not-read').message, /`entrypoint\.sh` .* docker\/entrypoint\.sh in the build context, and .*docker-context\/docker\/docker\/entrypoint\.sh does not exist/);
  assert.match(byId(elsewhere, 'script-not-read').fix, /--context DIR/);
  // With --context the script is read: it ends in exec "$@", so only CMD's shell form is left.
  const context = await checkDockerfile(join(SAMPLES, 'docker-context/docker/Dockerfile'), { context: join(SAMPLES, 'docker-context') });
  assert.deepEqual(summary(context), ['no-init warning docker-context/docker/Dockerfile:6', 'shell-form-cmd error docker-context/docker/Dockerfile:7']);
  await assert.rejects(checkDockerfile(join(SAMPLES, 'docker-context/docker/Dockerfile'), { context: join(SAMPLES, 'nowhere') }), /--context is not a directory/);
  // The entrypoint of the base image: not read, CMD's shell form still reported.
  const base = await checkDockerfile(join(SAMPLES, 'docker-base-entrypoint/Dockerfile'));
  assert.deepEqual(summary(base), [
    'script-not-read info docker-base-entrypoint/Dockerfile:3',
    'no-init warning docker-base-entrypoint/Dockerfile:3',
    'shell-form-cmd error docker-base-entrypoint/Dockerfile:4',
  ]);
  assert.match(byId(base, 'script-not-read').message, /base image \(redis:7\)/);
});

test('servers that reap their own children get no no-init; Chrome gets one that says why; an interpreter as PID 1 gets a pointer to a run', async () => {
  assert.deepEqual(summary(await checkDockerfile(join(SAMPLES, 'docker-reapers/Dockerfile.sshd'))), []);
  const chrome = await checkDockerfile(join(SAMPLES, 'docker-reapers/Dockerfile.chrome'));
  assert.deepEqual(summary(chrome), ['no-init warning docker-reapers/Dockerfile.chrome:5']);
  assert.match(chrome[0]?.message ?? '', /zombies that Chrome, as PID 1, never reaps/);
  const python = await checkDockerfile(join(SAMPLES, 'docker-reapers/Dockerfile.python'));
  assert.deepEqual(summary(python), ['signal-handler-unknown info docker-reapers/Dockerfile.python:4']);
  assert.match(python[0]?.fix ?? '', /usher doctor --image/);
});

test('manifests as people write them: empty and comment-only documents, a drain loop in preStop, a shell whose kind the image does not say', async () => {
  const findings = await checkKubernetes(join(SAMPLES, 'kubernetes/real-world.yaml'));
  assert.deepEqual(summary(findings), [
    'prestop-duration-unknown info kubernetes/real-world.yaml:24',
    'shell-pid1 warning kubernetes/real-world.yaml:29',
    'signal-handler-unknown info kubernetes/real-world.yaml:32',
    'shell-pid1 error kubernetes/real-world.yaml:35',
  ]);
  const [preStop, debug, , api] = findings as [Finding, Finding, Finding, Finding];
  // Quoted in full, the loop included, and not taken for a 1 s sleep (no readiness warning for it).
  assert.match(preStop.message, /`\/bin\/sh -c "nginx -s quit; while killall -0 nginx; do sleep 1; done"`, which waits in a loop/);
  assert.match(debug.message, /dash .* keeps the shell as PID 1 .*; BusyBox \(Alpine\) and bash replace the shell/);
  assert.match(api.message, /node:20, is dash/);
});

/** Checks a sample, applies the edits of its error findings to a copy, and checks the copy again. */
async function fixesWork(dir: string, check: (root: string) => Promise<Finding[]>): Promise<void> {
  const findings = await check(join(SAMPLES, dir));
  const errors = findings.filter((f) => f.severity === 'error');
  assert.ok(errors.length > 0, `${dir}: the sample has something to fix`);
  for (const f of errors) assert.ok(f.edit, `${dir}: ${f.id} at ${f.file}:${f.line} comes with an edit (fix: ${f.fix})`);
  const copy = fixedCopy(join(SAMPLES, dir), errors);
  try {
    const after = await check(copy);
    assert.deepEqual(summary(after.filter((f) => f.severity === 'error')), [], `${dir}: errors left after the fixes ${JSON.stringify(errors.map((f) => f.edit))}`);
  } finally {
    rmSync(copy, { recursive: true, force: true });
  }
}

test('every suggested fix works: applied to a copy of the sample, the check finds no error any more', async () => {
  const dockerfiles: [string, string, string?][] = [
    ['docker-case2', 'Dockerfile'],
    ['docker-functions', 'Dockerfile.app'],
    ['docker-keep-alive', 'Dockerfile'],
    ['docker-keep-alive', 'Dockerfile.server'],
    ['docker-keep-alive', 'Dockerfile.daemon'],
    ['docker-keep-alive', 'Dockerfile.idle'],
    ['docker-copy-from', 'Dockerfile'],
    ['docker-copy-from', 'Dockerfile.index'],
    ['docker-copy-from', 'Dockerfile.image'],
    ['docker-shell-form-script', 'Dockerfile'],
    ['docker-shell-features', 'Dockerfile'],
    ['docker-shell-features', 'Dockerfile.pipe'],
    ['docker-shell-features', 'Dockerfile.glob'],
    ['docker-shell-features', 'Dockerfile.list'],
    ['docker-context', 'docker/Dockerfile', '.'],
    ['docker-base-entrypoint', 'Dockerfile'],
    ['docker-shell-form', 'Dockerfile'],
    ['docker-shell-form', 'Dockerfile.quotes'],
    ['docker-shell-form', 'Dockerfile.npm'],
    ['docker-escape', 'Dockerfile'],
    ['docker-npm', 'Dockerfile'],
    ['docker-trap', 'Dockerfile'],
    ['docker-trap', 'Dockerfile.stopsignal'],
    ['docker-heredoc', 'Dockerfile'],
    ['docker-tini-child', 'Dockerfile'],
    ['docker-multistage', 'Dockerfile.inherit'],
  ];
  for (const [dir, dockerfile, context] of dockerfiles) {
    await fixesWork(dir, (root) => checkDockerfile(join(root, dockerfile), context ? { context: join(root, context) } : {}));
  }
  // `npm start` in a manifest: its start script is in the image, not in the manifest, so no edit can be written.
  for (const manifest of ['real-world.yaml', 'bad.yaml']) {
    await fixesWork('kubernetes', async (root) => (await checkKubernetes(join(root, manifest))).filter((f) => f.id !== 'package-manager-pid1' || f.edit));
  }
});
