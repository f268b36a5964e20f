// `npm run test:e2e`: the end-to-end suite in real containers.
//
//   1. checks which engines work here (podman, Docker: each answers and starts
//      a container) and says which it tests and which it skips and why; with
//      USHER_E2E_ENGINES=podman,docker every engine named must work (exit 1 if
//      one does not); no working engine at all is a plain failure (exit 1);
//   2. builds every image once per engine (images.ts);
//   3. runs the *.e2e.js files with `node --test`, one at a time (the machine
//      is small and shared), handing them the images through USHER_E2E_IMAGES;
//      each file runs each case once per engine;
//   4. removes every container, pod and image of the run, pass or fail.
//
// Arguments: words select test files by name (`npm run test:e2e -- seed tty`);
// options are passed to node --test (`-- --test-name-pattern=docker`).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { EngineUnavailable, podman, PREFIX, RUN_ID, type Engine } from './engine-cli.js';
import { buildImages, MANIFEST, removeImages, removeStaging, selectEngines } from './images.js';
import { statOf } from '../helpers/pid1.js';

const HERE = fileURLToPath(new URL('.', import.meta.url));
const say = (line: string) => process.stdout.write(`# usher e2e: ${line}\n`);

let child: ChildProcess | undefined;
let interrupted = false;
for (const sig of ['SIGINT', 'SIGTERM'] as const) {
  process.on(sig, () => {
    if (interrupted) {
      say(`second ${sig}: exiting without cleaning up; remove what is named ${PREFIX}-* by hand`);
      process.exit(130);
    }
    interrupted = true;
    say(`${sig}: stopping the tests, then cleaning up`);
    child?.kill(sig);
  });
}

function runTests(files: string[], nodeTestArgs: string[], manifestPath: string): Promise<number> {
  return new Promise((resolve) => {
    child = spawn(process.execPath, ['--test', '--test-concurrency=1', ...nodeTestArgs, ...files], {
      stdio: 'inherit',
      env: { ...process.env, USHER_E2E_RUN_ID: RUN_ID, USHER_E2E_IMAGES: manifestPath },
    });
    child.on('close', (code, signal) => resolve(code ?? (signal ? 1 : 0)));
  });
}

/** Removes containers and pods of this run that a test file left behind (a bug in that file: said aloud). */
async function sweep(engine: Engine): Promise<void> {
  let pods: string[] = [];
  if (engine.name === 'podman') {
    pods = (await podman(['pod', 'ps', '--format', '{{.Name}}'], { check: false })).stdout.split('\n').filter((n) => n.startsWith(PREFIX));
    for (const pod of pods) await podman(['pod', 'rm', '--force', '--time', '0', pod], { check: false });
  }
  const ctrs = (await engine.containerNames()).filter((n) => n.startsWith(PREFIX));
  for (const ctr of ctrs) await engine.removeContainer(ctr);
  if (pods.length + ctrs.length > 0) {
    const why = interrupted ? 'the interrupted tests left' : 'a test file left behind (a clean-up bug in it)';
    say(`${interrupted ? '' : 'WARNING: '}${engine.name}: removed ${pods.length} pod(s) and ${ctrs.length} container(s) ${why}`);
  }
}

/**
 * Container processes this run left running although the engine no longer
 * lists their container: podman's conmon (named with `-n NAME`) of a container
 * of this run (PREFIX-*, or a doctor's usher-doctor-*) started after the run
 * began. Found once as a leak of `doctor --image`; ended here (SIGKILL to the
 * container's PID 1 ends its whole namespace) and reported as a failure.
 */
function leftContainerProcesses(runStart: number): Array<{ name: string; pid1: number }> {
  const left: Array<{ name: string; pid1: number }> = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid)) continue;
    let argv: string[];
    try {
      argv = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    } catch {
      continue;
    }
    if (!argv[0]?.endsWith('conmon') || !((statOf(pid)?.startTicks ?? -1) >= runStart)) continue;
    const name = argv[argv.indexOf('-n') + 1] ?? '';
    if (!name.startsWith(`${PREFIX}-`) && !name.startsWith('usher-doctor-')) continue;
    let children: string[] = [];
    try {
      children = readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean);
    } catch {
      // gone meanwhile
    }
    for (const child of children) left.push({ name, pid1: Number(child) });
  }
  return left;
}

/**
 * What podman makes by itself on first use of `kube play`: its pod infra image
 * (localhost/podman-pause) and the network kube pods join. Removed at the end
 * if this run made them.
 */
async function engineSideEffects(): Promise<{ images: string[]; networks: string[] }> {
  const images = (await podman(['images', '--format', '{{.Repository}}:{{.Tag}}'], { check: false })).stdout;
  const networks = (await podman(['network', 'ls', '--format', '{{.Name}}'], { check: false })).stdout;
  return {
    images: images.split('\n').filter((n) => n.startsWith('localhost/podman-pause:')),
    networks: networks.split('\n').filter((n) => n === 'podman-default-kube-network'),
  };
}

async function main(argv: string[]): Promise<number> {
  const started = performance.now();
  const runStart = statOf(process.pid)?.startTicks ?? 0;
  const selectors = argv.filter((a) => !a.startsWith('-'));
  const nodeTestArgs = argv.filter((a) => a.startsWith('-'));
  const files = readdirSync(HERE)
    .filter((f) => f.endsWith('.e2e.js') && (selectors.length === 0 || selectors.some((s) => f.includes(s))))
    .sort()
    .map((f) => join(HERE, f));
  if (files.length === 0) {
    say(`no test file matches ${selectors.join(' ')}`);
    return 2;
  }

  let selected: Awaited<ReturnType<typeof selectEngines>>;
  try {
    say(`run ${RUN_ID}`);
    selected = await selectEngines(say);
  } catch (err) {
    if (!(err instanceof EngineUnavailable)) throw err;
    say('FAILED: a container engine this run needs does not work on this machine, so nothing was tested.');
    process.stderr.write(`${err.message}\n`);
    removeStaging();
    return 1;
  }

  const usesPodman = selected.usable.some((e) => e.name === 'podman');
  const before = usesPodman ? await engineSideEffects() : { images: [], networks: [] };
  let code = 1;
  try {
    say(`building images for ${selected.usable.map((e) => e.name).join(' and ')}`);
    const manifest = await buildImages(selected, say);
    for (const [engine, built] of Object.entries(manifest.engines)) {
      for (const [what, bytes] of Object.entries(built.sizes)) {
        if (what.startsWith('image ')) say(`${engine} size ${what}: ${(bytes / 1e6).toFixed(2)} MB`);
      }
    }
    const first = Object.values(manifest.engines)[0];
    for (const [what, bytes] of Object.entries(first?.sizes ?? {})) {
      if (!what.startsWith('image ')) say(`size ${what}: ${(bytes / 1e6).toFixed(2)} MB`);
    }
    for (const [engine, why] of Object.entries(manifest.skipped)) say(`${engine}: every case is reported as skipped: ${why}`);
    if (!interrupted) code = await runTests(files, nodeTestArgs, MANIFEST);
  } catch (err) {
    say(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
    code = 1;
  } finally {
    for (const engine of selected.usable) {
      await sweep(engine);
      await removeImages(engine);
    }
    if (usesPodman) {
      const left = leftContainerProcesses(runStart);
      for (const { pid1 } of left) {
        try {
          process.kill(pid1, 'SIGKILL');
        } catch {
          // gone meanwhile
        }
      }
      if (left.length > 0) {
        say(`FAILED: processes of ${left.length} container(s) were still running although podman no longer listed them (killed now): ${left.map((l) => `${l.name} (host pid ${l.pid1})`).join(', ')}`);
        code = 1;
      }
    }
    removeStaging();
    if (usesPodman) {
      const after = await engineSideEffects();
      for (const image of after.images.filter((i) => !before.images.includes(i))) await podman(['rmi', image], { check: false });
      for (const net of after.networks.filter((n) => !before.networks.includes(n))) await podman(['network', 'rm', net], { check: false });
    }
    say(`done in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  }
  return interrupted && code === 0 ? 130 : code;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`usher e2e: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
