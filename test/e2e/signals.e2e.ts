// Signals other than the stop signal, sent the way users send them
// (`docker kill --signal`, here `podman kill --signal`), reach the app.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Container, getImages } from './engine.js';

const { images } = await getImages();
const T = { timeout: 60_000 };
const PROBE = ['node', '/fixtures/signal-probe.mjs', '--exit-on', 'SIGINT'];

test('HUP, USR1, USR2 and then INT sent with podman kill reach the app under usher, each exactly once', T, async () => {
  const c = Container.run({ image: images.usher, label: 'signals', entrypoint: ['usher', '--'], command: PROBE });
  const pid = (await c.stdout.waitFor(/^ready \d+$/, 30_000)).split(' ')[1];
  for (const sig of ['HUP', 'USR1', 'USR2']) {
    await c.kill(sig);
    await c.stdout.waitFor(`SIG${sig} ${pid}`);
  }
  // INT is one of usher's stop signals (TERM and INT): forwarded, and the probe exits on it.
  await c.kill('INT');
  assert.equal(await c.exitCode(), 0);
  assert.deepEqual(c.stdout.all, [`ready ${pid}`, `SIGHUP ${pid}`, `SIGUSR1 ${pid}`, `SIGUSR2 ${pid}`, `SIGINT ${pid}`]);
  assert.equal(c.stderr.text, '');
});

test('without usher, the same signals sent to a shell as PID 1 never reach the app', T, async () => {
  // The contrast: `sh -c '...; echo'` stays in PID 1's place (no exec), has no
  // handlers, and the kernel drops signals a PID 1 does not handle.
  const c = Container.run({ image: images.usher, label: 'signals-sh', command: ['sh', '-c', `${PROBE.join(' ')}; echo app exited`] });
  const pid = (await c.stdout.waitFor(/^ready \d+$/, 30_000)).split(' ')[1];
  await c.kill('HUP');
  await c.kill('USR1');
  // Once `podman kill` has returned, the kernel has dropped or delivered the
  // signals; a signal sent to the app directly afterwards marks that point in
  // its output, with no waiting on a clock.
  await c.exec(['kill', '-USR2', String(pid)]);
  await c.stdout.waitFor(`SIGUSR2 ${pid}`);
  assert.deepEqual(c.stdout.all, [`ready ${pid}`, `SIGUSR2 ${pid}`]);
});
