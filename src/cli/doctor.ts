// `usher doctor`: parses its words, runs the checks asked for, prints the
// report (text, JSON, SARIF or GitHub annotations) and returns the exit status: 0 graceful with no
// error finding, 1 not graceful or an error finding, 2 the check could not run.
import { writeSync } from 'node:fs';
import { parseArgs, parseDuration, UsageError, type OptionSpec } from './args.js';
import { parseSignal } from '../core/signals.js';
import { usherVersion } from './version.js';

const SPECS: OptionSpec[] = [
  { key: 'help', short: 'h', long: 'help' },
  { key: 'grace', long: 'grace', value: 'DURATION' },
  { key: 'signal', long: 'signal', value: 'SIGNAL' },
  { key: 'settle', long: 'settle', value: 'DURATION' },
  { key: 'ready', long: 'ready', value: 'tcp:PORT|http:URL|log:REGEX' },
  { key: 'json', long: 'json' },
  { key: 'format', long: 'format', value: 'text|json|sarif|github' },
  { key: 'context', long: 'context', value: 'DIR' },
  { key: 'image', long: 'image', value: 'IMAGE' },
  { key: 'engine', long: 'engine', value: 'podman|docker' },
  { key: 'dockerfile', long: 'dockerfile', value: 'PATH' },
  { key: 'kubernetes', long: 'kubernetes', value: 'MANIFEST' },
];

export const DOCTOR_HELP = `usher doctor: will your container stop gracefully? why not? the one-line fix.

Usage:
  usher doctor [--grace 10s] [--signal SIGTERM] [--settle 1s | --ready COND] [--json] -- command [args...]
  usher doctor --image IMAGE [--engine podman|docker] [--grace 10s] [--json]
  usher doctor --dockerfile PATH [--context DIR] [--kubernetes MANIFEST.yaml] [--format FORMAT]

A run starts the command as PID 1 of a new PID namespace (as a container does;
as root or with unprivileged user namespaces; otherwise as a child of a
subreaper, a weaker verdict), waits until it settles, sends the stop signal to
PID 1 as docker stop / kubectl delete pod do, watches every process, and
SIGKILLs what is left when the grace period ends. The command's own output goes
to stderr; the report to stdout.

Options:
  --grace DURATION     How long the runtime waits before SIGKILL (docker stop -t,
                       terminationGracePeriodSeconds). 10s, 2.5, 500ms. Default 10s.
  --signal SIGNAL      The stop signal (the image's STOPSIGNAL). Default SIGTERM.
  --settle DURATION    Stop once no new process appeared for this long. Default 1s.
  --ready COND         Stop once the app is up instead: tcp:PORT (a port accepts),
                       http:URL (the URL answers), log:REGEX (a line of its output
                       matches). Waits at most 60 s.
  --json               The report as one JSON object (schema/doctor-report.schema.json).
  --format FORMAT      text (default), json (= --json), sarif (SARIF 2.1.0, for code
                       scanning), github (::error file=F,line=N::... annotations).
  --image IMAGE        Run IMAGE in the container engine, stop it with
                       \`stop -t GRACE\`, watch it from the host's /proc. Needs root.
  --engine ENGINE      podman or docker. Default: podman if installed, else docker.
  --dockerfile PATH    Static checks of a Dockerfile (no process is run), and of
                       the scripts it COPYs from the build context.
  --context DIR        The build context of --dockerfile, when it is not the
                       Dockerfile's directory (as in docker build -f PATH DIR).
  --kubernetes FILE    Static checks of a Kubernetes manifest (grace periods,
                       preStop, usher's --stop-delay/--stop-timeout).
  -h, --help           This help.
  The static checks combine with each other and with a run or an image.

Examples:
  usher doctor -- ./run.sh                       # the article's case 2: forced, shell-does-not-forward
  usher doctor -- usher -- ./run.sh              # its fix: graceful
  usher doctor --grace 30s --ready tcp:3000 -- npm start
  usher doctor --ready 'log:listening on' --json -- node server.js | jq .findings
  usher doctor --image localhost/my-app:latest --grace 10s
  usher doctor --dockerfile Dockerfile --kubernetes k8s/deployment.yaml
  usher doctor --dockerfile docker/Dockerfile --context . --format github   # in CI

Exit status: 0 graceful and no error finding; 1 not graceful, or an error
finding; 2 the check itself could not run (the report says why).
Finding ids, what they mean and how to fix each: docs/doctor.md (the static
checks: docs/doctor-static.md; a CI recipe: docs/doctor.md, "In CI").
For tests only: USHER_DOCTOR_NO_NAMESPACE=1 forces the subreaper mode.
`;

type Format = 'text' | 'json' | 'sarif' | 'github';

interface DoctorArgs {
  format: Format;
  context?: string;
  graceMs: number;
  signal: number;
  settleMs: number;
  ready?: string;
  image?: string;
  engine?: 'podman' | 'docker';
  dockerfiles: string[];
  manifests: string[];
  command: string[];
}

function parseDoctorArgs(args: readonly string[]): DoctorArgs | 'help' {
  const parsed = parseArgs(args, SPECS);
  const out: DoctorArgs = { format: 'text', graceMs: 10_000, signal: 15, settleMs: 1000, dockerfiles: [], manifests: [], command: parsed.command };
  let settleGiven = false;
  let formatGiven = false;
  let signalGiven = false;
  for (const { key, value, spelled } of parsed.options) {
    const v = value ?? '';
    switch (key) {
      case 'help':
        return 'help';
      case 'json':
      case 'format': {
        const format = key === 'json' ? 'json' : v;
        if (format !== 'text' && format !== 'json' && format !== 'sarif' && format !== 'github') {
          throw new UsageError(`${spelled} expects text, json, sarif or github; got "${v}"`, 'bad-value', spelled, v);
        }
        if (formatGiven && out.format !== format) throw new UsageError(`two output formats given (${out.format} and ${format}): give one`, 'bad-value', spelled);
        out.format = format;
        formatGiven = true;
        break;
      }
      case 'context':
        out.context = v;
        break;
      case 'grace':
        out.graceMs = parseDuration(v, spelled);
        if (out.graceMs <= 0) throw new UsageError(`${spelled} must be more than 0`, 'bad-value', spelled, v);
        break;
      case 'settle':
        out.settleMs = parseDuration(v, spelled);
        settleGiven = true;
        break;
      case 'signal': {
        const n = parseSignal(v);
        if (n === undefined) throw new UsageError(`${spelled} expects a signal name or number (SIGTERM, QUIT, 15); got "${v}"`, 'bad-value', spelled, v);
        out.signal = n;
        signalGiven = true;
        break;
      }
      case 'ready':
        out.ready = v;
        break;
      case 'image':
        out.image = v;
        break;
      case 'engine':
        if (v !== 'podman' && v !== 'docker') throw new UsageError(`${spelled} expects podman or docker; got "${v}"`, 'bad-value', spelled, v);
        out.engine = v;
        break;
      case 'dockerfile':
        out.dockerfiles.push(v);
        break;
      case 'kubernetes':
        out.manifests.push(v);
        break;
    }
  }
  if (settleGiven && out.ready !== undefined) throw new UsageError('--settle and --ready exclude each other: give one', 'bad-value', '--ready');
  if (out.image !== undefined && out.command.length > 0) throw new UsageError('--image runs the image\'s own command: give no command after it', 'bad-value', '--image');
  if (out.image !== undefined && out.ready !== undefined) throw new UsageError('--ready goes with a command, not --image (the image is stopped once it settles)', 'bad-value', '--ready');
  if (out.image !== undefined && signalGiven) throw new UsageError('--image stops the container with the image\'s own STOPSIGNAL, as the engine does: drop --signal', 'bad-value', '--signal');
  if (out.engine && out.image === undefined) throw new UsageError('--engine goes with --image', 'bad-value', '--engine');
  if (out.context !== undefined && out.dockerfiles.length === 0) throw new UsageError('--context goes with --dockerfile', 'bad-value', '--context');
  if (out.image === undefined && out.command.length === 0 && out.dockerfiles.length === 0 && out.manifests.length === 0) {
    throw new UsageError('nothing to check: give a command after --, or --image, --dockerfile or --kubernetes', 'no-command');
  }
  return out;
}

/** The signals that interrupt a check: each one cleans up before the doctor exits. */
const INTERRUPTS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
/** How long an interrupted doctor spends removing its container at most (the engine's `rm -f`). */
const ABORT_LIMIT_MS = 30_000;

function print(fd: number, text: string): void {
  try {
    writeSync(fd, text);
  } catch {
    // nowhere left to report to
  }
}

export async function runSubcommand(_name: string, args: string[]): Promise<number> {
  let parsed: DoctorArgs | 'help';
  try {
    parsed = parseDoctorArgs(args);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    print(2, `usher doctor: ${err.message}\nTry 'usher doctor --help' for more information.\n`);
    return 2;
  }
  if (parsed === 'help') {
    print(1, DOCTOR_HELP);
    return 0;
  }
  const doctor = await import('../doctor/index.js');
  let ready: ReturnType<typeof doctor.parseReady>;
  if (parsed.ready !== undefined) {
    ready = doctor.parseReady(parsed.ready);
    if (!ready) {
      print(2, `usher doctor: --ready expects tcp:PORT, http:URL or log:REGEX; got "${parsed.ready}"\nTry 'usher doctor --help' for more information.\n`);
      return 2;
    }
  }

  // Interrupted (Ctrl-C, SIGTERM, or the terminal hanging up): undo what the
  // check started (its processes killed, its container removed), then go. A
  // second signal while that runs exits at once, saying what may be left.
  let interrupted = false;
  const interrupt = (sig: NodeJS.Signals) => {
    if (interrupted) {
      const left = doctor.pendingUndo();
      print(2, `usher doctor: ${sig} again; exiting before the clean-up finished${left.length ? `; may be left: ${left.join(', ')}` : ''}\n`);
      process.exit(130);
    }
    interrupted = true;
    void doctor.abortChecks(ABORT_LIMIT_MS).then(({ done, left }) => {
      const undone = done.length ? `: ${done.join('; ')}` : '';
      print(2, left.length === 0
        ? `usher doctor: interrupted by ${sig}; everything it started was stopped${undone}\n`
        : `usher doctor: interrupted by ${sig}; could not clean up within ${ABORT_LIMIT_MS / 1000} s: ${left.join('; ')}\n`);
      process.exit(130);
    });
  };
  for (const sig of INTERRUPTS) process.on(sig, interrupt);
  try {
    let full: import('../doctor/index.js').FullReport | undefined;
    if (parsed.command.length > 0) {
      full = await doctor.doctorRun({
        command: parsed.command,
        graceMs: parsed.graceMs,
        stopSignal: parsed.signal,
        settleMs: parsed.settleMs,
        ...(ready ? { ready } : {}),
        noNamespace: process.env.USHER_DOCTOR_NO_NAMESPACE === '1',
        onOutput: (text) => print(2, text),
      });
    } else if (parsed.image !== undefined) {
      full = await doctor.doctorImage({
        image: parsed.image,
        graceMs: parsed.graceMs,
        settleMs: parsed.settleMs,
        ...(parsed.engine ? { engine: parsed.engine } : {}),
        onOutput: (text) => print(2, text),
      });
    }
    const staticFindings = await doctor.staticChecks(parsed.dockerfiles, parsed.manifests, parsed.context !== undefined ? { context: parsed.context } : {});
    if ('error' in staticFindings) {
      full ??= { report: doctor.errorReport('static', staticFindings.error, staticFindings.fix) };
      if (full.report.verdict !== 'error') full = { report: doctor.errorReport(full.report.mode, staticFindings.error, staticFindings.fix) };
    } else if (full) {
      full.report.findings.push(...staticFindings.findings);
    } else {
      full = { report: { verdict: null, durationMs: null, exitCode: null, mode: 'static', processes: [], findings: staticFindings.findings } };
    }
    // The static checks' edits are for tests and tools, not part of the published report.
    const report = { ...full.report, findings: full.report.findings.map(({ edit: _edit, ...finding }) => finding) };
    if (parsed.format === 'json') print(1, `${JSON.stringify(report, null, 2)}\n`);
    else if (parsed.format === 'sarif') print(1, doctor.renderSarif(report, { version: usherVersion(), cwd: process.cwd() }));
    else if (parsed.format === 'github') print(1, doctor.renderGithub(report));
    else print(1, doctor.renderText({ ...full, report }));
    return doctor.exitStatusOf(full.report);
  } finally {
    for (const sig of INTERRUPTS) process.off(sig, interrupt);
  }
}
