// process-compose.yaml to usher.yaml. Anchors and `<<:` merge keys are
// resolved as process-compose resolves them; ${VAR} is left for usher, which
// expands it the same way when the file is loaded.
import { parseDocument } from 'yaml';
import { ConvertError } from './errors.js';
import { Draft, duration, note, serviceName, set, type ServiceDraft } from './usher-yaml.js';

type Map_ = Record<string, unknown>;

const CONDITIONS: Record<string, string> = {
  process_started: 'started',
  process_healthy: 'ready',
  process_log_ready: 'ready',
  process_completed_successfully: 'completed',
  process_completed: 'completed',
};

const RESTART: Record<string, string> = { always: 'always', on_failure: 'on-failure', no: 'no', exit_on_failure: 'no' };

/** Signal numbers process-compose files use, as names. */
const SIGNAL_NAMES: Record<number, string> = { 1: 'SIGHUP', 2: 'SIGINT', 3: 'SIGQUIT', 9: 'SIGKILL', 10: 'SIGUSR1', 12: 'SIGUSR2', 15: 'SIGTERM' };

export function convertProcessCompose(text: string, file: string): Draft {
  const doc = parseDocument(text, { merge: true, uniqueKeys: false, prettyErrors: false });
  const error = doc.errors[0];
  if (error) throw new ConvertError(`${file}: YAML syntax error: ${error.message.split('\n')[0]}; expected process-compose's YAML`);
  const root = doc.toJS({ maxAliasCount: 1000 }) as unknown;
  if (!isMap(root) || !isMap(root.processes)) throw new ConvertError(`${file}: no 'processes:' map; expected a process-compose.yaml`);
  const draft = new Draft(file, 'process-compose');

  for (const [key, value] of Object.entries(root)) {
    if (key === 'processes' || key.startsWith('x-')) continue;
    if (key === 'environment') {
      const env = envMap(value);
      if (env) set(draft.top, 'env', env, 'environment: for every process');
      else note(draft, `environment: not a list of KEY=VALUE: write the top-level env: by hand`);
    } else if (key === 'version') {
      // The file format's version: nothing to say.
    } else if (key === 'shell') {
      note(draft, `shell: a string command runs through /bin/sh -c (as exec COMMAND when it is one simple command); for another shell write command: ["bash", "-c", "..."]`);
    } else {
      note(draft, `${key}: no equivalent (usher logs to stdout/stderr; usher ps shows the services)`);
    }
  }
  for (const [rawName, raw] of Object.entries(root.processes as Map_)) {
    const name = serviceName(rawName);
    const service = draft.service(name);
    if (name !== rawName) note(service, `${rawName}: named ${name} (usher's names: letters, digits, '.', '_', '-')`);
    if (!isMap(raw)) {
      set(service, 'command', 'true', `${rawName} is not a map in the file: write the service by hand`);
      continue;
    }
    convertProcess(service, rawName, raw);
    for (const entry of service.entries) entry.value = renameReplicaVariable(entry.value);
  }
  if (draft.services.length === 0) throw new ConvertError(`${file}: 'processes:' is empty; expected at least one process`);
  return draft;
}

function convertProcess(service: ServiceDraft, rawName: string, raw: Map_): void {
  const handled = new Set<string>();
  const take = (key: string): unknown => {
    handled.add(key);
    return raw[key];
  };
  const command = take('command');
  if (typeof command === 'string' && command.trim() !== '') set(service, 'command', command);
  else set(service, 'command', 'true', `${rawName} has no command: write it`);
  const cwd = take('working_dir');
  if (typeof cwd === 'string') set(service, 'cwd', cwd);
  const env = take('environment');
  if (env !== undefined) {
    const map = envMap(env);
    if (map) set(service, 'env', map);
    else note(service, 'environment: not a list of KEY=VALUE: write env: by hand');
  }
  const dependsOn = take('depends_on');
  if (isMap(dependsOn)) {
    const deps: Record<string, string> = {};
    const notes: string[] = [];
    for (const [dep, spec] of Object.entries(dependsOn)) {
      const condition = isMap(spec) && typeof spec.condition === 'string' ? spec.condition : 'process_started';
      deps[serviceName(dep)] = CONDITIONS[condition] ?? 'started';
      if (condition === 'process_completed') notes.push(`${dep}: process_completed waits for any exit; completed waits for an exit 0`);
      if (!(condition in CONDITIONS)) notes.push(`${dep}: condition ${condition} is not known: started`);
    }
    set(service, 'depends_on', deps, notes.join('; ') || undefined);
  }

  const readyLine = take('ready_log_line');
  const readiness = take('readiness_probe');
  if (typeof readyLine === 'string') {
    set(service, 'ready', { log: escapeRegExp(readyLine) }, 'ready_log_line: a line of its output containing this text');
  } else if (isMap(readiness)) {
    convertProbe(service, 'ready', readiness);
  }
  const liveness = take('liveness_probe');
  if (isMap(liveness)) convertProbe(service, 'live', liveness);

  const availability = take('availability');
  if (isMap(availability)) {
    const restart = typeof availability.restart === 'string' ? availability.restart : 'no';
    set(service, 'restart', RESTART[restart] ?? 'no', restart in RESTART ? undefined : `availability.restart: ${restart} is not known: no`);
    if (restart === 'exit_on_failure') set(service, 'critical', true, 'availability.restart: exit_on_failure: when it fails, everything stops with its status');
    if (typeof availability.max_restarts === 'number' && availability.max_restarts > 0) set(service, 'max_restarts', availability.max_restarts);
    if (typeof availability.backoff_seconds === 'number') {
      const ms = availability.backoff_seconds * 1000;
      set(service, 'backoff', { initial: duration(ms), max: duration(ms) }, 'availability.backoff_seconds: the same delay before every restart');
    }
    if (availability.exit_on_end === true) note(service, 'availability.exit_on_end: no key; critical: true stops everything when it fails, an exit 0 ends only this service');
    for (const key of Object.keys(availability)) {
      if (!['restart', 'max_restarts', 'backoff_seconds', 'exit_on_end'].includes(key)) note(service, `availability.${key}: no equivalent`);
    }
  }
  const shutdown = take('shutdown');
  if (isMap(shutdown)) {
    if (shutdown.signal !== undefined) {
      const sig = typeof shutdown.signal === 'number' ? (SIGNAL_NAMES[shutdown.signal] ?? shutdown.signal) : String(shutdown.signal);
      set(service, 'stop_signal', sig);
    }
    if (typeof shutdown.timeout_seconds === 'number') set(service, 'stop_timeout', duration(shutdown.timeout_seconds * 1000));
    if (shutdown.command !== undefined) note(service, `shutdown.command: not supported; the stop is a signal (stop_signal)`);
  }
  const replicas = take('replicas');
  if (typeof replicas === 'number' && replicas > 1) set(service, 'replicas', replicas, 'replicas: PC_REPLICA_NUM is ${USHER_REPLICA} here; copies are named NAME-0, NAME-1...');
  const disabled = take('disabled');
  if (disabled === true) set(service, 'disabled', true);
  const daemon = take('is_daemon');
  if (daemon === true) note(service, 'is_daemon: not supported; run the program in the foreground');
  for (const key of Object.keys(raw)) {
    if (!handled.has(key)) note(service, `${key}: no equivalent`);
  }
}

/** readiness_probe / liveness_probe to ready: / live:, with the timings that map. */
function convertProbe(service: ServiceDraft, key: 'ready' | 'live', raw: Map_): void {
  const probe: Map_ = {};
  const notes: string[] = [];
  const http = raw.http_get;
  const exec = raw.exec;
  if (isMap(http)) {
    const scheme = typeof http.scheme === 'string' ? http.scheme : 'http';
    const host = typeof http.host === 'string' ? http.host : '127.0.0.1';
    const path = typeof http.path === 'string' ? http.path : '/';
    probe.http = `${scheme}://${host}:${String(http.port ?? 80)}${path.startsWith('/') ? path : `/${path}`}`;
  } else if (isMap(exec) && typeof exec.command === 'string') {
    probe.exec = exec.command;
    if (exec.working_dir !== undefined) notes.push('exec.working_dir: the check runs in the service\'s cwd');
  } else {
    set(service, key, undefined, `${key === 'ready' ? 'readiness' : 'liveness'}_probe: neither http_get nor exec: write ${key}: by hand`);
    return;
  }
  const period = num(raw.period_seconds);
  const initial = num(raw.initial_delay_seconds);
  const timeout = num(raw.timeout_seconds);
  const failures = num(raw.failure_threshold);
  if (period !== undefined) probe.interval = duration(period * 1000);
  if (key === 'live') {
    if (timeout !== undefined) probe.timeout = duration(timeout * 1000);
    if (failures !== undefined) probe.failures = failures;
    if (initial !== undefined) notes.push(`initial_delay_seconds: ${initial}: no equivalent; a live check starts once the service is ready`);
  } else {
    // ready's timeout is the whole wait from the start: process-compose's attempts fit in it.
    const wait = (initial ?? 0) + (period ?? 10) * (failures ?? 3) + (timeout ?? 1);
    probe.timeout = duration(Math.max(wait, 1) * 1000);
    notes.push(`timeout: the whole wait from the start (initial_delay_seconds + period_seconds x failure_threshold + timeout_seconds); a ready check starts at once`);
  }
  if (raw.success_threshold !== undefined && raw.success_threshold !== 1) notes.push('success_threshold: no equivalent; one success counts');
  set(service, key, probe, notes.join('; ') || undefined);
}

/** process-compose's PC_REPLICA_NUM is usher's USHER_REPLICA, in ${...} and in a shell's $NAME. */
function renameReplicaVariable(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\{PC_REPLICA_NUM\}/g, '${USHER_REPLICA}').replace(/\$PC_REPLICA_NUM\b/g, '$USHER_REPLICA');
  if (Array.isArray(value)) return value.map(renameReplicaVariable);
  if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, renameReplicaVariable(v)]));
  return value;
}

function envMap(value: unknown): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  if (Array.isArray(value)) {
    for (const item of value) {
      if (typeof item !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*=/.test(item)) return undefined;
      const eq = item.indexOf('=');
      Object.defineProperty(out, item.slice(0, eq), { value: item.slice(eq + 1), enumerable: true });
    }
    return out;
  }
  if (isMap(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) return undefined;
      Object.defineProperty(out, k, { value: String(v), enumerable: true });
    }
    return out;
  }
  return undefined;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&').replace(/\$/g, '$$$$');
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function isMap(value: unknown): value is Map_ {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
