// `usher doctor --kubernetes MANIFEST.yaml`: do a pod's shutdown budgets nest?
//
// On deletion the kubelet starts the grace period (terminationGracePeriodSeconds,
// 30 s by default) when it runs the preStop hook; SIGTERM reaches PID 1 only
// after the hook; usher may hold it (--stop-delay) and then gives the app
// --stop-timeout before its own SIGKILL; the app's own deadline must end
// before that. Each inner budget must end before the outer one, or the outer
// SIGKILL comes first. Read from the manifest alone: nothing is applied.
import { isMap, isScalar, isSeq, LineCounter, parseAllDocuments, type Node, type YAMLMap } from 'yaml';
import type { Edit, Finding, Severity } from '../types.js';
import { readInput } from './read-input.js';
import { readInit, packageManager, parseDurationMs, imageShell, isInterpreter } from './programs.js';
import { analyzeScript, isKeepAlive, isShellName, basename, handledSignals, shellExecsLastCommand, type ShellFlavour } from './shell-script.js';
import { withExec } from './edits.js';

const DEFAULT_GRACE_SECONDS = 30;

/** Where the pod spec sits in each workload kind. */
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ['spec'],
  Deployment: ['spec', 'template', 'spec'],
  StatefulSet: ['spec', 'template', 'spec'],
  DaemonSet: ['spec', 'template', 'spec'],
  ReplicaSet: ['spec', 'template', 'spec'],
  ReplicationController: ['spec', 'template', 'spec'],
  Job: ['spec', 'template', 'spec'],
  CronJob: ['spec', 'jobTemplate', 'spec', 'template', 'spec'],
  PodTemplate: ['template', 'spec'],
};

/** A YAML node with the lines of its key and of its value. */
interface Located {
  node: Node | null;
  /** Line of the key (`terminationGracePeriodSeconds:`), or of the value for sequence items. */
  line: number;
  /** Offset of the key in the file, when there is one. */
  keyOffset?: number;
}

type Add = (id: string, severity: Severity, message: string, fix: string, line: number, edit?: Edit) => void;

class Manifest {
  private readonly textLines: string[];

  constructor(
    private readonly lines: LineCounter,
    readonly file: string,
    text: string,
  ) {
    this.textLines = text.split('\n');
  }

  /**
   * `key: VALUE` written again in place (block style, the key first on its
   * line): an edit of the lines from the key to the end of its value.
   */
  replaceEntry(at: Located | undefined, key: string, value: string): Edit | undefined {
    if (!at || at.keyOffset === undefined) return undefined;
    const { line, col } = this.lines.linePos(at.keyOffset);
    const prefix = (this.textLines[line - 1] ?? '').slice(0, col - 1);
    if (!/^[\s-]*$/.test(prefix)) return undefined;
    const endLine = Math.max(line, this.endLineOf(at.node));
    return { file: this.file, line, endLine, text: `${prefix}${key}: ${value}` };
  }

  /** `key: VALUE` inserted before another entry of the same mapping. */
  insertBefore(at: Located | undefined, key: string, value: string): Edit | undefined {
    if (!at || at.keyOffset === undefined) return undefined;
    const { line, col } = this.lines.linePos(at.keyOffset);
    const prefix = (this.textLines[line - 1] ?? '').slice(0, col - 1);
    if (!/^\s*$/.test(prefix)) return undefined;
    return { file: this.file, line, endLine: line - 1, text: `${prefix}${key}: ${value}` };
  }

  lineOf(node: Node | null | undefined): number {
    const offset = node?.range?.[0];
    return offset === undefined ? 0 : this.lines.linePos(offset).line;
  }

  /** The line where a node's value ends. */
  endLineOf(node: Node | null | undefined): number {
    const offset = node?.range?.[1];
    return offset === undefined ? 0 : this.lines.linePos(Math.max(0, offset - 1)).line;
  }

  get(map: unknown, key: string): Located | undefined {
    if (!isMap(map)) return undefined;
    for (const pair of (map as YAMLMap).items) {
      const k = pair.key;
      if (isScalar(k) && k.value === key) {
        const keyOffset = (k as Node).range?.[0];
        return { node: (pair.value as Node | null) ?? null, line: this.lineOf(k as Node), ...(keyOffset === undefined ? {} : { keyOffset }) };
      }
    }
    return undefined;
  }

  path(map: unknown, keys: readonly string[]): Located | undefined {
    let at: Located | undefined = { node: map as Node, line: this.lineOf(map as Node) };
    for (const key of keys) {
      at = at ? this.get(at.node, key) : undefined;
      if (!at) return undefined;
    }
    return at;
  }

  string(map: unknown, key: string): string | undefined {
    const v = this.get(map, key)?.node;
    return isScalar(v) && (typeof v.value === 'string' || typeof v.value === 'number') ? String(v.value) : undefined;
  }

  strings(node: Node | null | undefined): string[] | undefined {
    if (!isSeq(node)) return undefined;
    const out: string[] = [];
    for (const item of node.items) {
      if (!isScalar(item) || item.value === null || typeof item.value === 'object') return undefined;
      out.push(String(item.value));
    }
    return out;
  }
}

/** Seconds of `sleep N` (GNU suffixes s, m, h, d; `infinity`), or undefined. */
function sleepSeconds(words: readonly string[]): number | undefined {
  if (basename(words[0] ?? '') !== 'sleep' || words.length < 2) return undefined;
  let total = 0;
  for (const w of words.slice(1)) {
    if (w === 'infinity' || w === 'inf') return Infinity;
    const m = /^(\d+(?:\.\d+)?|\.\d+)([smhd]?)$/.exec(w);
    if (!m) return undefined;
    total += Number(m[1]) * ({ '': 1, s: 1, m: 60, h: 3600, d: 86400 }[m[2] as string] as number);
  }
  return total;
}

interface PreStop {
  /** Known seconds the hook takes (its sleeps outside loops). */
  seconds: number;
  /** Whether the hook does more than sleep (or is an HTTP call): its length is unknown. */
  unknown: string | undefined;
  line: number;
}

function readPreStop(m: Manifest, container: unknown): PreStop | undefined {
  const hook = m.path(container, ['lifecycle', 'preStop']);
  if (!hook) return undefined;
  const line = hook.line;
  const sleep = m.path(hook.node, ['sleep', 'seconds']);
  if (sleep) {
    const n = Number(isScalar(sleep.node) ? sleep.node.value : NaN);
    return { seconds: Number.isFinite(n) ? n : 0, unknown: Number.isFinite(n) ? undefined : 'a sleep action without a number', line };
  }
  if (m.get(hook.node, 'httpGet')) return { seconds: 0, unknown: 'an httpGet call, whose length the manifest does not say', line };
  if (m.get(hook.node, 'tcpSocket')) return { seconds: 0, unknown: undefined, line };
  const command = m.strings(m.path(hook.node, ['exec', 'command'])?.node);
  if (!command || command.length === 0) return { seconds: 0, unknown: 'a hook the doctor cannot read', line };
  const direct = sleepSeconds(command);
  if (direct !== undefined) return { seconds: direct, unknown: undefined, line };
  const c = command.indexOf('-c');
  const quoted = `\`${command.map((w, k) => (k === c + 1 ? JSON.stringify(w) : w)).join(' ')}\``;
  if (isShellName(command[0] ?? '') && c > 0 && command[c + 1] !== undefined) {
    let seconds = 0;
    let others = false;
    let loop = false;
    for (const cmd of analyzeScript(command[c + 1] as string, { assumeShell: true }).commands) {
      const s = sleepSeconds(cmd.words.map((w) => w.text));
      // A sleep in a loop waits for something (`while killall -0 nginx; do sleep 1; done`): not a fixed length.
      if (cmd.loop) loop = true;
      else if (s !== undefined) seconds += s;
      else others = true;
    }
    const unknown = loop
      ? `${quoted}, which waits in a loop until what it waits for is done (the app stopping, a drain) rather than for a fixed time`
      : others
        ? `${quoted}, whose length the manifest does not say`
        : undefined;
    return { seconds, unknown, line };
  }
  return { seconds: 0, unknown: `${quoted}, whose length the manifest does not say`, line };
}

interface EnvEntry {
  value: string;
  line: number;
}

function readEnv(m: Manifest, container: unknown): Map<string, EnvEntry> {
  const env = new Map<string, EnvEntry>();
  const list = m.get(container, 'env')?.node;
  if (!isSeq(list)) return env;
  for (const item of list.items) {
    const name = m.string(item, 'name');
    const value = m.string(item, 'value');
    if (name !== undefined && value !== undefined) env.set(name, { value, line: m.lineOf(item as Node) });
  }
  return env;
}

function seconds(ms: number): string {
  const s = ms / 1000;
  return `${Number.isInteger(s) ? s : s.toFixed(1)} s`;
}

function checkContainer(
  m: Manifest,
  container: unknown,
  pod: { grace: number; graceLine: number | undefined; graceAt: Located | undefined; containersAt: Located | undefined; kind: string; name: string },
  add: Add,
): void {
  const containerLine = m.lineOf(container as Node);
  const cname = m.string(container, 'name') ?? '?';
  const where = `${pod.kind} ${pod.name}, container ${cname}`;
  const env = readEnv(m, container);
  const commandAt = m.get(container, 'command');
  const argsAt = m.get(container, 'args');
  const command = m.strings(commandAt?.node) ?? [];
  const args = m.strings(argsAt?.node) ?? [];

  // usher's budgets: its flags in command/args, else its environment variables.
  const envMap = new Map([...env].map(([k, v]) => [k, v.value]));
  let argv = [...command, ...args];
  if (command.length === 0 && args[0]?.startsWith('-')) argv = ['usher', ...args]; // options for the image's usher ENTRYPOINT
  const initAt = argv.findIndex((_, i) => readInit(argv.slice(i), envMap) !== undefined);
  const init = initAt >= 0 ? readInit(argv.slice(initAt), envMap) : undefined;
  let stopDelayMs = init?.stopDelayMs;
  let stopTimeoutMs = init?.stopTimeoutMs;
  if (!init) {
    const d = env.get('USHER_STOP_DELAY');
    const t = env.get('USHER_STOP_TIMEOUT');
    if (d) stopDelayMs = parseDurationMs(d.value);
    if (t) stopTimeoutMs = parseDurationMs(t.value);
  }
  const budgetEnv = env.get('USHER_SHUTDOWN_BUDGET_MS');
  const budgetMs = budgetEnv && /^\d+(\.\d+)?$/.test(budgetEnv.value.trim()) ? Number(budgetEnv.value) : undefined;
  const preStop = readPreStop(m, container);
  const delayMs = stopDelayMs ?? 0;
  const preStopMs = (preStop?.seconds ?? 0) * 1000;
  const graceMs = pod.grace * 1000;
  const graceText = `terminationGracePeriodSeconds ${pod.grace}${pod.graceLine === undefined ? ' (the default)' : ''}`;
  const line = pod.graceLine ?? containerLine;
  const onCommandLine = (name: string): boolean => argv.some((w) => w === `--${name}` || w.startsWith(`--${name}=`));
  const flag = (name: string, ms: number): string =>
    `${onCommandLine(name) ? `--${name}` : `USHER_${name.toUpperCase().replace('-', '_')}`} ${seconds(ms)}`;

  if (preStop?.unknown) {
    add(
      'prestop-duration-unknown',
      'info',
      `${where}: the preStop hook runs ${preStop.unknown}; it counts against the ${graceText}, so only what remains after it is left for the stop.`,
      'lifecycle: {preStop: {sleep: {seconds: 5}}}   # a known length; or usher --stop-delay 5 instead of a hook',
      preStop.line,
    );
  }

  // The nested budgets, from the start of preStop.
  const parts: string[] = [];
  if (preStop && preStop.seconds > 0) parts.push(`preStop sleep ${seconds(preStopMs)}`);
  if (delayMs > 0) parts.push(flag('stop-delay', delayMs));
  let innerMs: number | undefined;
  if (stopTimeoutMs !== undefined) {
    parts.push(flag('stop-timeout', stopTimeoutMs));
    innerMs = stopTimeoutMs;
  } else if (budgetMs !== undefined) {
    parts.push(`USHER_SHUTDOWN_BUDGET_MS ${seconds(budgetMs)}`);
    innerMs = budgetMs;
  }
  const totalMs = preStopMs + delayMs + (innerMs ?? 0);
  if (parts.length > 0 && totalMs >= graceMs) {
    const total = Number.isFinite(totalMs) ? seconds(totalMs) : 'forever';
    const fitGrace = Number.isFinite(totalMs) ? Math.floor(totalMs / 1000) + 1 + (innerMs === undefined ? 10 : 0) : undefined;
    add(
      'grace-budget-exceeded',
      'error',
      `${where}: ${parts.join(' + ')} = ${total}, not below the ${graceText}, which runs from the start of preStop: ` +
        `the kubelet SIGKILLs the pod at ${pod.grace} s, ` +
        (innerMs === undefined ? 'before the app has had any time to stop.' : 'before the shutdown the inner budgets allow has ended.'),
      fitGrace !== undefined ? `terminationGracePeriodSeconds: ${fitGrace}   # or shorten ${parts.length > 1 ? 'the parts' : 'it'}` : 'replace the endless preStop sleep with a bounded one',
      line,
      fitGrace === undefined
        ? undefined
        : pod.graceAt
          ? m.replaceEntry(pod.graceAt, 'terminationGracePeriodSeconds', String(fitGrace))
          : m.insertBefore(pod.containersAt, 'terminationGracePeriodSeconds', String(fitGrace)),
    );
  }

  // The app's own budget inside usher's stop timeout.
  if (budgetEnv && budgetMs !== undefined && stopTimeoutMs !== undefined && budgetMs >= stopTimeoutMs) {
    add(
      'app-deadline-exceeds-stop-timeout',
      'warning',
      `${where}: USHER_SHUTDOWN_BUDGET_MS ${budgetMs} asks for ${seconds(budgetMs)}, not below ${flag('stop-timeout', stopTimeoutMs)}: ` +
        `usher SIGKILLs at ${seconds(stopTimeoutMs)}, and it replaces the variable with ${stopTimeoutMs} for the command, so this setting has no effect.`,
      `remove USHER_SHUTDOWN_BUDGET_MS (usher sets it from --stop-timeout), or --stop-timeout ${Math.ceil(budgetMs / 1000) + 1}`,
      budgetEnv.line,
    );
  }

  // A stop delay (or a preStop sleep) keeps the pod serving while it is taken
  // out of the endpoints: without a readiness probe nothing takes it out early.
  if ((delayMs > 0 || preStopMs > 0) && !m.get(container, 'readinessProbe')) {
    const what = delayMs > 0 ? flag('stop-delay', delayMs) : `a preStop sleep of ${seconds(preStopMs)}`;
    add(
      'no-readiness-probe',
      'warning',
      `${where} has ${what}, to keep serving while the pod leaves the Service endpoints, but no readinessProbe: ` +
        'the pod is put in the endpoints before it is ready, and nothing tells the balancers when the app stops being ready during the shutdown.',
      'readinessProbe: {httpGet: {path: /ready, port: 9000}, periodSeconds: 2, failureThreshold: 1}',
      containerLine,
    );
  }

  // What runs as PID 1, when the manifest says so.
  if (command.length > 0 && commandAt) {
    const image = m.string(container, 'image');
    // The script of `sh -c` is rewritten where it is written: in command, or in args.
    const rewrite = (index: number, text: string): Edit | undefined => {
      const inCommand = index < command.length;
      const list = inCommand ? [...command] : [...args];
      list[inCommand ? index : index - command.length] = text;
      return m.replaceEntry(inCommand ? commandAt : argsAt, inCommand ? 'command' : 'args', JSON.stringify(list));
    };
    checkCommand(argv, commandAt.line, where, image, rewrite, add);
  }
}

function checkCommand(
  argv: string[],
  line: number,
  where: string,
  image: string | undefined,
  rewrite: (index: number, text: string) => Edit | undefined,
  add: Add,
): void {
  let k = 0;
  while (basename(argv[k] ?? '') === 'exec' || basename(argv[k] ?? '') === 'env') k++;
  let rest = argv.slice(k);
  const init = readInit(rest, new Map());
  if (init) {
    if (init.group) {
      // The init signals the whole group: only npm in between is worth a word.
      const child = rest.slice(init.commandStart);
      if (packageManager(child)) {
        add(
          'package-manager-pid1',
          'warning',
          `${where}: \`${child.join(' ')}\` makes ${basename(child[0] as string)} the main process: ${init.name} signals the whole process group, ` +
            'so the app hears SIGTERM, but the package manager still stands between them: it runs the app through `sh -c` and reports its own exit code instead of the app\'s.',
          `command: ${JSON.stringify([...rest.slice(0, init.commandStart), 'node', 'server.js'])}   # the start script's command, run directly`,
          line,
        );
      }
      return;
    }
    rest = rest.slice(init.commandStart); // tini without -g: its child is the one signalled
  }
  const offset = argv.length - rest.length;
  const pid1 = init ? `the only process ${init.name} signals` : 'PID 1';
  if (packageManager(rest)) {
    add(
      'package-manager-pid1',
      'error',
      `${where}: \`${rest.join(' ')}\` makes ${basename(rest[0] as string)} ${pid1}: it starts the app through \`sh -c\` as a grandchild, does not reliably pass SIGTERM on, and reports its own exit code instead of the app's.`,
      'command: ["usher", "--", "node", "server.js"]   # the start script\'s command, run directly',
      line,
    );
    return;
  }
  const shell = rest[0];
  if (shell && !init && isInterpreter(shell)) {
    add(
      'signal-handler-unknown',
      'info',
      `${where}: PID 1 is \`${rest.join(' ')}\`, an interpreter running an app: whether the app handles SIGTERM no file shows, and as PID 1 ` +
        'a signal without a handler is dropped by the kernel (the pod is then SIGKILLed at the end of the grace period). A run of the image tells.',
      'usher doctor --image IMAGE   # runs the image and stops it; or command: ["usher", "--", ...], which makes the app stop on SIGTERM even without a handler',
      line,
    );
    return;
  }
  if (!shell || !isShellName(shell)) return;
  const c = rest.findIndex((w, i) => i > 0 && /^-[a-z]*c[a-z]*$/.test(w));
  const script = c > 0 ? rest[c + 1] : undefined;
  if (script === undefined) return;
  const analysis = analyzeScript(script, { assumeShell: true });
  const main = analysis.main;
  if (!main || analysis.execs) return;
  if (handledSignals(analysis.traps).has('TERM') && main.end === '&' && analysis.waits) return; // traps and waits: handles it
  const name = basename(shell);
  // /bin/sh is dash on Debian-based images, BusyBox ash on Alpine: from the image's name when it says.
  const flavour: ShellFlavour | undefined =
    name === 'bash' ? 'bash' : name === 'ash' || name === 'busybox' ? 'busybox' : name === 'dash' ? 'dash' : image !== undefined ? imageShell(image) : undefined;
  // bash (5.1+) and BusyBox ash exec the last command of `-c` themselves; dash never does.
  const execsLast = flavour !== undefined && shellExecsLastCommand(analysis, flavour);
  const mainText = analysis.pipeline.map((p) => p.words.map((w) => w.raw).join(' ')).join(' | ');
  // A keep-alive (tail -f, sleep infinity) has no SIGTERM handler: exec'd as PID 1 it ignores
  // SIGTERM too; a trap that exits, around a wait the trap can interrupt, stops at once.
  const keepAlive = isKeepAlive(main) && analysis.pipeline.length === 1;
  const fixed = keepAlive ? `trap 'exit 0' TERM; ${main.words.map((w) => w.raw).join(' ')} & wait` : withExec(script);
  const edit = fixed !== undefined ? rewrite(offset + c + 1, fixed) : undefined;
  const fix =
    fixed !== undefined
      ? `command: ${JSON.stringify([...rest.slice(0, c + 1), fixed])}`
      : `command: ["usher", "--", ${JSON.stringify(shell)}, "-c", ...]   # usher signals the whole process group`;
  const shellCall = `${rest.slice(0, c + 1).join(' ')} "${script}"`;
  if (flavour === undefined && shellExecsLastCommand(analysis, 'busybox')) {
    add(
      'shell-pid1',
      'warning',
      `${where}: \`${shellCall}\` runs \`${mainText}\` without exec, and what that does depends on the image's /bin/sh, which the manifest ` +
        `does not show${image ? ` (image ${image})` : ''}: dash (Debian, Ubuntu and the images built on them) keeps the shell as ${pid1} and runs the app as its child, ` +
        'so SIGTERM never reaches it and the pod is SIGKILLed at the end of the grace period; BusyBox (Alpine) and bash replace the shell with a last simple command' +
        (keepAlive ? `, which then is PID 1: \`${mainText}\` has no SIGTERM handler, so it ignores SIGTERM as well. A trap that exits does not depend on the shell.` : '. Say exec to not depend on it.'),
      fix,
      line,
      edit,
    );
    return;
  }
  if (execsLast) {
    add(
      'shell-pid1',
      'warning',
      `${where}: \`${shellCall}\` keeps the shell as ${pid1} until \`${mainText}\`: ${name} replaces itself with the last command ` +
        '(bash 5.1 and later, BusyBox ash), older bash does not, and a SIGTERM before it is lost. Say exec to not depend on it.',
      fix,
      line,
      edit,
    );
    return;
  }
  add(
    'shell-pid1',
    'error',
    `${where}: \`${shellCall}\` makes the shell ${pid1}, running \`${mainText}\` as its child` +
      `${flavour === 'dash' && name !== 'dash' ? ` (the image's sh${image ? `, ${image},` : ''} is dash, which does not exec the last command of -c)` : ''}: ` +
      'the shell does not pass SIGTERM on, so the app is SIGKILLed at the end of the grace period.',
    fix,
    line,
    edit,
  );
}

/**
 * Checks a Kubernetes manifest (one or more YAML documents) for shutdown
 * budgets that do not nest and for a shell as PID 1. Throws, with the reason,
 * when the file cannot be read, is not valid YAML, or holds no Kubernetes object.
 */
export async function checkKubernetes(path: string): Promise<Finding[]> {
  const text = await readInput(path, 'manifest');
  const lines = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: false });
  if (!Array.isArray(documents)) throw new Error(`${path} is not a Kubernetes manifest: it is empty`);
  const m = new Manifest(lines, path, text);
  const findings: Finding[] = [];
  let objects = 0;

  const visit = (object: Node | null, docIndex: number): void => {
    // An empty document (`---` twice, a trailing `---`, only comments): kubectl skips it.
    if (object === null || (isScalar(object) && object.value === null)) return;
    const at = m.lineOf(object);
    if (!isMap(object)) throw new Error(`${path}:${at}: document ${docIndex + 1} is not a Kubernetes object (a mapping with apiVersion and kind)`);
    const kind = m.string(object, 'kind');
    const apiVersion = m.string(object, 'apiVersion');
    if (!kind || !apiVersion) throw new Error(`${path}:${at}: document ${docIndex + 1} is not a Kubernetes object: it has no ${kind ? 'apiVersion' : 'kind'}`);
    objects++;
    if (kind.endsWith('List')) {
      const items = m.get(object, 'items')?.node;
      if (isSeq(items)) for (const item of items.items) visit(item as Node, docIndex);
      return;
    }
    const specPath = POD_SPEC_PATHS[kind];
    if (!specPath) return;
    const spec = m.path(object, specPath);
    if (!spec || !isMap(spec.node)) return;
    const name = m.string(m.get(object, 'metadata')?.node, 'name') ?? '(unnamed)';
    const graceAt = m.get(spec.node, 'terminationGracePeriodSeconds');
    const graceValue = isScalar(graceAt?.node) ? Number(graceAt.node.value) : NaN;
    const pod = {
      grace: graceAt && Number.isFinite(graceValue) ? graceValue : DEFAULT_GRACE_SECONDS,
      graceLine: graceAt && Number.isFinite(graceValue) ? graceAt.line : undefined,
      graceAt: graceAt && Number.isFinite(graceValue) ? graceAt : undefined,
      containersAt: m.get(spec.node, 'containers'),
      kind,
      name,
    };
    const containers = m.get(spec.node, 'containers')?.node;
    if (!isSeq(containers)) return;
    for (const container of containers.items) {
      checkContainer(m, container, pod, (id, severity, message, fix, line, edit) => findings.push({ id, severity, message, fix, file: path, line, ...(edit ? { edit } : {}) }));
    }
  };

  documents.forEach((doc, index) => {
    const error = doc.errors[0];
    if (error) {
      const pos = lines.linePos(error.pos[0]);
      throw new Error(`${path}:${pos.line}: not valid YAML: ${error.message.split('\n')[0]}`);
    }
    visit(doc.contents as Node | null, index);
  });
  if (objects === 0) throw new Error(`${path} is not a Kubernetes manifest: it holds no object with apiVersion and kind`);
  return findings.sort((a, b) => (a.line ?? 0) - (b.line ?? 0));
}
