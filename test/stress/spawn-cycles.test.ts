// Descriptors and memory over time: spawn/exit cycles through the
// ProcessTable (what init and the supervisor use for their children). No
// descriptor may leak and the resident memory must stay flat once warm.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Lines, waitForState } from '../helpers/pid1.js';
import { fdCountOf, figure, FULL, mb, MB, rssOf, secondHalfPeakGrowth, size } from '../helpers/stress.js';

// Long enough at full size for V8's tier-up of the spawn path and malloc's
// arenas to settle: they add a one-time step of 1 to 2.5 MB somewhere in the
// first 2 000 cycles (a run of 1 000 once put it in its second half, and
// missed the figure with the live heap flat), then RSS stays flat to 4 000.
const CYCLES = size(200, 4_000);
const EVERY = size(25, 100);
const DRIVER = fileURLToPath(new URL('./fixtures/spawn-cycles.js', import.meta.url));

test(`${CYCLES} spawn/exit cycles through the ProcessTable: no descriptor leak, flat RSS`, { timeout: 300_000 }, async (t) => {
  const driver = spawn(process.execPath, ['--expose-gc', DRIVER, String(CYCLES), String(EVERY)], { stdio: ['ignore', 'pipe', 'pipe'] });
  t.after(() => driver.kill('SIGKILL'));
  const exited = new Promise<number | null>((resolve) => driver.on('close', (code) => resolve(code)));
  const out = new Lines(driver.stdout);
  const err = new Lines(driver.stderr);
  const pid = driver.pid as number;

  const samples: { cycle: number; rss: number; fds: number; heap: number }[] = [];
  for (let cycle = EVERY; cycle <= CYCLES; cycle += EVERY) {
    const line = await out.waitFor(new RegExp(`^cycle ${cycle} heap \\d+$`), 60_000);
    // Stopped by itself right after the line: nothing moves while /proc is read.
    await waitForState(pid, 'T', 30_000);
    samples.push({ cycle, rss: rssOf(pid), fds: fdCountOf(pid), heap: Number(line.split(' ')[3]) });
    process.kill(pid, 'SIGCONT');
  }
  await out.waitFor(`done ${CYCLES}`, 60_000);
  assert.equal(await exited, 0, err.text);

  // The first checkpoint is the baseline: by then every code path has run.
  const [first] = samples;
  const last = samples.at(-1);
  assert.ok(first && last);
  // RSS moves by a few MB either way (measured: 50.3 to 53.2 MB over 4000
  // cycles, with no trend), so "flat" compares the peaks of the two halves.
  const rss = samples.map((s) => s.rss);
  const growth = secondHalfPeakGrowth(rss);
  const fdCounts = [...new Set(samples.map((s) => s.fds))];
  const scenario = 'spawn/exit cycles';
  const thrown = `${CYCLES} spawn/exit cycles of /bin/true through ProcessTable.spawn`;
  figure(t, { scenario, thrown, measure: 'open descriptors at each checkpoint', value: fdCounts.join(', '), target: 'one value', held: fdCounts.length === 1 });
  figure(t, { scenario, thrown, measure: 'RSS growth (peak of the second half over peak of the first)', value: `${mb(growth)} (range ${mb(Math.min(...rss))} to ${mb(Math.max(...rss))})`, target: '< 2 MB (flat)', held: growth < 2 * MB });
  const heapGrowth = last.heap - first.heap;
  figure(t, { scenario, thrown, measure: `live JS heap growth (after GC) from cycle ${first.cycle} to ${last.cycle}`, value: `${(heapGrowth / 1024).toFixed(1)} KB`, target: '< 256 KB', held: heapGrowth < 256 * 1024 });
  t.diagnostic(`RSS / heap by checkpoint: ${samples.map((s) => `${s.cycle}: ${mb(s.rss)} / ${mb(s.heap)}`).join(', ')}`);

  assert.deepEqual(fdCounts, [first.fds], `descriptors by checkpoint: ${samples.map((s) => `${s.cycle}: ${s.fds}`).join(', ')}`);
  assert.ok(growth < (FULL ? 2 : 8) * MB, `RSS grew by ${mb(growth)}`);
  // A leak of one object per child would be tens of KB per hundred cycles.
  assert.ok(heapGrowth < 256 * 1024, `live heap grew by ${heapGrowth} bytes`);
});
