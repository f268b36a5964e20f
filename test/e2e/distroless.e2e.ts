// Images without a shell or /usr/bin/env (distroless Node images): the `usher`
// command's `#!/usr/bin/env node` cannot start there, so the entrypoint is
// node running usher's entry file directly, as docs/containers.md says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Container, getImages, podman, uniqueName } from './engine.js';
import { USHER_ENTRY } from './images.js';

const { images } = await getImages();
const T = { timeout: 90_000 };

test('distroless: neither /bin/sh nor /usr/bin/env, so the usher command itself cannot start', T, async () => {
  const name = uniqueName('distroless-bin');
  const run = await podman(['run', '--rm', '--name', name, '--entrypoint', '["usher", "--"]', images.distroless, 'node', '-e', '0'], {
    check: false,
    timeoutMs: 60_000,
  });
  assert.notEqual(run.code, 0);
  assert.match(run.stderr, /no such file or directory/i, 'the engine reports the missing interpreter');
  const look = await podman(
    ['run', '--rm', '--name', uniqueName('distroless-look'), '--entrypoint', '["node"]', images.distroless, '-p',
      "['/bin/sh', '/usr/bin/env'].map((f) => require('fs').existsSync(f)).join(' ')"],
    { timeoutMs: 60_000 },
  );
  assert.equal(look.stdout.trim(), 'false false');
});

test(`distroless: ENTRYPOINT ["node", "${USHER_ENTRY}", "--"] runs the app as usher's child and stops it gracefully`, T, async () => {
  const c = Container.run({
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
