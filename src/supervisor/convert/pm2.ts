// A pm2 ecosystem file (ecosystem.config.js, .json or .yaml) to usher.yaml.
// The JavaScript is read, never run: values that are not literals
// (process.env.X, path.join(...)) are left out, each with a note.
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { ConvertError } from './errors.js';
import { Expression, JsSyntaxError, readExportedObject, type JsValue } from './js-literal.js';
import { Draft, duration, literal, note, serviceName, set, splitWords, type ServiceDraft } from './usher-yaml.js';

type App = { [key: string]: JsValue };

/** pm2 picks the interpreter from the script's extension. */
const INTERPRETERS: Record<string, string> = {
  '.js': 'node', '.mjs': 'node', '.cjs': 'node', '.py': 'python3', '.rb': 'ruby', '.php': 'php', '.sh': 'bash', '.pl': 'perl',
};

/** pm2's defaults that differ from usher's. */
const PM2 = { maxRestarts: 16, minUptimeMs: 1000, killTimeoutMs: 1600, expBackoffMaxMs: 15_000 } as const;

export function convertPm2(text: string, file: string): Draft {
  const root = readEcosystem(text, file);
  const apps = isObject(root) ? root.apps : Array.isArray(root) ? root : undefined;
  if (!Array.isArray(apps)) throw new ConvertError(`${file}: no apps: [...] list; expected a pm2 ecosystem file ({ apps: [{ name, script, ... }] })`);
  const draft = new Draft(file, 'pm2 ecosystem');
  if (isObject(root)) for (const key of Object.keys(root)) if (key !== 'apps') note(draft, `${key}: not converted (pm2 deploy and module settings have no equivalent)`);
  const seen = new Set<string>();
  apps.forEach((app, i) => {
    if (!isObject(app)) {
      note(draft, `apps[${i}] is not an object literal: not converted`);
      return;
    }
    const given = typeof app.name === 'string' ? app.name : typeof app.script === 'string' ? app.script.replace(/^.*\//, '').replace(/\.[^.]*$/, '') : `app${i}`;
    let name = serviceName(given);
    while (seen.has(name)) name = `${name}-${i}`;
    seen.add(name);
    const service = draft.service(name);
    if (name !== app.name) note(service, typeof app.name === 'string' ? `name ${app.name}: named ${name} (usher's names: letters, digits, '.', '_', '-')` : `no name: named ${name} after its script`);
    convertApp(service, app);
  });
  if (draft.services.length === 0) throw new ConvertError(`${file}: apps: [] has no app; expected at least one`);
  return draft;
}

function readEcosystem(text: string, file: string): JsValue {
  const ext = extname(file);
  try {
    if (ext === '.json') return JSON.parse(text) as JsValue;
    if (ext === '.yaml' || ext === '.yml') return parseYaml(text, { maxAliasCount: 1000 }) as JsValue;
    return readExportedObject(text);
  } catch (e) {
    if (e instanceof JsSyntaxError) {
      const before = text.slice(0, e.index);
      const line = before.split('\n').length;
      const column = e.index - before.lastIndexOf('\n');
      throw new ConvertError(`${file}:${line}:${column}: cannot read the ecosystem file without running it (${e.message}); expected module.exports = { apps: [...] } with literal values`);
    }
    throw new ConvertError(`${file}: ${(e as Error).message.split('\n')[0]}; expected a pm2 ecosystem file`);
  }
}

function convertApp(service: ServiceDraft, app: App): void {
  const handled = new Set<string>(['name']);
  const take = (key: string): JsValue => {
    handled.add(key);
    return app[key];
  };
  const unread = (key: string, value: JsValue) => note(service, `${key}: ${(value as Expression).source} is not a literal: write it by hand (usher convert does not run the file)`);
  const text = (key: string): string | undefined => {
    const v = take(key);
    if (v instanceof Expression) unread(key, v);
    return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
  };

  // The argv: interpreter, its arguments, the script, its arguments.
  const script = text('script');
  const args = words(take('args'));
  const interpreterArgs = [...words(take('interpreter_args')), ...words(take('node_args'))];
  const interpreter = text('interpreter');
  const exec = take('exec_interpreter');
  const chosen = interpreter ?? (typeof exec === 'string' ? exec : undefined) ?? (script ? INTERPRETERS[extname(script)] : undefined);
  if (!script) set(service, 'command', 'true', 'no literal script: write the command');
  else if (chosen === undefined || chosen === 'none') set(service, 'command', [script, ...args].map(literal));
  else set(service, 'command', [chosen, ...interpreterArgs, script, ...args].map(literal), interpreter === undefined ? `${chosen}: the interpreter pm2 picks for ${extname(script)}` : undefined);

  const cwd = text('cwd');
  if (cwd !== undefined) set(service, 'cwd', literal(cwd));
  const env = take('env');
  if (isObject(env)) {
    const vars: Record<string, string> = {};
    for (const [k, v] of Object.entries(env)) {
      if (v instanceof Expression) unread(`env.${k}`, v);
      else if (v !== undefined && v !== null && /^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) Object.defineProperty(vars, k, { value: literal(String(v)), enumerable: true });
    }
    set(service, 'env', vars);
  } else if (env instanceof Expression) unread('env', env);
  for (const key of Object.keys(app)) {
    if (/^env_./.test(key)) {
      handled.add(key);
      note(service, `${key}: pm2 --env ${key.slice(4)} merges it into env: do that by hand (or with a second file: usher run -f usher.yaml -f usher.${key.slice(4)}.yaml)`);
    }
  }
  const uid = text('uid') ?? text('user');
  const gid = text('gid');
  if (uid !== undefined) set(service, 'user', gid !== undefined ? `${uid}:${gid}` : uid);

  const autorestart = take('autorestart');
  const restart = autorestart === false ? 'no' : 'always';
  set(service, 'restart', restart, autorestart === undefined ? "pm2's default autorestart: true (usher's default is no)" : undefined);
  if (restart !== 'no') {
    const max = take('max_restarts');
    set(service, 'max_restarts', typeof max === 'number' ? max : PM2.maxRestarts, typeof max === 'number' ? undefined : `pm2's default max_restarts: ${PM2.maxRestarts}`);
    const minUptime = ms(take('min_uptime'));
    set(service, 'stable_after', duration(minUptime ?? PM2.minUptimeMs), minUptime === undefined ? "pm2's default min_uptime: 1s; a run this long resets the count of restarts" : 'min_uptime: a run this long resets the count of restarts');
    const delay = ms(take('restart_delay'));
    const exp = ms(take('exp_backoff_restart_delay'));
    if (exp !== undefined) set(service, 'backoff', { initial: duration(exp), max: duration(PM2.expBackoffMaxMs) }, 'exp_backoff_restart_delay: doubling up to 15s, as in pm2');
    else if (delay !== undefined) set(service, 'backoff', { initial: duration(delay), max: duration(delay) }, 'restart_delay: the same delay before every restart');
  }
  const kill = ms(take('kill_timeout'));
  if (kill !== undefined) set(service, 'stop_timeout', duration(kill));
  const waitReady = take('wait_ready');
  const listen = ms(take('listen_timeout'));
  if (waitReady === true) note(service, `wait_ready: process.send('ready') is not seen by usher: add a ready: check (http, tcp or log)${listen !== undefined ? ` with timeout: ${duration(listen)} (listen_timeout)` : ''}`);
  const instances = take('instances');
  const mode = take('exec_mode');
  if (mode === 'cluster' || mode === 'cluster_mode') note(service, "exec_mode: cluster is not supported: use Node's cluster module in the app, or replicas on different ports");
  if (typeof instances === 'number' && instances > 1) set(service, 'replicas', instances, 'instances: NODE_APP_INSTANCE is ${USHER_REPLICA} here; copies are named NAME-0, NAME-1...');
  else if (instances !== undefined && instances !== 1) note(service, `instances: ${instances instanceof Expression ? instances.source : String(instances)}: write replicas: N with a number`);
  const logKeys = ['out_file', 'error_file', 'log_file', 'merge_logs', 'log_date_format', 'combine_logs', 'time', 'log_type'];
  const logs = logKeys.filter((k) => app[k] !== undefined);
  for (const k of logs) handled.add(k);
  if (logs.length > 0) note(service, `${logs.join(', ')}: not needed; usher relays the output to its stdout/stderr, each line prefixed with the name`);
  for (const key of Object.keys(app)) {
    if (!handled.has(key)) note(service, `${key}: no equivalent${['watch', 'ignore_watch', 'watch_options'].includes(key) ? ' (a container is rebuilt, not edited)' : ''}`);
  }
}

/** args / node_args: a string split as a shell would, or a list. */
function words(value: JsValue): string[] {
  if (typeof value === 'string') return splitWords(value) ?? [value];
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/** pm2 times: a number of ms, or a string such as "1s", "500ms", "2000". */
function ms(value: JsValue): number | undefined {
  if (typeof value === 'number' && Number.isFinite(value) && value >= 0) return value;
  if (typeof value !== 'string') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$/.exec(value);
  if (!m) return undefined;
  const factor = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] ?? 'ms'] ?? 1;
  return Number(m[1]) * factor;
}

function isObject(value: JsValue): value is App {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Expression);
}
