// The single-file ESM build (dist/single/usher.mjs, tools/single/build.ts)
// without a container: built once into a temp dir, then run with node as an
// image would. The e2e suite runs it in images; this catches a bundle that
// breaks at run time in parts those images do not reach (the bundled yaml).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildBundle, ROOT } from '../../tools/single/build.js';

const T = { timeout: 120_000 };
let dir = '';
let usher = '';

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'usher-single-'));
  usher = (await buildBundle(dir)).usher.path;
});

after(() => rmSync(dir, { recursive: true, force: true }));

test('the single-file bundle checks a usher.yaml (bundled yaml, loaded lazily) as the npm package does', T, () => {
  const file = join(ROOT, 'examples/multi-process/usher.yaml');
  const bundled = spawnSync(process.execPath, [usher, 'run', '--check', '-f', file], { encoding: 'utf8', timeout: 60_000 });
  const packaged = spawnSync(process.execPath, [join(ROOT, 'bin/usher'), 'run', '--check', '-f', file], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(packaged.status, 0, packaged.stderr);
  assert.deepEqual({ status: bundled.status, stdout: bundled.stdout, stderr: bundled.stderr }, { status: 0, stdout: packaged.stdout, stderr: '' });
});
