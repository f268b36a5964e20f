// `usher doctor --dockerfile PATH`: will the image's PID 1 stop gracefully?
// Read from the Dockerfile alone (and the scripts it COPYs from its build
// context): the final stage's ENTRYPOINT/CMD followed through inits, shells,
// scripts and package managers down to the app, then the stop signal and the
// health check. Nothing is built or run.
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import type { Finding, Severity } from '../types.js';
import { readInput } from './read-input.js';
import {
  DockerfileSyntaxError,
  execForm,
  parseDockerfile,
  splitFlags,
  splitWords,
  type Heredoc,
  type Instruction,
} from './dockerfile-parser.js';
import {
  analyzeScript,
  basename,
  commandWords,
  handledSignals,
  isShellName,
  shellExecsLastCommand,
  type ScriptAnalysis,
  type ScriptWord,
  type ShellFlavour,
} from './shell-script.js';
import {
  baseImageStopSignal,
  execWrapperArgs,
  NON_TERMINATING,
  packageManager,
  readInit,
  serverFor,
  signalName,
  spawnsChildren,
  type InitInfo,
} from './programs.js';

/** A word of the command line and where it was written. */
interface Word {
  text: string;
  file: string;
  line: number;
}

interface CommandInstruction {
  instruction: Instruction;
  /** The JSON array of the exec form; undefined for the shell form. */
  exec: string[] | undefined;
  /** The shell form's text. */
  shell: string;
}

interface Copy {
  sources: string[];
  dest: string;
  workdir: string;
  from: string | undefined;
  heredocs: Heredoc[];
  add: boolean;
  line: number;
}

/** The image configuration the final stage ends with, and where each part was set. */
interface ImageConfig {
  entrypoint: CommandInstruction | undefined;
  cmd: CommandInstruction | undefined;
  stopSignal: { signal: string; line: number } | undefined;
  healthcheck: { none: boolean; line: number } | undefined;
  shell: string[];
  workdir: string;
  env: Map<string, string>;
  expose: number | undefined;
  copies: Copy[];
  /** The external image at the root of the stage chain (FROM node:20 ...). */
  rootImage: string;
  /** Line of the final stage's FROM. */
  fromLine: number;
}

interface Stage {
  name: string | undefined;
  base: string;
  line: number;
  instructions: Instruction[];
}

const DEFAULT_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

function expand(text: string, vars: ReadonlyMap<string, string>): string {
  return text.replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)(?::?([-+])([^}]*))?\}|\$([A-Za-z_][A-Za-z0-9_]*)/g, (all, braced, op, word, bare) => {
    const name = (braced ?? bare) as string;
    const value = vars.get(name);
    if (op === '-') return value ? value : (word as string);
    if (op === '+') return value ? (word as string) : '';
    return value ?? all;
  });
}

function splitStages(instructions: Instruction[]): { stages: Stage[]; globalArgs: Map<string, string> } {
  const stages: Stage[] = [];
  const globalArgs = new Map<string, string>();
  for (const ins of instructions) {
    if (ins.keyword === 'FROM') {
      const { rest } = splitFlags(ins.args);
      const words = splitWords(rest);
      const base = expand(words[0] ?? '', globalArgs);
      const name = words[1]?.toUpperCase() === 'AS' ? words[2] : undefined;
      stages.push({ name: name?.toLowerCase(), base, line: ins.line, instructions: [] });
    } else if (stages.length === 0) {
      if (ins.keyword === 'ARG') {
        for (const w of splitWords(ins.args)) {
          const eq = w.indexOf('=');
          if (eq > 0) globalArgs.set(w.slice(0, eq), w.slice(eq + 1));
        }
      }
    } else {
      (stages[stages.length - 1] as Stage).instructions.push(ins);
    }
  }
  return { stages, globalArgs };
}

function commandInstruction(ins: Instruction): CommandInstruction {
  return { instruction: ins, exec: execForm(ins.args), shell: ins.args };
}

function parseEnv(args: string, escape: string): [string, string][] {
  const words = splitWords(args, escape);
  if (words.length === 0) return [];
  if (!(words[0] as string).includes('=')) {
    const m = /^\s*(\S+)\s+([\s\S]*)$/.exec(args);
    return m ? [[m[1] as string, splitWords(m[2] as string, escape).join(' ')]] : [];
  }
  return words.map((w) => {
    const eq = w.indexOf('=');
    return [w.slice(0, eq), w.slice(eq + 1)] as [string, string];
  });
}

/** The configuration of stage `index`, its parent stages applied first. */
function configOf(stages: Stage[], index: number, escape: string, globalArgs: Map<string, string>, seen = new Set<number>()): ImageConfig {
  const stage = stages[index] as Stage;
  seen.add(index);
  const parentIndex = stages.findIndex((s, k) => k < index && s.name !== undefined && s.name === stage.base.toLowerCase());
  const config: ImageConfig =
    parentIndex >= 0 && !seen.has(parentIndex)
      ? structuredCloneConfig(configOf(stages, parentIndex, escape, globalArgs, seen))
      : {
          entrypoint: undefined,
          cmd: undefined,
          stopSignal: undefined,
          healthcheck: undefined,
          shell: ['/bin/sh', '-c'],
          workdir: '/',
          env: new Map(),
          expose: undefined,
          copies: [],
          rootImage: stage.base,
          fromLine: stage.line,
        };
  config.fromLine = stage.line;
  // PATH is in every base image's environment: ENV PATH=/x:$PATH extends it.
  const vars = new Map([['PATH', DEFAULT_PATH], ...globalArgs, ...config.env]);
  let cmdSetHere = false;
  for (const ins of stage.instructions) {
    switch (ins.keyword) {
      case 'ENTRYPOINT':
        config.entrypoint = commandInstruction(ins);
        // As in Docker: an ENTRYPOINT resets a CMD inherited from the base.
        if (!cmdSetHere) config.cmd = undefined;
        break;
      case 'CMD':
        config.cmd = commandInstruction(ins);
        cmdSetHere = true;
        break;
      case 'STOPSIGNAL':
        config.stopSignal = { signal: signalName(expand(ins.args.trim(), vars)), line: ins.line };
        break;
      case 'HEALTHCHECK': {
        const { rest } = splitFlags(ins.args);
        config.healthcheck = { none: rest.trim().toUpperCase() === 'NONE', line: ins.line };
        break;
      }
      case 'SHELL': {
        const shell = execForm(ins.args);
        if (shell && shell.length > 0) config.shell = shell;
        break;
      }
      case 'WORKDIR':
        config.workdir = posix.resolve(config.workdir, expand(ins.args.trim(), vars));
        break;
      case 'ENV':
        for (const [k, v] of parseEnv(ins.args, escape)) {
          const value = expand(v, vars);
          config.env.set(k, value);
          vars.set(k, value);
        }
        break;
      case 'ARG':
        for (const w of splitWords(ins.args, escape)) {
          const eq = w.indexOf('=');
          if (eq > 0) vars.set(w.slice(0, eq), w.slice(eq + 1));
        }
        break;
      case 'EXPOSE':
        config.expose ??= ins.line;
        break;
      case 'COPY':
      case 'ADD': {
        const { flags, rest } = splitFlags(ins.args);
        const words = execForm(rest) ?? splitWords(rest, escape);
        if (words.length < 2) break;
        config.copies.push({
          sources: words.slice(0, -1).map((w) => expand(w, vars)),
          dest: expand(words[words.length - 1] as string, vars),
          workdir: config.workdir,
          from: flags.get('from'),
          heredocs: ins.heredocs,
          add: ins.keyword === 'ADD',
          line: ins.line,
        });
        break;
      }
    }
  }
  return config;
}

function structuredCloneConfig(c: ImageConfig): ImageConfig {
  return { ...c, env: new Map(c.env), copies: [...c.copies], shell: [...c.shell] };
}

const GLOB = /[*?[]/;

function globToRegExp(glob: string): RegExp {
  const body = glob.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '[^/]*').replace(/\?/g, '[^/]');
  return new RegExp(`^${body}$`);
}

interface FoundFile {
  /** The script's name in the image. */
  name: string;
  text: string;
  /** The file as the user should see it (relative to the Dockerfile's directory as given). */
  file: string;
  /** Line in `file` where `text` starts. */
  firstLine: number;
}

/** Finds the build-context file (or heredoc) that a COPY/ADD put at `target` in the image. */
class BuildContext {
  constructor(
    private readonly dir: string,
    private readonly shownDir: string,
    private readonly dockerfileShown: string,
  ) {}

  async find(target: string, copies: readonly Copy[]): Promise<FoundFile | undefined> {
    for (let k = copies.length - 1; k >= 0; k--) {
      const copy = copies[k] as Copy;
      const found = await this.fromCopy(target, copy);
      if (found === null) return undefined; // put there by a copy we cannot read (another stage, a URL)
      if (found) return found;
    }
    return undefined;
  }

  /** The file, null when `copy` puts `target` there from elsewhere, undefined when it does not. */
  private async fromCopy(target: string, copy: Copy): Promise<FoundFile | null | undefined> {
    const destIsDir = copy.dest.endsWith('/') || copy.sources.length > 1 || copy.sources.some((s) => GLOB.test(s));
    const dest = posix.resolve(copy.workdir, copy.dest);
    for (const src of copy.sources) {
      const heredoc = /^<<-?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?$/.exec(src);
      if (heredoc) {
        const doc = copy.heredocs.find((h) => h.name === heredoc[1]);
        const at = destIsDir ? posix.join(dest, heredoc[1] as string) : dest;
        if (doc && at === target) return { name: posix.basename(target), text: doc.content, file: this.dockerfileShown, firstLine: doc.line };
        continue;
      }
      const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(src) || src.startsWith('git@');
      if (copy.from !== undefined || remote) {
        const name = posix.basename(src);
        if (target === dest || target === posix.join(dest, name) || target.startsWith(`${dest}/`)) return null;
        continue;
      }
      for (const entry of await this.expand(src)) {
        const abs = resolve(this.dir, entry);
        if (abs !== this.dir && !abs.startsWith(this.dir + sep)) continue; // outside the context
        const info = await stat(abs).catch(() => undefined);
        if (!info) continue;
        if (info.isFile()) {
          if (copy.add && /\.(tar|tgz|tar\.(gz|bz2|xz|zst))$/.test(entry)) continue; // ADD unpacks archives
          const name = posix.basename(entry);
          if (target === posix.join(dest, name) || (!destIsDir && target === dest)) return this.read(abs, target);
        } else if (info.isDirectory() && target.startsWith(dest === '/' ? '/' : `${dest}/`)) {
          const inside = join(abs, ...target.slice(dest.length).split('/').filter(Boolean));
          const file = await stat(inside).catch(() => undefined);
          if (file?.isFile()) return this.read(inside, target);
        }
      }
    }
    return undefined;
  }

  private async expand(src: string): Promise<string[]> {
    const clean = src.replace(/^\.\//, '');
    if (!GLOB.test(clean)) return [clean];
    const dir = posix.dirname(clean);
    if (GLOB.test(dir)) return [];
    const pattern = globToRegExp(posix.basename(clean));
    const names = await readdir(join(this.dir, dir)).catch(() => [] as string[]);
    return names.filter((n) => pattern.test(n)).map((n) => posix.join(dir, n));
  }

  private async read(abs: string, target: string): Promise<FoundFile> {
    const text = await readFile(abs, 'utf8');
    return { name: posix.basename(target), text, file: join(this.shownDir, relative(this.dir, abs)), firstLine: 1 };
  }
}

/** How the stop signal reaches a process. */
type Reach =
  | 'pid1' // it is PID 1: it gets the signal, and the kernel drops it unless handled
  | 'child' // the direct child of an init that forwards to the child only
  | 'group' // an init signals the whole process group: it gets the signal itself
  | 'none'; // nobody passes the signal on to it

/** Which kind of shell `/bin/sh` is in an image, guessed from the base image. */
function shellFlavour(shellWord: string, image: string): ShellFlavour {
  const b = basename(shellWord);
  if (b === 'bash') return 'bash';
  if (b === 'dash') return 'dash';
  if (b === 'ash' || b === 'busybox') return 'busybox';
  if (/alpine|busybox/i.test(image)) return 'busybox';
  if (/(^|\/)(ubi\d*|ubi-\w+|centos|fedora|rhel\w*|rockylinux|almalinux|amazonlinux|oraclelinux)(:|@|$|\/|-)/i.test(image)) return 'bash';
  return 'dash';
}

interface Analysis {
  findings: Finding[];
  init: (InitInfo & { line: number }) | undefined;
  /** What PID 1 turned out to be, once execs are followed. */
  pid1: { kind: 'shell' | 'package-manager' | 'spawner' | 'app'; label: string; line: number } | undefined;
  /** The app and the signal it receives (after rewrites), when it receives one. */
  app: { argv: string[]; signal: string; reach: Reach; line: number } | undefined;
  /** The stop signal was found unhandled by a script's traps (already reported). */
  stopSignalReported: boolean;
}

class DockerfileCheck {
  readonly analysis: Analysis = { findings: [], init: undefined, pid1: undefined, app: undefined, stopSignalReported: false };

  constructor(
    private readonly file: string,
    private readonly config: ImageConfig,
    private readonly context: BuildContext,
    private readonly stopSignal: string,
  ) {}

  /** The ENTRYPOINT or CMD written in the shell form, if one is part of the command. */
  private shellForm: CommandInstruction | undefined;

  private add(id: string, severity: Severity, message: string, fix: string, file: string, line: number): void {
    this.analysis.findings.push({ id, severity, message, fix, file, line });
  }

  private setPid1(reach: Reach, kind: 'shell' | 'package-manager' | 'spawner' | 'app', label: string, line: number): void {
    if (reach === 'pid1' && !this.analysis.pid1) this.analysis.pid1 = { kind, label, line };
  }

  private get imageCommandLine(): number {
    const { entrypoint, cmd } = this.config;
    const effective = entrypoint && !(entrypoint.exec && entrypoint.exec.length === 0) ? entrypoint : cmd;
    return effective?.instruction.line ?? this.config.fromLine;
  }

  /** The ENTRYPOINT and CMD as Docker combines them, each word with its line. */
  effectiveCommand(): { words: Word[]; shellForm: CommandInstruction | undefined } {
    const { entrypoint, cmd, shell } = this.config;
    const wordsOf = (c: CommandInstruction): Word[] =>
      (c.exec ?? [...shell, c.shell]).map((text) => ({ text, file: this.file, line: c.instruction.line }));
    if (entrypoint) {
      if (!entrypoint.exec) return { words: wordsOf(entrypoint), shellForm: entrypoint };
      return { words: [...wordsOf(entrypoint), ...(cmd ? wordsOf(cmd) : [])], shellForm: cmd && !cmd.exec ? cmd : undefined };
    }
    if (cmd) return { words: wordsOf(cmd), shellForm: cmd.exec ? undefined : cmd };
    return { words: [], shellForm: undefined };
  }

  async run(): Promise<Analysis> {
    const { words, shellForm } = this.effectiveCommand();
    this.shellForm = shellForm;
    await this.follow(words, 'pid1', this.stopSignal, 0);
    this.checkShellFormEntrypointIgnoresCmd();
    this.checkInit();
    this.checkStopSignal();
    this.checkHealthcheck();
    return this.analysis;
  }

  private async follow(argv: Word[], reach: Reach, signal: string, depth: number): Promise<void> {
    if (depth > 10 || argv.length === 0) return;
    const texts = argv.map((w) => w.text);
    const first = argv[0] as Word;

    const skip = execWrapperArgs(texts);
    if (skip !== undefined) return this.follow(argv.slice(skip), reach, signal, depth + 1);

    const init = readInit(texts, this.config.env);
    if (init) {
      this.analysis.init ??= { ...init, line: first.line };
      const rewritten = init.rewrites.get(signal) ?? signal;
      if (init.name === 'supervisor') return;
      return this.follow(argv.slice(init.commandStart), init.group ? 'group' : 'child', rewritten, depth + 1);
    }

    if (isShellName(first.text)) return this.followShell(argv, reach, signal, depth);

    const pm = packageManager(texts);
    if (pm) {
      this.setPid1(reach, 'package-manager', pm, first.line);
      this.checkPackageManager(argv, reach);
      return;
    }

    const script = await this.findScript(first.text);
    if (script) {
      const analysis = analyzeScript(script.text, { firstLine: script.firstLine, assumeShell: first.text.endsWith('.sh') });
      if (analysis.isShell) {
        return this.followScript(analysis, script, first, argv.slice(1), reach, signal, undefined, depth);
      }
    } else if (/\.(sh|bash)$/.test(first.text)) {
      return; // a script from the base image or made by RUN: cannot tell what it does
    }

    const spawner = spawnsChildren(texts);
    this.setPid1(reach, spawner ? 'spawner' : 'app', basename(first.text), first.line);
    if (reach !== 'none') this.analysis.app ??= { argv: texts, signal, reach, line: first.line };
  }

  private async followShell(argv: Word[], reach: Reach, signal: string, depth: number): Promise<void> {
    const shell = argv[0] as Word;
    let k = 1;
    let commandString: Word | undefined;
    for (; k < argv.length; k++) {
      const a = (argv[k] as Word).text;
      if (a === '--') {
        k++;
        break;
      }
      if (!a.startsWith('-') && !a.startsWith('+')) break;
      if (a.startsWith('-') && !a.startsWith('--') && a.includes('c')) {
        commandString = argv[k + 1];
        k += 2;
        break;
      }
      if (a === '-o' || a === '+o') k++;
    }
    if (commandString) {
      // sh -c STRING [$0 [args...]]: "$@" is what follows $0.
      const analysis = analyzeScript(commandString.text, { firstLine: commandString.line, assumeShell: true });
      const sf = this.shellForm;
      const shellForm = sf && commandString.file === this.file && commandString.line === sf.instruction.line && commandString.text === sf.shell ? sf : undefined;
      return this.followScript(analysis, { name: basename(shell.text), file: commandString.file, text: commandString.text, firstLine: commandString.line }, shell, argv.slice(k + 1), reach, signal, { shellForm, text: commandString }, depth);
    }
    const scriptWord = argv[k];
    if (!scriptWord) return; // an interactive shell: a tool image, not a service
    const script = await this.findScript(scriptWord.text, true);
    if (!script) {
      this.setPid1(reach, 'shell', basename(scriptWord.text), shell.line);
      return;
    }
    const analysis = analyzeScript(script.text, { firstLine: script.firstLine, assumeShell: true });
    analysis.isShell = true;
    return this.followScript(analysis, script, scriptWord, argv.slice(k + 1), reach, signal, undefined, depth);
  }

  /**
   * A shell running a script (a file, or the string of `sh -c`): if it ends
   * in `exec`, follow what it execs; otherwise the shell stays, and whoever
   * is meant to hear the stop signal must get it from the shell.
   */
  private async followScript(
    analysis: ScriptAnalysis,
    script: FoundFile,
    started: Word,
    args: Word[],
    reach: Reach,
    signal: string,
    inline: { shellForm: CommandInstruction | undefined; text: Word } | undefined,
    depth: number,
  ): Promise<void> {
    const file = script.file;
    const lineIn = (line: number): number => (inline ? inline.text.line : line);
    const main = analysis.main;
    const wordsOf = (ws: ScriptWord[], line: number): Word[] =>
      ws.flatMap((w) => (/^"?\$(\{@\}|@|\*)"?$/.test(w.raw) ? args : [{ text: w.text, file, line: lineIn(line) }]));

    const simple = main !== undefined && analysis.commands.length === 1 && main.end !== '&' && main.end !== '|';
    const flavour = shellFlavour(started.text, this.config.rootImage);
    // `sh -c STRING`: bash and BusyBox ash replace themselves with the last
    // command; Debian's dash forks it and stays. A script file never does.
    const shellExecs = inline !== undefined && shellExecsLastCommand(analysis, flavour);

    if (inline?.shellForm) this.checkShellForm(inline.shellForm, analysis, reach, simple, shellExecs, flavour);

    if (main && (analysis.execs || shellExecs)) {
      const target = wordsOf(analysis.execs ? analysis.execWords : main.words, main.line);
      if (target.length === 0 || target[0]?.text.includes('$')) return; // a variable: cannot tell what runs
      return this.follow(target, reach, signal, depth + 1);
    }

    const label = inline ? `${basename(started.text)} -c` : script.name;
    const handled = handledSignals(analysis.traps);
    // A script that traps the signal and waits for its background app passes
    // the signal on itself (the article's multi-process pattern).
    const forwards = main !== undefined && handled.has(signal) && main.end === '&' && analysis.waits;
    this.setPid1(reach, forwards ? 'app' : 'shell', label, started.line);
    if (!main) return;
    const pipeline = analysis.pipeline.length > 1;
    const mainText = analysis.pipeline.map((c) => c.words.map((w) => w.raw).join(' ')).join(' | ');
    const where = inline ? `${file}:${inline.text.line}` : `${file}:${main.line}`;
    const scriptName = inline ? `\`${basename(started.text)} -c\`` : script.name;
    if (reach === 'pid1' || reach === 'child') {
      const who = reach === 'pid1' ? 'PID 1' : `the direct child of ${this.analysis.init?.name ?? 'the init'}, which signals only its child`;
      const initFix =
        reach === 'child' && this.analysis.init?.name === 'tini'
          ? 'ENTRYPOINT ["tini", "-g", "--"]   # tini signals the whole process group'
          : reach === 'child'
            ? `drop ${this.analysis.init?.name ?? 'the init'}'s single-child option, or ENTRYPOINT ["usher", "--"]`
            : 'ENTRYPOINT ["usher", "--"]   # usher signals the whole process group';
      let fix = pipeline ? initFix : `exec ${mainText.replace(/\s*&$/, '')}   # at ${where}; or ${initFix}`;
      if (inline && !pipeline && main.end !== '&' && analysis.commands.at(-1) === main) {
        // `["sh", "-c", "..."]` in the Dockerfile: the fixed instruction itself.
        const text = inline.text.text;
        const at = text.lastIndexOf((main.words[0] as ScriptWord).raw);
        const keyword = this.config.cmd?.instruction.line === inline.text.line ? 'CMD' : 'ENTRYPOINT';
        const shellArgs = [started.text, '-c'];
        fix = `${keyword} ${JSON.stringify([...shellArgs, `${text.slice(0, at)}exec ${text.slice(at)}`])}`;
      }
      if (!handled.has(signal)) {
        if (handled.size > 0) {
          this.analysis.stopSignalReported = true;
          const trapLine = analysis.traps.filter((t) => t.action === 'handle').at(-1)?.line ?? main.line;
          const stop = this.config.stopSignal;
          this.add(
            'stopsignal-mismatch',
            'error',
            `The stop signal is SIG${signal}, but ${scriptName} (${who}) traps only ${[...handled].map((s) => `SIG${s}`).join(', ')}: ` +
              `SIG${signal} is never handled and \`${mainText}\` is SIGKILLed at the deadline.`,
            stop ? `STOPSIGNAL SIG${[...handled][0]}` : `trap 'stop' ${signal}   # in ${scriptName}, with the other traps`,
            stop ? this.file : file,
            stop ? stop.line : lineIn(trapLine),
          );
        } else if (!inline?.shellForm) {
          this.add(
            'script-without-exec',
            'error',
            `${scriptName} is ${who}${inline ? '' : ` (started at ${this.file}:${started.line})`} and runs \`${mainText}\` ` +
              (inline && flavour === 'dash' ? "(Debian's /bin/sh, dash, does not exec the last command of -c; bash and BusyBox do) " : '') +
              `as its child${main.end === '&' ? ' in the background' : ''}, without exec and without a trap: the shell does not pass ` +
              `SIG${signal} on, so the app never hears it and is SIGKILLed at the deadline.`,
            fix,
            inline ? this.file : file,
            lineIn((analysis.pipeline[0] ?? main).line),
          );
        }
      } else if (main.end !== '&') {
        this.add(
          'trap-without-wait',
          'error',
          `${scriptName} traps SIG${signal} but runs \`${mainText}\` in the foreground: a shell runs a trap only after the ` +
            `foreground command ends, so the handler waits for the app, which never gets the signal and is SIGKILLed at the deadline.`,
          `${mainText} & wait $!   # at ${where}: the trap runs as soon as SIG${signal} arrives`,
          inline ? this.file : file,
          lineIn(main.line),
        );
      }
    }
    // What the shell runs as its child: npm there is still the main process.
    const first = analysis.pipeline[0] ?? main;
    const childWords = wordsOf(commandWords(first.words), first.line);
    if (childWords[0] && !childWords[0].text.includes('$') && packageManager(childWords.map((w) => w.text))) {
      this.checkPackageManager(childWords, reach === 'group' ? 'group' : 'none');
    }
  }

  private checkShellForm(instr: CommandInstruction, analysis: ScriptAnalysis, reach: Reach, simple: boolean, shellExecs: boolean, flavour: ShellFlavour): void {
    const kw = instr.instruction.keyword;
    const id = kw === 'ENTRYPOINT' ? 'shell-form-entrypoint' : 'shell-form-cmd';
    const text = instr.shell.trim();
    const execArray = JSON.stringify(splitWords(text.replace(/^exec\s+/, '')));
    const looksLikeJson = text.startsWith('[');
    let fix = `${kw} ${looksLikeJson ? text.replace(/'/g, '"') : execArray}`;
    const main = analysis.main;
    if (!looksLikeJson && !simple && main && main.end !== '&' && analysis.pipeline.length === 1) {
      // Keep the shell for the commands before, but let the last one replace it.
      const at = text.lastIndexOf((main.words[0] as ScriptWord).raw);
      const withExec = `${text.slice(0, at)}exec ${text.slice(at)}`.replace(/\s+/g, ' ');
      fix = `${kw} ${JSON.stringify([...this.config.shell, withExec])}`;
    } else if (!looksLikeJson && !simple) {
      fix = `ENTRYPOINT ["usher", "--"]   # usher signals the whole process group`;
    }
    const bad = looksLikeJson ? ' (it starts with [ but is not valid JSON, e.g. single quotes, so Docker treats it as the shell form)' : '';
    const ignored = kw === 'ENTRYPOINT' && this.config.cmd ? `; and CMD (line ${this.config.cmd.instruction.line}) is ignored, as are \`docker run\` arguments` : '';
    if (analysis.execs && !looksLikeJson) return; // `CMD exec node server.js`: the shell replaces itself
    let severity: Severity;
    let consequence: string;
    if (reach === 'group') {
      severity = 'info';
      consequence = `the ${this.analysis.init?.name ?? 'init'} signals the whole process group, so the app still hears the stop signal, but an extra shell runs`;
    } else if (shellExecs) {
      severity = 'warning';
      consequence = `${basename(this.config.shell[0] ?? 'sh') === 'sh' ? `this image's /bin/sh (${flavour})` : flavour} replaces itself with the last command, but a pipe, a \`&\`, a trap or a command added after it leaves the shell as ${reach === 'pid1' ? 'PID 1' : "the init's child"}, which passes no signal on`;
    } else {
      severity = 'error';
      const shellName = flavour === 'dash' ? '/bin/sh (dash in Debian-based images)' : 'the shell';
      consequence = `${shellName} stays ${reach === 'pid1' ? 'PID 1' : "the init's child"} and runs ${simple ? 'the app' : 'the commands'} as its child${simple ? '' : 'ren'}: it does not pass SIGTERM on, so the app is SIGKILLed at the deadline`;
    }
    this.add(
      id,
      severity,
      `${kw} uses the shell form${bad}: Docker runs it as \`${this.config.shell.join(' ')} ${JSON.stringify(text)}\`; ${consequence}${ignored}.`,
      fix,
      this.file,
      instr.instruction.line,
    );
  }

  private checkShellFormEntrypointIgnoresCmd(): void {
    const { entrypoint, cmd } = this.config;
    if (entrypoint && !entrypoint.exec && cmd && !this.analysis.findings.some((f) => f.id === 'shell-form-entrypoint')) {
      this.add(
        'shell-form-entrypoint',
        'warning',
        `ENTRYPOINT uses the shell form, so Docker ignores CMD (line ${cmd.instruction.line}) and any arguments given to \`docker run\`.`,
        `ENTRYPOINT ${JSON.stringify(splitWords(entrypoint.shell.trim().replace(/^exec\s+/, '')))}`,
        this.file,
        entrypoint.instruction.line,
      );
    }
  }

  private checkPackageManager(argv: Word[], reach: Reach): void {
    const first = argv[0] as Word;
    const command = argv.map((w) => w.text).join(' ');
    const pm = basename(first.text);
    const init = this.analysis.init?.name ?? 'the init';
    const consequence =
      reach === 'group'
        ? `${init} signals the whole process group, so the app hears the stop signal, but ${pm} still stands between them: ` +
          `it runs the app through \`sh -c\` and reports its own exit code instead of the app's`
        : `${pm} runs the app through \`sh -c\` as a grandchild, does not reliably pass SIGTERM on, and reports its own exit code instead of the app's`;
    const asWhat = reach === 'pid1' ? 'PID 1' : reach === 'none' ? 'the main process, under a shell that passes no signal on' : 'the main process';
    this.add(
      'package-manager-pid1',
      reach === 'pid1' || reach === 'child' ? 'error' : 'warning',
      `\`${command}\` makes ${pm} ${asWhat}: ${consequence}.`,
      `CMD ["node", "server.js"]   # the start script's own command, run directly${this.analysis.init ? '' : ' (with ENTRYPOINT ["usher", "--"])'}`,
      first.file,
      first.line,
    );
  }

  private checkInit(): void {
    const pid1 = this.analysis.pid1;
    if (this.analysis.init || !pid1 || pid1.kind === 'app') return;
    const what =
      pid1.kind === 'shell'
        ? `a shell (${pid1.label}) that starts the app as its child`
        : pid1.kind === 'package-manager'
          ? `${pid1.label}, which starts a shell and the app as children`
          : `${pid1.label}, which starts child processes`;
    this.add(
      'no-init',
      'warning',
      `No init: PID 1 is ${what}. Nothing forwards the stop signal to the whole tree or reaps orphaned children ` +
        `(\`docker run --init\` would, but cannot be seen here, and Kubernetes has no such flag).`,
      `ENTRYPOINT ["usher", "--"]   # or ["tini", "-g", "--"], ["dumb-init", "--"]`,
      this.file,
      this.imageCommandLine,
    );
  }

  private checkStopSignal(): void {
    const { stopSignal } = this.config;
    const app = this.analysis.app;
    const signal = app?.signal ?? this.stopSignal;
    const line = stopSignal?.line ?? app?.line ?? this.imageCommandLine;
    const rewritten = signal !== this.stopSignal ? ` (SIG${this.stopSignal}, rewritten by ${this.analysis.init?.name})` : '';
    if (signal === 'KILL') {
      this.add('stopsignal-mismatch', 'warning', 'STOPSIGNAL SIGKILL leaves no chance for a graceful shutdown.', 'STOPSIGNAL SIGTERM', this.file, line);
      return;
    }
    if (!app || this.analysis.stopSignalReported) return;
    const server = serverFor(app.argv);
    if (server && signal !== server.graceful) {
      const meaning = server.meaning[signal] ?? 'not its graceful stop';
      this.add(
        'stopsignal-mismatch',
        'warning',
        `${server.label} gets SIG${signal}${rewritten} on stop, which means ${meaning}; its graceful stop is SIG${server.graceful}.`,
        `STOPSIGNAL SIG${server.graceful}`,
        this.file,
        line,
      );
      return;
    }
    const program = basename(app.argv[0] ?? '');
    if (/^uwsgi$/.test(program) && signal === 'TERM' && !app.argv.includes('--die-on-term') && !this.config.env.has('UWSGI_DIE_ON_TERM')) {
      this.add(
        'stopsignal-mismatch',
        'warning',
        'uWSGI (before 2.1) treats SIGTERM as a "brutal reload", not a stop: it restarts its workers and is SIGKILLed at the deadline.',
        `add --die-on-term to the uwsgi command line`,
        this.file,
        line,
      );
      return;
    }
    if (/^(node|nodejs|bun)$/.test(program) && signal === 'USR1') {
      this.add(
        'stopsignal-mismatch',
        'warning',
        'Node.js uses SIGUSR1 to start its debugger, not to stop: the app keeps running and is SIGKILLed at the deadline.',
        'STOPSIGNAL SIGTERM',
        this.file,
        line,
      );
      return;
    }
    if (stopSignal && NON_TERMINATING.has(signal) && !server) {
      this.add(
        'stopsignal-mismatch',
        'warning',
        `STOPSIGNAL SIG${signal}: by default a process ignores or pauses on SIG${signal}, so \`${app.argv.join(' ')}\` stops only if it handles it.`,
        'STOPSIGNAL SIGTERM',
        this.file,
        line,
      );
    }
  }

  private checkHealthcheck(): void {
    if (this.config.healthcheck) return;
    const app = this.analysis.app;
    const server = app ? serverFor(app.argv) : undefined;
    const serviceLine = this.config.expose ?? (server || baseImageStopSignal(this.config.rootImage) ? this.config.fromLine : undefined);
    if (serviceLine === undefined) return;
    this.add(
      'no-healthcheck',
      'info',
      'The image serves on a port but has no HEALTHCHECK: `docker ps` and Compose cannot tell a hung service from a healthy one ' +
        '(Kubernetes ignores HEALTHCHECK: give the pod a readinessProbe instead).',
      'HEALTHCHECK --interval=10s --timeout=3s CMD ["node", "healthcheck.js"]   # any command that fails when the service does',
      this.file,
      serviceLine,
    );
  }

  private async findScript(command: string, relativeOnly = false): Promise<FoundFile | undefined> {
    if (command.includes('$')) return undefined;
    const candidates = command.includes('/') || relativeOnly
      ? [posix.resolve(this.config.workdir, command)]
      : (this.config.env.get('PATH') ?? DEFAULT_PATH).split(':').filter(Boolean).map((d) => posix.join(d, command));
    for (const target of candidates) {
      const found = await this.context.find(target, this.config.copies);
      if (found) return found;
    }
    return undefined;
  }
}

/**
 * Checks a Dockerfile for what keeps a container from stopping gracefully.
 * Scripts COPYed from the build context (the Dockerfile's directory) are read
 * too. Throws when the file cannot be read or is not a Dockerfile.
 */
export async function checkDockerfile(path: string): Promise<Finding[]> {
  const text = await readInput(path, 'Dockerfile');
  let parsed;
  try {
    parsed = parseDockerfile(text);
  } catch (error) {
    if (error instanceof DockerfileSyntaxError) throw new Error(`${path}:${error.line}: ${error.message}`);
    throw error;
  }
  const { stages, globalArgs } = splitStages(parsed.instructions);
  if (stages.length === 0) {
    throw new Error(`${path} is not a Dockerfile: it has no FROM instruction`);
  }
  const config = configOf(stages, stages.length - 1, parsed.escape, globalArgs);
  const stopSignal = config.stopSignal?.signal ?? baseImageStopSignal(config.rootImage) ?? 'TERM';
  const dir = resolve(dirname(path));
  const context = new BuildContext(dir, dirname(path), path);
  const check = new DockerfileCheck(path, config, context, stopSignal);
  const { findings } = await check.run();
  return findings.sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : a.file === path ? -1 : b.file === path ? 1 : 0));
}
