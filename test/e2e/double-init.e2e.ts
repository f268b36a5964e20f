// Double init, as happens when `docker run --init` (or Kubernetes' shared PID
// namespace, or an old base image) puts another init around usher, or when an
// image keeps tini or dumb-init and usher is added on top. Either way round,
// the seed's case 2 (run.sh, which passes no signal on) must still stop gracefully.
import assert from 'node:assert/strict';
import { getEngines, secs, waitUntil, type EngineUnderTest, type RunOptions, assertStoppedWithinGrace } from './engine.js';

const T = { timeout: 60_000 };
const GRACEFUL = ['Start ...', 'receive system signal: terminated', 'Shutdown ~'];

interface Case {
  title: string;
  label: string;
  run: Pick<RunOptions, 'entrypoint' | 'init'>;
  /** PID 1 and its child, as `ps` shows them. */
  tree: RegExp[];
  code: number;
  /**
   * dumb-init sends SIGTERM to its child's process group again when its
   * child exits: below usher, the app's handler may run twice, and that is
   * dumb-init's doing, not usher's (usher asks each process once).
   */
  signalledTwiceByInnerInit?: boolean;
}

/** The app started, heard SIGTERM once or twice (each time its handler ran), and shut down. */
function assertGracefulOnceOrTwice(lines: string[]): void {
  const [start, ...rest] = lines;
  assert.equal(start, 'Start ...', lines.join('\n'));
  const heard = rest.filter((l) => l === GRACEFUL[1]).length;
  assert.ok(heard === 1 || heard === 2, `the handler ran ${heard} times:\n${lines.join('\n')}`);
  assert.ok(rest.every((l) => l === GRACEFUL[1] || l === GRACEFUL[2]), lines.join('\n'));
  assert.equal(rest.at(-1), GRACEFUL[2], `it shut down:\n${lines.join('\n')}`);
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

const cases = (e: EngineUnderTest): Case[] => [
  {
    title: `usher under ${e.name} run --init (${e.engine.initName} as PID 1)`,
    label: 'init-usher',
    run: { init: true, entrypoint: ['usher', '--'] },
    tree: [new RegExp(`^${escape(e.engine.initPath)} -- usher -- /fixtures/run\\.sh$`), /^node \/usr\/local\/bin\/usher -- \/fixtures\/run\.sh$/],
    code: 143,
  },
  {
    title: 'usher under tini',
    label: 'tini-usher',
    run: { entrypoint: ['tini', '--', 'usher', '--'] },
    tree: [/^tini -- usher -- \/fixtures\/run\.sh$/, /^node \/usr\/local\/bin\/usher -- \/fixtures\/run\.sh$/],
    code: 143,
  },
  {
    title: 'usher under dumb-init',
    label: 'dumb-init-usher',
    run: { entrypoint: ['dumb-init', '--', 'usher', '--'] },
    tree: [/^dumb-init -- usher -- \/fixtures\/run\.sh$/, /^node \/usr\/local\/bin\/usher -- \/fixtures\/run\.sh$/],
    code: 143,
  },
  {
    title: 'tini under usher',
    label: 'usher-tini',
    run: { entrypoint: ['usher', '--', 'tini', '--'] },
    tree: [/^node \/usr\/local\/bin\/usher -- tini -- \/fixtures\/run\.sh$/, /^tini -- \/fixtures\/run\.sh$/],
    code: 143,
  },
  {
    title: 'dumb-init under usher',
    label: 'usher-dumb-init',
    run: { entrypoint: ['usher', '--', 'dumb-init', '--'] },
    tree: [/^node \/usr\/local\/bin\/usher -- dumb-init -- \/fixtures\/run\.sh$/, /^dumb-init -- \/fixtures\/run\.sh$/],
    code: 143,
    signalledTwiceByInnerInit: true,
  },
  {
    title: 'catatonit under usher',
    label: 'usher-catatonit',
    run: { entrypoint: ['usher', '--', 'catatonit', '--'] },
    tree: [/^node \/usr\/local\/bin\/usher -- catatonit -- \/fixtures\/run\.sh$/, /^catatonit -- \/fixtures\/run\.sh$/],
    code: 143,
  },
];

for (const e of await getEngines()) {
  const { images } = e;

  for (const k of cases(e)) {
    e.test(`${k.title}: run.sh stops gracefully with ${e.name} stop -t 3`, T, async (t) => {
      const c = e.run({ image: images.usher, label: k.label, ...k.run, command: ['/fixtures/run.sh'] });
      await c.stdout.waitFor('Start ...', 30_000);
      const ps = await c.ps();
      const pid1 = ps.find((p) => p.pid === 1);
      const child = ps.find((p) => p.ppid === 1);
      assert.ok(pid1 && child, `ps shows ${JSON.stringify(ps)}`);
      assert.match(pid1.args, k.tree[0] as RegExp);
      assert.match(child.args, k.tree[1] as RegExp);
      const stop = await c.stop(3);
      const code = await c.exitCode();
      t.diagnostic(`${e.name} stop -t 3 took ${secs(stop.ms)}; exit ${code}; stderr: ${JSON.stringify(c.stderr.text)}`);
      if (k.signalledTwiceByInnerInit) assertGracefulOnceOrTwice(c.stdout.all);
      else assert.deepEqual(c.stdout.all, GRACEFUL);
      assert.equal(code, k.code);
      assertStoppedWithinGrace(stop);
    });
  }

  e.test(`usher under ${e.name} run --init still reaps the app's orphans (as a child subreaper)`, T, async () => {
    const c = e.run({
      image: images.usher,
      label: 'init-usher-storm',
      init: true,
      entrypoint: ['usher', '--'],
      command: ['node', '/fixtures/orphan-storm.mjs', '50'],
    });
    await c.stdout.waitFor('orphans left: 50', 30_000);
    const rows = await waitUntil('no zombie and no orphan left', async () => {
      const ps = await c.ps();
      return ps.every((p) => !p.stat.startsWith('Z')) && ps.length === 3 ? ps : undefined;
    });
    assert.deepEqual(
      rows.map((p) => p.args),
      [`${e.engine.initPath} -- usher -- node /fixtures/orphan-storm.mjs 50`, 'node /usr/local/bin/usher -- node /fixtures/orphan-storm.mjs 50', 'node /fixtures/orphan-storm.mjs 50'],
    );
    await c.stop(3);
    assert.equal(await c.exitCode(), 0);
  });
}
