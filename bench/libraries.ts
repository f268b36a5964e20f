// `npm run bench -- --libraries`: the same keep-alive load against an HTTP
// server stopped by each graceful-shutdown library (bench/shutdown-app.ts):
// 16 keep-alive clients sending back to back and one 1.5 s request, SIGTERM
// once the slow request has started. Per library and round: failed requests,
// the slow request's outcome, the exit status, the stop time.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { childEnv, EventChild, stopUnderLoad } from '../test/shutdown/helpers.js';
import { track } from './live.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const APP = fileURLToPath(new URL('./shutdown-app.js', import.meta.url));
const WORK_BODY = 'usher-shutdown-fixture:'.padEnd(2048, '0123456789abcdef');
const CLIENTS = 16;

/** Library name as shown, and the package its version is read from. */
const LIBRARIES: Array<[string, string | undefined]> = [
  ['usher-shutdown', 'usher-shutdown'],
  ['@godaddy/terminus', '@godaddy/terminus'],
  ['http-terminator', 'http-terminator'],
  ['stoppable', 'stoppable'],
  ['close-with-grace', 'close-with-grace'],
  ['lightship', 'lightship'],
  ['node server.close()', undefined],
];

function versionOf(pkg: string | undefined): string {
  if (pkg === undefined) return process.version;
  return (JSON.parse(readFileSync(`${ROOT}node_modules/${pkg}/package.json`, 'utf8')) as { version: string }).version;
}

interface Round {
  failed: number;
  kinds: string;
  slow: string;
  exit: string;
  stopMs: number;
}

async function round(library: string): Promise<Round> {
  const app = new EventChild(process.execPath, [APP, library], childEnv({ USHER_BENCH_LIBRARY_APP: '1' }));
  track(app.process);
  try {
    const port = (await app.waitForEvent('listening'))['port'] as number;
    const { load, slow, exit } = await stopUnderLoad(app, port, WORK_BODY, CLIENTS);
    const kinds = new Map<string, number>();
    for (const failure of load.failures) {
      const kind = failure.errorCode ?? `status ${String(failure.status)}`;
      kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
    }
    return {
      failed: load.failures.length,
      kinds: [...kinds].map(([kind, n]) => `${n} ${kind}`).join(', '),
      slow: slow.errorCode ?? (slow.body === 'slow:1500' ? 'answered' : `status ${String(slow.status)}`),
      exit: exit.signal ?? String(exit.code),
      stopMs: exit.at - (load.signalSentAt ?? exit.at),
    };
  } finally {
    await app.cleanup();
  }
}

export async function librariesBench(quick: boolean): Promise<void> {
  const rounds = quick ? 1 : 3;
  const date = new Date().toISOString().slice(0, 10);
  console.log(`graceful-shutdown libraries, ${date}, node ${process.version}: ${CLIENTS} keep-alive clients + one 1.5 s request, SIGTERM, ${rounds} round(s) each`);
  console.log('');
  // Each client stops at its first failure: a round loses at most one request per client.
  console.log(`| library | version | clients that lost a request, per round (of ${CLIENTS}) | slow request | exit | stop (ms, median) |`);
  console.log('|---|---|---|---|---|---|');
  for (const [library, pkg] of LIBRARIES) {
    const results: Round[] = [];
    for (let i = 0; i < rounds; i += 1) results.push(await round(library));
    const stops = results.map((r) => r.stopMs).sort((a, b) => a - b);
    const median = stops[Math.floor((stops.length - 1) / 2)] ?? NaN;
    const failed = results.map((r) => (r.kinds ? `${r.failed} (${r.kinds})` : String(r.failed))).join('; ');
    const slow = [...new Set(results.map((r) => r.slow))].join(', ');
    const exit = [...new Set(results.map((r) => r.exit))].join(', ');
    console.log(`| ${library} | ${versionOf(pkg)} | ${failed} | ${slow} | ${exit} | ${median.toFixed(0)} |`);
  }
}
