// Procfiles, with foreman's semantics: every entry critical, never restarted,
// run through /bin/sh -c; bad lines reported with their line numbers.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { describeStartOrder } from '../../src/supervisor/config/index.js';
import { defaultService, load, problemsOf } from './config-helpers.js';

test('Procfile: entries in order, comments and blank lines skipped, every entry critical with restart no', async (t) => {
  const config = await load(
    t,
    ['# the app', 'web: node server.js --port $PORT', '', '  worker:   sh -c "sleep 1; echo done"  ', 'clock.v2:bundle exec clock', ''].join('\n'),
    { name: 'Procfile' },
  );
  assert.equal(config.format, 'procfile');
  assert.equal(config.graceMs, 25_000);
  assert.equal(config.health, undefined);
  assert.deepEqual(config.startOrder, [['web', 'worker', 'clock.v2']]);
  assert.deepEqual(config.services, [
    // No ${} expansion: the shell expands $PORT, as with foreman.
    defaultService({ name: 'web', argv: ['/bin/sh', '-c', 'exec node server.js --port $PORT'], commandText: 'node server.js --port $PORT', env: { PORT: '5000' }, critical: true, exitOnEnd: true }),
    defaultService({ name: 'worker', argv: ['/bin/sh', '-c', 'exec sh -c "sleep 1; echo done"'], commandText: 'sh -c "sleep 1; echo done"', env: { PORT: '5100' }, critical: true, exitOnEnd: true }),
    defaultService({ name: 'clock.v2', argv: ['/bin/sh', '-c', 'exec bundle exec clock'], commandText: 'bundle exec clock', env: { PORT: '5200' }, critical: true, exitOnEnd: true }),
  ]);
  assert.equal(describeStartOrder(config), '1. web, worker, clock.v2');
});

test('Procfile.dev and CRLF line ends are Procfiles too', async (t) => {
  const config = await load(t, 'a: one\r\nb: two\r\n', { name: 'Procfile.dev' });
  assert.equal(config.format, 'procfile');
  assert.deepEqual(config.services.map((s) => s.argv), [['/bin/sh', '-c', 'exec one'], ['/bin/sh', '-c', 'exec two']]);
});

test('Procfile: every bad line reported with its line number, names checked like usher.yaml names', async (t) => {
  const problems = await problemsOf(
    t,
    ['web: node server.js', 'bad name: x', '', '# fine', 'web: again', 'usher: x', 'empty:', 'no colon here', '  -dash: x', `${'n'.repeat(64)}: x`].join('\n'),
    { name: 'Procfile' },
  );
  const names = `expected a service name: letters, digits, '.', '_' or '-', starting with a letter or digit, at most 63 characters, not 'usher'`;
  assert.deepEqual(problems, [
    `Procfile:2:1: 'bad name' is not a valid service name; ${names}`,
    `Procfile:5:1: 'web' is defined twice (first on line 1); expected each name once`,
    `Procfile:6:1: 'usher' is not a valid service name; ${names}`,
    `Procfile:7:7: 'empty' has no command; expected 'name: command'`,
    `Procfile:8:1: not a 'name: command' line; expected 'name: command', a # comment or a blank line`,
    `Procfile:9:3: '-dash' is not a valid service name; ${names}`,
    // Quoted as every value is: cut at 60 characters, its length said.
    `Procfile:10:1: '${'n'.repeat(60)}'... (64 characters) is not a valid service name; ${names}`,
  ]);
});

test('Procfile: a file with no entry is an error', async (t) => {
  assert.deepEqual(await problemsOf(t, '# nothing yet\n\n', { name: 'Procfile' }), [`Procfile: has no entries; expected 'name: command' lines`]);
});

test('Procfile: PORT per entry as foreman sets it, from 5000 by 100; the base from PORT, the .env beside the Procfile winning', async (t) => {
  const ports = (config: { services: { env: Record<string, string> }[] }) => config.services.map((s) => s.env.PORT);
  const text = 'web: puma\nworker: sidekiq\nclock: clockwork\n';
  assert.deepEqual(ports(await load(t, text, { name: 'Procfile' })), ['5000', '5100', '5200']);
  assert.deepEqual(ports(await load(t, text, { name: 'Procfile', env: { PORT: '3000' } })), ['3000', '3100', '3200']);
  const withDotenv = await load(t, text, { name: 'Procfile', env: { PORT: '3000' }, files: { '.env': '# for foreman\nPORT=8000\nRAILS_ENV=production\nSECRET="a b"\n' } });
  assert.deepEqual(ports(withDotenv), ['8000', '8100', '8200']);
  // The .env's variables go to every entry; its PORT becomes each entry's own.
  assert.deepEqual(withDotenv.services[1]?.env, { PORT: '8100', RAILS_ENV: 'production', SECRET: 'a b' });
});

test('Procfile: a PORT that is not a port, and a bad .env line, are reported', async (t) => {
  assert.deepEqual(await problemsOf(t, 'web: puma\n', { name: 'Procfile', env: { PORT: 'eighty' } }), [
    `Procfile: PORT "eighty" in usher's environment is not a port number; expected a port from 1 to 65535, the first entry's (each next one gets 100 more)`,
  ]);
  assert.deepEqual(await problemsOf(t, 'web: puma\n', { name: 'Procfile', files: { '.env': 'GOOD=1\nnot a line\n' } }), [
    `.env:2:1: not a KEY=VALUE line; expected KEY=VALUE (letters, digits and '_' in KEY), a # comment or a blank line`,
  ]);
});

test('Procfile: a release entry runs once, first; the others wait for it to complete and keep foreman\'s rule', async (t) => {
  const config = await load(t, 'web: bundle exec puma\nrelease: bundle exec rails db:migrate\nworker: bundle exec sidekiq\n', { name: 'Procfile' });
  assert.deepEqual(config.startOrder, [['release'], ['web', 'worker']]);
  const [web, release, worker] = config.services;
  assert.deepEqual(release?.dependsOn, []);
  assert.equal(release?.critical, true, 'a failed release stops everything with its status');
  assert.equal(release?.exitOnEnd, false, 'a completed release stops nothing');
  for (const s of [web, worker]) {
    assert.deepEqual(s?.dependsOn, [{ name: 'release', condition: 'completed' }]);
    assert.equal(s?.exitOnEnd, true);
  }
  assert.equal(describeStartOrder(config), '1. release\n2. web (after release: completed), worker (after release: completed)');
});
