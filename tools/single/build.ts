// Builds usher's bundles from the compiled build/src (run after tsc):
//
//   build/bin/usher.cjs                  what the package's `usher` command runs
//                                         (`npm run build` makes it): one CommonJS
//                                         file; every lazily loaded part (the
//                                         supervisor, the doctor, the stand-ins,
//                                         help) is evaluated only when asked for;
//                                         npm dependencies left to node_modules
//   dist/single/usher.mjs + koffi.node   one ESM file for images that have node
//   dist/sea/usher + koffi.node          a Node single executable application
//                                         (node itself inside), for images without node
//
// In both, koffi's native addon is a second file next to usher: see
// koffi-resolver.ts for why it cannot be inlined.
//
//   node build/tools/single/build.js --entry | [--sea] [--out DIR]
import { build, type Plugin } from 'esbuild';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository (this file runs compiled, from build/tools/single/). */
export const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RESOLVER = join(ROOT, 'tools/single/koffi-resolver.ts');
const ENTRY = join(ROOT, 'build/src/cli/entry.js');
const require = createRequire(join(ROOT, 'package.json'));

/** Node's documented fuse for SEA blobs. */
const SEA_FUSE = 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2';

export interface BuiltFile {
  path: string;
  bytes: number;
}

export interface SingleFileBuild {
  /** usher.mjs, or the SEA executable. */
  usher: BuiltFile;
  /** koffi.node, which must sit next to usher. */
  addon: BuiltFile;
}

function usherVersion(): string {
  return (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
}

/** The koffi version usher depends on, and its prebuilt addon for this machine. */
function koffiAddon(): { version: string; path: string } {
  // koffi's "exports" hide its package.json; its directory is found from node_modules instead.
  const koffiPkg = join(ROOT, 'node_modules/koffi/package.json');
  const version = (JSON.parse(readFileSync(koffiPkg, 'utf8')) as { version: string }).version;
  const arch = process.arch;
  // The prebuilt packages hold a glibc and a musl build; take the one this node runs on.
  const report = process.report.getReport() as { header?: { glibcVersionRuntime?: string } };
  const libc = report.header?.glibcVersionRuntime ? process.platform : 'musl';
  const pkg = createRequire(koffiPkg).resolve(`@koromix/koffi-${process.platform}-${arch}/package.json`);
  return { version, path: join(pkg, '..', `${libc}_${arch}`, 'koffi.node') };
}

function sizeOf(path: string): BuiltFile {
  return { path, bytes: statSync(path).size };
}

async function bundle(outfile: string, format: 'esm' | 'cjs'): Promise<void> {
  const version = usherVersion();
  const koffi = koffiAddon();
  const header = `// usher ${version}, single-file build. koffi.node (koffi ${koffi.version}) must sit next to this file.`;
  await build({
    // The resolver first: it must be in place before anything can require koffi.
    // Then the same entry as the package's command.
    stdin: { contents: `import ${JSON.stringify(RESOLVER)};\nimport ${JSON.stringify(ENTRY)};\n`, resolveDir: ROOT, loader: 'js' },
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format,
    // Readable stack traces in bug reports matter more than the ~40 % minifying saves.
    minify: false,
    legalComments: 'inline',
    logLevel: 'warning',
    define: {
      __USHER_VERSION__: JSON.stringify(version),
      __USHER_KOFFI_VERSION__: JSON.stringify(koffi.version),
      // A SEA's main script is CommonJS, where import.meta is empty: it stands for the executable.
      ...(format === 'cjs' ? { 'import.meta.url': '__usherExecutableUrl' } : {}),
    },
    banner: {
      js:
        format === 'esm'
          ? // Bundled CommonJS (yaml) calls require('process') and the like; in an
            // ES module esbuild's require stand-in throws unless a real require is in scope.
            `#!/usr/bin/env node\n${header}\nimport { createRequire as __usherCreateRequire } from 'node:module';\n` +
            'const require = __usherCreateRequire(import.meta.url);'
          : `${header}\nconst __usherExecutableUrl = require('node:url').pathToFileURL(process.execPath).href;`,
    },
  });
}

/**
 * build/bin/usher.cjs: the package's command, one CommonJS file, and beside it
 * one file per subcommand module (build/bin/usher-NAME.cjs).
 *
 * Not ESM with code splitting, although that is what keeps modules out of a
 * start-up in most programs: the first ESM module (or dynamic import()) a
 * Node process loads starts Node's ESM loader, which measured about half of
 * usher's start-up over `node -e 0` (CPU time, `usher -q -- /bin/true`: ESM
 * chunks +44 ms, this file +21 ms). Here esbuild turns every import() into a
 * lazily run module wrapper in the same file, so whatever src/ loads lazily
 * (dumb-init's and tini's texts, help) is parsed but never run in init mode.
 * Only the subcommands, large and never needed by init mode, are files apart
 * (loaded with require(), not import(), which would start Node's ESM loader
 * for them). npm dependencies stay external, loaded from node_modules by
 * the code that needs them, except yaml (BUNDLED_PACKAGES).
 */
export async function buildEntry(outDir = join(ROOT, 'build/bin')): Promise<BuiltFile> {
  rmSync(outDir, { recursive: true, force: true });
  const outfile = join(outDir, 'usher.cjs');
  // Each subcommand (src/cli/subcommands.ts) is a file of its own next to the
  // command, required only when asked for: in one file, the supervisor's and
  // the doctor's code (0.4 MB) cost init mode about 15 ms of parsing at every
  // container start, although none of it ran.
  const subcommands = readdirSync(join(ROOT, 'build/src/cli')).filter((f) => SUBCOMMAND_MODULES.has(f));
  await build({
    ...entryOptions(),
    entryPoints: {
      ...Object.fromEntries(subcommands.map((f) => [`usher-${f.replace(/\.js$/, '')}`, join(ROOT, 'build/src/cli', f)])),
      [CONFIG_FILE]: join(ROOT, 'build/src/supervisor/config/index.js'),
    },
    outdir: outDir,
    outExtension: { '.js': '.cjs' },
    // import() of the config's file becomes require(), as in the command's file.
    supported: { 'dynamic-import': false },
    plugins: [otherPackagesExternal, configApart],
  });
  await build({
    ...entryOptions(),
    entryPoints: [ENTRY],
    outfile,
    // import() of a subcommand's file becomes require(): the file is CommonJS,
    // and a real import() would start Node's ESM loader (about 20 ms) for it.
    supported: { 'dynamic-import': false },
    plugins: [
      otherPackagesExternal,
      {
        name: 'subcommands-apart',
        setup(b) {
          b.onResolve({ filter: /^\.\/[a-z-]+\.js$/ }, (args) => {
            const file = args.path.slice(2);
            if (!args.importer.endsWith('subcommands.js') || !SUBCOMMAND_MODULES.has(file)) return undefined;
            return { path: `./usher-${file.replace(/\.js$/, '')}.cjs`, external: true };
          });
        },
      },
    ],
  });
  return sizeOf(outfile);
}

/**
 * usher run's config loader (the YAML parser and the schema validator: about
 * three quarters of usher run's code) is a file of its own, which run.ts
 * forgets once the config is loaded, so that PID 1 does not keep its code for
 * the container's lifetime.
 */
const CONFIG_FILE = 'usher-config';

const configApart: Plugin = {
  name: 'config-apart',
  setup(b) {
    b.onResolve({ filter: /\/supervisor\/config\/index\.js$/ }, (args) =>
      args.importer.endsWith('/cli/run.js') ? { path: `./${CONFIG_FILE}.cjs`, external: true } : undefined,
    );
  },
};

/** The modules src/cli/subcommands.ts loads lazily: each becomes build/bin/usher-NAME.cjs. */
const SUBCOMMAND_MODULES = new Set(['run.js', 'control.js', 'doctor.js', 'convert.js']);

/**
 * npm packages bundled into the command's files rather than required from
 * node_modules: yaml, which every `usher run` with a usher.yaml loads. From
 * node_modules it is some 70 CommonJS files, and resolving them cost usher
 * run's start-up more than parsing the file (about 60 of its 90 ms, profiled).
 * The other packages stay external: koffi is a native addon, re2js is loaded
 * only for a log probe.
 */
const BUNDLED_PACKAGES = new Set(['yaml']);

const otherPackagesExternal: Plugin = {
  name: 'packages-external-but-bundled',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      const name = args.path.startsWith('@') ? args.path.split('/', 2).join('/') : (args.path.split('/')[0] as string);
      return BUNDLED_PACKAGES.has(name) ? undefined : { path: args.path, external: true };
    });
  },
};

function entryOptions() {
  return {
    bundle: true,
    platform: 'node' as const,
    target: 'node20',
    format: 'cjs' as const,
    minify: false,
    legalComments: 'inline' as const,
    logLevel: 'warning' as const,
    define: { __USHER_VERSION__: JSON.stringify(usherVersion()), 'import.meta.url': '__usherFileUrl' },
    banner: {
      js:
        `// usher ${usherVersion()}: built by npm run build from src/cli/; edit the sources, not this file.\n` +
        "const __usherFileUrl = require('node:url').pathToFileURL(__filename).href;",
    },
  };
}

/** dist/single/usher.mjs and koffi.node: for images that have node but should not carry node_modules. */
export async function buildBundle(outDir = join(ROOT, 'dist/single')): Promise<SingleFileBuild> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const usher = join(outDir, 'usher.mjs');
  await bundle(usher, 'esm');
  chmodSync(usher, 0o755);
  const addon = join(outDir, 'koffi.node');
  copyFileSync(koffiAddon().path, addon);
  return { usher: sizeOf(usher), addon: sizeOf(addon) };
}

/** dist/sea/usher and koffi.node: node, usher and nothing else, for images without node. */
export async function buildSea(outDir = join(ROOT, 'dist/sea')): Promise<SingleFileBuild> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  const work = join(outDir, '.work');
  mkdirSync(work);
  const script = join(work, 'usher.cjs');
  await bundle(script, 'cjs');
  const blob = join(work, 'usher.blob');
  const config = join(work, 'sea-config.json');
  writeFileSync(config, JSON.stringify({ main: script, output: blob, disableExperimentalSEAWarning: true }));
  execFileSync(process.execPath, ['--experimental-sea-config', config], { stdio: 'pipe' });

  const executable = join(outDir, 'usher');
  copyFileSync(process.execPath, executable);
  chmodSync(executable, 0o755);
  // postject's CLI, in a child process: its ELF library prints harmless
  // warnings about node's note sections, which are shown only if it fails.
  const postject = join(dirname(require.resolve('postject')), 'cli.js');
  const injected = spawnSync(process.execPath, [postject, executable, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', SEA_FUSE], {
    encoding: 'utf8',
  });
  if (injected.status !== 0) throw new Error(`postject failed (${injected.status}):\n${injected.stderr}${injected.stdout}`);
  rmSync(work, { recursive: true, force: true });
  const addon = join(outDir, 'koffi.node');
  copyFileSync(koffiAddon().path, addon);
  return { usher: sizeOf(executable), addon: sizeOf(addon) };
}

const mb = (bytes: number) => `${(bytes / 1e6).toFixed(2)} MB`;

async function cli(args: string[]): Promise<void> {
  const outAt = args.indexOf('--out');
  const out = outAt >= 0 ? args[outAt + 1] : undefined;
  if (outAt >= 0 && !out) throw new Error('--out needs a directory');
  if (args.includes('--entry')) {
    const entry = await buildEntry();
    process.stdout.write(`${entry.path}  ${mb(entry.bytes)}\n`);
    return;
  }
  const built = args.includes('--sea')
    ? await buildSea(out ? resolve(out) : undefined)
    : await buildBundle(out ? resolve(out) : undefined);
  for (const f of [built.usher, built.addon]) process.stdout.write(`${f.path}  ${mb(f.bytes)}\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === resolve(process.argv[1])) {
  cli(process.argv.slice(2)).catch((err: unknown) => {
    process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exit(1);
  });
}
