// Images without a shell or /usr/bin/env (distroless Node images): the `usher`
// command's `#!/usr/bin/env node` cannot start there, so the entrypoint is
// node running usher's entry file directly, as docs/containers.md says.
import assert from 'node:assert/strict';
import { getEngines } from './engine.js';
import { USHER_ENTRY } from './images.js';

const T = { timeout: 90_000 };

for (const e of await getEngines()) {
  const { images } = e;

  e.test('distroless: neither /bin/sh nor /usr/bin/env, so the usher command itself cannot start', T, async () => {
    const run = await e.runOnce({ image: images.distroless, entrypoint: ['usher', '--'], command: ['node', '-e', '0'] });
    assert.notEqual(run.code, 0);
    assert.match(run.stdout + run.stderr, /no such file or directory/i, 'the engine reports the missing interpreter');
    const look = await e.runOnce({
      image: images.distroless,
      entrypoint: ['node'],
      command: ['-p', "['/bin/sh', '/usr/bin/env'].map((f) => require('fs').existsSync(f)).join(' ')"],
    });
    assert.equal(look.stdout.trim(), 'false false', look.stderr);
  });

  e.test(`distroless: ENTRYPOINT ["node", "${USHER_ENTRY}", "--"] runs the app as usher's child and stops it gracefully`, T, async () => {
    const c = e.run({
      image: images.distroless,
      label: 'distroless',
      command: ['node', '/fixtures/signal-probe.mjs', '--exit-on', 'SIGTERM'],
    });
    const pid = (await c.stdout.waitFor(/^ready \d+$/, 30_000)).split(' ')[1];
    assert.notEqual(pid, '1', 'usher is PID 1, the app its child');
    await c.stop(10);
    await c.stdout.waitFor(`SIGTERM ${pid}`);
    assert.equal(await c.exitCode(), 0);
    assert.equal(c.stderr.text, '');
  });
}
