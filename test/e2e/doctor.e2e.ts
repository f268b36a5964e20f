// usher doctor --image on a real engine (podman here): the article's case 2
// without usher is forced (137, shell-does-not-forward), the same script with
// usher as ENTRYPOINT is graceful. The images are built FROM the suite's own
// images with nothing but ENTRYPOINT/CMD changed. The doctor is started from
// outside, as a user runs it, and must remove its container whatever happens.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getImages, onCleanup, podman, PREFIX } from './engine.js';
import { doctor, parseReport, type DoctorResult } from '../doctor/helpers.js';
import type { DoctorReport } from '../../src/doctor/report.js';

const { images } = await getImages();
const T = { timeout: 180_000 };

/** An image FROM base with only these Containerfile lines added; removed after the file's tests. */
async function derive(label: string, base: string, lines: string[]): Promise<string> {
  const name = `localhost/${PREFIX}-doctor-${label}:e2e`;
  const context = mkdtempSync(join(tmpdir(), 'usher-doctor-e2e-'));
  try {
    writeFileSync(join(context, 'Containerfile'), `FROM ${base}\n${lines.join('\n')}\n`);
    await podman(['build', '--quiet', '--pull=never', '--layers=false', '--file', join(context, 'Containerfile'), '--tag', name, context], { timeoutMs: 300_000 });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
  onCleanup(() => podman(['rmi', '--force', name], { check: false }));
  return name;
}

type Run = DoctorResult & { report: DoctorReport };

/** `usher doctor --json --image IMAGE` on podman, from outside, its report checked against the schema. */
async function doctorImage(image: string, grace: string): Promise<Run> {
  const result = await doctor(['--json', '--image', image, '--engine', 'podman', '--grace', grace], { limitMs: 150_000 });
  return { ...result, report: parseReport(result) };
}

async function leftContainers(doctorPid: number): Promise<string[]> {
  const names = (await podman(['ps', '--all', '--format', '{{.Names}}'])).stdout.split('\n');
  return names.filter((n) => n.startsWith(`usher-doctor-${doctorPid}-`));
}

test('--image, case 2 without usher (run.sh as PID 1): forced, 137, shell-does-not-forward; container removed', T, async () => {
  const image = await derive('case2', images.node, ['CMD ["/fixtures/run.sh"]']);
  const r = await doctorImage(image, '3s');
  const why = `${JSON.stringify(r.report, null, 2)}\n${r.stderr}`;
  assert.equal(r.report.mode, 'container', why);
  assert.equal(r.report.verdict, 'forced', why);
  assert.equal(r.report.exitCode, 137, why);
  assert.ok(r.report.findings.some((f) => f.id === 'shell-does-not-forward'), why);
  const app = r.report.processes.find((p) => p.command.includes('seed-app.mjs'));
  assert.equal(app?.outcome, 'killed', why);
  assert.equal(r.report.processes[0]?.pid, 1, why);
  assert.equal(r.code, 1, why);
  assert.deepEqual(await leftContainers(r.pid), []);
});

test('--image, the same run.sh with usher as ENTRYPOINT: graceful, no findings; container removed', T, async () => {
  const image = await derive('case2-usher', images.usher, ['ENTRYPOINT ["usher", "--"]', 'CMD ["/fixtures/run.sh"]']);
  const r = await doctorImage(image, '3s');
  const why = `${JSON.stringify(r.report, null, 2)}\n${r.stderr}`;
  assert.equal(r.report.mode, 'container', why);
  assert.equal(r.report.verdict, 'graceful', why);
  assert.deepEqual(r.report.findings, [], why);
  assert.equal(r.report.exitCode, 143, why);
  assert.match(r.stderr, /Shutdown ~/, `the container's logs go to stderr: ${why}`);
  assert.equal(r.code, 0, why);
  assert.deepEqual(await leftContainers(r.pid), []);
});

test('--image of an image that does not exist: the check could not run (exit 2)', T, async () => {
  const r = await doctorImage(`localhost/${PREFIX}-no-such-image:e2e`, '3s');
  assert.equal(r.report.verdict, 'error');
  assert.equal(r.report.findings[0]?.id, 'check-failed');
  assert.equal(r.code, 2);
});
