// koffi's native addon for the single-file builds of usher.
//
// usher reaches libc through koffi, whose JavaScript finds its native addon
// (`koffi.node`) inside node_modules. A single-file build has no node_modules,
// and a native addon cannot be inlined into JavaScript or read by dlopen from
// inside an executable, so the build ships `koffi.node` as a second file next to
// the bundle (or the executable) and this module makes `require('koffi')` load
// it from there.
import Module from 'node:module';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Replaced by the build with the koffi version the addon was taken from. */
declare const __USHER_KOFFI_VERSION__: string;

/** Environment variable naming the addon's path, for layouts where it cannot sit next to usher. */
export const KOFFI_PATH_ENV = 'USHER_KOFFI_NODE';

type Load = (request: string, parent: unknown, isMain: boolean) => unknown;

let native: unknown;

/** Where the addon is expected: $USHER_KOFFI_NODE, else `koffi.node` next to this build's file. */
export function koffiAddonPath(): string {
  const fromEnv = process.env[KOFFI_PATH_ENV];
  if (fromEnv) return fromEnv;
  // In the bundle this is the bundle's own (symlink-resolved) file; the SEA
  // build defines import.meta.url as the executable's URL.
  return join(dirname(fileURLToPath(import.meta.url)), 'koffi.node');
}

function loadAddon(): unknown {
  if (native) return native;
  const path = koffiAddonPath();
  if (!existsSync(path)) {
    throw new Error(
      `koffi's native addon is missing: expected ${path}. The single-file build of usher is two files: ` +
        `copy koffi.node from the build next to usher, or set ${KOFFI_PATH_ENV} to its path`,
    );
  }
  const module = { exports: {} as Record<string, unknown> };
  process.dlopen(module, path);
  // koffi's own loader refuses an addon from another version: so do we, since
  // the JavaScript calling it was type-checked against one version.
  if (module.exports.version !== __USHER_KOFFI_VERSION__) {
    throw new Error(`${path} is koffi ${String(module.exports.version)}, this usher was built for koffi ${__USHER_KOFFI_VERSION__}`);
  }
  native = module.exports;
  return native;
}

/**
 * Makes `require('koffi')` return the addon. usher's core loads koffi with a
 * require made by createRequire, which a bundler cannot see through, so the
 * request is answered at run time in Node's CommonJS loader.
 */
export function installKoffiResolver(): void {
  const loader = Module as unknown as { _load: Load };
  const original = loader._load;
  loader._load = function load(request, parent, isMain) {
    if (request === 'koffi') return loadAddon();
    return original.call(this, request, parent, isMain);
  };
}

// Installed as soon as this module is evaluated: the build imports it first,
// before bin/usher, so no require('koffi') can come earlier.
installKoffiResolver();
