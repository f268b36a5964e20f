// Signals other than the stop signal, sent the way users send them
// (`docker kill -s`, `podman kill -s`), reach the app.
import assert from 'node:assert/strict';
import { getEngines } from './engine.js';

const T = { timeout: 60_000 };
const PROBE = ['node', '/fixtures/signal-probe.mjs', '--exit-on', 'SIGINT'];

for (const e of await getEngines()) {
  const { images } = e;

  e.test(`HUP, USR1, USR2 and then INT sent with ${e.name} kill -s reach the app under usher, each exactly once`, T, async () => {
    const c = e.run({ image: images.usher, label: 'signals', entrypoint: ['usher', '--'], command: PROBE });
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

  e.test('without usher, the same signals sent to a shell as PID 1 never reach the app', T, async () => {
    // The contrast: `sh -c '...; echo'` stays in PID 1's place (no exec), has no
    // handlers, and the kernel drops signals a PID 1 does not handle.
    const c = e.run({ image: images.usher, label: 'signals-sh', command: ['sh', '-c', `${PROBE.join(' ')}; echo app exited`] });
    const pid = (await c.stdout.waitFor(/^ready \d+$/, 30_000)).split(' ')[1];
    await c.kill('HUP');
    await c.kill('USR1');
    // Once `kill` has returned, the kernel has dropped or delivered the
    // signals; a signal sent to the app directly afterwards marks that point in
    // its output, with no waiting on a clock.
    await c.exec(['kill', '-USR2', String(pid)]);
    await c.stdout.waitFor(`SIGUSR2 ${pid}`);
    assert.deepEqual(c.stdout.all, [`ready ${pid}`, `SIGUSR2 ${pid}`]);
  });
}
