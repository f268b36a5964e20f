// signal_group: false: a master process (php-fpm, nginx) gets signals alone and
// tells its workers itself; its workers get the stop signal only once it has
// exited. The default (true) keeps signalling the whole group.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { NODE, PROBE, startRun, tempDir, withFiles } from './helpers.js';
import { usherControl } from './control-client-helper.js';

const T = { timeout: 60_000 };

function masterWithWorker(signalGroup: boolean | undefined, extra: string[] = []): string {
  return [
    'services:',
    '  fpm:',
    // The probe starts a copy of itself in its process group: a master and its worker.
    `    command: ["${NODE}", "${PROBE}", "--children", "1", "--exit-on", "SIGTERM"${extra.map((e) => `, "${e}"`).join('')}]`,
    ...(signalGroup === undefined ? [] : [`    signal_group: ${signalGroup}`]),
    '    stop_timeout: 1s',
  ].join('\n') + '\n';
}

async function startMaster(signalGroup: boolean | undefined, extra: string[] = []) {
  const dir = withFiles({ 'usher.yaml': masterWithWorker(signalGroup, extra) });
  const socket = join(tempDir(), 'c.sock');
  const ns = startRun(['-f', join(dir, 'usher.yaml')], { env: { USHER_SOCKET: socket } });
  const starting = await ns.stderr.waitFor(/fpm: starting \(pid (\d+)\)/);
  const master = Number(/pid (\d+)/.exec(starting)?.[1]);
  await ns.stdout.waitForCount(/^fpm +\| ready \d+$/, 2);
  const worker = ns.stdout.all.map((l) => Number(/\| ready (\d+)$/.exec(l)?.[1])).find((pid) => pid && pid !== master) as number;
  assert.ok(worker > 0, ns.stdout.text);
  return { ns, socket, master, worker };
}

test('signal_group: false: usher signal reaches the main process only, not its workers', T, async () => {
  const { ns, socket, master, worker } = await startMaster(false);
  const sent = await usherControl(['signal', 'fpm', 'USR1'], socket);
  assert.equal(sent.code, 0, sent.stderr);
  await ns.stdout.waitFor(new RegExp(`^fpm +\\| SIGUSR1 ${master}$`));
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  // The worker was alive to report its SIGTERM, which came after the USR1 it would have handled first.
  assert.match(ns.stdout.text, new RegExp(`^fpm +\\| SIGTERM ${worker}$`, 'm'));
  assert.doesNotMatch(ns.stdout.text, new RegExp(`SIGUSR1 ${worker}$`, 'm'));
});

test('signal_group: false: signals usher passes on (HUP) reach the main process only', T, async () => {
  const { ns, master, worker } = await startMaster(false);
  ns.signal('SIGHUP');
  await ns.stdout.waitFor(new RegExp(`^fpm +\\| SIGHUP ${master}$`));
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  assert.match(ns.stdout.text, new RegExp(`^fpm +\\| SIGTERM ${worker}$`, 'm'));
  assert.doesNotMatch(ns.stdout.text, new RegExp(`SIGHUP ${worker}$`, 'm'));
});

test('signal_group: false: the stop signal goes to the main process; its workers get it once it has exited', T, async () => {
  const { ns, master, worker } = await startMaster(false);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
  const lines = ns.stdout.all;
  const masterGot = lines.findIndex((l) => new RegExp(`\\| SIGTERM ${master}$`).test(l));
  const workerGot = lines.findIndex((l) => new RegExp(`\\| SIGTERM ${worker}$`).test(l));
  assert.ok(masterGot >= 0 && workerGot > masterGot, ns.stdout.text);
  assert.match(ns.stderr.text, new RegExp(`fpm: stopping what pid ${master} left behind \\(SIGTERM\\)`));
});

test('signal_group: false: a main process that ignores the stop signal is killed at stop_timeout with its workers, which never got it', T, async () => {
  const { ns, master, worker } = await startMaster(false, ['--ignore', 'SIGTERM']);
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 137, ns.stderr.text);
  assert.match(ns.stdout.text, new RegExp(`^fpm +\\| ignored SIGTERM ${master}$`, 'm'));
  assert.doesNotMatch(ns.stdout.text, new RegExp(`SIGTERM ${worker}$`, 'm'));
  assert.match(ns.stderr.text, new RegExp(`fpm: killed pid ${worker} `));
});

test('by default (signal_group: true) usher signal reaches the whole group', T, async () => {
  const { ns, socket, master, worker } = await startMaster(undefined);
  const sent = await usherControl(['signal', 'fpm', 'USR1'], socket);
  assert.equal(sent.code, 0, sent.stderr);
  await ns.stdout.waitFor(new RegExp(`^fpm +\\| SIGUSR1 ${master}$`));
  await ns.stdout.waitFor(new RegExp(`^fpm +\\| SIGUSR1 ${worker}$`));
  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0, ns.stderr.text);
});
