// The founding document's three cases in real containers, stopped as
// `docker stop -t 3` stops them (SIGTERM to PID 1, SIGKILL 3 s later), first
// as the article runs them, then the same images with usher as ENTRYPOINT.
// Plus the reaping half of an init's job: orphans must not pile up as zombies.
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { assertStoppedWithinGrace, Container, getImages, secs, waitUntil, type RunOptions } from './engine.js';

const { images } = await getImages();
const T = { timeout: 90_000 };
const GRACEFUL = ['Start ...', 'receive system signal: terminated', 'Shutdown ~'];
const USHER = ['usher', '--'];

interface Stopped {
  stdout: string[];
  stderr: string;
  code: number;
  stopMs: number;
  stopStderr: string;
}

/** Starts the container, waits for the app's first line, `podman stop -t 3`, and gathers what happened. */
async function runAndStop(t: TestContext, options: RunOptions): Promise<Stopped> {
  const c = Container.run(options);
  await c.stdout.waitFor('Start ...', 30_000);
  const stop = await c.stop(3);
  const code = await c.exitCode();
  t.diagnostic(`podman stop -t 3 took ${secs(stop.ms)}; exit ${code}; output: ${JSON.stringify(c.stdout.all)}`);
  return { stdout: c.stdout.all, stderr: c.stderr.text, code, stopMs: stop.ms, stopStderr: stop.stderr };
}

test('case 1, the app as PID 1: it gets SIGTERM and stops gracefully', T, async (t) => {
  const r = await runAndStop(t, { image: images.usher, label: 'case1', command: ['node', '/fixtures/seed-app.mjs'] });
  assert.deepEqual(r.stdout, GRACEFUL);
  assert.equal(r.code, 0);
  assertStoppedWithinGrace({ stderr: r.stopStderr, ms: r.stopMs });
});

test('case 2, run.sh as PID 1: the app never hears SIGTERM and is SIGKILLed at the timeout (137)', T, async (t) => {
  const r = await runAndStop(t, { image: images.usher, label: 'case2', command: ['/fixtures/run.sh'] });
  assert.deepEqual(r.stdout, ['Start ...'], 'the app must not have heard SIGTERM');
  assert.equal(r.code, 137);
  assert.ok(r.stopMs >= 2_900 && r.stopMs < 8_000, `stop took ${secs(r.stopMs)}, expected about 3 s`);
  assert.match(r.stopStderr, /resorting to SIGKILL/);
});

test('case 3, dumb-init -- trap.sh (the article\'s fix): graceful', T, async (t) => {
  const r = await runAndStop(t, { image: images.usher, label: 'case3', entrypoint: ['dumb-init', '--'], command: ['/fixtures/trap.sh'] });
  assert.deepEqual(r.stdout, GRACEFUL);
  assert.equal(r.code, 0);
  assertStoppedWithinGrace({ stderr: r.stopStderr, ms: r.stopMs });
});

test('case 1 with usher as ENTRYPOINT: graceful, exit 0', T, async (t) => {
  const r = await runAndStop(t, { image: images.usher, label: 'case1-usher', entrypoint: USHER, command: ['node', '/fixtures/seed-app.mjs'] });
  assert.deepEqual(r.stdout, GRACEFUL);
  assert.equal(r.code, 0);
  assert.equal(r.stderr, '', 'usher has nothing to warn about');
  assertStoppedWithinGrace({ stderr: r.stopStderr, ms: r.stopMs });
});

test('case 2 with usher as ENTRYPOINT: the same unmodified run.sh stops gracefully', T, async (t) => {
  const r = await runAndStop(t, { image: images.usher, label: 'case2-usher', entrypoint: USHER, command: ['/fixtures/run.sh'] });
  assert.deepEqual(r.stdout, GRACEFUL);
  // The whole group got SIGTERM: sh has no handler and dies of it (128 + 15),
  // and usher waits for the app to finish its shutdown before exiting.
  assert.equal(r.code, 143);
  assert.equal(r.stderr, '', 'nothing left over to kill or warn about');
  assertStoppedWithinGrace({ stderr: r.stopStderr, ms: r.stopMs });
  assert.doesNotMatch(r.stopStderr, /SIGKILL/);
});

test('case 2 with usher -c (signals to the child only, tini\'s default): the orphaned app is still stopped gracefully', T, async (t) => {
  const r = await runAndStop(t, { image: images.usher, label: 'case2-usher-c', entrypoint: ['usher', '-c', '--'], command: ['/fixtures/run.sh'] });
  // SIGTERM kills the shell alone; the app, now an orphan, gets SIGTERM from usher's drain.
  assert.deepEqual(r.stdout, GRACEFUL);
  assert.equal(r.code, 143);
  assertStoppedWithinGrace({ stderr: r.stopStderr, ms: r.stopMs });
});

test('case 3 with usher as ENTRYPOINT instead of dumb-init: graceful, exit 0', T, async (t) => {
  const r = await runAndStop(t, { image: images.usher, label: 'case3-usher', entrypoint: USHER, command: ['/fixtures/trap.sh'] });
  assert.deepEqual(r.stdout, GRACEFUL);
  assert.equal(r.code, 0);
  assertStoppedWithinGrace({ stderr: r.stopStderr, ms: r.stopMs });
});

test('case 3 with usher installed as dumb-init (a link): the article\'s image with only the binary swapped', T, async (t) => {
  const r = await runAndStop(t, {
    image: images.usher,
    label: 'case3-as-dumb-init',
    entrypoint: ['/opt/usher-as/dumb-init', '--'],
    command: ['/fixtures/trap.sh'],
  });
  assert.deepEqual(r.stdout, GRACEFUL);
  assert.equal(r.code, 0);
  assertStoppedWithinGrace({ stderr: r.stopStderr, ms: r.stopMs });
});

const ORPHANS = 100;

/** Waits until the storm's processes have all exited, then returns the zombies `podman exec ps` shows. */
async function zombiesAfterStorm(c: Container) {
  await c.stdout.waitFor(`orphans left: ${ORPHANS}`, 30_000);
  return waitUntil('every orphan to exit', async () => {
    const ps = await c.ps();
    const running = ps.filter((p) => !p.stat.startsWith('Z') && p.comm !== 'node');
    return running.length === 0 ? ps.filter((p) => p.stat.startsWith('Z')) : undefined;
  });
}

test(`orphan storm without usher: node as PID 1 leaves all ${ORPHANS} orphans as zombies`, T, async (t) => {
  // The problem usher solves, shown so that the check below is known to see zombies.
  const c = Container.run({ image: images.usher, label: 'storm-bare', command: ['node', '/fixtures/orphan-storm.mjs', String(ORPHANS)] });
  const zombies = await zombiesAfterStorm(c);
  t.diagnostic(`${zombies.length} zombies under node as PID 1`);
  assert.equal(zombies.length, ORPHANS);
  await c.stop(3);
});

test(`orphan storm with usher as ENTRYPOINT: podman exec ps shows no zombie`, T, async (t) => {
  const c = Container.run({
    image: images.usher,
    label: 'storm-usher',
    entrypoint: USHER,
    command: ['node', '/fixtures/orphan-storm.mjs', String(ORPHANS)],
  });
  await c.stdout.waitFor(`orphans left: ${ORPHANS}`, 30_000);
  // usher reaps as SIGCHLD arrives; a zombie may be seen for an instant, never for long.
  const ps = await waitUntil('no zombie and no orphan left', async () => {
    const rows = await c.ps();
    return rows.every((p) => !p.stat.startsWith('Z')) && rows.filter((p) => p.comm !== 'node').length === 0 ? rows : undefined;
  });
  t.diagnostic(`after the storm: ${ps.map((p) => `${p.pid} ${p.stat} ${p.args}`).join(' | ')}`);
  assert.deepEqual(
    ps.map((p) => p.args),
    [`node /usr/local/bin/usher -- node /fixtures/orphan-storm.mjs ${ORPHANS}`, `node /fixtures/orphan-storm.mjs ${ORPHANS}`],
  );
  const stop = await c.stop(3);
  assert.equal(await c.exitCode(), 0);
  assertStoppedWithinGrace(stop);
});
