// A service that was stopped (SIGSTOP, SIGTSTP) when usher stops it: its stop
// signal is followed by SIGCONT, so its handler runs and it ends gracefully,
// instead of sitting stopped with SIGTERM pending until the SIGKILL at
// stop_timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fixture, waitForState } from '../helpers/pid1.js';
import { NODE, startRun, withFiles } from './helpers.js';

const T = { timeout: 60_000 };

test('a stopped service still stops gracefully when usher shuts down', T, async () => {
  const dir = withFiles({
    'usher.yaml': ['services:', '  app:', `    command: ["${NODE}", "${fixture('term-counter.mjs')}", "--linger", "0"]`, '    stop_timeout: 20s'].join('\n') + '\n',
  });
  const ns = startRun(['-f', join(dir, 'usher.yaml')]);
  await ns.stdout.waitFor(/^app +\| ready \d+$/);
  const app = ns.descendants().find((p) => p.comm === 'node');
  assert.ok(app, JSON.stringify(ns.descendants()));
  process.kill(app.pid, 'SIGSTOP');
  await waitForState(app.pid, 'T');
  ns.signal('SIGTERM');
  const exit = await ns.exited;
  assert.match(ns.stdout.text, /^app +\| TERM 1 \d+$/m, 'its SIGTERM handler ran');
  assert.doesNotMatch(ns.stderr.text, /killed pid/, ns.stderr.text);
  assert.equal(exit.code, 0, ns.stderr.text);
});
