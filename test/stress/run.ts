// `npm run stress`: every stress scenario at the full size
// (USHER_STRESS=full), one file at a time, then a table of each measured
// figure next to its target. Exits non-zero when a test fails or a figure does
// not hold. Words select scenarios by file name (`npm run stress -- storm fuzz`).
// Heavy: on a shared machine, run it under the lock:
//   flock /tmp/usher-heavy.lock npm run stress
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Figure } from '../helpers/stress.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const say = (line: string) => process.stdout.write(`${line}\n`);

async function main(argv: string[]): Promise<number> {
  const selectors = argv.filter((a) => !a.startsWith('-'));
  const files = readdirSync(HERE)
    .filter((f) => f.endsWith('.test.js') && (selectors.length === 0 || selectors.some((s) => f.includes(s))))
    .sort()
    .map((f) => join(HERE, f));
  if (files.length === 0) {
    say(`usher stress: no scenario matches ${selectors.join(' ')}`);
    return 2;
  }
  const dir = mkdtempSync(join(tmpdir(), 'usher-stress-'));
  const figuresFile = join(dir, 'figures.jsonl');
  const started = Date.now();
  try {
    const code = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...argv.filter((a) => a.startsWith('-')), ...files], {
        stdio: 'inherit',
        env: { ...process.env, USHER_STRESS: 'full', USHER_STRESS_FIGURES: figuresFile },
      });
      child.on('close', (c, signal) => resolve(c ?? (signal ? 1 : 0)));
    });
    let figures: Figure[] = [];
    try {
      figures = readFileSync(figuresFile, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as Figure);
    } catch {
      // no scenario got as far as measuring
    }
    say('');
    say(`usher stress figures (${new Date().toISOString()}, ${availableParallelism()} cores, load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}, ${((Date.now() - started) / 1000).toFixed(0)} s):`);
    say('');
    say('| scenario | what was thrown | measure | measured | target | held |');
    say('|---|---|---|---|---|---|');
    for (const f of figures) say(`| ${f.scenario} | ${f.thrown} | ${f.measure} | ${f.value} | ${f.target} | ${f.held ? 'yes' : '**NO**'} |`);
    const missed = figures.filter((f) => !f.held);
    say('');
    if (code !== 0) say('usher stress: FAILED: a scenario failed (see the test output above)');
    if (missed.length > 0) say(`usher stress: FAILED: ${missed.length} figure(s) did not hold`);
    if (code === 0 && missed.length === 0) say(`usher stress: every figure held (${figures.length})`);
    return code !== 0 ? code : missed.length > 0 ? 1 : 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`usher stress: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
