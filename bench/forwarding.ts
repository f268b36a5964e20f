// A focused look at signal forwarding latency (the init table's forwarding rows
// measure the same thing, once): `node build/bench/forwarding.js [--signals N]
// [--rounds N] [--usher ENTRY]... [-- NODE_FLAGS...]`. Each init runs as PID 1
// of its own namespace with bench/fixtures/signal-timestamper.py as its child;
// every round sends each init its signals in turn, so the machine's noise falls
// on all alike. --usher adds another usher entry (a build of another commit) to
// compare; node flags after -- go to every usher (e.g. --trace-gc).
// Prints p50, p90, p99 and the worst latency per init: a tail that one init has
// and tini has not is usher's own (a GC pause, a blocked event loop).
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { track } from './live.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const FIX = `${ROOT}bench/fixtures/`;
const UNSHARE = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];

const args = process.argv.slice(2);
const dash = args.indexOf('--');
const nodeFlags = dash >= 0 ? args.slice(dash + 1) : [];
const opts = dash >= 0 ? args.slice(0, dash) : args;
const value = (name: string, fallback: number) => {
  const i = opts.indexOf(name);
  return i >= 0 ? Number(opts[i + 1]) : fallback;
};
const signals = value('--signals', 1000);
const rounds = value('--rounds', 3);
const extra = opts.flatMap((o, i) => (o === '--usher' && opts[i + 1] ? [opts[i + 1] as string] : []));

const which = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout.trim();
const inits: { name: string; argv: string[] }[] = [
  { name: 'usher', argv: [process.execPath, ...nodeFlags, `${ROOT}bin/usher`, '--'] },
  ...extra.map((entry, i) => ({ name: `usher#${i + 1}`, argv: [process.execPath, ...nodeFlags, entry, '--'] })),
  ...(which('tini') ? [{ name: 'tini', argv: ['tini', '--'] }] : []),
];

function pid1Of(unshare: number): number {
  for (const n of readdirSync('/proc')) {
    if (!/^\d+$/.test(n)) continue;
    try {
      const stat = readFileSync(`/proc/${n}/stat`, 'latin1');
      if (stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] === String(unshare)) return Number(n);
    } catch {
      // gone
    }
  }
  throw new Error('no PID 1');
}

async function latencies(argv: string[], count: number): Promise<number[]> {
  const child = track(spawn(UNSHARE[0] as string, [...UNSHARE.slice(1), ...argv, 'python3', `${FIX}signal-timestamper.py`], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const lines: string[] = [];
  let partial = '';
  let wake: (() => void) | undefined;
  child.stdout.setEncoding('utf8').on('data', (d: string) => {
    const parts = (partial + d).split('\n');
    partial = parts.pop() ?? '';
    lines.push(...parts);
    wake?.();
  });
  const line = async (i: number) => {
    while (lines.length <= i) await new Promise<void>((r) => (wake = r));
    return lines[i] as string;
  };
  const closed = new Promise((r) => child.on('close', r));
  await line(0);
  const pid1 = pid1Of(child.pid as number);
  const out: number[] = [];
  const warmup = 20;
  for (let i = 0; i < count + warmup; i++) {
    const t0 = process.hrtime.bigint();
    process.kill(pid1, 'SIGUSR1');
    const received = BigInt(await line(i + 1));
    if (i >= warmup) out.push(Number(received - t0) / 1000);
  }
  process.kill(pid1, 'SIGKILL');
  await closed;
  return out;
}

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))] ?? NaN;
};

const all = new Map(inits.map((i) => [i.name, [] as number[]]));
for (let r = 0; r < rounds; r++) {
  for (const init of inits) all.get(init.name)?.push(...(await latencies(init.argv, signals)));
}
console.log(`forwarding latency, ${rounds} x ${signals} signals per init (µs): p50 p90 p99 max`);
for (const [name, xs] of all) {
  console.log(`${name.padEnd(8)} ${[50, 90, 99].map((p) => pct(xs, p).toFixed(0).padStart(6)).join(' ')} ${Math.max(...xs).toFixed(0).padStart(7)}`);
}
