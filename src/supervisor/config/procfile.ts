// A Procfile, with foreman's semantics: `name: command` per line, each
// command through /bin/sh -c, every entry critical and never restarted (when
// one exits, all stop). Comments (#) and blank lines are allowed. As foreman
// does, each entry gets PORT (5000, or the PORT given, plus 100 per entry
// before it) and the variables of the .env beside the Procfile. A `release`
// entry runs as Heroku runs it: once, before the others, which start when it
// has exited 0.
import type { ServiceConfig, SupervisorConfig } from '../types.js';
import { DEFAULTS } from './defaults.js';
import { Problems } from './errors.js';
import { LIMITS, unfitArgument } from './limits.js';
import { execIfSimple } from './shell-command.js';
import { invalidServiceName } from './validate.js';
import { quote } from './words.js';

// The name is what comes before the first ':', blanks before it dropped.
// Written without a lazy group before [ \t]* (`([^:]*?)[ \t]*:`), which
// backtracks over every blank of a line without a ':' once per character:
// a 1 MiB line of spaces took minutes.
const ENTRY = /^([^:\s][^:]*):[ \t]*(.*)$/;

/** foreman's base port when PORT is not given; each entry gets 100 more than the one before. */
export const PROCFILE_BASE_PORT = 5000;
const PORT_STEP = 100;
/** Heroku's release phase: the entry run once before the others. */
export const RELEASE_ENTRY = 'release';

export interface ProcfileEnvironment {
  /** usher's environment (PORT). */
  env: Readonly<Record<string, string | undefined>>;
  /** The variables of the .env beside the Procfile, when there is one (its PORT wins, as in foreman). */
  dotenv?: Record<string, string>;
  /** The .env as shown, for messages. */
  dotenvShown?: string;
}

export function buildProcfileConfig(
  file: string,
  shown: string,
  text: string,
  problems: Problems,
  environment: ProcfileEnvironment = { env: {} },
): SupervisorConfig | undefined {
  const services: ServiceConfig[] = [];
  const basePort = procfileBasePort(environment, shown, problems);
  const seen = new Map<string, number>();
  text.split(/\r?\n/).forEach((line, index) => {
    const number = index + 1;
    const indent = line.length - line.trimStart().length;
    const trimmed = line.trim();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    const match = ENTRY.exec(trimmed);
    if (!match) {
      problems.add(shown, number, indent + 1, `not a 'name: command' line; expected 'name: command', a # comment or a blank line`);
      return;
    }
    const [, written, command] = match as unknown as [string, string, string];
    const name = withoutTrailingBlanks(written);
    const expected = invalidServiceName(name);
    if (expected !== undefined) {
      problems.add(shown, number, indent + 1, `${quote(name)} is not a valid service name; expected ${expected}`);
      return;
    }
    const first = seen.get(name);
    if (first !== undefined) {
      problems.add(shown, number, indent + 1, `'${name}' is defined twice (first on line ${first}); expected each name once`);
      return;
    }
    seen.set(name, number);
    if (seen.size > LIMITS.services) {
      if (seen.size === LIMITS.services + 1) {
        problems.add(shown, number, indent + 1, `'${name}' is entry ${seen.size}; expected at most ${LIMITS.services} entries (usher's limit for the services of one file)`);
      }
      return;
    }
    if (command.trim() === '') {
      problems.add(shown, number, indent + name.length + 2, `'${name}' has no command; expected 'name: command'`);
      return;
    }
    const unfit = unfitArgument(command.trim(), 'a command');
    if (unfit !== undefined) {
      problems.add(shown, number, line.indexOf(command.trim(), indent + name.length + 1) + 1, `'${name}': the command ${unfit}`);
      return;
    }
    services.push({
      name,
      argv: ['/bin/sh', '-c', execIfSimple(command.trim())],
      commandText: command.trim(),
      env: { ...environment.dotenv, PORT: String(basePort + PORT_STEP * services.length) },
      dependsOn: [],
      restart: 'no',
      backoff: { ...DEFAULTS.backoff },
      stopSignal: DEFAULTS.stopSignal,
      stopTimeoutMs: DEFAULTS.stopTimeoutMs,
      signalGroup: DEFAULTS.signalGroup,
      stableAfterMs: DEFAULTS.stableAfterMs,
      disabled: false,
      critical: true,
      exitOnEnd: true,
    });
  });
  if (services.length === 0 && problems.empty) {
    problems.add(shown, 0, 0, `has no entries; expected 'name: command' lines`);
  }
  if (!problems.empty) return undefined;
  const release = services.find((s) => s.name === RELEASE_ENTRY);
  if (!release || services.length === 1) {
    return { file, format: 'procfile', graceMs: DEFAULTS.graceMs, services, startOrder: [services.map((s) => s.name)] };
  }
  // Heroku's release phase: a one-shot the others wait for. It failing ends
  // everything with its status (critical); it completing ends nothing.
  release.exitOnEnd = false;
  const processes = services.filter((s) => s !== release);
  for (const s of processes) s.dependsOn = [{ name: RELEASE_ENTRY, condition: 'completed' }];
  return { file, format: 'procfile', graceMs: DEFAULTS.graceMs, services, startOrder: [[RELEASE_ENTRY], processes.map((s) => s.name)] };
}

/** foreman's base port: PORT from the .env, else from usher's environment, else 5000. */
function procfileBasePort(environment: ProcfileEnvironment, shown: string, problems: Problems): number {
  const fromDotenv = environment.dotenv?.PORT;
  const given = fromDotenv ?? environment.env.PORT;
  if (given === undefined || given === '') return PROCFILE_BASE_PORT;
  const port = /^\d+$/.test(given.trim()) ? Number(given.trim()) : NaN;
  if (!(port >= 1 && port <= 65535)) {
    const where = fromDotenv !== undefined ? `in ${environment.dotenvShown ?? '.env'}` : "in usher's environment";
    problems.add(shown, 0, 0, `PORT ${JSON.stringify(given)} ${where} is not a port number; expected a port from 1 to 65535, the first entry's (each next one gets 100 more)`);
    return PROCFILE_BASE_PORT;
  }
  return port;
}

/** `name \t` without the blanks at its end; a loop, not /[ \t]+$/, which is quadratic on a long run of blanks. */
function withoutTrailingBlanks(text: string): string {
  let end = text.length;
  while (end > 0 && (text[end - 1] === ' ' || text[end - 1] === '\t')) end--;
  return text.slice(0, end);
}
