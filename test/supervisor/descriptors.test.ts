// What descriptors a service gets: 0, 1 and 2 only, whoever it runs as and
// whatever its env: says. Never usher's own (the control socket, its pipes,
// its epoll): before, a service's LISTEN_FDS=N handed it fds 3 to N+2, and a
// service running as another user answered `usher stop` in usher's place.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startRun, withFiles } from './helpers.js';

const T = { timeout: 60_000 };

/** The shell's own descriptors (0 to 64): no pipeline, no $(...), which would hold a pipe of the shell's while listing. */
const REPORT = `fd=0
while [ $fd -le 64 ]; do
  if [ -e /proc/$$/fd/$fd ]; then printf 'fd %s ' $fd; readlink /proc/$$/fd/$fd; fi
  fd=$((fd+1))
done
echo "LISTEN_FDS=\${LISTEN_FDS-unset} LISTEN_PID=\${LISTEN_PID-unset}"
`;

test('a service (as another user or not) sees no descriptor of usher\'s, whatever LISTEN_FDS its env: sets', T, async () => {
  const dir = withFiles({
    'usher.yaml': [
      'services:',
      '  other:',
      '    command: ["sh", "DIR/report.sh"]',
      '    user: nobody',
      '    env: { LISTEN_FDS: "40", LISTEN_PID: "1" }',
      '  same:',
      '    command: ["sh", "DIR/report.sh"]',
      '    env: { LISTEN_FDS: "40", LISTEN_PID: "1" }',
      '    depends_on: { other: completed }',
    ].join('\n') + '\n',
  });
  writeFileSync(join(dir, 'usher.yaml'), readFileSync(join(dir, 'usher.yaml'), 'utf8').replaceAll('DIR', dir));
  writeFileSync(join(dir, 'report.sh'), REPORT);
  // The service running as nobody must be able to read its script.
  chmodSync(dir, 0o755);
  chmodSync(join(dir, 'report.sh'), 0o644);
  // usher's control socket is open (startRun gives it one) while the services run.
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  for (const service of ['other', 'same']) {
    const lines = ns.stdout.all.filter((l) => l.startsWith(`${service} `)).map((l) => l.replace(/^\w+ +\| /, ''));
    // The shell reads its script through a descriptor of its own (dash: fd 10).
    const fds = lines.filter((l) => l.startsWith('fd ') && !l.endsWith('/report.sh')).map((l) => l.split(' ')[1]);
    assert.deepEqual(fds, ['0', '1', '2'], `${service}:\n${lines.join('\n')}`);
    assert.ok(lines.includes('LISTEN_FDS=unset LISTEN_PID=unset'), `${service}:\n${lines.join('\n')}`);
  }
});
