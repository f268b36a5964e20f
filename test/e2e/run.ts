// `npm run test:e2e`: the end-to-end suite in real containers.
//
//   1. checks that podman works here, and says so plainly (exit 1) if not;
//   2. builds every image once (images.ts) and checks a container starts;
//   3. runs the *.e2e.js files with `node --test`, one at a time (the machine
//      is small and shared), handing them the images through USHER_E2E_IMAGES;
//   4. removes every container, pod and image of the run, pass or fail.
//
// Arguments: words select test files by name (`npm run test:e2e -- seed tty`);
// options are passed to node --test (`-- --test-name-pattern=case`).
import { spawn, type ChildProcess } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { checkEngine, EngineUnavailable, ENGINE_HELP, podman, PREFIX, RUN_ID } from './podman.js';
import { buildImages, probeEngine, removeImages, STAGING } from './images.js';

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
async function sweep(): Promise<void> {
  const pods = (await podman(['pod', 'ps', '--format', '{{.Name}}'], { check: false })).stdout.split('\n').filter((n) => n.startsWith(PREFIX));
  for (const pod of pods) await podman(['pod', 'rm', '--force', '--time', '0', pod], { check: false });
  const ctrs = (await podman(['ps', '--all', '--format', '{{.Names}}'], { check: false })).stdout.split('\n').filter((n) => n.startsWith(PREFIX));
  for (const ctr of ctrs) await podman(['rm', '--force', '--time', '0', ctr], { check: false });
  if (pods.length + ctrs.length > 0) {
    const why = interrupted ? 'the interrupted tests left' : 'a test file left behind (a clean-up bug in it)';
    say(`${interrupted ? '' : 'WARNING: '}removed ${pods.length} pod(s) and ${ctrs.length} container(s) ${why}`);
  }
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

  try {
    say(`podman ${await checkEngine()} (runtime, cgroups, version); run ${RUN_ID}`);
  } catch (err) {
    if (!(err instanceof EngineUnavailable)) throw err;
    say('FAILED: the container engine does not work on this machine, so nothing was tested.');
    process.stderr.write(`${err.message}\n`);
    return 1;
  }

  const before = await engineSideEffects();
  let code = 1;
  try {
    // A container that cannot even start means the engine is unusable here,
    // which must read as such, not as thirty failing tests.
    const failure = await probeEngine();
    if (failure !== undefined) {
      say('FAILED: podman works but cannot start a container here, so nothing was tested.');
      process.stderr.write(`${failure}\n${ENGINE_HELP}\n`);
      return 1;
    }
    say('building images');
    const manifest = await buildImages(say);
    for (const [what, bytes] of Object.entries(manifest.sizes)) say(`size ${what}: ${(bytes / 1e6).toFixed(2)} MB`);
    if (!interrupted) code = await runTests(files, nodeTestArgs, join(STAGING, 'images.json'));
  } catch (err) {
    say(`FAILED: ${err instanceof Error ? err.message : String(err)}`);
    code = 1;
  } finally {
    await sweep();
    await removeImages();
    const after = await engineSideEffects();
    for (const image of after.images.filter((i) => !before.images.includes(i))) await podman(['rmi', image], { check: false });
    for (const net of after.networks.filter((n) => !before.networks.includes(n))) await podman(['network', 'rm', net], { check: false });
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
