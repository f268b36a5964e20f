// Orphan soak: orphans created and re-parented to usher (PID 1) in waves of a
// thousand that die at once. Every one must be reaped (no zombie left), and
// usher's memory and open descriptors must not grow with the count.
//
// Memory is sampled every tenth of the run: the first waves grow usher's RSS
// once (V8's heap and code warming up, as in the signal storm: 4.9 to 5.1 MB
// from idle here), which says nothing about a leak; a leak grows the peak of
// the second half of the run over that of the first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fixture, startPid1 } from '../helpers/pid1.js';
import { eventually } from '../helpers/eventually.js';
import { fdCountOf, figure, FULL, mb, MB, rssOf, secondHalfPeakGrowth, size } from '../helpers/stress.js';

const PER_WAVE = size(500, 1_000);
const WAVES = size(2, 100);
const ORPHANS = WAVES * PER_WAVE;

test(`orphan soak: ${ORPHANS} orphans in waves of ${PER_WAVE}`, { timeout: 900_000 }, async (t) => {
  const ns = startPid1(['--', 'perl', fixture('orphan-waves.pl'), String(WAVES), String(PER_WAVE)]);
  t.after(() => ns.destroy());
  await ns.stdout.waitFor('ready', 30_000);
  const usher = ns.pid1;
  const rssBefore = rssOf(usher);
  const fdsBefore = fdCountOf(usher);

  const started = Date.now();
  ns.signal('SIGUSR1');
  const count = Math.min(WAVES, 10);
  const checkpoints = Array.from({ length: count }, (_, i) => Math.round(((i + 1) * WAVES) / count));
  const samples: number[] = [];
  for (const wave of checkpoints) {
    await ns.stdout.waitFor(new RegExp(`^wave ${wave}$`), FULL ? 800_000 : 120_000);
    samples.push(rssOf(usher));
  }
  await ns.stdout.waitFor(`done ${ORPHANS}`, 60_000);
  // Reaping follows each wave's release; wait until /proc shows it finished.
  const left = await eventually(() => ns.descendants(), {
    what: 'every orphan reaped (only the wave maker left)',
    holds: (procs) => procs.length === 1 && procs[0]?.comm === 'perl',
    timeoutMs: 60_000,
  });
  const tookMs = Date.now() - started;
  const zombies = left.filter((p) => p.state === 'Z').length;
  const rssAfter = rssOf(usher);
  samples.push(rssAfter);
  const fdsAfter = fdCountOf(usher);
  const growth = secondHalfPeakGrowth(samples);

  const scenario = 'orphan soak';
  const thrown = `${ORPHANS} orphans in ${WAVES} waves of ${PER_WAVE} (${(tookMs / 1000).toFixed(1)} s)`;
  figure(t, { scenario, thrown, measure: 'zombies left', value: `${zombies}`, target: '0', held: zombies === 0 });
  figure(t, { scenario, thrown, measure: "usher's RSS growth from idle (warm-up included)", value: `${mb(rssAfter - rssBefore)} (${mb(rssBefore)} → ${mb(rssAfter)})`, target: 'reported', held: true });
  figure(t, {
    scenario,
    thrown,
    measure: "usher's RSS growth (peak of the second half over peak of the first)",
    value: `${mb(growth)} (${samples.map((s) => (s / MB).toFixed(1)).join(' → ')} MB)`,
    target: '< 2 MB (flat)',
    held: growth < 2 * MB,
  });
  figure(t, { scenario, thrown, measure: "usher's open descriptors", value: `${fdsBefore} → ${fdsAfter}`, target: 'unchanged', held: fdsAfter === fdsBefore });

  assert.equal(zombies, 0);
  assert.equal(fdsAfter, fdsBefore, "usher's open descriptors");
  assert.ok(growth < (FULL ? 2 : 10) * MB, `usher's RSS: the second half's peak is ${mb(growth)} over the first's (${samples.map(mb).join(', ')})`);

  ns.signal('SIGTERM');
  assert.equal((await ns.exited).code, 0);
  assert.equal(ns.stderr.text, '');
});
