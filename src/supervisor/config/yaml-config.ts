// usher.yaml, from its text to a SupervisorConfig: parse (positions kept),
// validate against the schema, then build each service with the checks the
// schema cannot express (files, users, signals, regexes, the dependency graph).
import { constants as osConstants } from 'node:os';
import { MAX_SIGNAL, parseSignal } from '../../core/signals.js';
import type { DependencyCondition, RestartPolicy, ServiceConfig, SupervisorConfig } from '../types.js';
import { FileContext } from './context.js';
import { DEFAULTS } from './defaults.js';
import { checkDependencies, startWaves, type DependencyNode } from './dependencies.js';
import { parseEnvFile } from './env-file.js';
import { execIfSimple } from './shell-command.js';
import { Problems } from './errors.js';
import type { Environment } from './expand.js';
import { formatBytes, LIMITS, unfitArgument } from './limits.js';
import { displayPath, resolveFrom, shortPath } from './paths.js';
import { buildLive, buildReady, commandArgv, type RawProbe } from './probes.js';
import { readTextFile } from './read-file.js';
import { closest } from './suggest.js';
import { UserResolver } from './users.js';
import { quote, shorten } from './words.js';
import { validateAgainstSchema, type SchemaVerdict } from './validate.js';
import { mergeLayers, type Layer } from './layers.js';
import { YamlSource, type ConfigSource, type Path } from './yaml-source.js';

/** The file's shape once the schema accepted it. */
interface RawConfig {
  grace?: number | string;
  /** Variables for every service (process-compose's global environment). */
  env?: RawService['env'];
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
  stable_after?: number | string;
  backoff?: { initial?: number | string; max?: number | string };
  stop_signal?: string | number;
  stop_timeout?: number | string;
  signal_group?: boolean;
  critical?: boolean;
  disabled?: boolean;
  replicas?: number;
}

export interface YamlLoadOptions {
  /** Absolute path of the file. */
  file: string;
  /** The file as shown in messages; default: relative to cwd. */
  shownAs?: string;
  /** The file's text; or, instead, `layers`: several files already read and parsed, merged in order (layers.ts). */
  text?: string;
  layers?: readonly Layer[];
  cwd: string;
  env: Environment;
  users: UserResolver;
  onWarning?: (line: string) => void;
}

/** Every problem goes to `problems`; the result is complete only when there is none. */
export async function buildYamlConfig(options: YamlLoadOptions, problems: Problems): Promise<SupervisorConfig | undefined> {
  let layers = options.layers;
  if (!layers) {
    const shown = options.shownAs ?? displayPath(options.file, options.cwd);
    const parsed = YamlSource.parse(shown, options.text ?? '', problems);
    if (!parsed) return undefined;
    layers = [{ file: options.file, shown, ...parsed }];
  }
  if (layers.length === 0) return undefined;
  const { source, value } = mergeLayers(layers);
  if (tooManyServices(source, value, problems)) return undefined;
  const verdict = validateAgainstSchema(value, source, problems);
  const raw = value as RawConfig;
  // Past the schema, each part it accepted is checked further even when others
  // were wrong: one run reports every problem of the file.
  if (!isMap(raw) || !isMap(raw.services)) return undefined;
  const ctx = new FileContext(source, problems, options.env, options.cwd, options.onWarning);
  const graceMs = verdict.isValid(['grace']) ? ctx.duration(['grace'], raw.grace) : undefined;

  const sharedEnv = raw.env !== undefined && verdict.isValid(['env']) ? inlineEnv(ctx, ['env'], raw.env) : {};
  const services: ServiceConfig[] = [];
  // Dependencies are checked between services as written; `replicas` copies are made after.
  const nodes: DependencyNode[] = [];
  /** The copies of each service with replicas: 2 or more. */
  const copies = new Map<string, string[]>();
  for (const name of serviceNames(source, raw)) {
    const rawService = raw.services[name];
    if (!isMap(rawService)) {
      // Wrong itself (the schema said so), but its name exists for the others' depends_on.
      nodes.push({ name, dependsOn: [], hasReadyProbe: undefined, restart: undefined });
      continue;
    }
    const ok = (key: keyof RawService) => rawService[key] !== undefined && verdict.isValid(['services', name, key]);
    const replicas = ok('replicas') ? (rawService.replicas as number) : undefined;
    const built: ServiceConfig[] = [];
    for (let i = 0; i < (replicas ?? 1); i++) {
      // Each copy is built with its own ${USHER_REPLICA}; the same problem in every copy is reported once.
      const copyCtx = replicas === undefined ? ctx : ctx.withVariables({ USHER_REPLICA: String(i) });
      const service = await buildService(copyCtx, verdict, name, rawService, options.users, sharedEnv);
      if (replicas !== undefined) service.env.USHER_REPLICA = String(i);
      if (replicas !== undefined && replicas > 1) service.name = `${name}-${i}`;
      built.push(service);
    }
    if (built.length > 1) copies.set(name, built.map((s) => s.name));
    services.push(...built);
    nodes.push({
      name,
      dependsOn: ok('depends_on') ? (built[0] as ServiceConfig).dependsOn : [],
      hasReadyProbe: rawService.ready === undefined ? false : isMap(rawService.ready) || rawService.ready === 'notify' ? true : undefined,
      restart: rawService.restart === undefined ? 'no' : ok('restart') ? rawService.restart : undefined,
    });
  }

  for (const p of checkDependencies(nodes)) {
    const path = dependencyPath(raw.services[p.service] as RawService, p.service, p.dependency);
    const at = source.locate(path, { key: p.part === 'name' && !Array.isArray(raw.services[p.service]?.depends_on) });
    problems.add(at.file, at.line, at.column, p.message);
  }
  checkCopyNames(ctx, raw, copies);
  if (!verdict.valid || !problems.empty) return undefined;
  // A dependency on a service with replicas waits for every copy.
  const named = (name: string) => copies.get(name) ?? [name];
  for (const service of services) service.dependsOn = service.dependsOn.flatMap((d) => named(d.name).map((name) => ({ ...d, name })));

  return {
    file: options.file,
    format: 'yaml',
    graceMs: graceMs ?? DEFAULTS.graceMs,
    ...(raw.health ? { health: { port: raw.health.port, host: raw.health.host ?? DEFAULTS.healthHost } } : {}),
    services,
    startOrder: startWaves(nodes).map((wave) => wave.flatMap(named)),
  };
}

/** The names of `replicas` copies (web-0, web-1...) must not be another service's, nor too long. */
function checkCopyNames(ctx: FileContext, raw: RawConfig, copies: Map<string, string[]>): void {
  const taken = new Map<string, string>(Object.keys(raw.services).map((n) => [n, n]));
  for (const [name, names] of copies) {
    for (const copy of names) {
      const other = taken.get(copy);
      if (other !== undefined && other !== name) {
        ctx.report(['services', name, 'replicas'], `makes a copy named ${quote(copy)}, which ${other === copy ? 'is a service of the file' : `is also a copy of ${quote(other)}`}; expected copy names (NAME-0, NAME-1...) that no other service has`);
        break;
      }
      if (copy.length > 63) {
        ctx.report(['services', name, 'replicas'], `makes a copy named ${quote(copy)}, longer than 63 characters; expected a shorter service name`);
        break;
      }
      taken.set(copy, name);
    }
  }
}

/**
 * More services than LIMITS.services, `replicas` copies counted: refused
 * before anything is checked service by service.
 */
function tooManyServices(source: ConfigSource, value: unknown, problems: Problems): boolean {
  const services = isMap(value) ? value.services : undefined;
  if (!isMap(services)) return false;
  const written = Object.keys(services).length;
  let count = 0;
  for (const service of Object.values(services)) {
    const replicas = isMap(service) ? service.replicas : undefined;
    count += Number.isInteger(replicas) && replicas >= 1 && replicas <= 100 ? replicas : 1;
  }
  if (count <= LIMITS.services) return false;
  const at = source.locate(['services'], { key: true });
  const copies = count > written ? ` (${written} written, ${count} with their replicas)` : '';
  problems.add(at.file, at.line, at.column, `services: ${count} services${copies}; expected at most ${LIMITS.services}`);
  return true;
}

function isMap(value: unknown): value is Record<string, any> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** In the order of the file (a JS object would put names like "1" first). */
function serviceNames(source: ConfigSource, raw: RawConfig): string[] {
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
async function buildService(
  ctx: FileContext,
  verdict: SchemaVerdict,
  name: string,
  raw: RawService,
  users: UserResolver,
  sharedEnv: Record<string, string>,
): Promise<ServiceConfig> {
  const at = (...rest: (string | number)[]): Path => ['services', name, ...rest];
  const given = <K extends keyof RawService>(key: K): RawService[K] | undefined =>
    raw[key] !== undefined && verdict.isValid(at(key)) ? raw[key] : undefined;

  const command = given('command');
  const argv = command === undefined ? [] : commandArgv(ctx, at('command'), command);
  const commandText = typeof command === 'string' ? (argv[2] as string) : argv.map(quoteForDisplay).join(' ');
  // The program, not the shell, is the service's process (where the string is one simple command).
  if (typeof command === 'string') argv[2] = execIfSimple(commandText);

  // The top level's env for every service, then the service's env_file, then its env: the closest wins.
  // Entries, not spreads of objects, so that `__proto__` stays a variable.
  const env = Object.fromEntries([
    ...Object.entries(sharedEnv),
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
    signalGroup: given('signal_group') ?? DEFAULTS.signalGroup,
    stableAfterMs: ctx.duration(at('stable_after'), given('stable_after')) ?? DEFAULTS.stableAfterMs,
    disabled: given('disabled') ?? false,
    critical: given('critical') ?? DEFAULTS.yamlCritical,
    exitOnEnd: false,
  };
  const cwd = given('cwd');
  if (cwd !== undefined) {
    const dir = ctx.expand(at('cwd'), cwd);
    const unfit = unfitArgument(dir, 'a path');
    if (unfit !== undefined) ctx.report(at('cwd'), unfit);
    service.cwd = resolveFrom(ctx.dirOf(at('cwd')), dir);
  }
  const userSpec = given('user');
  if (userSpec !== undefined) {
    const spec = typeof userSpec === 'number' ? String(userSpec) : expandUser(ctx, at('user'), userSpec);
    const user = spec === undefined ? undefined : await users.resolve(spec);
    if (typeof user === 'string') ctx.report(at('user'), user);
    else if (user) service.user = user;
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

/** `user:` with ${VAR} expanded (Laravel Sail's `${WWWUSER}:${WWWGROUP}`); undefined when that went wrong (reported). */
function expandUser(ctx: FileContext, path: Path, written: string): string | undefined {
  const before = ctx.problems.list.length;
  const spec = ctx.expand(path, written);
  if (ctx.problems.list.length > before) return undefined;
  if (!/^[^:\s]+(:[^:\s]+)?$/.test(spec)) {
    ctx.report(path, `${quote(written)} gives ${quote(spec)}; expected a user name or uid, optionally followed by :group (name or gid)`);
    return undefined;
  }
  return spec;
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
    if (unfit !== undefined) ctx.report(where, `${shorten(key)}=...: ${unfit}`);
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
    const file = resolveFrom(ctx.dirOf(where), entry);
    // Each file is read and checked once, however many services (or aliases) name it.
    let loaded = ctx.envFiles.get(file);
    if (!loaded) ctx.envFiles.set(file, (loaded = loadEnvFile(ctx, file)));
    const result = await loaded;
    if (typeof result === 'string') {
      ctx.report(where, `${shortPath(displayPath(file, ctx.cwd))} ${result}; expected a file of KEY=VALUE lines (relative to the config file's directory)`);
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
