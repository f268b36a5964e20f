// What a service is started with, before any process exists: its program
// found with ITS OWN PATH (execvp's rules, for the user it runs as), and its
// environment (usher's, the user's HOME/USER/LOGNAME, then its own variables).
import assert from 'node:assert/strict';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { findProgram, ProgramLookupError } from '../../src/supervisor/command-path.js';
import { serviceEnvironment } from '../../src/supervisor/service.js';
import type { ServiceConfig } from '../../src/supervisor/types.js';
import { defaultService } from './default-service.js';

/** A temp dir with executables (mode given per file), removed after the test. */
function programs(t: TestContext, files: Record<string, number>): string {
  const dir = mkdtempSync(join(tmpdir(), 'usher-path-'));
  chmodSync(dir, 0o755);
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, mode] of Object.entries(files)) {
    mkdirSync(join(dir, name, '..'), { recursive: true, mode: 0o755 });
    writeFileSync(join(dir, name), '#!/bin/sh\nexit 0\n');
    chmodSync(join(dir, name), mode);
  }
  return dir;
}

const AS_ROOT = { cwd: '/' };
const notFound = (name: string) => (e: unknown) => e instanceof ProgramLookupError && e.exitCode === 127 && e.file === name && /not found in the service's PATH/.test(e.reason);
const denied = (e: unknown) => e instanceof ProgramLookupError && e.exitCode === 126;

test('the program is looked up in the service\'s PATH, not in usher\'s', (t) => {
  const dir = programs(t, { 'bin/myapp': 0o755 });
  assert.equal(findProgram('myapp', { PATH: `/nonexistent:${dir}/bin:/usr/bin` }, AS_ROOT), `${dir}/bin/myapp`);
  assert.equal(findProgram('myapp', { PATH: `/nonexistent/:${dir}/bin/` }, AS_ROOT), `${dir}/bin/myapp`, 'an entry ending in / is joined without doubling it');
  // In usher's PATH (sh is), but not in the service's: not found, as docker would say.
  assert.throws(() => findProgram('sh', { PATH: `${dir}/bin` }, AS_ROOT), notFound('sh'));
  assert.throws(() => findProgram('myapp', { PATH: '/usr/bin:/bin' }, AS_ROOT), notFound('myapp'));
});

test('execvp\'s rules: a name with / as it is; empty and relative PATH entries from the service\'s cwd; no PATH is /bin:/usr/bin', (t) => {
  const dir = programs(t, { 'tool': 0o755, 'sub/tool2': 0o755 });
  assert.equal(findProgram('./anything', { PATH: '/nowhere' }, AS_ROOT), './anything');
  assert.equal(findProgram('/no/such/file', { PATH: '/nowhere' }, AS_ROOT), '/no/such/file');
  assert.equal(findProgram('tool', { PATH: '/nowhere::/usr/bin' }, { cwd: dir }), `${dir}/tool`);
  assert.equal(findProgram('tool2', { PATH: 'sub' }, { cwd: dir }), `${dir}/sub/tool2`);
  assert.equal(findProgram('sh', {}, AS_ROOT), '/bin/sh');
  assert.throws(() => findProgram('', { PATH: '/usr/bin' }, AS_ROOT), (e: unknown) => e instanceof ProgramLookupError && e.exitCode === 127);
});

test('what may not be executed is skipped for a later one, and is the error (126) when nothing else is found', (t) => {
  const first = programs(t, { 'tool': 0o644, 'dir/.keep': 0o644 });
  const second = programs(t, { 'tool': 0o755 });
  assert.equal(findProgram('tool', { PATH: `${first}:${second}` }, AS_ROOT), `${second}/tool`);
  assert.throws(() => findProgram('tool', { PATH: first }, AS_ROOT), denied);
  // A directory of that name is no program either.
  assert.throws(() => findProgram('dir', { PATH: first }, AS_ROOT), denied);
});

test('executable is judged for the service\'s user: owner, group and other bits', (t) => {
  const dir = programs(t, { 'rootonly': 0o744, 'forall': 0o755, 'group': 0o750, 'owner': 0o700 });
  chownSync(join(dir, 'group'), 0, 4242);
  chownSync(join(dir, 'owner'), 4242, 0);
  const user = { uid: 4242, gid: 4242, groups: [4242] };
  const stranger = { uid: 4343, gid: 4343, groups: [4343] };
  const as = (who: typeof user) => ({ cwd: '/', user: who });
  assert.equal(findProgram('rootonly', { PATH: dir }, AS_ROOT), `${dir}/rootonly`);
  assert.throws(() => findProgram('rootonly', { PATH: dir }, as(user)), denied);
  assert.equal(findProgram('forall', { PATH: dir }, as(user)), `${dir}/forall`);
  assert.equal(findProgram('group', { PATH: dir }, as(user)), `${dir}/group`);
  assert.throws(() => findProgram('group', { PATH: dir }, as(stranger)), denied);
  assert.equal(findProgram('owner', { PATH: dir }, as(user)), `${dir}/owner`);
  assert.throws(() => findProgram('owner', { PATH: dir }, as(stranger)), denied);
});

const service = (fields: Partial<ServiceConfig>) => defaultService({ name: 's', argv: ['true'], commandText: 'true', ...fields });

test('a uid without a passwd entry gets HOME=/ and no USER/LOGNAME of usher\'s, as docker --user does; the service\'s env wins', () => {
  const bare = serviceEnvironment(service({ user: { spec: '4242', uid: 4242, gid: 0, groups: [0] } }));
  assert.equal(bare.HOME, '/');
  assert.equal(bare.USER, undefined);
  assert.equal(bare.LOGNAME, undefined);
  const named = serviceEnvironment(service({ user: { spec: 'app', uid: 1000, gid: 1000, groups: [1000], name: 'app', home: '/home/app' } }));
  assert.deepEqual([named.HOME, named.USER, named.LOGNAME], ['/home/app', 'app', 'app']);
  const own = serviceEnvironment(service({ user: { spec: '4242', uid: 4242, gid: 0, groups: [0] }, env: { HOME: '/data', USER: 'worker' } }));
  assert.deepEqual([own.HOME, own.USER], ['/data', 'worker']);
  // No user: usher's own HOME, untouched.
  assert.equal(serviceEnvironment(service({})).HOME, process.env.HOME);
});

test('a variable named __proto__ reaches the service\'s environment', () => {
  const env = serviceEnvironment(service({ env: Object.fromEntries([['__proto__', 'kept'], ['A', '1']]) }));
  assert.equal(Object.hasOwn(env, '__proto__'), true);
  assert.equal(Object.getOwnPropertyDescriptor(env, '__proto__')?.value, 'kept');
  assert.equal(env.A, '1');
});
