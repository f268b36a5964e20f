/**
 * The library as its own package (packages/shutdown, `usher-shutdown`): what
 * an app that wants only the library installs, from `npm pack` as the
 * registry would serve it.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const exec = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : [path];
  });
}

test('an app installing usher-shutdown gets one package: no dependency, no install script, no native code; import and require both work', { timeout: 120_000 }, async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'usher-shutdown-package-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const { stdout } = await exec('npm', ['pack', '--workspace', 'usher-shutdown', '--pack-destination', dir, '--silent'], { cwd: ROOT });
  const tarball = join(dir, stdout.trim().split('\n').at(-1) ?? '');
  const app = join(dir, 'app');
  await exec('mkdir', [app]);
  writeFileSync(join(app, 'package.json'), '{ "name": "app", "version": "1.0.0", "private": true }\n');
  // --offline: the package must need nothing from the registry.
  await exec('npm', ['install', '--offline', '--no-audit', '--no-fund', '--loglevel=error', tarball], { cwd: app });

  const installed = readdirSync(join(app, 'node_modules')).filter((name) => !name.startsWith('.'));
  assert.deepEqual(installed, ['usher-shutdown']);
  const manifest = JSON.parse(readFileSync(join(app, 'node_modules/usher-shutdown/package.json'), 'utf8')) as {
    dependencies?: object; scripts?: Record<string, string>; type?: string;
  };
  assert.equal(manifest.dependencies, undefined);
  for (const hook of ['preinstall', 'install', 'postinstall']) assert.equal(manifest.scripts?.[hook], undefined, hook);
  assert.equal(manifest.type, 'module');
  const files = filesUnder(join(app, 'node_modules/usher-shutdown'));
  assert.deepEqual(files.filter((file) => file.endsWith('.node')), []);
  assert.ok(files.some((file) => file.endsWith('dist/index.d.ts')), 'types are shipped');

  const imported = await exec(process.execPath, ['--input-type=module', '-e',
    "const m = await import('usher-shutdown'); console.log(typeof m.createLifecycle, typeof m.attachFastify, typeof m.attachNest)"], { cwd: app });
  assert.equal(imported.stdout.trim(), 'function function function');
  // require() of an ES module: Node 20.19+ and 22.12+.
  const required = await exec(process.execPath, ['-e', "console.log(typeof require('usher-shutdown').createLifecycle)"], { cwd: app });
  assert.equal(required.stdout.trim(), 'function');
});

test('usher-init/shutdown is usher-shutdown: the same exports', async () => {
  const viaUsher = await import('usher-init/shutdown');
  const own = await import('usher-shutdown');
  assert.deepEqual(Object.keys(viaUsher).sort(), Object.keys(own).sort());
  assert.equal(viaUsher.createLifecycle, own.createLifecycle);
});
