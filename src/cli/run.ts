// `usher run [-f FILE] [--check] [--log-format text|json] [--no-color] [--schema]`:
// parses the words, loads and validates the config, and hands over to the
// supervisor (loaded only when there is something to run).
import { writeSync } from 'node:fs';
import { parseArgs, UsageError, type OptionSpec } from './args.js';
import { forgetBundledFile } from './forget-bundled-file.js';
import type { SupervisorConfig } from '../supervisor/types.js';

/** The config loader's file beside usher-run.cjs in the build (tools/single/build.ts). */
const CONFIG_BUNDLE = 'usher-config.cjs';

const EXIT_USAGE = 2;

const OPTIONS: readonly OptionSpec[] = [
  { key: 'help', short: 'h', long: 'help' },
  { key: 'file', short: 'f', long: 'file', value: 'FILE' },
  { key: 'check', long: 'check' },
  { key: 'schema', long: 'schema' },
  { key: 'log-format', long: 'log-format', value: 'text|json' },
  { key: 'no-color', long: 'no-color' },
];

export const RUN_HELP = `Usage: usher run [-f FILE] [--check] [--log-format text|json] [--no-color]
       usher run --schema

Runs several services in one container, as its PID 1: started in dependency
order (independent ones in parallel), restarted per their policy, stopped in
reverse order within one grace period. usher stays an init: it reaps every
orphan and passes HUP, USR1, USR2, WINCH and the like on to every service.

    ENTRYPOINT ["usher", "run"]

  -f, --file FILE        The config: a usher.yaml, or a Procfile (name: command
                         per line; every entry is critical: when one ends, all
                         stop). Default: usher.yaml, usher.yml, then Procfile
                         in the current directory. Given more than once, the
                         YAML files are merged in order, as docker compose -f
                         does: a later file overrides the earlier ones key by
                         key, services merged by name.
  --check                Validate the file and print the start order; start
                         nothing. Exit 0 when valid, 2 when not. Warnings
                         (a \${VAR} that is not set) go to stderr, as at a run.
  --log-format FORMAT    text (default): \`NAME | line\`, names padded, a colour
                         per service on a terminal. json: one object per line,
                         {"time", "service", "stream", "line"}; usher's own
                         events as {"time", "service": "usher", "event", ...}.
                         A line over 64 KiB is cut: the next piece reads
                         \`NAME + ...\` (json: "continued": true on the piece cut).
  --no-color             No colours (also when NO_COLOR is set).
  --schema               Print the JSON Schema of usher.yaml (for editors:
                         # yaml-language-server: $schema=...).
  -h, --help             This help.

Each service's stdout and stderr go to usher's stdout and stderr, whole lines
only; usher's own events (starting, ready, exited, restarting, stopping,
killed) go to stderr.

Stopping (SIGTERM or SIGINT, a critical service failing for good): dependants
before their dependencies; each service gets its stop_signal on its whole
process group (and whatever it left in its session), SIGKILL after its
stop_timeout; everything within \`grace\` (default 25s), at whose end whatever
still runs is SIGKILLed and named. A second SIGTERM changes nothing.

Exit status:
  0     a requested stop where every service ended on its own, or every
        service completed with 0
  N     the critical service's status (128+S when signal S killed it), or,
        when every service has ended on its own, the first failure's status
  137   a requested stop had to SIGKILL something (named on stderr)
  2     bad usage or an invalid config file (every problem listed with its
        file:line:column), or another usher already answers on the control
        socket, or health.port is in use; nothing was started
  70    internal error (every process stopped first)

Control while it runs: usher ps, usher start|stop|restart NAME,
usher signal NAME SIG (see usher ps --help).
`;

function print(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // nowhere to report to
  }
}

interface RunRequest {
  /** Every -f, in order. */
  files: string[];
  check: boolean;
  schema: boolean;
  help: boolean;
  logFormat: 'text' | 'json';
  noColor: boolean;
}

function parseRunArgs(args: string[]): RunRequest {
  const parsed = parseArgs(args, OPTIONS);
  if (parsed.command.length > 0) {
    throw new UsageError(`unexpected argument "${parsed.command[0]}": usher run takes its services from a file (-f FILE)`, 'bad-value');
  }
  const request: RunRequest = { files: [], check: false, schema: false, help: false, logFormat: 'text', noColor: false };
  for (const o of parsed.options) {
    if (o.key === 'help') request.help = true;
    else if (o.key === 'check') request.check = true;
    else if (o.key === 'schema') request.schema = true;
    else if (o.key === 'no-color') request.noColor = true;
    else if (o.key === 'file') {
      if (!o.value) throw new UsageError(`${o.spelled} needs a file name`, 'missing-value', o.spelled);
      request.files.push(o.value);
    } else if (o.key === 'log-format') {
      if (o.value !== 'text' && o.value !== 'json') {
        throw new UsageError(`--log-format is text or json; got "${o.value}"`, 'bad-value', o.spelled, o.value);
      }
      request.logFormat = o.value;
    }
  }
  return request;
}

export async function runSubcommand(_name: string, args: string[]): Promise<number> {
  let request: RunRequest;
  try {
    request = parseRunArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    print(2, `usher run: ${err.message}\nTry 'usher run --help' for more information.\n`);
    return EXIT_USAGE;
  }
  if (request.help) {
    print(1, RUN_HELP);
    return 0;
  }
  if (!request.check && !request.schema) {
    // Before the config loader: V8 arms its memory reducer (a wake-up of
    // every thread some 8 s later) once start-up has grown the heap by 1 MB,
    // and the loader alone does; a flag set after that cannot disarm it.
    (await import('../core/libc.js')).keepIdleProcessAsleep();
  }
  const loaded = await loadRequestedConfig(request);
  if (typeof loaded === 'number') return loaded;
  const { config, warnings } = loaded;
  // Outside a run there are no service names to pad usher's to.
  const printWarnings = async () => {
    if (warnings.length === 0) return;
    const { formatWarning, USHER_NAME } = await import('../supervisor/log/log-output.js');
    print(2, warnings.map((w) => formatWarning(request.logFormat, `${USHER_NAME} | `, w)).join(''));
  };
  if (request.check) {
    await printWarnings();
    print(1, loaded.checkReport);
    return 0;
  }

  const [{ effectiveUserId }, { runSupervisor }, { installCrashGuard }, { createLogger, Verbosity }] = await Promise.all([
    import('../core/libc.js'),
    import('../supervisor/run-supervisor.js'),
    import('../init/init.js'),
    import('../core/log.js'),
  ]);
  const withUser = config.services.filter((s) => s.user);
  const euid = effectiveUserId();
  if (withUser.length > 0 && euid !== 0) {
    await printWarnings();
    for (const s of withUser) {
      print(2, `usher run: service "${s.name}" has user: ${s.user?.spec}, but usher runs as uid ${euid}, not root: ` +
        'only root can start a process as another user. Run usher as root (the container\'s default), or remove user:.\n');
    }
    return EXIT_USAGE;
  }

  // usher never dies and strands its services: on an internal error every
  // process is stopped, then usher exits 70.
  installCrashGuard(createLogger(Verbosity.Normal), config.graceMs);
  const noColor = request.noColor || (process.env.NO_COLOR ?? '') !== '';
  const code = await runSupervisor(config, {
    logFormat: request.logFormat,
    colour: !noColor,
    attachments: await attachments(config),
    warnings,
  });
  process.exit(code);
}

/**
 * --schema, or the config (and, for --check, its report), or the exit status
 * of a config that is not valid. The loader's module (the YAML parser and the
 * schema validator) is forgotten before this returns: nothing that the
 * supervisor keeps for the container's lifetime refers to it.
 */
async function loadRequestedConfig(request: RunRequest): Promise<number | { config: SupervisorConfig; warnings: string[]; checkReport: string }> {
  const configModule = await import('../supervisor/config/index.js');
  try {
    if (request.schema) {
      print(1, configModule.schemaText().replace(/\n?$/, '\n'));
      return 0;
    }
    const warnings: string[] = [];
    let config: SupervisorConfig;
    try {
      config = await configModule.loadConfig({ files: request.files, cwd: process.cwd(), env: process.env, onWarning: (w) => warnings.push(w) });
    } catch (err) {
      if (!(err instanceof configModule.ConfigError)) throw err;
      print(2, `${err.format()}\nusher run: nothing was started.\n`);
      return EXIT_USAGE;
    }
    const checkReport = request.check
      ? `${(config.files ?? [config.file]).join(' + ')}: valid, ${config.services.length} service(s). Start order:\n${configModule.describeStartOrder(config)}\n`
      : '';
    return { config, warnings, checkReport };
  } finally {
    forgetBundledFile(CONFIG_BUNDLE);
  }
}

/** The control socket, and the health endpoint when the file asks for one; each loaded only when used. */
async function attachments(config: { health?: { port: number; host: string } }) {
  const { controlSocketPath } = await import('../supervisor/control-protocol.js');
  const list: { name: string; attach: import('../supervisor/run-supervisor.js').Attachment }[] = [
    {
      name: 'control socket',
      attach: async (control) => (await import('../supervisor/control-server.js')).startControlServer(control, controlSocketPath()),
    },
  ];
  const health = config.health;
  if (health) {
    list.push({
      name: 'health endpoint',
      attach: async (control) => (await import('../supervisor/health-server.js')).startHealthServer(control, health),
    });
  }
  return list;
}
