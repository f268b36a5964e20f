// The single-file builds of usher (tools/single/build.ts), in the images they
// are meant for: the ESM bundle in an image that has node but no node_modules,
// the SEA executable in an image without node at all. Each runs as PID 1 and
// must handle the seed's case 2 as the npm package does.
import assert from 'node:assert/strict';
import { getEngines, secs, waitUntil, assertStoppedWithinGrace } from './engine.js';

const T = { timeout: 60_000 };
const GRACEFUL = ['Start ...', 'receive system signal: terminated', 'Shutdown ~'];

const mb = (bytes: number | undefined) => `${((bytes ?? NaN) / 1e6).toFixed(2)} MB`;

for (const e of await getEngines()) {
  const { images, sizes, usherVersion } = e;

  e.test('bundle: usher.mjs in an image with node and no node_modules answers --version', T, async (t) => {
    t.diagnostic(`usher.mjs ${mb(sizes['bundle: usher.mjs'])} + koffi.node ${mb(sizes['bundle: koffi.node'])}; ` +
      `npm package installed: ${mb(sizes['usher installed (usher + koffi + addon)'])}`);
    const found = await e.runOnce({ image: images.single, command: ['find', '/', '-xdev', '-name', 'node_modules'] });
    assert.equal(found.stdout, '', 'the image must have no node_modules');
    const version = await e.runOnce({ image: images.single, entrypoint: ['usher', '--version'] });
    assert.equal(version.stdout, `usher ${usherVersion}\n`, version.stderr);
  });

  e.test('bundle: usher.mjs as PID 1 stops the seed\'s case 2 (run.sh) gracefully', T, async (t) => {
    const c = e.run({ image: images.single, label: 'bundle-case2', entrypoint: ['usher', '--'], command: ['/fixtures/run.sh'] });
    await c.stdout.waitFor('Start ...', 30_000);
    assert.equal((await c.ps()).find((p) => p.pid === 1)?.args, 'node /usr/local/bin/usher -- /fixtures/run.sh');
    const stop = await c.stop(3);
    const code = await c.exitCode();
    t.diagnostic(`${e.name} stop -t 3 took ${secs(stop.ms)}; exit ${code}`);
    assert.deepEqual(c.stdout.all, GRACEFUL);
    assert.equal(code, 143);
    assert.equal(c.stderr.text, '');
    assertStoppedWithinGrace(stop);
  });

  e.test('bundle: without koffi.node usher says which file is missing and exits non-zero, before starting anything', T, async () => {
    const r = await e.runOnce({ image: images.single, env: { USHER_KOFFI_NODE: '/nowhere/koffi.node' }, entrypoint: ['usher', '--'], command: ['echo', 'started'] });
    assert.notEqual(r.code, 0);
    assert.doesNotMatch(r.stdout, /started/);
    assert.match(r.stderr, /koffi's native addon is missing: expected \/nowhere\/koffi\.node/);
  });

  e.test('SEA: an image without node runs the usher executable as PID 1; case 2 with a shell app stops gracefully', T, async (t) => {
    t.diagnostic(`SEA usher ${mb(sizes['SEA: usher'])} + koffi.node ${mb(sizes['SEA: koffi.node'])} + libraries ${mb(sizes['SEA libraries'])}; ` +
      `image ${mb(sizes['image sea'])}, against ${mb(sizes['image node'])} for busybox + node`);
    const node = await e.runOnce({ image: images.sea, command: ['sh', '-c', 'command -v node || echo no node'] });
    assert.equal(node.stdout, 'no node\n');
    const version = await e.runOnce({ image: images.sea, entrypoint: ['usher', '--version'] });
    assert.equal(version.stdout, `usher ${usherVersion}\n`, version.stderr);

    const c = e.run({ image: images.sea, label: 'sea-case2', entrypoint: ['usher', '--'], command: ['/fixtures/run-shell-app.sh'] });
    await c.stdout.waitFor('Start ...', 30_000);
    const stop = await c.stop(3);
    const code = await c.exitCode();
    t.diagnostic(`${e.name} stop -t 3 took ${secs(stop.ms)}; exit ${code}`);
    assert.deepEqual(c.stdout.all, GRACEFUL);
    assert.equal(code, 143);
    // The shell reports its own background sleep as "Terminated"; usher itself has nothing to say.
    assert.doesNotMatch(c.stderr.text, /usher/);
    assertStoppedWithinGrace(stop);
  });

  e.test('SEA: as PID 1 it reaps orphans too', T, async () => {
    const storm = 'i=0; while [ $i -lt 50 ]; do (sleep 0 &); i=$((i+1)); done; echo orphans left; exec sleep 1000';
    const c = e.run({ image: images.sea, label: 'sea-storm', entrypoint: ['usher', '--'], command: ['sh', '-c', storm] });
    await c.stdout.waitFor('orphans left', 30_000);
    const rows = await waitUntil('no zombie and no orphan left', async () => {
      const ps = await c.ps();
      return ps.length === 2 && ps.every((p) => !p.stat.startsWith('Z')) ? ps : undefined;
    });
    assert.deepEqual(rows.map((p) => p.args), [`usher -- sh -c ${storm}`, 'sleep 1000']);
    await c.stop(3);
    assert.equal(await c.exitCode(), 143);
  });
}
