// Supervisor mode, part of `npm run bench` (bench/run.ts calls it; alone:
// `node build/bench/run.js --only-supervisor [--quick]`).
//
// 1. Ten trivial services (`sleep 1000`) under usher run, supervisord (Debian
//    `supervisor`, startsecs=0), s6-svscan (Debian `s6`) and pm2-runtime (npm
//    `pm2`, installed at bench time into .bench-cache/, which git ignores),
//    each as PID 1 of its own PID namespace, taking turns run by run. Measured
//    from outside, the same way for all: from spawn until the ten sleeps run
//    ("all ready": none of them has a ready check); SIGTERM to PID 1 until
//    the namespace is gone; RSS of the supervisor's own processes (the sleeps
//    excluded) while supervising.
// 2. Log relay: two services writing numbered lines as fast as they can,
//    through usher (every line checked: present once, whole, prefixed) and
//    through `cat` on one pipe, with the same writers and the same reader.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { setTimeout as sleep } from 'node:timers/promises';
import { track } from './live.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const WRITER = `${ROOT}bench/fixtures/line-writer.mjs`;
const CACHE = join(ROOT, '.bench-cache');
// USHER_BENCH_BIN: another usher to measure (a build of another commit), for a before/after.
const USHER = process.env.USHER_BENCH_BIN ?? `${ROOT}bin/usher`;
const UNSHARE = ['unshare', '--pid', '--fork', '--mount-proc', '--kill-child'];
const SERVICES = 10;

const nowMs = () => Number(process.hrtime.bigint()) / 1e6;
const median = (xs: number[]) => {
  const s = [...xs].filter(Number.isFinite).sort((a, b) => a - b);
  return s.length ? (s[Math.floor((s.length - 1) / 2)] as number) : NaN;
};
const fmt = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : 'n/a');
const which = (bin: string) => spawnSync('sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' }).stdout.trim();

interface Proc {
  pid: number;
  ppid: number;
  comm: string;
}

function processes(): Proc[] {
  const out: Proc[] = [];
  for (const name of readdirSync('/proc')) {
    if (name.charCodeAt(0) > 57) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'latin1');
      const close = stat.lastIndexOf(')');
      const rest = stat.slice(close + 2).split(' ', 3);
      out.push({ pid: Number(name), ppid: Number(rest[1]), comm: stat.slice(stat.indexOf('(') + 1, close) });
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function treeOf(root: number, all: Proc[] = processes()): Proc[] {
  const tree: Proc[] = [];
  const queue = [root];
  for (let p = queue.shift(); p !== undefined; p = queue.shift()) {
    for (const c of all) if (c.ppid === p) (tree.push(c), queue.push(c.pid));
  }
  return tree;
}

function rssKb(pid: number): number {
  try {
    return Number(/^VmRSS:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0);
  } catch {
    return 0;
  }
}

interface Peer {
  name: string;
  /** Why it is left out, when it is. */
  missing?: string;
  /** Writes the peer's config for SERVICES sleeps into dir; returns the command that runs it as PID 1. */
  prepare(dir: string): { argv: string[]; env?: NodeJS.ProcessEnv };
}

function usherPeer(): Peer {
  return {
    name: 'usher run',
    prepare(dir) {
      const lines = ['grace: 10s', 'services:'];
      for (let i = 0; i < SERVICES; i++) lines.push(`  s${i}:`, `    command: ["sleep", "1000"]`);
      writeFileSync(join(dir, 'usher.yaml'), `${lines.join('\n')}\n`);
      return { argv: [process.execPath, USHER, 'run', '-f', join(dir, 'usher.yaml')] };
    },
  };
}

function supervisordPeer(): Peer {
  const bin = which('supervisord');
  return {
    name: 'supervisord',
    ...(bin ? {} : { missing: 'supervisord not installed (Debian package `supervisor`)' }),
    prepare(dir) {
      let conf = `[supervisord]\nnodaemon=true\nuser=root\nlogfile=${dir}/supervisord.log\npidfile=${dir}/supervisord.pid\nchildlogdir=${dir}\n`;
      for (let i = 0; i < SERVICES; i++) conf += `\n[program:s${i}]\ncommand=sleep 1000\nstartsecs=0\nstdout_logfile=NONE\nstderr_logfile=NONE\n`;
      writeFileSync(join(dir, 'supervisord.conf'), conf);
      return { argv: [bin, '-n', '-c', join(dir, 'supervisord.conf')] };
    },
  };
}

function s6Peer(): Peer {
  const bin = which('s6-svscan');
  return {
    name: 's6-svscan',
    ...(bin ? {} : { missing: 's6-svscan not installed (Debian package `s6`)' }),
    prepare(dir) {
      const scan = join(dir, 'scan');
      for (let i = 0; i < SERVICES; i++) {
        mkdirSync(join(scan, `s${i}`), { recursive: true });
        writeFileSync(join(scan, `s${i}`, 'run'), '#!/bin/sh\nexec sleep 1000\n');
        chmodSync(join(scan, `s${i}`, 'run'), 0o755);
      }
      return { argv: [bin, scan] };
    },
  };
}

/** pm2 is not a dependency of usher: installed once into .bench-cache/ (git-ignored), or left out with a note. */
function pm2Peer(): Peer {
  const bin = join(CACHE, 'node_modules', '.bin', 'pm2-runtime');
  let missing: string | undefined;
  if (!existsSync(bin)) {
    process.stdout.write('installing pm2 into .bench-cache/ for the comparison (once)...\n');
    const r = spawnSync('npm', ['install', '--prefix', CACHE, '--no-audit', '--no-fund', '--loglevel=error', 'pm2'], { encoding: 'utf8', timeout: 300_000 });
    if (r.status !== 0 || !existsSync(bin)) missing = `pm2 could not be installed into .bench-cache (${(r.stderr || r.error?.message || '').trim().split('\n')[0]}); pm2-runtime left out`;
  }
  return {
    name: 'pm2-runtime',
    ...(missing ? { missing } : {}),
    prepare(dir) {
      const apps = Array.from({ length: SERVICES }, (_, i) => ({ name: `s${i}`, script: 'sleep', args: '1000', interpreter: 'none', autorestart: true }));
      writeFileSync(join(dir, 'ecosystem.config.js'), `module.exports = ${JSON.stringify({ apps })};\n`);
      return {
        argv: [process.execPath, bin, join(dir, 'ecosystem.config.js')],
        env: { PM2_HOME: join(dir, 'pm2'), PM2_DISCRETE_MODE: 'true' },
      };
    },
  };
}

interface Figures {
  readyMs: number;
  stopMs: number;
  rssMb: number;
}

/** One supervisor, one run: start, all ten sleeps running, RSS, SIGTERM, gone. */
async function measureOnce(peer: Peer): Promise<Figures> {
  const dir = mkdtempSync(join(tmpdir(), 'usher-bench-sup-'));
  let child: ChildProcess | undefined;
  try {
    const { argv, env } = peer.prepare(dir);
    const t0 = nowMs();
    const errors = openSync(join(dir, 'stderr.log'), 'w');
    child = track(spawn(UNSHARE[0] as string, [...UNSHARE.slice(1), ...argv], { stdio: ['ignore', 'ignore', errors], env: { ...process.env, ...env }, cwd: dir }));
    closeSync(errors);
    let ended = false;
    const closed = new Promise<void>((r) => child?.on('close', () => ((ended = true), r())));
    const unsharePid = child.pid as number;
    let readyMs = NaN;
    for (const deadline = t0 + 30_000; nowMs() < deadline; ) {
      const sleeps = treeOf(unsharePid).filter((p) => p.comm === 'sleep').length;
      if (sleeps >= SERVICES) {
        readyMs = nowMs() - t0;
        break;
      }
      if (ended) {
        const said = readFileSync(join(dir, 'stderr.log'), 'utf8').trim().split('\n').slice(-3).join(' / ');
        throw new Error(`exited before its ${SERVICES} services ran: ${said}`);
      }
      await sleep(2);
    }
    if (!Number.isFinite(readyMs)) throw new Error(`${peer.name}: the ${SERVICES} services were not all running after 30 s`);
    // Let start-up garbage settle, then the supervisor's own memory (the sleeps excluded).
    await sleep(1500);
    const tree = treeOf(unsharePid);
    const rssMb = tree.filter((p) => p.comm !== 'sleep').reduce((sum, p) => sum + rssKb(p.pid), 0) / 1024;
    const pid1 = tree.find((p) => p.ppid === unsharePid)?.pid as number;
    const t1 = nowMs();
    process.kill(pid1, 'SIGTERM');
    const timeout = setTimeout(() => child?.kill('SIGKILL'), 30_000);
    await closed;
    clearTimeout(timeout);
    return { readyMs, stopMs: nowMs() - t1, rssMb };
  } finally {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Relay {
  mbPerSec: number;
  lines: number;
  lost: number;
  broken: number;
  duplicated: number;
}

/**
 * Reads the relayed stream, checks each line (optionally `NAME | ` prefixed,
 * then `NAME SEQ xxx`), and times first byte to end.
 */
export function readRelay(stream: NodeJS.ReadableStream, perWriter: number, lineSize: number, prefixed: boolean): Promise<Relay> {
  const seen = { a: new Uint8Array(perWriter), b: new Uint8Array(perWriter) };
  let partial = Buffer.alloc(0);
  let first = NaN;
  let lines = 0;
  let broken = 0;
  let duplicated = 0;
  const check = (line: Buffer) => {
    lines++;
    let body = line;
    if (prefixed) {
      // "a     | a 00000001 xxx": the name padded to the longest one (usher's own included)
      let i = 1;
      while (line[i] === 0x20) i++;
      if (line[i] !== 0x7c || line[i + 1] !== 0x20) return void broken++;
      body = line.subarray(i + 2);
      if (body[0] !== line[0]) return void broken++;
    }
    const name = body[0] === 0x61 ? 'a' : body[0] === 0x62 ? 'b' : undefined;
    if (!name || body.length !== lineSize - 1 || body[1] !== 0x20 || body[10] !== 0x20) return void broken++;
    const seq = Number(body.toString('latin1', 2, 10));
    if (!(seq >= 0 && seq < perWriter) || body[body.length - 1] !== 0x78) return void broken++;
    if (seen[name][seq]) duplicated++;
    seen[name][seq] = 1;
  };
  return new Promise((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      if (Number.isNaN(first)) first = nowMs();
      let buf = partial.length ? Buffer.concat([partial, chunk]) : chunk;
      let start = 0;
      for (let nl = buf.indexOf(10, start); nl >= 0; nl = buf.indexOf(10, start)) {
        check(buf.subarray(start, nl));
        start = nl + 1;
      }
      partial = Buffer.from(buf.subarray(start));
      buf = Buffer.alloc(0);
    });
    stream.on('error', reject);
    stream.on('end', () => {
      const elapsed = nowMs() - first;
      if (partial.length) check(partial);
      let present = 0;
      for (const marks of [seen.a, seen.b]) for (const m of marks) present += m;
      resolve({ mbPerSec: (2 * perWriter * lineSize) / 1e6 / (elapsed / 1000), lines, lost: 2 * perWriter - present, broken, duplicated });
    });
  });
}

async function relayThroughUsher(perWriter: number, lineSize: number): Promise<Relay> {
  const dir = mkdtempSync(join(tmpdir(), 'usher-bench-log-'));
  try {
    const service = (name: string) => [`  ${name}:`, `    command: ["${process.execPath}", "${WRITER}", "${name}", "${perWriter}", "${lineSize}"]`, '    restart: "no"'];
    writeFileSync(join(dir, 'usher.yaml'), ['services:', ...service('a'), ...service('b')].join('\n') + '\n');
    const child = track(spawn(UNSHARE[0] as string, [...UNSHARE.slice(1), process.execPath, `${ROOT}bin/usher`, 'run', '--no-color', '-f', join(dir, 'usher.yaml')], {
      stdio: ['ignore', 'pipe', 'pipe'],
      cwd: dir,
    }));
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    const relay = await readRelay(child.stdout as NodeJS.ReadableStream, perWriter, lineSize, true);
    const code = await new Promise((r) => child.on('close', r));
    if (code !== 0) process.stdout.write(`  (usher run exited ${code}: ${stderr.trim().split('\n').slice(-3).join(' / ')})\n`);
    return relay;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function relayThroughCat(perWriter: number, lineSize: number): Promise<Relay> {
  const w = (name: string) => `"${process.execPath}" "${WRITER}" ${name} ${perWriter} ${lineSize}`;
  const child = track(spawn('sh', ['-c', `{ ${w('a')} & ${w('b')} & wait; } | cat`], { stdio: ['ignore', 'pipe', 'inherit'] }));
  const relay = await readRelay(child.stdout as NodeJS.ReadableStream, perWriter, lineSize, false);
  await new Promise((r) => child.on('close', r));
  return relay;
}

/** RSS of a bare idle `node` (usher's floor), measured like the supervisors' own: 1.5 s after start. */
async function bareNodeRssMb(): Promise<number> {
  const bare = track(spawn(process.execPath, ['-e', 'setInterval(() => {}, 1e9)'], { stdio: 'ignore' }));
  await sleep(1500);
  const mb = rssKb(bare.pid as number) / 1024;
  bare.kill('SIGKILL');
  await new Promise((r) => bare.on('close', r));
  return mb;
}

export async function supervisorBench(quick: boolean, runsAsked?: number): Promise<void> {
  const runs = runsAsked ?? (quick ? 1 : 3);
  const peers = [usherPeer(), supervisordPeer(), s6Peer(), pm2Peer()];
  for (const p of peers.filter((p) => p.missing)) process.stdout.write(`note: ${p.missing}\n`);
  const present = peers.filter((p) => !p.missing);
  const results = new Map<string, Figures[]>(present.map((p) => [p.name, []]));
  process.stdout.write(`supervisor mode: ${SERVICES} services of \`sleep\`, ${present.map((p) => p.name).join(', ')}; median of ${runs}\n`);
  for (let i = 0; i < runs; i++) {
    for (const peer of present) {
      try {
        results.get(peer.name)?.push(await measureOnce(peer));
      } catch (err) {
        process.stdout.write(`  ${peer.name}: ${err instanceof Error ? err.message : String(err)}\n`);
      }
    }
  }
  const bareNodeMb = await bareNodeRssMb();
  const fig = (name: string) => {
    const rs = results.get(name) ?? [];
    return { readyMs: median(rs.map((r) => r.readyMs)), stopMs: median(rs.map((r) => r.stopMs)), rssMb: median(rs.map((r) => r.rssMb)) };
  };
  console.log('');
  console.log(`| ${SERVICES} services of \`sleep\` | ${present.map((p) => p.name).join(' | ')} |`);
  console.log(`|---|${present.map(() => '---').join('|')}|`);
  console.log(`| start to all running (ms) | ${present.map((p) => fmt(fig(p.name).readyMs)).join(' | ')} |`);
  console.log(`| SIGTERM to exit (ms) | ${present.map((p) => fmt(fig(p.name).stopMs)).join(' | ')} |`);
  console.log(`| RSS while supervising (MB); bare \`node\`: ${fmt(bareNodeMb, 1)} | ${present.map((p) => fmt(fig(p.name).rssMb, 1)).join(' | ')} |`);
  console.log('');
  const u = fig('usher run');
  for (const other of present.filter((p) => p.name !== 'usher run')) {
    const o = fig(other.name);
    console.log(
      `usher run / ${other.name}: all running x${fmt(u.readyMs / o.readyMs, 2)}, stop x${fmt(u.stopMs / o.stopMs, 2)}, RSS x${fmt(u.rssMb / o.rssMb, 2)} (below 1 = usher faster / smaller)`,
    );
  }

  const perWriter = quick ? 200_000 : 1_000_000;
  const lineSize = 100;
  const usherRelay = await relayThroughUsher(perWriter, lineSize);
  const catRelay = await relayThroughCat(perWriter, lineSize);
  console.log('');
  console.log(`| log relay: 2 writers x ${perWriter} lines of ${lineSize} B | usher run | cat (one pipe) |`);
  console.log('|---|---|---|');
  console.log(`| throughput (MB/s of lines) | ${fmt(usherRelay.mbPerSec, 1)} | ${fmt(catRelay.mbPerSec, 1)} |`);
  console.log(`| lines lost | ${usherRelay.lost} | ${catRelay.lost} |`);
  console.log(`| lines broken (torn or interleaved) | ${usherRelay.broken} | ${catRelay.broken} |`);
  console.log(`| lines duplicated | ${usherRelay.duplicated} | ${catRelay.duplicated} |`);
  console.log(`usher run / cat: throughput x${fmt(usherRelay.mbPerSec / catRelay.mbPerSec, 2)}`);

  console.log('');
  const verdict = (ok: boolean, absent: boolean) => (absent ? 'n/a (peer absent)' : ok ? 'met' : 'MISSED');
  console.log('Targets (issue 19):');
  const s6 = fig('s6-svscan');
  const s6Absent = !results.get('s6-svscan')?.length;
  console.log(`  all running within 1.5x s6-svscan's: ${fmt(u.readyMs)} vs ${fmt(s6.readyMs)} ms, x${fmt(u.readyMs / s6.readyMs, 2)} -> ${verdict(u.readyMs <= 1.5 * s6.readyMs, s6Absent)}`);
  console.log(`  SIGTERM to exit faster than s6-svscan: ${fmt(u.stopMs)} vs ${fmt(s6.stopMs)} ms, x${fmt(u.stopMs / s6.stopMs, 2)} -> ${verdict(u.stopMs < s6.stopMs, s6Absent)}`);
  const overNode = u.rssMb - bareNodeMb;
  console.log(`  RSS at most bare node + 8 MB (${fmt(bareNodeMb, 1)} MB): ${fmt(u.rssMb, 1)} MB, +${fmt(overNode, 1)} MB -> ${verdict(overNode <= 8, false)}`);
  console.log('Targets (issue 8):');
  for (const peerName of ['supervisord', 'pm2-runtime']) {
    const o = fig(peerName);
    const absent = !results.get(peerName)?.length;
    console.log(`  all running faster than ${peerName}: ${fmt(u.readyMs)} vs ${fmt(o.readyMs)} ms -> ${verdict(u.readyMs < o.readyMs, absent)}`);
    console.log(`  stop faster than ${peerName}: ${fmt(u.stopMs)} vs ${fmt(o.stopMs)} ms -> ${verdict(u.stopMs < o.stopMs, absent)}`);
  }
  const pm2 = fig('pm2-runtime');
  console.log(`  RSS below pm2-runtime's: ${fmt(u.rssMb, 1)} vs ${fmt(pm2.rssMb, 1)} MB -> ${verdict(u.rssMb < pm2.rssMb, !results.get('pm2-runtime')?.length)}`);
  const relayOk = usherRelay.mbPerSec >= 50 && usherRelay.lost === 0 && usherRelay.broken === 0 && usherRelay.duplicated === 0;
  console.log(`  log relay at least 50 MB/s, 0 lines lost: ${fmt(usherRelay.mbPerSec, 1)} MB/s, ${usherRelay.lost} lost, ${usherRelay.broken} broken -> ${relayOk ? 'met' : 'MISSED'}`);
}
