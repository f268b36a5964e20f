// The founding document's three cases in real containers, on each engine,
// stopped as `docker stop` stops them (SIGTERM to PID 1, SIGKILL when the
// timeout ends): with `-t 3` as the article runs them, and with the default
// 10 s; first as the article runs them, then the same images with usher as
// ENTRYPOINT. The engine's own `run --init` next to usher as the reference.
// Plus the reaping half of an init's job: orphans must not pile up as zombies.
import { type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { assertStoppedWithinGrace, Container, getEngines, secs, waitUntil, type EngineUnderTest, type RunOptions } from './engine.js';

const T = { timeout: 90_000 };
const GRACEFUL = ['Start ...', 'receive system signal: terminated', 'Shutdown ~'];
const USHER = ['usher', '--'];

interface Stopped {
  stdout: string[];
  stderr: string;
  code: number;
  stopMs: number;
  forced: boolean;
}

/** `stop -t 3` as the article runs it; `stop` with the engine's default timeout (10 s) as users run it. */
const TIMEOUTS = [
  { timeout: 3, words: 'stop -t 3' },
  { timeout: undefined, words: 'stop (default 10 s)' },
] as const;

/** Starts the container, waits for the app's first line, stops it, and gathers what happened. */
async function runAndStop(t: TestContext, e: EngineUnderTest, timeout: number | undefined, options: RunOptions): Promise<Stopped> {
  const c = e.run(options);
  await c.stdout.waitFor('Start ...', 30_000);
  const stop = await c.stop(timeout);
  const code = await c.exitCode();
  t.diagnostic(`${e.name} stop${timeout === undefined ? '' : ` -t ${timeout}`} took ${secs(stop.ms)}; exit ${code}; forced ${stop.forced}; output: ${JSON.stringify(c.stdout.all)}`);
  return { stdout: c.stdout.all, stderr: c.stderr.text, code, stopMs: stop.ms, forced: stop.forced };
}

for (const e of await getEngines()) {
  const { images } = e;

  for (const { timeout, words } of TIMEOUTS) {
    const grace = (timeout ?? 10) * 1000;
    const stopWords = `${e.name} ${words}`;

    e.test(`${stopWords}, case 1, the app as PID 1: it gets SIGTERM and stops gracefully`, T, async (t) => {
      const r = await runAndStop(t, e, timeout, { image: images.usher, label: 'case1', command: ['node', '/fixtures/seed-app.mjs'] });
      assert.deepEqual(r.stdout, GRACEFUL);
      assert.equal(r.code, 0);
      assertStoppedWithinGrace({ forced: r.forced, ms: r.stopMs });
    });

    e.test(`${stopWords}, case 2, run.sh as PID 1: the app never hears SIGTERM and is SIGKILLed at the timeout (137)`, { timeout: 90_000 + grace }, async (t) => {
      const r = await runAndStop(t, e, timeout, { image: images.usher, label: 'case2', command: ['/fixtures/run.sh'] });
      assert.deepEqual(r.stdout, ['Start ...'], 'the app must not have heard SIGTERM');
      assert.equal(r.code, 137);
      // The timeout is the lower bound: the clock started before SIGTERM was sent.
      assert.ok(r.stopMs >= grace - 100, `stop took ${secs(r.stopMs)}, expected at least the ${grace / 1000} s timeout`);
      assert.equal(r.forced, true, 'the engine had to SIGKILL the container');
    });

    e.test(`${stopWords}, case 3, dumb-init -- trap.sh (the article's fix): graceful`, T, async (t) => {
      const r = await runAndStop(t, e, timeout, { image: images.usher, label: 'case3', entrypoint: ['dumb-init', '--'], command: ['/fixtures/trap.sh'] });
      assert.deepEqual(r.stdout, GRACEFUL);
      assert.equal(r.code, 0);
      assertStoppedWithinGrace({ forced: r.forced, ms: r.stopMs });
    });

    e.test(`${stopWords}, case 1 with usher as ENTRYPOINT: graceful, exit 0`, T, async (t) => {
      const r = await runAndStop(t, e, timeout, { image: images.usher, label: 'case1-usher', entrypoint: USHER, command: ['node', '/fixtures/seed-app.mjs'] });
      assert.deepEqual(r.stdout, GRACEFUL);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '', 'usher has nothing to warn about');
      assertStoppedWithinGrace({ forced: r.forced, ms: r.stopMs });
    });

    e.test(`${stopWords}, case 2 with usher as ENTRYPOINT: the same unmodified run.sh stops gracefully`, T, async (t) => {
      const r = await runAndStop(t, e, timeout, { image: images.usher, label: 'case2-usher', entrypoint: USHER, command: ['/fixtures/run.sh'] });
      assert.deepEqual(r.stdout, GRACEFUL);
      // The whole group got SIGTERM: sh has no handler and dies of it (128 + 15),
      // and usher waits for the app to finish its shutdown before exiting.
      assert.equal(r.code, 143);
      assert.equal(r.stderr, '', 'nothing left over to kill or warn about');
      assertStoppedWithinGrace({ forced: r.forced, ms: r.stopMs });
    });

    e.test(`${stopWords}, case 3 with usher as ENTRYPOINT instead of dumb-init: graceful, exit 0`, T, async (t) => {
      const r = await runAndStop(t, e, timeout, { image: images.usher, label: 'case3-usher', entrypoint: USHER, command: ['/fixtures/trap.sh'] });
      assert.deepEqual(r.stdout, GRACEFUL);
      assert.equal(r.code, 0);
      assertStoppedWithinGrace({ forced: r.forced, ms: r.stopMs });
    });
  }

  e.test(`${e.name} run --init (${e.engine.initName}) as the reference, on case 2: it passes SIGTERM to sh only, so the app dies unheard; usher in its place stops it gracefully`, T, async (t) => {
    const ref = await runAndStop(t, e, 3, { image: images.usher, label: 'case2-init', init: true, command: ['/fixtures/run.sh'] });
    // The bundled init signals its child (sh), which dies of SIGTERM; the init
    // exits with it (143), and the kernel SIGKILLs the app mid-run as the
    // container's PID namespace ends. Fast, and not graceful.
    assert.deepEqual(ref.stdout, ['Start ...'], 'the app must not have heard SIGTERM under the bundled init');
    assert.equal(ref.code, 143);
    assertStoppedWithinGrace({ forced: ref.forced, ms: ref.stopMs });
    const usher = await runAndStop(t, e, 3, { image: images.usher, label: 'case2-init-usher', entrypoint: USHER, command: ['/fixtures/run.sh'] });
    assert.deepEqual(usher.stdout, GRACEFUL);
    assert.equal(usher.code, 143);
    assertStoppedWithinGrace({ forced: usher.forced, ms: usher.stopMs });
  });

  e.test(`${e.name} stop -t 3, case 2 with usher -c (signals to the child only, tini's default): the orphaned app is still stopped gracefully`, T, async (t) => {
    const r = await runAndStop(t, e, 3, { image: images.usher, label: 'case2-usher-c', entrypoint: ['usher', '-c', '--'], command: ['/fixtures/run.sh'] });
    // SIGTERM kills the shell alone; the app, now an orphan, gets SIGTERM from usher's drain.
    assert.deepEqual(r.stdout, GRACEFUL);
    assert.equal(r.code, 143);
    assertStoppedWithinGrace({ forced: r.forced, ms: r.stopMs });
  });

  e.test(`${e.name} stop -t 3, case 3 with usher installed as dumb-init (a link): the article's image with only the binary swapped`, T, async (t) => {
    const r = await runAndStop(t, e, 3, {
      image: images.usher,
      label: 'case3-as-dumb-init',
      entrypoint: ['/opt/usher-as/dumb-init', '--'],
      command: ['/fixtures/trap.sh'],
    });
    assert.deepEqual(r.stdout, GRACEFUL);
    assert.equal(r.code, 0);
    assertStoppedWithinGrace({ forced: r.forced, ms: r.stopMs });
  });

  const ORPHANS = 100;

  /** Waits until the storm's processes have all exited, then returns the zombies `exec ps` shows. */
  const zombiesAfterStorm = async (c: Container) => {
    await c.stdout.waitFor(`orphans left: ${ORPHANS}`, 30_000);
    return waitUntil('every orphan to exit', async () => {
      const ps = await c.ps();
      const running = ps.filter((p) => !p.stat.startsWith('Z') && p.comm !== 'node');
      return running.length === 0 ? ps.filter((p) => p.stat.startsWith('Z')) : undefined;
    });
  };

  e.test(`orphan storm without usher: node as PID 1 leaves all ${ORPHANS} orphans as zombies`, T, async (t) => {
    // The problem usher solves, shown so that the check below is known to see zombies.
    const c = e.run({ image: images.usher, label: 'storm-bare', command: ['node', '/fixtures/orphan-storm.mjs', String(ORPHANS)] });
    const zombies = await zombiesAfterStorm(c);
    t.diagnostic(`${zombies.length} zombies under node as PID 1`);
    assert.equal(zombies.length, ORPHANS);
    await c.stop(3);
  });

  e.test(`orphan storm with usher as ENTRYPOINT: ${e.name} exec ps shows no zombie`, T, async (t) => {
    const c = e.run({
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
}
