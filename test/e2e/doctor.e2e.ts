// usher doctor --image on each real engine (`--engine podman`, `--engine
// docker`): the article's case 2 without usher is forced (137,
// shell-does-not-forward), the same script with usher as ENTRYPOINT is
// graceful. The images are built FROM the suite's own images with nothing but
// ENTRYPOINT/CMD changed. The doctor is started from outside, as a user runs
// it, and must remove its container whatever happens: also when it is
// interrupted (Ctrl-C, SIGTERM, SIGHUP) while it waits or while it stops it.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getEngines, onCleanup, PREFIX, waitUntil, type EngineUnderTest } from './engine.js';
import { childCommands, doctor, parseReport, startDoctor, type DoctorResult } from '../doctor/helpers.js';
import type { DoctorReport } from '../../src/doctor/report.js';
import { statOf } from '../helpers/pid1.js';

const T = { timeout: 180_000 };

/** An image FROM base with only these Containerfile lines added; removed after the file's tests. */
async function derive(e: EngineUnderTest, label: string, base: string, lines: string[]): Promise<string> {
  const name = `localhost/${PREFIX}-doctor-${label}:e2e`;
  const context = mkdtempSync(join(tmpdir(), 'usher-doctor-e2e-'));
  try {
    writeFileSync(join(context, 'Containerfile'), `FROM ${base}\n${lines.join('\n')}\n`);
    await e.engine.buildImage(name, context, join(context, 'Containerfile'));
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  onCleanup(() => e.cli(['rmi', '--force', name], { check: false }));
  return name;
}

type Run = DoctorResult & { report: DoctorReport };

/** The doctor's containers are named usher-doctor-PID-RANDOM: the ones a doctor process left. */
async function leftContainers(e: EngineUnderTest, doctorPid: number): Promise<string[]> {
  return (await e.engine.containerNames()).filter((n) => n.startsWith(`usher-doctor-${doctorPid}-`));
}

for (const e of await getEngines()) {
  const { images } = e;

  /** `usher doctor --json --image IMAGE --engine ENGINE`, from outside, its report checked against the schema. */
  const doctorImage = async (image: string, grace: string): Promise<Run> => {
    const result = await doctor(['--json', '--image', image, '--engine', e.name, '--grace', grace], { limitMs: 150_000 });
    return { ...result, report: parseReport(result) };
  };

  // Built once per engine, on first use, for the cases below.
  let case2: Promise<string> | undefined;
  const case2Image = () => (case2 ??= derive(e, 'case2', images.node, ['CMD ["/fixtures/run.sh"]']));

  e.test(`--image --engine ${e.name}, case 2 without usher (run.sh as PID 1): forced, 137, shell-does-not-forward; container removed`, T, async () => {
    const r = await doctorImage(await case2Image(), '3s');
    const why = `${JSON.stringify(r.report, null, 2)}\n${r.stderr}`;
    assert.equal(r.report.mode, 'container', why);
    assert.equal(r.report.verdict, 'forced', why);
    assert.equal(r.report.exitCode, 137, why);
    assert.ok(r.report.findings.some((f) => f.id === 'shell-does-not-forward'), why);
    const app = r.report.processes.find((p) => p.command.includes('seed-app.mjs'));
    assert.equal(app?.outcome, 'killed', why);
    assert.equal(r.report.processes[0]?.pid, 1, why);
    assert.equal(r.code, 1, why);
    assert.deepEqual(await leftContainers(e, r.pid), []);
  });

  e.test(`--image --engine ${e.name}, the same run.sh with usher as ENTRYPOINT: graceful, no findings; container removed`, T, async () => {
    const image = await derive(e, 'case2-usher', images.usher, ['ENTRYPOINT ["usher", "--"]', 'CMD ["/fixtures/run.sh"]']);
    const r = await doctorImage(image, '3s');
    const why = `${JSON.stringify(r.report, null, 2)}\n${r.stderr}`;
    assert.equal(r.report.mode, 'container', why);
    assert.equal(r.report.verdict, 'graceful', why);
    assert.deepEqual(r.report.findings, [], why);
    assert.equal(r.report.exitCode, 143, why);
    assert.match(r.stderr, /Shutdown ~/, `the container's logs go to stderr: ${why}`);
    assert.equal(r.code, 0, why);
    assert.deepEqual(await leftContainers(e, r.pid), []);
  });

  e.test(`--image --engine ${e.name} of an image that does not exist: the check could not run (exit 2)`, T, async () => {
    const r = await doctorImage(`localhost/${PREFIX}-no-such-image:e2e`, '3s');
    assert.equal(r.report.verdict, 'error');
    assert.equal(r.report.findings[0]?.id, 'check-failed');
    assert.equal(r.code, 2);
  });

  // Interrupted: while the container settles (it runs, the doctor watches),
  // and while `ENGINE stop` waits out a long grace period (run.sh ignores
  // SIGTERM as PID 1, so the stop would take the whole 60 s).
  for (const [signal, phase] of [
    ['SIGINT', 'settling'],
    ['SIGTERM', 'stopping'],
    ['SIGHUP', 'stopping'],
  ] as const) {
    e.test(`--image --engine ${e.name} interrupted by ${signal} while ${phase}: the doctor removes its container before it exits`, T, async (t) => {
      const image = await case2Image();
      const d = startDoctor(['--image', image, '--engine', e.name, '--grace', '60s']);
      onCleanup(async () => {
        for (const name of await leftContainers(e, d.pid)) await e.engine.removeContainer(name);
      });
      const [name] = await waitUntil('the doctor\'s container running', async () => {
        const names = await leftContainers(e, d.pid);
        if (names.length === 0) return undefined;
        const state = await e.cli(['inspect', '--format', '{{.State.Running}}', names[0] ?? ''], { check: false });
        return state.stdout.trim() === 'true' ? names : undefined;
      }, 60_000);
      // Its processes, seen from the host: the engine forgetting the container is not enough.
      const pid1 = Number((await e.cli(['inspect', '--format', '{{.State.Pid}}', name ?? ''])).stdout.trim());
      assert.ok(pid1 > 0, `${e.name} inspect gave no host pid for ${name}`);
      const pid1Start = statOf(pid1)?.startTicks;
      // Should the engine lose it anyway, the test still ends its processes: SIGKILL to a PID 1 ends its whole namespace.
      onCleanup(async () => {
        if (pid1Start !== undefined && statOf(pid1)?.startTicks === pid1Start) process.kill(pid1, 'SIGKILL');
      });
      if (phase === 'stopping') {
        await waitUntil(`the doctor running ${e.name} stop`, () =>
          childCommands(d.pid).some((c) => c.startsWith(`${e.name} stop `)) ? true : undefined, 60_000);
      }
      d.kill(signal);
      const exit = await Promise.race([d.exited, new Promise<undefined>((r) => setTimeout(() => r(undefined), 60_000).unref())]);
      t.diagnostic(`${name}: doctor said ${JSON.stringify(d.stderr.text)}; exit ${JSON.stringify(exit)}`);
      assert.ok(exit, `the doctor did not exit within 60 s of ${signal}`);
      assert.deepEqual(exit, { code: 130, signal: null }, d.stderr.text);
      // The doctor had the engine remove it before exiting; the bound only keeps a failure from hanging.
      await waitUntil(`${e.name} to show no container ${name}`, async () => ((await leftContainers(e, d.pid)).length === 0 ? true : undefined), 30_000);
      assert.match(d.stderr.text, new RegExp(`interrupted by ${signal}; everything it started was stopped: container ${name}`));
      await waitUntil(`the container's PID 1 (host pid ${pid1}) to be gone`, () => (statOf(pid1)?.startTicks !== pid1Start ? true : undefined), 30_000);
    });
  }
}
