// Temp directories holding config files, for the config loader's tests.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, type LoadOptions } from '../../src/supervisor/config/index.js';
import type { SupervisorConfig } from '../../src/supervisor/types.js';

/** A temp directory with `files` written in it, removed after the test. */
export function tempDir(t: TestContext, files: Record<string, string> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'usher-config-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, name)), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  return dir;
}

/** An empty passwd/group pair unless given, so tests never depend on the machine's users. */
export function usersIn(dir: string): NonNullable<LoadOptions['users']> {
  return { passwdFile: join(dir, 'no-passwd'), groupFile: join(dir, 'no-group') };
}

/** Loads usher.yaml with `text` from a fresh temp dir. */
export async function load(
  t: TestContext,
  text: string,
  { env = {}, files = {}, name = 'usher.yaml' }: { env?: Record<string, string>; files?: Record<string, string>; name?: string } = {},
): Promise<SupervisorConfig> {
  const dir = tempDir(t, { [name]: text, ...files });
  return loadConfig({ cwd: dir, env, users: usersIn(dir), file: name });
}

/** The formatted problems of a file that must not load. */
export async function problemsOf(
  t: TestContext,
  text: string,
  options: { env?: Record<string, string>; files?: Record<string, string>; name?: string } = {},
): Promise<string[]> {
  try {
    await load(t, text, options);
  } catch (e) {
    if (e instanceof ConfigError) return e.format().split('\n');
    throw e;
  }
  assert.fail('the file loaded, but it should have been rejected');
}

/** A YAML document from lines, so that line numbers in assertions are easy to read. */
export function yaml(...lines: string[]): string {
  return lines.join('\n') + '\n';
}
