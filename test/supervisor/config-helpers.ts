// Temp directories holding config files, for the config loader's tests.
import { mkdtempSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, loadConfig, type LoadOptions } from '../../src/supervisor/config/index.js';
import type { SupervisorConfig } from '../../src/supervisor/types.js';
export { defaultService } from './default-service.js';

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

/**
 * The users of the test's temp dir: files `passwd` and `group` there (absent
 * unless the test writes them), so tests never depend on the machine's users.
 */
export function usersIn(dir: string): NonNullable<LoadOptions['users']> {
  return { passwdFile: join(dir, 'passwd'), groupFile: join(dir, 'group') };
}

export interface LoadCase {
  env?: Record<string, string>;
  /** More files in the temp dir (env files, passwd, group...). */
  files?: Record<string, string>;
  /** The config file's name; usher.yaml by default. */
  name?: string;
}

/** Loads `text` (as usher.yaml unless named otherwise) from a fresh temp dir. */
export async function load(t: TestContext, text: string, { env = {}, files = {}, name = 'usher.yaml' }: LoadCase = {}): Promise<SupervisorConfig> {
  const dir = tempDir(t, { [name]: text, ...files });
  return loadConfig({ cwd: dir, env, users: usersIn(dir), file: name });
}

/** The formatted problems of a file that must not load, the temp dir's path written DIR. */
export async function problemsOf(t: TestContext, text: string, { env = {}, files = {}, name = 'usher.yaml' }: LoadCase = {}): Promise<string[]> {
  const dir = tempDir(t, { [name]: text, ...files });
  try {
    await loadConfig({ cwd: dir, env, users: usersIn(dir), file: name });
  } catch (e) {
    if (e instanceof ConfigError) return e.format().split(dir).join('DIR').split('\n');
    throw e;
  }
  assert.fail('the file loaded, but it should have been rejected');
}

/** A YAML document from lines, so that line numbers in assertions are easy to read. */
export function yaml(...lines: string[]): string {
  return lines.join('\n') + '\n';
}

/** The issue's example file, word for word (its `user: node` is resolved from the test's own passwd). */
export const ISSUE_EXAMPLE = yaml(
  'grace: 25s                  # whole shutdown budget (default 25s: fits Kubernetes\' 30 s)',
  'health: { port: 9000 }      # optional: GET /live and /ready for the pod, /ready = every service with a `ready` check is ready',
  'services:',
  '  db:',
  '    command: ["redis-server", "--port", "6379"]   # argv list: no shell; a string runs through /bin/sh -c',
  '    ready: { tcp: 6379 }',
  '  migrate:',
  '    command: npm run migrate',
  '    depends_on: { db: ready }',
  '  web:',
  '    command: ["node", "server.js"]',
  '    cwd: /app',
  '    env: { PORT: "8080", DB_URL: "redis://127.0.0.1:${DB_PORT:-6379}" }',
  '    env_file: .env',
  '    user: node                # or "1000:1000"; only when usher runs as root',
  '    depends_on: { db: ready, migrate: completed }',
  '    ready: { http: "http://127.0.0.1:8080/ready", interval: 500ms, timeout: 60s }',
  '    live: { http: "http://127.0.0.1:8080/live", interval: 5s, failures: 3 }',
  '    restart: on-failure       # no | on-failure | always',
  '    max_restarts: 5',
  '    backoff: { initial: 1s, max: 30s }',
  '    stop_signal: SIGTERM',
  '    stop_timeout: 10s',
  '    critical: true',
);

export const PASSWD = 'root:x:0:0:root:/root:/bin/sh\nnode:x:1000:1000:Node:/home/node:/bin/sh\n';
export const GROUP = 'root:x:0:\nnode:x:1000:\naudio:x:29:node,other\nvideo:x:44:other\n';

