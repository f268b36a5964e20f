// The images of the end-to-end suite, built from this machine's files with no
// registry: a root filesystem of busybox, this machine's node and the
// libraries it needs, imported with `podman import` / `docker import`; then,
// FROM it, images with usher installed from `npm pack` the way a user installs
// it from npm, the examples built from their own Dockerfiles (`podman build`,
// `docker build`), and the single-file builds.
//
// The files are prepared once on the host; each engine imports and builds the
// same images under the same names in its own store. The runner (run.ts) does
// it once per run and hands the names to every test file through
// USHER_E2E_IMAGES; a test file started on its own builds them itself
// (getEngines in engine.ts). Nothing is reused from an earlier run.
import { spawn } from 'node:child_process';
import {
  chmodSync, copyFileSync, cpSync, existsSync, linkSync, lstatSync, mkdirSync, readdirSync, readFileSync,
  realpathSync, rmdirSync, rmSync, symlinkSync, writeFileSync,
} from 'node:fs';
import { dirname, join } from 'node:path';
import { buildBundle, buildSea, type SingleFileBuild } from '../../tools/single/build.js';
import { parseDockerfile, translate, type RunEmulation } from './dockerfile.js';
import { Engine, ENGINE_NAMES, EngineUnavailable, engines, oneLine, PREFIX, requestedEngines, ROOT, RUN_ID, type EngineName } from './engine-cli.js';

/** Where a run builds: .e2e/RUN_ID (ignored by git, removed at the end of the run). */
export const STAGING = join(ROOT, '.e2e', RUN_ID);

/** The PATH of the official node images, which imported images do not get by themselves. */
const PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

export interface ImageSet {
  /** busybox, node and its libraries, tini, dumb-init, catatonit, the test fixtures in /fixtures, examples/seed-demo in /opt/seed-demo. No usher. */
  node: string;
  /** node plus usher installed globally from `npm pack`; /opt/usher-as/{dumb-init,tini} link to it. */
  usher: string;
  /** examples/node-app, built from its Dockerfile. */
  nodeApp: string;
  /** examples/shell-script, built from its Dockerfile. */
  shellScript: string;
  /** examples/multi-process (supervisor mode: usher.yaml and Procfile), built from its Dockerfile. */
  multiProcess: string;
  /** node plus the single-file usher.mjs and koffi.node in /opt/usher; no node_modules anywhere. */
  single: string;
  /** No node at all: busybox, the libraries, the SEA build of usher and koffi.node in /opt/usher. */
  sea: string;
  /**
   * Distroless-like: node and its libraries, usher installed from `npm pack`,
   * the fixtures; no shell, no /usr/bin/env, no busybox. ENTRYPOINT is node
   * running usher's entry file directly (the documented form for such images).
   */
  distroless: string;
}

/** Where `npm install --global` puts usher's entry file; the distroless ENTRYPOINT names it. */
export const USHER_ENTRY = '/usr/local/lib/node_modules/usher-init/build/bin/usher.cjs';

/** One engine's images: the same names in every engine, each in its own store. */
export interface EngineImages {
  images: ImageSet;
  /** Bytes: files that went into the images, and the images as this engine counts them. */
  sizes: Record<string, number>;
  /** How long each step of the build took (the host's steps are shared by the engines). */
  buildMs: Record<string, number>;
}

export interface Manifest {
  runId: string;
  usherVersion: string;
  /** The engines the run tests on. */
  engines: Partial<Record<EngineName, EngineImages>>;
  /** The engines whose cases are skipped, each with its reason. */
  skipped: Partial<Record<EngineName, string>>;
}

export type Log = (line: string) => void;

interface Exec {
  stdout: string;
  stderr: string;
}

/** Runs a host command to completion; rejects with its stderr when it fails. */
function exec(cmd: string, args: string[], options: { cwd?: string } = {}): Promise<Exec> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve({ stdout, stderr }) : reject(new Error(`${cmd} ${args.join(' ')} exited with ${code}:\n${stderr}`)),
    );
  });
}

/** Total bytes of the files below path, links not followed. */
export function sizeOf(path: string): number {
  const st = lstatSync(path);
  if (!st.isDirectory()) return st.isFile() ? st.size : 0;
  return readdirSync(path).reduce((sum, name) => sum + sizeOf(join(path, name)), 0);
}

/** Copies a host file into the root filesystem at the same path (hard link when possible: node is 100 MB). */
function install(rootfs: string, hostPath: string, at = hostPath): number {
  const target = join(rootfs, at);
  mkdirSync(dirname(target), { recursive: true });
  const real = realpathSync(hostPath);
  try {
    linkSync(real, target);
  } catch {
    copyFileSync(real, target);
    chmodSync(target, lstatSync(real).mode & 0o7777);
  }
  return lstatSync(real).size;
}

/** The shared libraries `ldd` lists for a binary, as absolute paths. */
async function libsOf(binary: string): Promise<string[]> {
  let stdout: string;
  try {
    ({ stdout } = await exec('ldd', [binary]));
  } catch (err) {
    // Static binaries (catatonit) need nothing; ldd says so and exits 1.
    if (/not a dynamic executable/.test(String(err))) return [];
    throw err;
  }
  return [...stdout.matchAll(/(?:=>\s*)?(\/\S+)\s+\(0x/g)].map((m) => m[1] ?? '').filter(Boolean);
}

function which(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':')) {
    const p = join(dir, name);
    if (dir && existsSync(p)) return p;
  }
  throw new Error(`${name} is not installed on this machine (.ci/run installs it)`);
}

/**
 * A minimal root filesystem: busybox with all its links, /etc/passwd, /tmp,
 * and the libraries the given binaries need. Returns the bytes of what it copied.
 */
async function baseRootfs(rootfs: string, binaries: string[]): Promise<{ busybox: number; libs: number }> {
  mkdirSync(rootfs, { recursive: true });
  const busybox = install(rootfs, which('busybox'), '/bin/busybox');
  const { stdout } = await exec(join(rootfs, 'bin/busybox'), ['--list-full']);
  for (const applet of stdout.split('\n').filter(Boolean)) {
    const link = join(rootfs, applet);
    if (existsSync(link)) continue;
    mkdirSync(dirname(link), { recursive: true });
    symlinkSync('/bin/busybox', link);
  }
  for (const dir of ['tmp', 'root', 'proc', 'sys', 'dev', 'etc', 'usr/local/bin', 'opt']) {
    mkdirSync(join(rootfs, dir), { recursive: true });
  }
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
  let libs = 0;
  const seen = new Set<string>();
  // busybox-static needs none, but a dynamically linked busybox would.
  for (const binary of [which('busybox'), ...binaries]) {
    for (const lib of await libsOf(binary)) {
      if (seen.has(lib)) continue;
      seen.add(lib);
      libs += install(rootfs, lib);
    }
  }
  return { busybox, libs };
}

function copyFixtures(rootfs: string): void {
  const dest = join(rootfs, 'fixtures');
  mkdirSync(dest, { recursive: true });
  for (const dir of [join(ROOT, 'test/fixtures'), join(ROOT, 'test/e2e/fixtures')]) cpSync(dir, dest, { recursive: true });
}

/**
 * examples/seed-demo as compiled, in /opt/seed-demo with the same layout as
 * build/ (it imports the library by relative path), marked as ES modules.
 */
function copySeedDemo(rootfs: string): void {
  const dest = join(rootfs, 'opt/seed-demo');
  for (const dir of ['build/examples/seed-demo', 'build/src/shutdown']) {
    cpSync(join(ROOT, dir), join(dest, dir), { recursive: true, filter: (src) => !src.endsWith('.d.ts') });
  }
  writeFileSync(join(dest, 'package.json'), '{ "type": "module" }\n');
}

/** The run's image names: localhost/usher-e2e-RUN-LABEL:e2e. */
export const imageName = (label: string) => `localhost/${PREFIX}-${label}:e2e`;

/** What the examples' Dockerfiles may RUN, and how the suite does the same from `npm pack`. */
function emulations(context: string, tarball: string, version: string): Map<string, RunEmulation> {
  const npm = ['--omit=dev', '--no-audit', '--no-fund', '--prefer-offline', '--loglevel=error'];
  const stage = join(context, '.usher-e2e');
  return new Map<string, RunEmulation>([
    [
      // The app's own dependencies, usher among them. Emulated by installing
      // the packed usher the same way, which gives the same node_modules as
      // long as usher is the only dependency: checked here.
      'npm install --omit=dev --no-audit --no-fund',
      async (workdir) => {
        const pkg = JSON.parse(readFileSync(join(context, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
        const deps = JSON.stringify(pkg.dependencies ?? {});
        if (deps !== JSON.stringify({ "usher-init": version })) {
          throw new Error(`package.json dependencies are ${deps}; the emulation of npm install handles exactly {"usher-init":"${version}"}`);
        }
        await exec('npm', ['install', '--prefix', join(stage, 'app'), ...npm, tarball]);
        return [`COPY .usher-e2e/app/node_modules/ ${workdir.replace(/\/$/, '')}/node_modules/`];
      },
    ],
    [
      `npm install --global usher-init@${version}`,
      async () => {
        await exec('npm', ['install', '--global', '--prefix', join(stage, 'global'), ...npm, tarball]);
        return ['COPY .usher-e2e/global/ /usr/local/'];
      },
    ],
  ]);
}


/**
 * One image, made ready on the host: a root filesystem to import, or a
 * context with a Containerfile to build. Prepared once per run and handed to
 * every engine, which only imports or builds it.
 */
type Source = { label: keyof ImageSet; step: string } & (
  | { kind: 'import'; rootfs: string; changes: string[] }
  | { kind: 'build'; context: string; file: string }
);

interface Sources {
  version: string;
  images: ImageSet;
  /** In build order: each image's base comes before it. */
  steps: Source[];
  sizes: Record<string, number>;
  buildMs: Record<string, number>;
}

/** Writes the Containerfile of a build step into its context. */
function containerfile(context: string, text: string): string {
  const file = join(context, '.usher-e2e.Containerfile');
  writeFileSync(file, text);
  return file;
}

/** `tar -C ROOTFS -c . | ENGINE import - NAME`, with the given Dockerfile-style changes. */
async function importRootfs(engine: Engine, rootfs: string, name: string, changes: string[]): Promise<void> {
  const tar = spawn('tar', ['-C', rootfs, '--owner=0', '--group=0', '--numeric-owner', '-c', '.'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let tarErr = '';
  tar.stderr.setEncoding('utf8').on('data', (d: string) => (tarErr += d));
  const tarDone = new Promise<number>((resolve) => tar.on('close', (code) => resolve(code ?? -1)));
  await engine.importImage(tar.stdout, name, changes);
  const code = await tarDone;
  if (code !== 0) throw new Error(`tar of ${rootfs} failed (${code}): ${tarErr}`);
}

/** examples/NAME with its Dockerfile translated, FROM the node image. */
async function exampleSource(example: string, base: string, tarball: string, version: string): Promise<{ context: string; file: string }> {
  const context = join(STAGING, `example-${example}`);
  cpSync(join(ROOT, 'examples', example), context, { recursive: true, filter: (src) => !src.includes('node_modules') });
  const source = `examples/${example}/Dockerfile`;
  const instructions = parseDockerfile(readFileSync(join(ROOT, source), 'utf8'));
  return { context, file: containerfile(context, await translate(instructions, base, emulations(context, tarball, version), source)) };
}

async function timed<T>(buildMs: Record<string, number>, step: string, log: Log, fn: () => Promise<T>): Promise<T> {
  const t0 = performance.now();
  const value = await fn();
  buildMs[step] = Math.round(performance.now() - t0);
  log(`  ${step}: ${(buildMs[step] / 1000).toFixed(1)} s`);
  return value;
}

/**
 * Starts one container from a busybox-only image (imported in about a second)
 * and removes both: whether this engine can run containers at all, known
 * before spending time on the real images. Resolves with the engine's stderr on failure.
 */
export async function probeEngine(engine: Engine): Promise<string | undefined> {
  const rootfs = join(STAGING, `rootfs-probe-${engine.name}`);
  const image = imageName('probe');
  try {
    mkdirSync(join(rootfs, 'bin'), { recursive: true });
    install(rootfs, which('busybox'), '/bin/busybox');
    await importRootfs(engine, rootfs, image, []);
    const run = await engine.cli(['run', '--rm', '--name', `${PREFIX}-probe`, ...engine.runFlags('default'), image, '/bin/busybox', 'true'], {
      check: false,
      timeoutMs: 60_000,
    });
    return run.code === 0 ? undefined : run.stderr.trim() || `exit status ${run.code}`;
  } finally {
    await engine.cli(['rmi', image], { check: false });
    rmSync(rootfs, { recursive: true, force: true });
  }
}

export interface Selected {
  usable: Engine[];
  /** Each engine whose cases are skipped, and why. */
  skipped: Partial<Record<EngineName, string>>;
}

/**
 * The engines to test on: each requested one (requestedEngines) that answers
 * and can start a container. One that cannot is skipped with its reason, said
 * through `log`, or, when USHER_E2E_ENGINES named it, fails the run
 * (EngineUnavailable). No engine at all fails the run too.
 */
export async function selectEngines(log: Log): Promise<Selected> {
  const { names, required } = requestedEngines();
  const usable: Engine[] = [];
  const skipped: Partial<Record<EngineName, string>> = {};
  mkdirSync(STAGING, { recursive: true });
  for (const name of ENGINE_NAMES) {
    if (!names.includes(name)) {
      skipped[name] = `not selected (USHER_E2E_ENGINES=${process.env.USHER_E2E_ENGINES ?? ''})`;
      log(`${name}: SKIPPED, every ${name} case: ${skipped[name]}`);
      continue;
    }
    const engine = engines[name];
    try {
      const about = await engine.check();
      const failure = await probeEngine(engine);
      if (failure !== undefined) throw new EngineUnavailable(`${name} answers but cannot start a container here: ${oneLine(failure)}\n${engine.help}`);
      log(`${name}: ${about}`);
      usable.push(engine);
    } catch (err) {
      if (!(err instanceof EngineUnavailable) || required) throw err;
      skipped[name] = err.message.split('\n')[0] ?? err.message;
      log(`${name}: SKIPPED, every ${name} case: ${err.message}`);
    }
  }
  if (usable.length === 0) throw new EngineUnavailable(`no container engine works on this machine (${ENGINE_NAMES.join(', ')}), so nothing was tested`);
  return { usable, skipped };
}

/** Prepares every image's files on the host, once for all engines. Expects `npm run build` to have run. */
async function prepareSources(log: Log): Promise<Sources> {
  mkdirSync(STAGING, { recursive: true });
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const sizes: Record<string, number> = {};
  const buildMs: Record<string, number> = {};
  const steps: Source[] = [];
  const images: ImageSet = {
    node: imageName('node'),
    usher: imageName('usher'),
    nodeApp: imageName('node-app'),
    shellScript: imageName('shell-script'),
    multiProcess: imageName('multi-process'),
    single: imageName('single'),
    sea: imageName('sea'),
    distroless: imageName('distroless'),
  };

  // usher as a user gets it: the package npm would publish.
  const tarball = await timed(buildMs, 'npm pack', log, async () => {
    const dest = join(STAGING, 'pack');
    mkdirSync(dest, { recursive: true });
    const { stdout } = await exec('npm', ['pack', '--silent', '--pack-destination', dest]);
    return join(dest, stdout.trim().split('\n').at(-1) ?? '');
  });
  sizes['usher package (.tgz)'] = sizeOf(tarball);

  await timed(buildMs, 'node root filesystem (busybox + node + libraries)', log, async () => {
    const rootfs = join(STAGING, 'rootfs-node');
    const node = which('node');
    const inits = ['tini', 'dumb-init', 'catatonit'].map(which);
    const base = await baseRootfs(rootfs, [node, ...inits]);
    sizes['busybox'] = base.busybox;
    sizes['node libraries'] = base.libs;
    sizes['node binary'] = install(rootfs, node, '/usr/local/bin/node');
    for (const init of inits) install(rootfs, init, `/usr/bin/${init.split('/').at(-1)}`);
    copyFixtures(rootfs);
    copySeedDemo(rootfs);
    steps.push({ label: 'node', step: 'node image (imported)', kind: 'import', rootfs, changes: [`ENV PATH=${PATH}`, 'CMD ["node"]'] });
  });

  await timed(buildMs, 'usher image context (npm install --global from npm pack)', log, async () => {
    const context = join(STAGING, 'usher');
    mkdirSync(join(context, 'usher-as'), { recursive: true });
    // Links named after the tools usher replaces make it behave as them.
    for (const tool of ['dumb-init', 'tini']) symlinkSync('/usr/local/bin/usher', join(context, 'usher-as', tool));
    const instructions = parseDockerfile(`FROM base\nRUN npm install --global usher-init@${version}\nCOPY usher-as/ /opt/usher-as/\n`);
    const text = await translate(instructions, images.node, emulations(context, tarball, version), 'usher image');
    sizes['usher installed (usher + koffi + addon)'] = sizeOf(join(context, '.usher-e2e/global/lib/node_modules'));
    steps.push({ label: 'usher', step: 'usher image (built)', kind: 'build', context, file: containerfile(context, text) });
  });

  for (const [label, example] of [['nodeApp', 'node-app'], ['shellScript', 'shell-script'], ['multiProcess', 'multi-process']] as const) {
    await timed(buildMs, `examples/${example} context (from its Dockerfile)`, log, async () => {
      steps.push({ label, step: `examples/${example} image (built)`, kind: 'build', ...(await exampleSource(example, images.node, tarball, version)) });
    });
  }

  const recordSingle = (label: string, built: SingleFileBuild) => {
    sizes[`${label}: ${built.usher.path.split('/').at(-1)}`] = built.usher.bytes;
    sizes[`${label}: koffi.node`] = built.addon.bytes;
  };

  await timed(buildMs, 'single-file bundle', log, async () => {
    const context = join(STAGING, 'single');
    const built = await buildBundle(join(context, 'opt-usher'));
    recordSingle('bundle', built);
    mkdirSync(join(context, 'bin'));
    symlinkSync('/opt/usher/usher.mjs', join(context, 'bin', 'usher'));
    const file = containerfile(context, `FROM ${images.node}\nCOPY opt-usher/ /opt/usher/\nCOPY bin/ /usr/local/bin/\n`);
    steps.push({ label: 'single', step: 'single-file image (built)', kind: 'build', context, file });
  });

  await timed(buildMs, 'SEA build and its root filesystem (no node)', log, async () => {
    const built = await buildSea(join(STAGING, 'sea-build'));
    recordSingle('SEA', built);
    const rootfs = join(STAGING, 'rootfs-sea');
    const base = await baseRootfs(rootfs, [built.usher.path, built.addon.path]);
    sizes['SEA libraries'] = base.libs;
    install(rootfs, built.usher.path, '/opt/usher/usher');
    install(rootfs, built.addon.path, '/opt/usher/koffi.node');
    symlinkSync('/opt/usher/usher', join(rootfs, 'usr/local/bin/usher'));
    copyFixtures(rootfs);
    steps.push({ label: 'sea', step: 'SEA image (imported)', kind: 'import', rootfs, changes: [`ENV PATH=${PATH}`] });
  });

  await timed(buildMs, 'distroless-like root filesystem (node, no shell, no env)', log, async () => {
    const rootfs = join(STAGING, 'rootfs-distroless');
    const node = which('node');
    mkdirSync(rootfs, { recursive: true });
    for (const dir of ['tmp', 'root', 'proc', 'sys', 'dev', 'etc', 'usr/local/bin', 'usr/local/lib']) {
      mkdirSync(join(rootfs, dir), { recursive: true });
    }
    chmodSync(join(rootfs, 'tmp'), 0o1777);
    writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin\n');
    writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
    for (const lib of await libsOf(node)) install(rootfs, lib);
    install(rootfs, node, '/usr/local/bin/node');
    // The same global install as the usher image (from npm pack), bin link included: it cannot run here.
    cpSync(join(STAGING, 'usher', '.usher-e2e', 'global'), join(rootfs, 'usr/local'), { recursive: true, verbatimSymlinks: true });
    copyFixtures(rootfs);
    for (const absent of ['bin/sh', 'usr/bin/env']) {
      if (existsSync(join(rootfs, absent))) throw new Error(`the distroless image must not have /${absent}`);
    }
    const changes = [`ENV PATH=${PATH}`, `ENTRYPOINT ["node", "${USHER_ENTRY}", "--"]`, 'CMD ["node"]'];
    steps.push({ label: 'distroless', step: 'distroless image (imported)', kind: 'import', rootfs, changes });
  });

  return { version, images, steps, sizes, buildMs };
}

/** Imports or builds every prepared image in one engine, in order. */
async function buildIn(engine: Engine, sources: Sources, log: Log): Promise<EngineImages> {
  const buildMs: Record<string, number> = {};
  const sizes: Record<string, number> = { ...sources.sizes };
  const say = (line: string) => log(`${engine.name}: ${line.trimStart()}`);
  for (const s of sources.steps) {
    const name = sources.images[s.label];
    await timed(buildMs, s.step, say, () =>
      s.kind === 'import' ? importRootfs(engine, s.rootfs, name, s.changes) : engine.buildImage(name, s.context, s.file),
    );
  }
  for (const [label, image] of Object.entries(sources.images)) {
    sizes[`image ${label}`] = Number((await engine.cli(['image', 'inspect', '--format', '{{.Size}}', image])).stdout.trim());
  }
  return { images: sources.images, sizes, buildMs: { ...sources.buildMs, ...buildMs } };
}

/**
 * Builds every image of the suite in each engine: the files once, on the
 * host, then the engines import and build them side by side (each engine's
 * steps in order; podman and dockerd do not share a store).
 */
export async function buildImages(selected: Selected, log: Log = () => undefined): Promise<Manifest> {
  const sources = await prepareSources(log);
  const built = await Promise.all(selected.usable.map(async (engine) => [engine.name, await buildIn(engine, sources, log)] as const));
  const manifest: Manifest = { runId: RUN_ID, usherVersion: sources.version, engines: Object.fromEntries(built), skipped: selected.skipped };
  writeFileSync(MANIFEST, JSON.stringify(manifest, null, 2));
  return manifest;
}

/** Where buildImages writes the manifest the test files read. */
export const MANIFEST = join(STAGING, 'images.json');

/** Removes the run's images from one engine (newest first: the others are their bases). */
export async function removeImages(engine: Engine): Promise<void> {
  const ours = (await engine.imageNames()).filter((n) => n.startsWith(`localhost/${PREFIX}-`));
  const order = ['distroless', 'sea', 'single', 'multi-process', 'shell-script', 'node-app', 'usher', 'node'].map(imageName);
  const sorted = [...ours.filter((n) => !order.includes(n)), ...order.filter((n) => ours.includes(n))];
  for (const name of sorted) await engine.cli(['rmi', name], { check: false });
}

/** Removes the staging directory, and .e2e itself once no run uses it. */
export function removeStaging(): void {
  rmSync(STAGING, { recursive: true, force: true });
  try {
    rmdirSync(dirname(STAGING));
  } catch {
    // another run's staging is still there
  }
}
