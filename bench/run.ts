// `npm run bench`: usher side by side with tini and dumb-init (Debian packages),
// each as PID 1 of its own PID namespace, measured in the same run so the
// machine's noise hits all of them alike. Prints a table and usher's ratios.
// Not a test: nothing here asserts; the targets are printed next to the figures.
// Then supervisor mode (bench/supervisor.ts): usher run against supervisord,
// s6-svscan and pm2-runtime, and its log relay against cat.
// Options: --quick (fewer runs), --only-supervisor, --only-reaping, --runs N
// (runs of supervisor mode), --libraries (the shutdown library against the other
// graceful-shutdown libraries alone). bench/forwarding.ts looks at forwarding alone.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { contextSwitchesOf } from '../src/core/proc-fs.js';
import { track } from './live.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIX = `${ROOT}bench/fixtures/`;
const quick = process.argv.includes('--quick');

interface Init {
  name: string;
  argv: (command: string[]) => string[];
}

const which = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout.trim();

const INITS: Init[] = [
  { name: 'usher', argv: (c) => [process.execPath, USHER, '--', ...c] },
  ...(which('tini') ? [{ name: 'tini', argv: (c: string[]) => ['tini', '--', ...c] }] : []),
  ...(which('dumb-init') ? [{ name: 'dumb-init', argv: (c: string[]) => ['dumb-init', ...c] }] : []),
  ...(which('catatonit') ? [{ name: 'catatonit', argv: (c: string[]) => ['catatonit', '--', ...c] }] : []),
];
// USHER_BENCH_BIN: another usher to measure (a build of another commit), for a before/after.
const USHER = process.env.USHER_BENCH_BIN ?? `${ROOT}bin/usher`;
const UNSHARE = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];

const median = (xs: number[]) => percentile(xs, 50);
function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
}
const nowMs = () => Number(process.hrtime.bigint()) / 1e6;

function statOf(pid: number): string[] | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'latin1');
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  } catch {
    return undefined;
  }
}

function hostToNsPid(pid: number): number | undefined {
  try {
    const ids = /^NSpid:\s+(.*)$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]?.trim().split(/\s+/);
    return ids ? Number(ids[ids.length - 1]) : undefined;
  } catch {
    return undefined;
  }
}

/** A running namespace: the unshare process and, once found, its PID 1. */
class Running {
  readonly proc: ChildProcess;
  readonly lines: string[] = [];
  #waiters: (() => void)[] = [];
  readonly closed: Promise<void>;
  constructor(argv: string[]) {
    this.proc = track(spawn(UNSHARE[0] as string, [...UNSHARE.slice(1), ...argv], { stdio: ['ignore', 'pipe', 'inherit'] }));
    let partial = '';
    this.proc.stdout?.setEncoding('utf8').on('data', (d: string) => {
      const parts = (partial + d).split('\n');
      partial = parts.pop() ?? '';
      this.lines.push(...parts);
      for (const w of this.#waiters.splice(0)) w();
    });
    this.closed = new Promise((r) => this.proc.on('close', () => r()));
  }
  async line(index: number): Promise<string> {
    while (this.lines.length <= index) await new Promise<void>((r) => this.#waiters.push(r));
    return this.lines[index] as string;
  }
  get pid1(): number {
    for (const n of readdirSync('/proc')) {
      if (/^\d+$/.test(n) && statOf(Number(n))?.[1] === String(this.proc.pid)) return Number(n);
    }
    throw new Error('no PID 1');
  }
  kill(): void {
    try {
      process.kill(this.pid1, 'SIGKILL');
    } catch {
      this.proc.kill('SIGKILL');
    }
  }
}

/**
 * Median wall time of `unshare … INIT /bin/true` for each init, and of bare
 * `/bin/true` and `node -e 0` (Node's own start-up, usher's floor), measured
 * in turns so that a noisy machine weighs on all of them alike.
 */
async function startupMs(inits: Init[], runs: number): Promise<{ base: number; node: number; perInit: number[] }> {
  const argvs = [['/bin/true'], [process.execPath, '-e', '0'], ...inits.map((init) => init.argv(['/bin/true']))];
  const times = argvs.map(() => [] as number[]);
  for (let i = 0; i < runs; i++) {
    argvs.forEach((argv, j) => {
      const t0 = nowMs();
      spawnSync(UNSHARE[0] as string, [...UNSHARE.slice(1), ...argv], { stdio: 'ignore' });
      times[j]?.push(nowMs() - t0);
    });
  }
  const [base = NaN, node = NaN, ...perInit] = times.map(median);
  return { base, node, perInit };
}

const cpuTicks = (pid: number) => Number(statOf(pid)?.[11] ?? 0) + Number(statOf(pid)?.[12] ?? 0);
const rssKb = (pid: number) => Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN);

async function idle(inits: Init[], seconds: number) {
  const running = inits.map((i) => new Running(i.argv(['sleep', '1000'])));
  const bare = track(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' }));
  await sleep(1500);
  const pids = running.map((r) => r.pid1);
  const before = pids.map((p) => ({ switches: contextSwitchesOf(p), cpu: cpuTicks(p) }));
  await sleep(seconds * 1000);
  const out = pids.map((p, i) => ({
    rssKb: rssKb(p),
    wakeups: contextSwitchesOf(p) - (before[i]?.switches ?? 0),
    cpuTicks: cpuTicks(p) - (before[i]?.cpu ?? 0),
  }));
  const bareRss = rssKb(bare.pid as number);
  bare.kill('SIGKILL');
  for (const r of running) r.kill();
  await Promise.all(running.map((r) => r.closed));
  return { perInit: out, bareNodeRssKb: bareRss };
}

async function forwardingLatencyUs(init: Init, signals: number): Promise<{ p50: number; p99: number }> {
  const r = new Running(init.argv(['python3', `${FIX}signal-timestamper.py`]));
  await r.line(0);
  const pid1 = r.pid1;
  const latencies: number[] = [];
  const warmup = 20;
  for (let i = 0; i < signals + warmup; i++) {
    const t0 = process.hrtime.bigint();
    process.kill(pid1, 'SIGUSR1');
    const received = BigInt(await r.line(i + 1));
    if (i >= warmup) latencies.push(Number(received - t0) / 1000);
  }
  r.kill();
  await r.closed;
  return { p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

/**
 * PID 1's reaping throughput alone: `zombies` zombies are piled up while PID 1
 * is stopped, then it is resumed; the time until the last one is reaped.
 */
async function zombieReapMs(inits: Init[], zombies: number, runs: number): Promise<number[]> {
  const times: number[][] = inits.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, init] of inits.entries()) {
      const r = new Running(init.argv(['perl', `${FIX}orphans.pl`, 'pile', String(zombies)]));
      const nsPid = Number((await r.line(0)).split(' ')[1]);
      const pid1 = r.pid1;
      // Host pids wrap around: find the script by the pid it has in the namespace.
      const script = readdirSync('/proc')
        .map(Number)
        .find((p) => statOf(p)?.[1] === String(pid1) && hostToNsPid(p) === nsPid);
      process.kill(pid1, 'SIGSTOP');
      process.kill(script as number, 'SIGUSR1');
      await r.line(1);
      const t0 = process.hrtime.bigint();
      process.kill(pid1, 'SIGCONT');
      const done = BigInt(await r.line(2));
      times[j]?.push(Number(done - t0) / 1e6);
      await r.closed;
    }
  }
  return times.map(median);
}

/**
 * Median time for PID 1 to reap `orphans` orphans that die at once. The inits
 * take turns run by run, so a noisy moment on the machine hits them alike.
 */
async function orphanReapMs(inits: Init[], orphans: number, runs: number): Promise<number[]> {
  const times: number[][] = inits.map(() => []);
  for (let i = 0; i < runs; i++) {
    for (const [j, init] of inits.entries()) {
      const r = new Running(init.argv(['perl', `${FIX}orphans.pl`, 'storm', String(orphans)]));
      const line = await r.line(0);
      times[j]?.push(Number(/in ([\d.]+) ms/.exec(line)?.[1]));
      await r.closed;
    }
  }
  return times.map(median);
}

async function sigtermToExitMs(init: Init, runs: number): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const r = new Running(init.argv(['python3', `${FIX}signal-timestamper.py`]));
    await r.line(0);
    const t0 = nowMs();
    process.kill(r.pid1, 'SIGTERM');
    await r.closed;
    times.push(nowMs() - t0);
  }
  return median(times);
}

const fmt = (n: number, digits = 1) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');

/** --runs N: how many runs of supervisor mode (default 1 quick, 3 full). */
function runsOption(): number | undefined {
  const at = process.argv.indexOf('--runs');
  const n = at >= 0 ? Number(process.argv[at + 1]) : NaN;
  return Number.isInteger(n) && n > 0 ? n : undefined;
}

async function main(): Promise<void> {
  if (process.argv.includes('--libraries')) {
    const { librariesBench } = await import('./libraries.js');
    await librariesBench(quick);
    return;
  }
  if (process.argv.includes('--only-supervisor')) {
    // Supervisor mode alone (also part of the full run, at its end).
    const { supervisorBench } = await import('./supervisor.js');
    await supervisorBench(quick, runsOption());
    return;
  }
  if (process.argv.includes('--only-reaping')) {
    // A focused run for working on the reaper: the zombie pile alone, many times.
    const pile = await zombieReapMs(INITS, 5000, 9);
    INITS.forEach((init, i) => console.log(`${init.name}: reap 5000 waiting zombies, median of 9: ${fmt(pile[i] ?? NaN, 1)} ms`));
    return;
  }
  const runs = quick ? 5 : 20;
  const signals = quick ? 100 : 500;
  const orphans = quick ? 1000 : 5000;
  console.log(`usher benchmark: ${INITS.map((i) => i.name).join(', ')}; node ${process.version}; ${quick ? 'quick' : 'full'} run`);

  const startup = await startupMs(INITS, runs);
  const nodeStartup = startup.node - startup.base;
  const rows = new Map<string, Record<string, number>>();
  INITS.forEach((init, i) => rows.set(init.name, { startup: (startup.perInit[i] ?? NaN) - startup.base }));
  process.stdout.write('start-up measured\n');

  const idleSeconds = quick ? 3 : 10;
  const { perInit, bareNodeRssKb } = await idle(INITS, idleSeconds);
  INITS.forEach((init, i) => Object.assign(rows.get(init.name) as object, {
    rssMb: (perInit[i]?.rssKb ?? NaN) / 1024,
    wakeups: perInit[i]?.wakeups ?? NaN,
    idleCpuTicks: perInit[i]?.cpuTicks ?? NaN,
  }));
  process.stdout.write(`idle measured over ${idleSeconds} s\n`);

  for (const init of INITS) {
    const { p50, p99 } = await forwardingLatencyUs(init, signals);
    Object.assign(rows.get(init.name) as object, {
      p50,
      p99,
      termMs: await sigtermToExitMs(init, quick ? 3 : 10),
    });
    process.stdout.write(`${init.name}: signal forwarding and SIGTERM-to-exit measured\n`);
  }
  const reap = await orphanReapMs(INITS, orphans, quick ? 1 : 5);
  // The pile is always 5000 (issue 19's target): reaping cost grows with it, and 1000 hid usher's overhead.
  const pileSize = 5000;
  const pile = await zombieReapMs(INITS, pileSize, quick ? 1 : 5);
  INITS.forEach((init, i) => Object.assign(rows.get(init.name) as object, { reapMs: reap[i], pileMs: pile[i] }));
  process.stdout.write('orphan storms and zombie piles measured\n');

  const cols: [string, string, (r: Record<string, number>) => string][] = [
    ['start-up over /bin/true (ms)', 'startup', (r) => fmt(r.startup ?? NaN)],
    ['RSS idle (MB)', 'rssMb', (r) => fmt(r.rssMb ?? NaN)],
    ['forwarding p50 (µs)', 'p50', (r) => fmt(r.p50 ?? NaN, 0)],
    ['forwarding p99 (µs)', 'p99', (r) => fmt(r.p99 ?? NaN, 0)],
    [`${orphans} orphans dying at once, all reaped (ms)`, 'reapMs', (r) => fmt(r.reapMs ?? NaN, 0)],
    [`reap ${pileSize} waiting zombies (ms)`, 'pileMs', (r) => fmt(r.pileMs ?? NaN, 1)],
    [`wake-ups in ${idleSeconds} s idle`, 'wakeups', (r) => fmt(r.wakeups ?? NaN, 0)],
    ['SIGTERM to exit (ms)', 'termMs', (r) => fmt(r.termMs ?? NaN)],
  ];
  console.log('');
  console.log(`| | ${INITS.map((i) => i.name).join(' | ')} |`);
  console.log(`|---|${INITS.map(() => '---').join('|')}|`);
  for (const [label, , get] of cols) console.log(`| ${label} | ${INITS.map((i) => get(rows.get(i.name) ?? {})).join(' | ')} |`);
  console.log('');
  const usher = rows.get('usher') ?? {};
  for (const other of INITS.filter((i) => i.name !== 'usher')) {
    const o = rows.get(other.name) ?? {};
    const ratio = (k: string) => fmt((usher[k] ?? NaN) / (o[k] ?? NaN), 2);
    console.log(
      `usher / ${other.name}: start-up x${ratio('startup')}, RSS x${ratio('rssMb')}, forwarding p50 x${ratio('p50')}, ` +
        `p99 x${ratio('p99')}, orphan storm x${ratio('reapMs')}, zombie pile x${ratio('pileMs')} (below 1 = usher faster), ` +
        `SIGTERM-to-exit x${ratio('termMs')}`,
    );
  }
  console.log('');
  const rssOverBare = (usher.rssMb ?? NaN) - bareNodeRssKb / 1024;
  console.log('Targets:');
  console.log(`  forwarding p50 below 1 ms: ${fmt(usher.p50 ?? NaN, 0)} µs -> ${(usher.p50 ?? Infinity) < 1000 ? 'met' : 'MISSED'}`);
  const tiniP50 = rows.get('tini')?.p50;
  console.log(
    `  forwarding p50 within 1.5x tini's (issue 19): ${fmt(usher.p50 ?? NaN, 0)} vs ${fmt(tiniP50 ?? NaN, 0)} µs, ` +
      `x${fmt((usher.p50 ?? NaN) / (tiniP50 ?? NaN), 2)} -> ${tiniP50 !== undefined && (usher.p50 ?? Infinity) <= 1.5 * tiniP50 ? 'met' : 'MISSED (or tini absent)'}`,
  );
  const tiniPile = rows.get('tini')?.pileMs;
  console.log(
    `  reaping throughput at least tini's: ${fmt(usher.pileMs ?? NaN, 1)} ms vs ${fmt(tiniPile ?? NaN, 1)} ms for ${pileSize} zombies -> ` +
      `${tiniPile !== undefined && (usher.pileMs ?? Infinity) <= tiniPile ? 'met' : 'MISSED (or tini absent)'}`,
  );
  const overNode = (usher.startup ?? NaN) - nodeStartup;
  console.log(
    `  start-up within 20 ms of bare node (node -e 0: ${fmt(nodeStartup)} ms over /bin/true): usher ${fmt(usher.startup ?? NaN)} ms, ` +
      `+${fmt(overNode)} ms -> ${overNode <= 20 ? 'met' : 'MISSED'}`,
  );
  console.log(`  zero idle wake-ups: ${usher.wakeups} -> ${usher.wakeups === 0 ? 'met' : 'MISSED'}`);
  console.log(`  RSS within 8 MB of a bare node process (${fmt(bareNodeRssKb / 1024)} MB): +${fmt(rssOverBare)} MB -> ${rssOverBare <= 8 ? 'met' : 'MISSED'}`);

  console.log('');
  const { supervisorBench } = await import('./supervisor.js');
  await supervisorBench(quick, runsOption());
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
