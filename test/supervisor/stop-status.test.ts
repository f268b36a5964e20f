// The exit status of a requested stop counts only what that stop had to kill:
// a SIGKILL during an earlier `usher restart` or `usher stop` is history.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NODE, PROBE, startRun, tempDir, withFiles } from './helpers.js';
import { usherControl } from './control-client-helper.js';

const T = { timeout: 60_000 };

test('a SIGKILL during an earlier usher restart does not make a later clean stop exit 137', T, async () => {
  const marks = tempDir();
  // The first instance ignores SIGTERM (killed at stop_timeout by the restart); the next one stops cleanly.
  const script = `if [ -e ${marks}/once ]; then exec ${NODE} ${PROBE}; fi; touch ${marks}/once; exec ${NODE} ${PROBE} --ignore SIGTERM`;
  const dir = withFiles({
    'usher.yaml': ['services:', '  stubborn:', `    command: ${JSON.stringify(['sh', '-c', script])}`, '    stop_timeout: 1s'].join('\n') + '\n',
  });
  const socket = join(tempDir(), 'c.sock');
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: socket } });
  await ns.stdout.waitFor(/^stubborn +\| ready \d+$/);

  const restart = await usherControl(['restart', 'stubborn'], socket);
  assert.equal(restart.code, 0, restart.stderr);
  await ns.stderr.waitFor(/stubborn: killed pid \d+ .*did not stop within 1s of SIGTERM/);
  await ns.stdout.waitForCount(/^stubborn +\| ready \d+$/, 2);

  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.equal(exit.code, 0, ns.stderr.text);
  assert.match(ns.stderr.text, /stopped in [\d.]+s; exit status 0$/m);
});

test('a service killed during the final stop still makes it exit 137', T, async () => {
  const dir = withFiles({
    'usher.yaml': ['services:', '  stubborn:', `    command: ["${NODE}", "${PROBE}", "--ignore", "SIGTERM"]`, '    stop_timeout: 500ms'].join('\n') + '\n',
  });
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  await ns.stdout.waitFor(/^stubborn +\| ready \d+$/);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 137, ns.stderr.text);
  assert.match(ns.stderr.text, /exit status 137 \(1 process\(es\) had to be killed\)/);
});
