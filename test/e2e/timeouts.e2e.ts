// usher's stop timeout inside the runtime's: an app that ignores SIGTERM is
// SIGKILLed by usher at --stop-timeout, named on stderr, well before Docker's
// 10 s (`stop -t 10`) would kill the whole container without a word.
import assert from 'node:assert/strict';
import { assertStoppedWithinGrace, getEngines, secs } from './engine.js';

for (const e of await getEngines()) {
  const { images } = e;

  e.test(`--stop-timeout 2 under ${e.name} stop -t 10: usher kills the app that ignores SIGTERM at 2 s and names it`, { timeout: 60_000 }, async (t) => {
    const c = e.run({
      image: images.usher,
      label: 'stop-timeout',
      entrypoint: ['usher', '--stop-timeout', '2', '--'],
      command: ['node', '/fixtures/signal-probe.mjs', '--ignore', 'SIGTERM'],
    });
    const pid = (await c.stdout.waitFor(/^ready \d+$/, 30_000)).split(' ')[1];
    const stop = await c.stop(10);
    const code = await c.exitCode();
    t.diagnostic(`${e.name} stop -t 10 took ${secs(stop.ms)}; exit ${code}; usher said: ${c.stderr.text}`);
    assert.ok(c.stdout.all.includes(`ignored SIGTERM ${pid}`), 'the app got SIGTERM and ignored it');
    assert.match(c.stderr.text, new RegExp(`pid ${pid} \\(node /fixtures/signal-probe.mjs --ignore SIGTERM\\) did not stop within 2s of SIGTERM \\(--stop-timeout\\); sending SIGKILL`));
    assert.equal(code, 137, 'the app was killed by SIGKILL: 128 + 9');
    // usher's 2 s, not the runtime's 10 s, ended it: the lower bound is exact (the
    // clock started before the signal), and the runtime never had to step in.
    assert.ok(stop.ms >= 1_900, `stop took ${secs(stop.ms)}, expected about 2 s`);
    assertStoppedWithinGrace(stop);
  });
}
