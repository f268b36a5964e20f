// usher.yaml, from its text to a SupervisorConfig: parse (positions kept),
// validate against the schema, then build each service with the checks the
// schema cannot express (files, users, signals, regexes, the dependency graph).
import { constants as osConstants } from 'node:os';
import { dirname } from 'node:path';
import { MAX_SIGNAL, parseSignal } from '../../core/signals.js';
import type { DependencyCondition, RestartPolicy, ServiceConfig, SupervisorConfig } from '../types.js';
import { FileContext } from './context.js';
import { DEFAULTS } from './defaults.js';
import { checkDependencies, startWaves, type DependencyNode } from './dependencies.js';
import { parseEnvFile } from './env-file.js';
import { Problems } from './errors.js';
import type { Environment } from './expand.js';
import { formatBytes, LIMITS, unfitArgument } from './limits.js';
import { displayPath, resolveFrom } from './paths.js';
import { buildLive, buildReady, commandArgv, type RawProbe } from './probes.js';
import { readTextFile } from './read-file.js';
import { closest } from './suggest.js';
import { UserResolver } from './users.js';
import { quote } from './words.js';
import { validateAgainstSchema, type SchemaVerdict } from './validate.js';
import { YamlSource, type Path } from './yaml-source.js';

/** The file's shape once the schema accepted it. */
interface RawConfig {
  grace?: number | string;
  health?: { port: number; host?: string };
  services: Record<string, RawService>;
}

interface RawService {
  command: string | string[];
  cwd?: string;
  env?: Record<string, string | number | boolean> | string[];
  env_file?: string | string[];
  user?: string | number;
  depends_on?: string[] | Record<string, DependencyCondition>;
  ready?: RawProbe | 'notify';
  live?: RawProbe;
  restart?: RestartPolicy;
  max_restarts?: number;
  backoff?: { initial?: number | string; max?: number | string };
  stop_signal?: string | number;
  stop_timeout?: number | string;
  critical?: boolean;
}

export interface YamlLoadOptions {
  /** Absolute path of the file. */
  file: string;
  /** The file as shown in messages; default: relative to cwd. */
  shownAs?: string;
  text: string;
  cwd: string;
  env: Environment;
  users: UserResolver;
  onWarning?: (line: string) => void;
}

/** Every problem goes to `problems`; the result is complete only when there is none. */
export async function buildYamlConfig(options: YamlLoadOptions, problems: Problems): Promise<SupervisorConfig | undefined> {
  const shown = options.shownAs ?? displayPath(options.file, options.cwd);
  const parsed = YamlSource.parse(shown, options.text, problems);
  if (!parsed) return undefined;
  const { source, value } = parsed;
  const verdict = validateAgainstSchema(value, source, problems);
  const raw = value as RawConfig;
  // Past the schema, each part it accepted is checked further even when others
  // were wrong: one run reports every problem of the file.
  if (!isMap(raw) || !isMap(raw.services)) return undefined;
  const ctx = new FileContext(source, problems, options.env, dirname(options.file), options.cwd, options.onWarning);
  const graceMs = verdict.isValid(['grace']) ? ctx.duration(['grace'], raw.grace) : undefined;

  const services: ServiceConfig[] = [];
  const nodes: DependencyNode[] = [];
  for (const name of serviceNames(source, raw)) {
    const rawService = raw.services[name];
    if (!isMap(rawService)) {
      // Wrong itself (the schema said so), but its name exists for the others' depends_on.
      nodes.push({ name, dependsOn: [], hasReadyProbe: undefined, restart: undefined });
      continue;
    }
    const service = await buildService(ctx, verdict, name, rawService, options.users);
    services.push(service);
    const ok = (key: keyof RawService) => rawService[key] !== undefined && verdict.isValid(['services', name, key]);
    nodes.push({
      name,
      dependsOn: ok('depends_on') ? service.dependsOn : [],
      hasReadyProbe: rawService.ready === undefined ? false : isMap(rawService.ready) || rawService.ready === 'notify' ? true : undefined,
      restart: rawService.restart === undefined ? 'no' : ok('restart') ? rawService.restart : undefined,
    });
  }

  for (const p of checkDependencies(nodes)) {
    const path = dependencyPath(raw.services[p.service] as RawService, p.service, p.dependency);
    const at = source.locate(path, { key: p.part === 'name' && !Array.isArray(raw.services[p.service]?.depends_on) });
    problems.add(source.file, at.line, at.column, p.message);
  }
  if (!verdict.valid || !problems.empty) return undefined;

  return {
    file: options.file,
    format: 'yaml',
    graceMs: graceMs ?? DEFAULTS.graceMs,
    ...(raw.health ? { health: { port: raw.health.port, host: raw.health.host ?? DEFAULTS.healthHost } } : {}),
    services,
    startOrder: startWaves(nodes),
  };
}

function isMap(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** In the order of the file (a JS object would put names like "1" first). */
function serviceNames(source: YamlSource, raw: RawConfig): string[] {
  const inFile = source.keysAt(['services']).filter((k) => Object.hasOwn(raw.services, k));
  const rest = Object.keys(raw.services).filter((k) => !inFile.includes(k));
  return [...inFile, ...rest];
}

function dependencyPath(service: RawService, name: string, dependency: string): Path {
  const base = ['services', name, 'depends_on'];
  const deps = service.depends_on;
  if (Array.isArray(deps)) return [...base, Math.max(0, deps.indexOf(dependency))];
  return [...base, dependency];
}

/**
 * Builds a service from the keys the schema accepted (the others keep their
 * defaults), reporting what only a look at files, users and values can find.
 * The result is used only when the whole file is valid.
 */
async function buildService(ctx: FileContext, verdict: SchemaVerdict, name: string, raw: RawService, users: UserResolver): Promise<ServiceConfig> {
  const at = (...rest: (string | number)[]): Path => ['services', name, ...rest];
  const given = <K extends keyof RawService>(key: K): RawService[K] | undefined =>
    raw[key] !== undefined && verdict.isValid(at(key)) ? raw[key] : undefined;

  const command = given('command');
  const argv = command === undefined ? [] : commandArgv(ctx, at('command'), command);
  const commandText = typeof command === 'string' ? (argv[2] as string) : argv.map(quoteForDisplay).join(' ');

  // env wins over env_file; entries, not Object.assign, so that `__proto__` stays a variable.
  const env = Object.fromEntries([
    ...Object.entries(await envFiles(ctx, at('env_file'), given('env_file'))),
    ...Object.entries(inlineEnv(ctx, at('env'), given('env'))),
  ]);
  checkEnvironmentSize(ctx, at(raw.env !== undefined ? 'env' : 'env_file'), env);

  const backoff = given('backoff');
  const initialMs = ctx.duration(at('backoff', 'initial'), backoff?.initial) ?? DEFAULTS.backoff.initialMs;
  const maxMs = ctx.duration(at('backoff', 'max'), backoff?.max) ?? Math.max(DEFAULTS.backoff.maxMs, initialMs);
  if (initialMs > maxMs) {
    ctx.report(at('backoff', 'initial'), `is longer than backoff.max; expected initial no longer than max`);
  }

  const service: ServiceConfig = {
    name,
    argv,
    commandText,
    env,
    dependsOn: dependencies(given('depends_on')),
    restart: given('restart') ?? DEFAULTS.restart,
    backoff: { initialMs, maxMs },
    stopSignal: stopSignal(ctx, at('stop_signal'), given('stop_signal')),
    stopTimeoutMs: ctx.duration(at('stop_timeout'), given('stop_timeout')) ?? DEFAULTS.stopTimeoutMs,
    critical: given('critical') ?? DEFAULTS.yamlCritical,
  };
  const cwd = given('cwd');
  if (cwd !== undefined) {
    const dir = ctx.expand(at('cwd'), cwd);
    const unfit = unfitArgument(dir, 'a path');
    if (unfit !== undefined) ctx.report(at('cwd'), unfit);
    service.cwd = resolveFrom(ctx.dir, dir);
  }
  const userSpec = given('user');
  if (userSpec !== undefined) {
    const user = await users.resolve(String(userSpec));
    if (typeof user === 'string') ctx.report(at('user'), user);
    else service.user = user;
  }
  const readyProbe = given('ready');
  if (readyProbe) {
    const ready = await buildReady(ctx, at('ready'), readyProbe);
    if (ready) service.ready = ready;
  }
  const liveProbe = given('live');
  if (liveProbe) {
    const live = await buildLive(ctx, at('live'), liveProbe);
    if (live) service.live = live;
  }
  const maxRestarts = given('max_restarts');
  if (maxRestarts !== undefined) service.maxRestarts = maxRestarts;
  return service;
}

function dependencies(raw: RawService['depends_on']): ServiceConfig['dependsOn'] {
  if (!raw) return [];
  if (Array.isArray(raw)) return raw.map((name) => ({ name, condition: 'started' as const }));
  return Object.entries(raw).map(([name, condition]) => ({ name, condition }));
}

function inlineEnv(ctx: FileContext, path: Path, raw: RawService['env']): Record<string, string> {
  // A Map, then an object of own properties: `__proto__` is a variable name like any other.
  const out = new Map<string, string>();
  const set = (where: Path, key: string, value: string) => {
    const unfit = unfitArgument(`${key}=${value}`, 'an environment variable');
    if (unfit !== undefined) ctx.report(where, `${key}=...: ${unfit}`);
    out.set(key, value);
  };
  if (!raw) return {};
  if (Array.isArray(raw)) {
    raw.forEach((entry, i) => {
      const eq = entry.indexOf('=');
      const key = entry.slice(0, eq);
      const value = ctx.expand([...path, i], entry);
      // The key has no $ (the schema's pattern), so expanding the whole entry keeps it intact.
      set([...path, i], key, value.slice(eq + 1));
    });
    return Object.fromEntries(out);
  }
  for (const [key, value] of Object.entries(raw)) {
    set([...path, key], key, typeof value === 'string' ? ctx.expand([...path, key], value) : String(value));
  }
  return Object.fromEntries(out);
}

async function envFiles(ctx: FileContext, path: Path, raw: RawService['env_file']): Promise<Record<string, string>> {
  if (raw === undefined) return {};
  const vars = new Map<string, string>();
  const list = Array.isArray(raw) ? raw : [raw];
  for (const [i, entry] of list.entries()) {
    const where = Array.isArray(raw) ? [...path, i] : path;
    const file = resolveFrom(ctx.dir, entry);
    // Each file is read and checked once, however many services (or aliases) name it.
    let loaded = ctx.envFiles.get(file);
    if (!loaded) ctx.envFiles.set(file, (loaded = loadEnvFile(ctx, file)));
    const result = await loaded;
    if (typeof result === 'string') {
      ctx.report(where, `${displayPath(file, ctx.cwd)} ${result}; expected a file of KEY=VALUE lines (relative to the config file's directory)`);
      continue;
    }
    for (const [key, value] of Object.entries(result)) vars.set(key, value);
  }
  return Object.fromEntries(vars);
}

/** The variables of an env file (its problems reported in it), or why it could not be read at all. */
async function loadEnvFile(ctx: FileContext, file: string): Promise<Record<string, string> | string> {
  const read = await readTextFile(file);
  if (read.ok) return parseEnvFile(read.text, displayPath(file, ctx.cwd), ctx.problems);
  if (read.line === 0) return read.why;
  ctx.problems.add(displayPath(file, ctx.cwd), read.line, read.column, `${read.why}; expected a text file of KEY=VALUE lines`);
  return {};
}

/** The service's own variables (env_file, then env) must fit beside its command when it is started. */
function checkEnvironmentSize(ctx: FileContext, path: Path, env: Record<string, string>): void {
  let bytes = 0;
  for (const [key, value] of Object.entries(env)) bytes += Buffer.byteLength(key) + Buffer.byteLength(value) + 2;
  if (bytes > LIMITS.commandBytes) {
    ctx.report(path, `the service's own variables (env_file and env) are ${bytes} bytes in all; expected at most ${formatBytes(LIMITS.commandBytes)} (with the command, they must fit the kernel's room for exec)`);
  }
}

/** Classic signal names without SIG, aliases (IOT, POLL...) left out: for "did you mean". */
const SIGNAL_NAMES = [...new Map(Object.entries(osConstants.signals as Record<string, number>).filter(([, n]) => n <= MAX_SIGNAL).map(([name, n]) => [n, name.slice(3)] as const)).values()];

function stopSignal(ctx: FileContext, path: Path, raw: string | number | undefined): number {
  if (raw === undefined) return DEFAULTS.stopSignal;
  const signal = parseSignal(String(raw));
  if (signal !== undefined) return signal;
  const text = String(raw).toUpperCase().replace(/^SIG/, '');
  const suggestion = closest(text, SIGNAL_NAMES);
  ctx.report(path, `unknown signal ${quote(String(raw))}${suggestion ? ` (did you mean SIG${suggestion}?)` : ''}; expected a signal name such as SIGTERM, SIGINT, SIGQUIT, SIGHUP, SIGUSR1, or a number from 1 to ${MAX_SIGNAL}`);
  return DEFAULTS.stopSignal;
}

function quoteForDisplay(arg: string): string {
  return /^[A-Za-z0-9_@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
