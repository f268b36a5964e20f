// A string command that is one simple command runs as `exec CMD` through the
// shell, so the program (not /bin/sh) is the service's process; anything else
// is left to the shell as written.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { execIfSimple } from '../../src/supervisor/config/shell-command.js';
import { NODE, PROBE, startRun, withFiles } from './helpers.js';

test('simple commands get exec in front of the program', () => {
  const cases: [string, string][] = [
    ['sleep 1000', 'exec sleep 1000'],
    ['  node server.js --port $PORT', '  exec node server.js --port $PORT'],
    ['node server.js --port ${PORT}', 'exec node server.js --port ${PORT}'],
    [`php-fpm -F -c '/etc/php; fpm.ini'`, `exec php-fpm -F -c '/etc/php; fpm.ini'`],
    ['nginx -g "daemon off;"', 'exec nginx -g "daemon off;"'],
    ['bundle exec puma -C config/puma.rb # the web', 'exec bundle exec puma -C config/puma.rb # the web'],
    ['"/opt/my app/bin/run" x', 'exec "/opt/my app/bin/run" x'],
    ['path\\ with\\ spaces/app', 'exec path\\ with\\ spaces/app'],
    ['sleep 1000\n', 'exec sleep 1000\n'],
    // Leading assignments stay before exec, which passes them on to the program.
    ['FOO=1 BAR="a b" node app.js', 'FOO=1 BAR="a b" exec node app.js'],
  ];
  for (const [written, run] of cases) assert.equal(execIfSimple(written), run, written);
});

test('compound commands, builtins, keywords and assignments alone are left to the shell', () => {
  const unchanged = [
    'echo hi; exec sleep 1000',
    'migrate && exec serve',
    'a || b',
    'node app.js &',
    'producer | consumer',
    'node app.js > /tmp/log',
    'node app.js 2>&1',
    'cat < /etc/hosts',
    '(cd /app && node server.js)',
    'node "$(cat /etc/app.conf)"',
    'node $(cat /etc/app.conf)',
    'node `cat /etc/app.conf`',
    'first\nsecond',
    'node app.js \\\n  --flag',
    'exec node server.js',
    'cd /app',
    'echo hello',
    'export A=1',
    'if true; then x; fi',
    '{ a; }',
    '! false',
    'FOO=1',
    'unclosed "quote',
    '# only a comment',
    '',
  ];
  for (const written of unchanged) assert.equal(execIfSimple(written), written, JSON.stringify(written));
});

test('the program of a simple string command is the service process: usher reports its pid', { timeout: 60_000 }, async () => {
  const dir = withFiles({
    'usher.yaml': [
      'services:',
      '  simple:',
      `    command: "${NODE} ${PROBE}"`,
      '  assigned:',
      `    command: "GREETING=hi ${NODE} ${PROBE}"`,
      '  compound:',
      `    command: "true && ${NODE} ${PROBE}"`,
    ].join('\n') + '\n',
  });
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  const pids: Record<string, number> = {};
  for (const name of ['simple', 'assigned', 'compound']) {
    const starting = await ns.stderr.waitFor(new RegExp(`${name}: starting \\(pid (\\d+)\\)`));
    pids[name] = Number(/pid (\d+)/.exec(starting)?.[1]);
    await ns.stdout.waitFor(new RegExp(`^${name} +\\| ready \\d+$`));
  }
  const reported = (name: string) => Number(new RegExp(`^${name} +\\| ready (\\d+)$`, 'm').exec(ns.stdout.text)?.[1]);
  assert.equal(reported('simple'), pids.simple, ns.stderr.text);
  assert.equal(reported('assigned'), pids.assigned, ns.stderr.text);
  // A compound command keeps its shell as the service process; the program is its child.
  assert.notEqual(reported('compound'), pids.compound);
  // The command is shown as written, without the exec usher put in front.
  assert.match(ns.stderr.text, new RegExp(`simple: starting \\(pid \\d+\\): ${NODE.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')} `));
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  // Each program got the stop signal itself and exited 0.
  assert.match(ns.stderr.text, /simple: pid \d+ exited with code 0/);
  assert.match(ns.stderr.text, /assigned: pid \d+ exited with code 0/);
});
