// Every kind of config error, each with its exact position, all of a file's
// problems reported together and sorted by position.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../src/supervisor/config/index.js';
import { load, problemsOf, yaml } from './config-helpers.js';

const DURATION = 'expected a duration such as 10s, 500ms, 1m or a number of seconds';
const SIGNAL = 'expected a signal name such as SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, or a number from 1 to 31';
const SERVICE_KEYS = 'command, cwd, env, env_file, user, depends_on, ready, live, restart, max_restarts, stable_after, backoff, stop_signal, stop_timeout, signal_group, critical, disabled, replicas';
const CYCLE = 'expected dependencies without a loop (remove one of these depends_on entries)';

test('a file with many mistakes: every one reported in one run, in file order, with its line and column', async (t) => {
  const problems = await problemsOf(
    t,
    yaml(
      'grace: 10x', //                                               1
      'helth: { port: 9000 }',
      'services:',
      '  db:',
      '    comand: ["redis-server"]', //                             5
      '    ready: { tcp: 0 }',
      '  migrate:',
      '    command: npm run migrate ${UNCLOSED',
      '    depends_on: { db: readyy }',
      '  web:', //                                                   10
      '    command: ["node", 1]',
      '    depends_on: [dbb, web]',
      '    ready: { htpp: "x" }',
      '    live: { tcp: 1, http: "http://x", failures: 0 }',
      '    restart: sometimes', //                                   15
      '    stop_signal: SIGTREM',
      '    stop_timeout: -1',
      '    critical: yes',
      '    env_file: missing.env',
      '    user: nosuchuser', //                                     20
    ),
    { files: { passwd: 'root:x:0:0:root:/root:/bin/sh\n' } },
  );
  assert.deepEqual(problems, [
    `usher.yaml:1:8: grace: '10x' is not valid; ${DURATION}`,
    `usher.yaml:2:1: top level: unknown key 'helth' (did you mean 'health'?); expected one of grace, health, env, services, include (or an x- extension key)`,
    `usher.yaml:5:5: services.db: unknown key 'comand' (did you mean 'command'?); expected one of ${SERVICE_KEYS}`,
    `usher.yaml:6:19: services.db.ready.tcp: 0 is out of range; expected a port number or "host:port"`,
    `usher.yaml:8:30: services.migrate.command: unterminated '\${UNCLOSED'; expected '\${NAME}' or '\${NAME:-default}' closed by '}' (write '$$' for a literal '$')`,
    `usher.yaml:9:23: services.migrate.depends_on.db: 'readyy' is not allowed (did you mean 'ready'?); expected started, ready or completed`,
    `usher.yaml:11:23: services.web.command[1]: got 1; expected a string (one argument)`,
    `usher.yaml:12:18: services.web.depends_on: unknown service 'dbb' (did you mean 'db'?); expected one of db, migrate, web`,
    `usher.yaml:12:23: dependency cycle: web -> web; ${CYCLE}`,
    `usher.yaml:13:14: services.web.ready: unknown key 'htpp' (did you mean 'http'?); expected one of tcp, http, exec, log, delay, notify, interval, timeout`,
    `usher.yaml:14:11: services.web.live: has 'tcp' and 'http'; expected exactly one of tcp, http, exec, log, delay or watchdog`,
    `usher.yaml:14:49: services.web.live.failures: 0 is out of range; expected a whole number, 1 or more`,
    `usher.yaml:15:14: services.web.restart: 'sometimes' is not allowed; expected no, on-failure or always`,
    `usher.yaml:16:18: services.web.stop_signal: unknown signal 'SIGTREM' (did you mean SIGTERM?); ${SIGNAL}`,
    `usher.yaml:17:19: services.web.stop_timeout: -1 is out of range; ${DURATION}`,
    `usher.yaml:18:15: services.web.critical: got 'yes'; expected true or false`,
    `usher.yaml:19:15: services.web.env_file: missing.env does not exist; expected a file of KEY=VALUE lines (relative to the config file's directory)`,
    `usher.yaml:20:11: services.web.user: unknown user 'nosuchuser' (not in DIR/passwd); expected a user of the image's DIR/passwd, or a numeric uid:gid`,
  ]);
});

test('ConfigError holds each problem as {file, line, column, message}', async (t) => {
  await assert.rejects(load(t, yaml('services:', '  a: { command: x, restart: sometimes }')), (e: unknown) => {
    assert.ok(e instanceof ConfigError);
    assert.ok(e instanceof Error);
    assert.deepEqual(e.problems, [
      { file: 'usher.yaml', line: 2, column: 29, message: `services.a.restart: 'sometimes' is not allowed; expected no, on-failure or always` },
    ]);
    assert.equal(e.message, e.format());
    return true;
  });
});

test('YAML syntax errors and duplicate keys, with their positions', async (t) => {
  assert.deepEqual(await problemsOf(t, yaml('services:', '  a:', '    command: a', '    command: b')), [
    `usher.yaml:4:5: duplicate key 'command'; expected each key once in a map`,
  ]);
  assert.deepEqual(await problemsOf(t, yaml('services:', ' a:', '   command: x', '  b: y')), [
    `usher.yaml:4:1: YAML syntax error: All mapping items must start at the same column; expected valid YAML`,
  ]);
  assert.deepEqual(await problemsOf(t, yaml('services:', '  a: { command: x', '  b: { command: y }')), [
    `usher.yaml:3:3: YAML syntax error: Flow map in block collection must be sufficiently indented and end with a }; expected valid YAML`,
  ]);
  assert.deepEqual(await problemsOf(t, yaml('services:', '  a:', '\tcommand: x')), [
    `usher.yaml:3:1: YAML syntax error: Tabs are not allowed as indentation; expected valid YAML`,
  ]);
});

test('the file\'s shape: empty, not a map, no services, a service or a probe with no value', async (t) => {
  const top = `expected a map with 'services' (and optionally 'grace', 'health', 'env', 'include')`;
  assert.deepEqual(await problemsOf(t, ''), [`usher.yaml:1:1: top level: no value; ${top}`]);
  assert.deepEqual(await problemsOf(t, '# only a comment\n'), [`usher.yaml:1:1: top level: no value; ${top}`]);
  assert.deepEqual(await problemsOf(t, '- a\n'), [`usher.yaml:1:1: top level: got a list; ${top}`]);
  assert.deepEqual(await problemsOf(t, 'grace: 5s\n'), [`usher.yaml:1:1: top level: 'services' is missing; expected a map of service names to services`]);
  assert.deepEqual(await problemsOf(t, 'services: {}\n'), [`usher.yaml:1:11: services: is empty; expected a map of service names to services`]);
  assert.deepEqual(await problemsOf(t, 'services: [a]\n'), [`usher.yaml:1:11: services: got a list; expected a map of service names to services`]);
  assert.deepEqual(await problemsOf(t, yaml('services:', '  web:', '  api: { cwd: /app }', '  b: { command: x, depends_on: { web: ready, api: completed } }')), [
    `usher.yaml:2:3: services.web: no value; expected a map with 'command' and the service's other keys`,
    `usher.yaml:3:8: services.api: 'command' is missing; expected the command to run: a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)`,
  ]);
  assert.deepEqual(
    await problemsOf(t, yaml('services:', '  a: { command: "x", ready: { interval: 1s } }', '  b: { command: "x", ready: }', '  c: { command: "x", live: 5 }')),
    [
      `usher.yaml:2:29: services.a.ready: has no probe; expected exactly one of tcp, http, exec, log, delay or notify`,
      `usher.yaml:3:22: services.b.ready: no value; expected notify, or a map with exactly one of tcp, http, exec, log, delay or notify (and optionally interval, timeout)`,
      `usher.yaml:4:28: services.c.live: got 5; expected a map with exactly one of tcp, http, exec, log, delay or watchdog (and optionally interval, timeout, failures)`,
    ],
  );
});

test('empty and wrongly typed values say what is expected', async (t) => {
  const command = 'expected a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)';
  assert.deepEqual(
    await problemsOf(
      t,
      yaml(
        'health: { port: 70000, hots: x }',
        'services:',
        '  a: { command: "", cwd: "", env_file: [] }',
        '  b: { command: [] }',
        '  c: { command: x, depends_on: a, max_restarts: 1.5, backoff: { initial: 1m, max: 10s } }',
        '  d: { command: { run: x }, env: { A: [1] }, stop_signal: 0, grace: 1s }',
      ),
    ),
    [
      `usher.yaml:1:17: health.port: 70000 is out of range; expected a port number from 1 to 65535`,
      `usher.yaml:1:24: health: unknown key 'hots' (did you mean 'host'?); expected one of port, host`,
      `usher.yaml:3:17: services.a.command: is empty; ${command}`,
      `usher.yaml:3:26: services.a.cwd: is empty; expected a directory path`,
      `usher.yaml:3:40: services.a.env_file: is an empty list; expected a file path or a list of file paths`,
      `usher.yaml:4:17: services.b.command: is an empty list; ${command}`,
      `usher.yaml:5:32: services.c.depends_on: got 'a'; expected a list of service names, or a map of service name to started, ready or completed`,
      `usher.yaml:5:49: services.c.max_restarts: got 1.5; expected a whole number, 0 or more`,
      `usher.yaml:5:74: services.c.backoff.initial: is longer than backoff.max; expected initial no longer than max`,
      `usher.yaml:6:17: services.d.command: got a map; ${command}`,
      `usher.yaml:6:39: services.d.env.A: got a list; expected a string, a number or a boolean`,
      `usher.yaml:6:59: services.d.stop_signal: 0 is out of range; ${SIGNAL}`,
      `usher.yaml:6:62: services.d: unknown key 'grace'; expected one of ${SERVICE_KEYS}`,
    ],
  );
});

test('unknown keys: "did you mean" for typos and other spellings, at the key', async (t) => {
  assert.deepEqual(
    await problemsOf(
      t,
      yaml(
        'services:',
        '  a:',
        '    command: x',
        '    depends-on: [b]',
        '    stopSignal: SIGINT',
        '    backoff: { inital: 1s }',
        '    restart_policy: always',
        '  b:',
        '    command: x',
        '    live: { tcp: 80, failure: 2 }',
        '    ready: { tcp: 80, timout: 5s }',
      ),
    ),
    [
      `usher.yaml:4:5: services.a: unknown key 'depends-on' (did you mean 'depends_on'?); expected one of ${SERVICE_KEYS}`,
      `usher.yaml:5:5: services.a: unknown key 'stopSignal' (did you mean 'stop_signal'?); expected one of ${SERVICE_KEYS}`,
      `usher.yaml:6:16: services.a.backoff: unknown key 'inital' (did you mean 'initial'?); expected one of initial, max`,
      `usher.yaml:7:5: services.a: unknown key 'restart_policy'; expected one of ${SERVICE_KEYS}`,
      `usher.yaml:10:22: services.b.live: unknown key 'failure' (did you mean 'failures'?); expected one of tcp, http, exec, log, delay, watchdog, interval, timeout, failures`,
      `usher.yaml:11:23: services.b.ready: unknown key 'timout' (did you mean 'timeout'?); expected one of tcp, http, exec, log, delay, notify, interval, timeout`,
    ],
  );
});

test('a misspelt key hides the "missing" error only for the key it meant', async (t) => {
  assert.deepEqual(await problemsOf(t, yaml('services:', '  a: { comand: x }', '  b: { stopSignal: INT }', '  c: { command: x, ready: { tpc: 80 } }')), [
    `usher.yaml:2:8: services.a: unknown key 'comand' (did you mean 'command'?); expected one of ${SERVICE_KEYS}`,
    `usher.yaml:3:6: services.b: 'command' is missing; expected the command to run: a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)`,
    `usher.yaml:3:8: services.b: unknown key 'stopSignal' (did you mean 'stop_signal'?); expected one of ${SERVICE_KEYS}`,
    `usher.yaml:4:29: services.c.ready: unknown key 'tpc' (did you mean 'tcp'?); expected one of tcp, http, exec, log, delay, notify, interval, timeout`,
  ]);
});

test('names: service names, the reserved name usher, variable names, a dependency listed twice', async (t) => {
  const name = `expected a service name: letters, digits, '.', '_' or '-', starting with a letter or digit, at most 63 characters, not 'usher'`;
  assert.deepEqual(
    await problemsOf(
      t,
      yaml(
        'services:',
        '  "my app": { command: x }',
        '  usher: { command: x }',
        '  -lead: { command: x }',
        '  ok:',
        '    command: x',
        '    env: { "MY-VAR": x, "1A": y }',
        '    depends_on: [ok2, ok2]',
        '  ok2: { command: x }',
      ),
    ),
    [
      `usher.yaml:2:3: services: 'my app' is not a valid name; ${name}`,
      `usher.yaml:3:3: services: 'usher' is not a valid name; ${name}`,
      `usher.yaml:4:3: services: '-lead' is not a valid name; ${name}`,
      `usher.yaml:7:12: services.ok.env: 'MY-VAR' is not a valid name; expected a variable name: letters, digits and '_', not starting with a digit`,
      `usher.yaml:7:25: services.ok.env: '1A' is not a valid name; expected a variable name: letters, digits and '_', not starting with a digit`,
      `usher.yaml:8:23: services.ok.depends_on: 'ok2' is listed twice; expected each name once`,
    ],
  );
});

test('dependencies: unknown names (list and map), cycles named in full, conditions that can never be met', async (t) => {
  assert.deepEqual(
    await problemsOf(
      t,
      yaml(
        'services:',
        '  a: { command: x, depends_on: [b] }',
        '  b: { command: x, depends_on: { c: started } }',
        '  c: { command: x, depends_on: [a, nope] }',
        '  d: { command: x, depends_on: { e: ready } }',
        '  e: { command: x, depends_on: [d], restart: always }',
        '  f: { command: x, depends_on: { apple: started, e: completed, g: ready } }',
        '  g: { command: x }',
      ),
    ),
    [
      `usher.yaml:2:33: dependency cycle: a -> b -> c -> a; ${CYCLE}`,
      `usher.yaml:4:36: services.c.depends_on: unknown service 'nope'; expected one of a, b, c, d, e, f, g`,
      `usher.yaml:5:34: dependency cycle: d -> e -> d; ${CYCLE}`,
      `usher.yaml:5:37: services.d.depends_on.e: 'ready' can never be met, e has no ready probe; expected a 'ready:' probe on e, or the condition started`,
      `usher.yaml:7:34: services.f.depends_on: unknown service 'apple'; expected one of a, b, c, d, e, f, g`,
      `usher.yaml:7:53: services.f.depends_on.e: 'completed' can never be met, e has restart: always; expected restart: no or on-failure on e, or the condition started`,
      `usher.yaml:7:67: services.f.depends_on.g: 'ready' can never be met, g has no ready probe; expected a 'ready:' probe on g, or the condition started`,
    ],
  );
});

test('${VAR} errors point at the "${": unterminated, no name, bad operator, required variable unset', async (t) => {
  const problems = await problemsOf(
    t,
    yaml(
      'services:',
      '  a:',
      '    command: echo ${A:-x} ${B',
      '    env: { X: "pre ${}", Y: "${A!x}", Z: "${MUST:?set it in the pod spec}", Q: "${EMPTY:?}" }',
      '    cwd: >',
      '      /srv/${DIR',
      '    ready: { http: "http://${HOST" }',
    ),
    { env: { EMPTY: '' } },
  );
  assert.deepEqual(problems, [
    `usher.yaml:3:27: services.a.command: unterminated '\${B'; expected '\${NAME}' or '\${NAME:-default}' closed by '}' (write '$$' for a literal '$')`,
    `usher.yaml:4:20: services.a.env.X: '\${}' has no valid variable name; expected '\${NAME}' with letters, digits and '_' (write '$$' for a literal '$')`,
    `usher.yaml:4:30: services.a.env.Y: '\${A!x}' is not a valid substitution; expected '\${A}', '\${A:-default}', '\${A:?error}' or '\${A:+other}'`,
    `usher.yaml:4:43: services.a.env.Z: required variable MUST is not set (set it in the pod spec); expected MUST in usher's environment`,
    `usher.yaml:4:81: services.a.env.Q: required variable EMPTY is empty; expected EMPTY in usher's environment`,
    // A folded block scalar: the column inside it is not known, the value's start is.
    `usher.yaml:5:10: services.a.cwd: unterminated "\${DIR\\n"; expected '\${NAME}' or '\${NAME:-default}' closed by '}' (write '$$' for a literal '$')`,
    `usher.yaml:7:28: services.a.ready.http: unterminated '\${HOST'; expected '\${NAME}' or '\${NAME:-default}' closed by '}' (write '$$' for a literal '$')`,
  ]);
});

test('probes: a bad port, a URL that is not http, an invalid regular expression', async (t) => {
  assert.deepEqual(
    await problemsOf(
      t,
      yaml(
        'services:',
        '  a: { command: x, ready: { tcp: "host:99999" }, live: { http: "ftp://x" } }',
        '  b: { command: x, ready: { log: "started (pid" }, live: { tcp: "db:" } }',
        '  c: { command: x, ready: { http: "not a url" }, live: { exec: [] } }',
      ),
    ),
    [
      `usher.yaml:2:34: services.a.ready.tcp: 'host:99999' is not a port or host:port; expected a port number from 1 to 65535 or "host:port" such as "127.0.0.1:5432"`,
      `usher.yaml:2:64: services.a.live.http: 'ftp://x' is not an http URL; expected an http:// or https:// URL such as "http://127.0.0.1:8080/ready"`,
      `usher.yaml:3:34: services.b.ready.log: invalid regular expression (missing closing ): \`started (pid\`); expected a regular expression in JavaScript syntax, without lookaround or backreferences`,
      `usher.yaml:3:65: services.b.live.tcp: 'db:' is not a port or host:port; expected a port number from 1 to 65535 or "host:port" such as "127.0.0.1:5432"`,
      `usher.yaml:4:35: services.c.ready.http: 'not a url' is not an http URL; expected an http:// or https:// URL such as "http://127.0.0.1:8080/ready"`,
      `usher.yaml:4:64: services.c.live.exec: is an empty list; expected a string (run through /bin/sh -c) or a non-empty list of strings (argv, no shell)`,
    ],
  );
});

test('log patterns: backreferences, lookaround and patterns too large to match in bounded time are refused where they are written', async (t) => {
  const BACKTRACKING = 'is not supported: it needs a backtracking matcher, which a line the service prints can stall for minutes (usher matches inside PID 1); expected a pattern without backreferences or lookaround';
  assert.deepEqual(
    await problemsOf(
      t,
      yaml(
        'services:',
        '  a: { command: x, ready: { log: "(a+)\\\\1$" }, live: { log: "(?=ready)r" } }',
        '  b: { command: x, ready: { log: "(?<w>\\\\w)\\\\k<w>" }, live: { log: "(?<!not )ready" } }',
        '  c: { command: x, ready: { log: "[ab]{300}" }, live: { log: "[(?=]ok\\\\(?=" } }',
      ),
    ),
    [
      `usher.yaml:2:34: services.a.ready.log: the backreference \\1 ${BACKTRACKING}`,
      `usher.yaml:2:61: services.a.live.log: the lookaround (?= ${BACKTRACKING}`,
      `usher.yaml:3:34: services.b.ready.log: the backreference \\k<w> ${BACKTRACKING}`,
      `usher.yaml:3:68: services.b.live.log: the lookaround (?<! ${BACKTRACKING}`,
      `usher.yaml:4:34: services.c.ready.log: the pattern is too complex (it compiles to 302 steps; at most 200): each line costs its length times this; match a shorter part of the line, or use smaller repeat counts than {n}`,
    ],
  );
});

test('a log pattern that backtracks catastrophically in JavaScript is accepted: RE2 matches it in linear time', async (t) => {
  const config = await load(t, yaml('services:', '  a: { command: x, ready: { log: "listening|(a+)+$" } }'));
  const probe = config.services[0]?.ready?.probe;
  assert.equal(probe?.kind, 'log');
  if (probe?.kind !== 'log') return;
  assert.equal(probe.pattern.source, 'listening|(a+)+$');
  assert.equal(probe.pattern.test(`${'a'.repeat(40)}!`), false, 'the line that takes JavaScript minutes');
  assert.equal(probe.pattern.test('server listening on :8080'), true);
  assert.equal(probe.pattern.test('aaaa'), true);
});

test('a ready delay that the ready timeout cuts short can never pass', async (t) => {
  assert.deepEqual(await problemsOf(t, yaml('services:', '  a: { command: x, ready: { delay: 90s } }', '  b: { command: x, ready: { delay: 5s, timeout: 5s } }')), [
    `usher.yaml:2:36: services.a.ready.delay: 1m30s can never pass within the ready timeout of 1m; expected a delay shorter than timeout`,
    `usher.yaml:3:36: services.b.ready.delay: 5s can never pass within the ready timeout of 5s; expected a delay shorter than timeout`,
  ]);
});

test('a mistake in a YAML anchor merged into services is reported where it is written', async (t) => {
  assert.deepEqual(
    await problemsOf(t, yaml('x-common: &common', '  restart: sometimes', 'services:', '  a: { <<: *common, command: x }', '  b: { <<: *common, command: y }')),
    [
      `usher.yaml:2:12: services.a.restart: 'sometimes' is not allowed; expected no, on-failure or always`,
      `usher.yaml:2:12: services.b.restart: 'sometimes' is not allowed; expected no, on-failure or always`,
    ],
  );
});

test('signals: unknown names with a suggestion, numbers out of range', async (t) => {
  assert.deepEqual(
    await problemsOf(t, yaml('services:', '  a: { command: x, stop_signal: TREM }', '  b: { command: x, stop_signal: SIGFOO }', '  c: { command: x, stop_signal: 64 }')),
    [
      `usher.yaml:2:33: services.a.stop_signal: unknown signal 'TREM' (did you mean SIGTERM?); ${SIGNAL}`,
      `usher.yaml:3:33: services.b.stop_signal: unknown signal 'SIGFOO'; ${SIGNAL}`,
      `usher.yaml:4:33: services.c.stop_signal: 64 is out of range; ${SIGNAL}`,
    ],
  );
});

test('env_file: a missing file at its list entry; bad lines reported in the env file itself', async (t) => {
  assert.deepEqual(
    await problemsOf(t, yaml('services:', '  a:', '    command: x', '    env_file: [ok.env, gone.env, bad.env]'), {
      files: { 'ok.env': 'A=1\n', 'bad.env': '# header\nGOOD=1\nnot a line\n  export 9X=1\nQ="unterminated\n' },
    }),
    [
      `usher.yaml:4:24: services.a.env_file[1]: gone.env does not exist; expected a file of KEY=VALUE lines (relative to the config file's directory)`,
      `bad.env:3:1: not a KEY=VALUE line; expected KEY=VALUE (letters, digits and '_' in KEY), a # comment or a blank line`,
      `bad.env:4:3: not a KEY=VALUE line; expected KEY=VALUE (letters, digits and '_' in KEY), a # comment or a blank line`,
      `bad.env:5:3: unterminated quoted value for Q; expected the closing quote on the same line`,
    ],
  );
});

test('problems of the config file come first, then those of its env files, each sorted by position', async (t) => {
  assert.deepEqual(
    await problemsOf(t, yaml('services:', '  a: { command: x, env_file: bad.env, depends_on: [b] }', '  b: { command: x, depends_on: [a] }'), {
      files: { 'bad.env': 'oops\n' },
    }),
    [
      `usher.yaml:2:52: dependency cycle: a -> b -> a; ${CYCLE}`,
      `bad.env:1:1: not a KEY=VALUE line; expected KEY=VALUE (letters, digits and '_' in KEY), a # comment or a blank line`,
    ],
  );
});

test('users: unknown user, unknown group, passwd missing for a name (a numeric uid needs no passwd)', async (t) => {
  assert.deepEqual(
    await problemsOf(t, yaml('services:', '  a: { command: x, user: node }', '  b: { command: x, user: "1000:1000" }', '  c: { command: x, user: "1000:staff" }')),
    [
      `usher.yaml:2:26: services.a.user: cannot resolve user 'node': DIR/passwd cannot be read (ENOENT); expected a user of the image's DIR/passwd, or a numeric uid:gid`,
      `usher.yaml:4:26: services.c.user: unknown group 'staff' (DIR/group cannot be read (ENOENT)); expected a group of the image's DIR/group, or a numeric gid`,
    ],
  );
  assert.deepEqual(
    await problemsOf(t, yaml('services:', '  a: { command: x, user: nobody }', '  b: { command: x, user: "root:wheel" }', '  c: { command: x, user: "a:b:c" }'), {
      files: { passwd: 'root:x:0:0::/root:/bin/sh\n', group: 'root:x:0:\n' },
    }),
    [
      `usher.yaml:2:26: services.a.user: unknown user 'nobody' (not in DIR/passwd); expected a user of the image's DIR/passwd, or a numeric uid:gid`,
      `usher.yaml:3:26: services.b.user: unknown group 'wheel' (not in DIR/group); expected a group of the image's DIR/group, or a numeric gid`,
      `usher.yaml:4:26: services.c.user: 'a:b:c' is not valid; expected a user name or uid, optionally followed by :group (name or gid)`,
    ],
  );
});

test('notify and watchdog: a misspelt notify, notify beside another probe, and watchdog with timings it has no use for', async (t) => {
  const problems = await problemsOf(t, yaml(
    'services:',
    '  a:',
    '    command: ["a"]',
    '    ready: notfy',
    '  b:',
    '    command: ["b"]',
    '    ready: { notify: true, tcp: 1 }',
    '    live: { watchdog: 10s, failures: 2, interval: 1s }',
    '  c:',
    '    command: ["c"]',
    '    live: { watchdog: 0s }',
    '    ready: { watchdog: 1s }',
  ));
  assert.deepEqual(problems, [
    "usher.yaml:4:12: services.a.ready: 'notfy' is not valid; expected notify, or a map with exactly one of tcp, http, exec, log, delay or notify (and optionally interval, timeout)",
    "usher.yaml:7:12: services.b.ready: has 'tcp' and 'notify'; expected exactly one of tcp, http, exec, log, delay or notify",
    "usher.yaml:8:38: services.b.live.failures: has no meaning with watchdog (the service's WATCHDOG=1 messages are the check); expected no failures",
    "usher.yaml:8:51: services.b.live.interval: has no meaning with watchdog (the service's WATCHDOG=1 messages are the check); expected no interval",
    'usher.yaml:11:23: services.c.live.watchdog: is 0; expected how often the service sends WATCHDOG=1 at least, such as 10s',
    'usher.yaml:12:12: services.c.ready: has no probe; expected exactly one of tcp, http, exec, log, delay or notify',
    "usher.yaml:12:14: services.c.ready: unknown key 'watchdog'; expected one of tcp, http, exec, log, delay, notify, interval, timeout",
  ]);
});
