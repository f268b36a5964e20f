// `usher doctor --dockerfile PATH`: will the image's PID 1 stop gracefully?
// Read from the Dockerfile alone (and the scripts it COPYs from its build
// context): the final stage's ENTRYPOINT/CMD followed through inits, shells,
// scripts and package managers down to the app, then the stop signal and the
// health check. Nothing is built or run.
import { readFile, readdir, stat } from 'node:fs/promises';
import { dirname, join, posix, relative, resolve, sep } from 'node:path';
import type { Edit, Finding, Severity } from '../types.js';
import { commandSpan, reliesOnShell, scriptEdit, withExec, type ScriptText } from './edits.js';
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
  isKeepAlive,
  isShellName,
  shellExecsLastCommand,
  type ScriptCommand,
  type ScriptAnalysis,
  type ScriptWord,
  type ShellFlavour,
} from './shell-script.js';
import {
  baseImageStopSignal,
  execWrapperArgs,
  handlesNoSignal,
  imageShell,
  isInterpreter,
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
  /** Lines of the final stage's FROM. */
  fromLine: number;
  fromEndLine: number;
  /** Index of the stage this is the configuration of. */
  stageIndex: number;
}

interface Stage {
  name: string | undefined;
  base: string;
  line: number;
  endLine: number;
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
      stages.push({ name: name?.toLowerCase(), base, line: ins.line, endLine: ins.endLine, instructions: [] });
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
          fromEndLine: stage.endLine,
          stageIndex: index,
        };
  config.fromLine = stage.line;
  config.fromEndLine = stage.endLine;
  config.stageIndex = index;
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

/** What the build context says about a path in the image. */
type Lookup =
  | { found: FoundFile }
  /** A COPY/ADD puts it there, but from where the doctor cannot read. */
  | { missing: string; hint: 'context' | 'image' }
  /** No COPY/ADD puts it there: the base image or a RUN did, or it does not exist. */
  | undefined;

/** A stage's copies, by `--from` name or index; undefined for an image. */
type StageCopies = (ref: string, before: number) => { copies: Copy[]; index: number; name: string } | undefined;

/** Finds the build-context file (or heredoc) that a COPY/ADD put at `target` in the image. */
class BuildContext {
  constructor(
    private readonly dir: string,
    private readonly shownDir: string,
    private readonly dockerfileShown: string,
    private readonly stage: StageCopies,
  ) {}

  get shown(): string {
    return this.shownDir;
  }

  /** `copies` are those of stage `stageIndex` (where `target` is looked up), last one wins. */
  async find(target: string, copies: readonly Copy[], stageIndex: number, depth = 0): Promise<Lookup> {
    for (let k = copies.length - 1; k >= 0; k--) {
      const lookup = await this.fromCopy(target, copies[k] as Copy, stageIndex, depth);
      if (lookup) return lookup;
    }
    return undefined;
  }

  /** Where `copy` would put `source` (a path or the basename of one): the paths in the image it lands on. */
  private static landsAt(copy: Copy, target: string, source: string): string | undefined {
    const destIsDir = copy.dest.endsWith('/') || copy.sources.length > 1 || copy.sources.some((s) => GLOB.test(s));
    const dest = posix.resolve(copy.workdir, copy.dest);
    const name = posix.basename(source);
    if (target === posix.join(dest, name) || (!destIsDir && target === dest)) return '';
    // A directory copied: the rest of the path inside it.
    if (target.startsWith(dest === '/' ? '/' : `${dest}/`)) return target.slice(dest.length).replace(/^\/+/, '');
    return undefined;
  }

  private async fromCopy(target: string, copy: Copy, stageIndex: number, depth: number): Promise<Lookup> {
    const destIsDir = copy.dest.endsWith('/') || copy.sources.length > 1 || copy.sources.some((s) => GLOB.test(s));
    const dest = posix.resolve(copy.workdir, copy.dest);
    const at = `${copy.add ? 'ADD' : 'COPY'} at ${this.dockerfileShown}:${copy.line}`;
    for (const src of copy.sources) {
      const heredoc = /^<<-?["']?([A-Za-z_][A-Za-z0-9_.-]*)["']?$/.exec(src);
      if (heredoc) {
        const doc = copy.heredocs.find((h) => h.name === heredoc[1]);
        const there = destIsDir ? posix.join(dest, heredoc[1] as string) : dest;
        if (doc && there === target) return { found: { name: posix.basename(target), text: doc.content, file: this.dockerfileShown, firstLine: doc.line } };
        continue;
      }
      const remote = /^[a-z][a-z0-9+.-]*:\/\//i.test(src) || src.startsWith('git@');
      if (remote) {
        if (BuildContext.landsAt(copy, target, src) !== undefined) return { missing: `${at} downloads it from ${src}`, hint: 'image' };
        continue;
      }
      if (copy.from !== undefined) {
        const inside = BuildContext.landsAt(copy, target, src);
        if (inside === undefined || GLOB.test(src)) continue;
        const stage = depth < 8 ? this.stage(copy.from, stageIndex) : undefined;
        if (!stage) return { missing: `${at} takes it from the image ${copy.from}`, hint: 'image' };
        // Follow it back: where the earlier stage got the file from.
        const source = posix.resolve('/', src);
        const candidates = inside === '' ? [source, posix.join(source, posix.basename(target))] : [posix.join(source, inside)];
        for (const path of candidates) {
          const lookup = await this.find(path, stage.copies, stage.index, depth + 1);
          if (lookup) return lookup;
        }
        return { missing: `${at} takes it from the stage ${stage.name}, which does not COPY it from the build context (a RUN makes it, or its base image has it)`, hint: 'image' };
      }
      for (const entry of await this.expand(src)) {
        const abs = resolve(this.dir, entry);
        if (abs !== this.dir && !abs.startsWith(this.dir + sep)) continue; // outside the context
        const info = await stat(abs).catch(() => undefined);
        if (!info) {
          if (!GLOB.test(src) && BuildContext.landsAt(copy, target, entry) !== undefined) {
            return { missing: `${at} copies it from ${entry} in the build context, and ${this.shownDir}${this.shownDir.endsWith('/') ? '' : '/'}${entry} does not exist`, hint: 'context' };
          }
          continue;
        }
        if (info.isFile()) {
          if (copy.add && /\.(tar|tgz|tar\.(gz|bz2|xz|zst))$/.test(entry)) continue; // ADD unpacks archives
          const name = posix.basename(entry);
          if (target === posix.join(dest, name) || (!destIsDir && target === dest)) return { found: await this.read(abs, target) };
        } else if (info.isDirectory() && target.startsWith(dest === '/' ? '/' : `${dest}/`)) {
          const inside = join(abs, ...target.slice(dest.length).split('/').filter(Boolean));
          const file = await stat(inside).catch(() => undefined);
          if (file?.isFile()) return { found: await this.read(inside, target) };
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

/** Which kind of shell `/bin/sh` is in an image: from the shell's name, else the base image's (dash when it does not say). */
function shellFlavour(shellWord: string, image: string): ShellFlavour {
  const b = basename(shellWord);
  if (b === 'bash') return 'bash';
  if (b === 'dash') return 'dash';
  if (b === 'ash' || b === 'busybox') return 'busybox';
  return imageShell(image) ?? 'dash';
}

/** A name that says "script": its content decides how the stop signal travels. */
function looksLikeScript(path: string): boolean {
  const b = basename(path);
  return /\.(sh|bash)$/.test(b) || /entrypoint/i.test(b) || /^(start|run|startup|boot|launch)([-_.]|$)/i.test(b);
}

/** Words for a shell command line, quoted where the shell would split or expand them. */
function shellQuote(words: readonly string[]): string {
  return words.map((w) => (/^[A-Za-z0-9_@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The text of a pipeline as written. */
function commandText(pipeline: readonly ScriptCommand[]): string {
  return pipeline.map((c) => c.words.map((w) => w.raw).join(' ')).join(' | ');
}

interface Analysis {
  findings: Finding[];
  init: (InitInfo & { line: number }) | undefined;
  /** What PID 1 turned out to be, once execs are followed. */
  pid1: { kind: 'shell' | 'package-manager' | 'spawner' | 'app'; label: string; line: number; why?: string } | undefined;
  /** The app and the signal it receives (after rewrites), when it receives one. */
  app: { argv: string[]; signal: string; reach: Reach; line: number } | undefined;
  /** The stop signal was found unhandled by a script's traps (already reported). */
  stopSignalReported: boolean;
  /** PID 1 is an interpreter running an app: only a run can tell whether the app handles the stop signal. */
  interpreter: { command: string; file: string; line: number } | undefined;
}

/** Where a package manager was started: a line of a script (to replace), or an instruction. */
interface CommandSite {
  script: FoundFile;
  command: ScriptCommand;
}

export interface DockerfileOptions {
  /** The build context (as `docker build -f PATH DIR`); default: the Dockerfile's directory. */
  context?: string;
}

class DockerfileCheck {
  readonly analysis: Analysis = { findings: [], init: undefined, pid1: undefined, app: undefined, stopSignalReported: false, interpreter: undefined };

  constructor(
    private readonly file: string,
    private readonly lineCount: number,
    private readonly config: ImageConfig,
    private readonly context: BuildContext,
    private readonly stopSignal: string,
  ) {}

  /** The ENTRYPOINT or CMD written in the shell form, if one is part of the command. */
  private shellForm: CommandInstruction | undefined;
  /** Set while judging a script that a shell-form instruction starts, as it will run once that is in the exec form. */
  private underShellForm: CommandInstruction | undefined;
  private readonly unreadable = new Set<string>();

  private add(id: string, severity: Severity, message: string, fix: string, file: string, line: number, edit?: Edit): void {
    this.analysis.findings.push({ id, severity, message, fix, file, line, ...(edit ? { edit } : {}) });
  }

  private setPid1(reach: Reach, kind: 'shell' | 'package-manager' | 'spawner' | 'app', label: string, line: number, why?: string): void {
    if (reach === 'pid1' && !this.analysis.pid1) this.analysis.pid1 = { kind, label, line, ...(why ? { why } : {}) };
  }

  private get imageCommandLine(): number {
    const { entrypoint, cmd } = this.config;
    const effective = entrypoint && !(entrypoint.exec && entrypoint.exec.length === 0) ? entrypoint : cmd;
    return effective?.instruction.line ?? this.config.fromLine;
  }

  // --- Fixes as edits of the Dockerfile -------------------------------------

  private replaceInstruction(ins: Instruction, text: string): Edit {
    return { file: this.file, line: ins.line, endLine: ins.endLine, text };
  }

  /** The ENTRYPOINT or CMD written at `line` of the Dockerfile. */
  private instructionAt(line: number): CommandInstruction | undefined {
    const { entrypoint, cmd } = this.config;
    return [entrypoint, cmd].find((c) => c?.instruction.line === line);
  }

  /** An exec-form instruction with one of its words replaced. */
  private replaceWord(instr: CommandInstruction, old: string, replacement: string): { fix: string; edit: Edit } | undefined {
    const words = instr.exec ?? [...this.config.shell, instr.shell];
    const at = words.lastIndexOf(old);
    if (at < 0) return undefined;
    const fix = `${instr.instruction.keyword} ${JSON.stringify(words.map((w, k) => (k === at ? replacement : w)))}`;
    return { fix, edit: this.replaceInstruction(instr.instruction, fix) };
  }

  /** An init that signals the whole process group in front of the command: the fix that needs no change to scripts. */
  private initFix(): { fix: string; edit: Edit } {
    const { entrypoint, cmd } = this.config;
    const init = this.analysis.init;
    if (init && !init.group && entrypoint?.exec) {
      const words = [...entrypoint.exec];
      const drop = words.findIndex((w) => w === '-c' || w === '--single-child');
      if (drop > 0) words.splice(drop, 1);
      else words.splice(1, 0, '-g');
      const fix = `ENTRYPOINT ${JSON.stringify(words)}`;
      return { fix: `${fix}   # ${init.name} then signals the whole process group`, edit: this.replaceInstruction(entrypoint.instruction, fix) };
    }
    const fix = 'ENTRYPOINT ["usher", "--"]   # usher signals the whole process group, and SIGTERMs what is left when the command exits';
    if (entrypoint) {
      const words = ['usher', '--', ...(entrypoint.exec ?? [...this.config.shell, entrypoint.shell])];
      return { fix, edit: this.replaceInstruction(entrypoint.instruction, `ENTRYPOINT ${JSON.stringify(words)}`) };
    }
    if (cmd && cmd.instruction.line > this.config.fromLine) {
      return { fix, edit: { file: this.file, line: cmd.instruction.line, endLine: cmd.instruction.line - 1, text: 'ENTRYPOINT ["usher", "--"]' } };
    }
    // No CMD in the final stage: an ENTRYPOINT there resets the inherited CMD, so it is written again.
    const text = `ENTRYPOINT ["usher", "--"]${cmd ? `\nCMD ${cmd.instruction.args}` : ''}`;
    return { fix, edit: { file: this.file, line: this.lineCount + 1, endLine: this.lineCount, text } };
  }

  private stopSignalEdit(signal: string): Edit {
    const text = `STOPSIGNAL SIG${signal}`;
    const set = this.config.stopSignal;
    if (set) return { file: this.file, line: set.line, endLine: set.line, text };
    return { file: this.file, line: this.config.fromEndLine + 1, endLine: this.config.fromEndLine, text };
  }

  /** The command as an exec-form instruction, or `sh -c "... exec ..."` where it needs the shell. */
  private instructionFor(keyword: string, command: string): string | undefined {
    if (!reliesOnShell(command)) return `${keyword} ${JSON.stringify(splitWords(command))}`;
    const fixed = withExec(command);
    return fixed === undefined ? undefined : `${keyword} ${JSON.stringify([...this.config.shell, fixed])}`;
  }

  // --- Following the command ------------------------------------------------

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
    this.noteInterpreter();
    return this.analysis;
  }

  private async follow(argv: Word[], reach: Reach, signal: string, depth: number): Promise<void> {
    if (depth > 10 || argv.length === 0) return;
    const texts = argv.map((w) => w.text);
    const first = argv[0] as Word;
    if (first.text.includes('$')) return; // a variable ("$CMD", $0): cannot tell what runs

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
      await this.checkPackageManager(argv, reach, undefined);
      return;
    }

    const lookup = await this.findScript(first.text);
    if (lookup && 'found' in lookup) {
      const script = lookup.found;
      const analysis = analyzeScript(script.text, { firstLine: script.firstLine, assumeShell: first.text.endsWith('.sh') });
      if (analysis.isShell) {
        return this.followScript(analysis, script, first, argv.slice(1), reach, signal, undefined, depth);
      }
    } else if (lookup || looksLikeScript(first.text)) {
      this.cannotRead(first, lookup, signal);
      // An entrypoint script before CMD: entrypoints hand over with `exec "$@"`
      // as a rule, so CMD is judged as what then runs.
      const cmdStart = argv.findIndex((w) => w.line !== first.line || w.file !== first.file);
      if (cmdStart > 0) return this.follow(argv.slice(cmdStart), reach, signal, depth + 1);
      this.setPid1(reach, 'app', basename(first.text), first.line);
      return;
    }

    const spawner = spawnsChildren(texts);
    this.setPid1(reach, spawner ? 'spawner' : 'app', basename(first.text), first.line, spawner?.why);
    if (reach !== 'none') this.analysis.app ??= { argv: texts, signal, reach, line: first.line };
    if (reach !== 'pid1') return;
    if (handlesNoSignal(first.text)) {
      const { fix, edit } = this.initFix();
      this.add(
        'pid1-no-handler',
        'error',
        `\`${texts.join(' ')}\` is PID 1 and has no handler for SIG${signal}: the kernel drops a signal PID 1 does not handle, so the container ` +
          'never stops by itself and is SIGKILLed at the deadline, with whatever was started before it.',
        fix,
        first.file,
        first.line,
        edit,
      );
    } else if (isInterpreter(first.text)) {
      this.analysis.interpreter ??= { command: texts.join(' '), file: first.file, line: first.line };
    }
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
    const lookup = await this.findScript(scriptWord.text, true);
    if (!lookup || !('found' in lookup)) {
      if (!scriptWord.text.includes('$')) this.cannotRead(scriptWord, lookup, signal);
      this.setPid1(reach, 'shell', basename(scriptWord.text), shell.line);
      return;
    }
    const script = lookup.found;
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

    if (inline?.shellForm) await this.checkShellForm(inline.shellForm, analysis, reach, simple, shellExecs, flavour);

    if (main && (analysis.execs || shellExecs)) {
      const target = wordsOf(analysis.execs ? analysis.execWords : main.words, main.line);
      return this.follow(target, reach, signal, depth + 1);
    }

    const label = inline ? `${basename(started.text)} -c` : script.name;
    const handled = handledSignals(analysis.traps);
    // A script that traps the signal and waits for its background app passes
    // the signal on itself (the multi-process pattern).
    const forwards = main !== undefined && handled.has(signal) && main.end === '&' && analysis.waits;
    this.setPid1(reach, forwards ? 'app' : 'shell', label, started.line);
    if (!main) return;

    // `CMD /run.sh` in the shell form: its fix, the exec form, makes the
    // script PID 1; so the script is judged as it will then run.
    if (inline?.shellForm && analysis.pipeline.length === 1 && main.end !== '&' && analysis.commands.at(-1) === main && !main.branch) {
      const run = wordsOf(commandWords(main.words), main.line);
      const first = run[0];
      if (first && !first.text.includes('$') && !isShellName(first.text) && !packageManager(run.map((w) => w.text))) {
        const lookup = await this.findScript(first.text);
        if (lookup && 'found' in lookup) {
          const inner = analyzeScript(lookup.found.text, { firstLine: lookup.found.firstLine, assumeShell: first.text.endsWith('.sh') });
          if (inner.isShell) {
            this.underShellForm = inline.shellForm;
            await this.followScript(inner, lookup.found, first, run.slice(1), reach, signal, undefined, depth + 1);
            this.underShellForm = undefined;
            return;
          }
        } else if (lookup || looksLikeScript(first.text)) {
          this.cannotRead(first, lookup, signal);
          return;
        }
      }
    }

    const pipeline = analysis.pipeline.length > 1;
    const mainText = commandText(analysis.pipeline);
    const where = inline ? `${file}:${inline.text.line}` : `${file}:${main.line}`;
    const scriptName = inline ? `\`${basename(started.text)} -c\`` : script.name;
    const call = analysis.via.at(-1);
    const inFunction = call ? ` (in the function ${commandWords(call.words)[0]?.text}, called at line ${lineIn(call.line)})` : '';
    const keepAlive = !analysis.blockedKeeper && isKeepAlive(main);
    const startedBefore = analysis.startedBefore;
    const before = startedBefore ? `after \`${startedBefore.words.map((w) => w.raw).join(' ')}\` (line ${lineIn(startedBefore.line)}) started the service${startedBefore.end === '&' ? ' in the background' : ', which returns once it runs as a daemon'}` : '';
    const blocked = analysis.blockedKeeper
      ? `; the keep-alive after it (\`${analysis.blockedKeeper.words.map((w) => w.raw).join(' ')}\`, line ${lineIn(analysis.blockedKeeper.line)}) is never reached while it runs`
      : '';
    const here: ScriptText = { text: script.text, file, firstLine: script.firstLine };
    /** A change to the script text: in a script file, its lines; in `["sh", "-c", "..."]`, the instruction. */
    const change = (from: number, to: number, insert: string): { fix: string; edit: Edit } | undefined => {
      if (!inline) return { fix: '', edit: scriptEdit(here, from, to, insert) };
      if (inline.shellForm) return undefined;
      const instr = this.instructionAt(inline.text.line);
      const text = inline.text.text;
      return instr ? this.replaceWord(instr, text, `${text.slice(0, from)}${insert}${text.slice(to)}`) : undefined;
    };

    if (reach === 'pid1' || reach === 'child') {
      const sf = this.underShellForm;
      const who =
        reach === 'child'
          ? `the direct child of ${this.analysis.init?.name ?? 'the init'}, which signals only its child`
          : sf
            ? `PID 1 once the shell-form ${sf.instruction.keyword} (${this.file}:${sf.instruction.line}) is written in the exec form (until then \`${this.config.shell.join(' ')}\` is PID 1 and runs it as its child)`
            : 'PID 1';
      const init = this.initFix();
      if (!handled.has(signal)) {
        if (handled.size > 0) {
          this.analysis.stopSignalReported = true;
          const trap = analysis.traps.filter((t) => t.action === 'handle').at(-1);
          const stop = this.config.stopSignal;
          const trapped = [...handled][0] as string;
          const edit = stop ? { fix: '', edit: this.stopSignalEdit(trapped) } : trap?.end !== undefined ? change(trap.end, trap.end, ` ${signal}`) : undefined;
          this.add(
            'stopsignal-mismatch',
            'error',
            `The stop signal is SIG${signal}, but ${scriptName} (${who}) traps only ${[...handled].map((s) => `SIG${s}`).join(', ')}: ` +
              `SIG${signal} is never handled and \`${mainText}\` is SIGKILLed at the deadline.`,
            stop ? `STOPSIGNAL SIG${trapped}` : `trap 'stop' ${signal}   # in ${scriptName}, with the other traps`,
            stop ? this.file : file,
            stop ? stop.line : lineIn(trap?.line ?? main.line),
            edit?.edit,
          );
        } else if (keepAlive) {
          this.add(
            'script-without-exec',
            'error',
            `${scriptName} is ${who} and ends in \`${mainText}\`, which only keeps the container alive${before ? ` ${before}` : ''}: ` +
              `the shell has no trap and passes SIG${signal} on to nobody, so the service never hears it and is SIGKILLed at the deadline.`,
            `${init.fix}; or run the service in the foreground with exec instead of the keep-alive`,
            inline ? this.file : file,
            lineIn(main.line),
            init.edit,
          );
        } else if (!inline?.shellForm) {
          let fixed: { fix: string; edit: Edit } | undefined;
          const pm = packageManager(commandWords(main.words).map((w) => w.text));
          const span = commandSpan(main);
          if (!pipeline && main.end !== '&' && span) {
            if (pm) {
              const start = await this.startCommand(commandWords(main.words).map((w) => w.text));
              const direct = start ? withExec(start.shell) : undefined;
              if (direct !== undefined) {
                const changed = change(span.start, span.end, direct);
                if (changed) fixed = { fix: `${direct}   # at ${where}: the start script of package.json, run directly`, edit: changed.edit };
              }
            } else if (!main.branch || !inline) {
              const changed = change(span.start, span.start, 'exec ');
              if (changed) fixed = { fix: inline ? changed.fix : `exec ${mainText}   # at ${where}`, edit: changed.edit };
            }
          }
          fixed ??= init;
          this.add(
            'script-without-exec',
            'error',
            `${scriptName} is ${who}${inline || this.underShellForm ? '' : ` (started at ${this.file}:${started.line})`} and runs \`${mainText}\`${inFunction} ` +
              (inline && flavour === 'dash' ? "(Debian's /bin/sh, dash, does not exec the last command of -c; bash and BusyBox do) " : '') +
              `as its child${main.end === '&' ? ' in the background' : ''}, without exec and without a trap${blocked}: the shell does not pass ` +
              `SIG${signal} on, so the app never hears it and is SIGKILLed at the deadline.`,
            fixed === init || inline ? fixed.fix : `${fixed.fix}; or ${init.fix.replace(/ {3}#.*$/, '')}`,
            inline ? this.file : file,
            lineIn((analysis.pipeline[0] ?? main).line),
            fixed.edit,
          );
        }
      } else if (main.end !== '&') {
        const end = (analysis.pipeline.at(-1) ?? main).words.at(-1)?.end;
        const changed = end !== undefined ? change(end, end, ' & wait $!') : undefined;
        this.add(
          'trap-without-wait',
          'error',
          `${scriptName} traps SIG${signal} but runs \`${mainText}\`${inFunction} in the foreground${blocked}: a shell runs a trap only after the ` +
            `foreground command ends, so the handler waits for the app, which never gets the signal and is SIGKILLed at the deadline.`,
          `${mainText} & wait $!   # at ${where}: the trap runs as soon as SIG${signal} arrives`,
          inline ? this.file : file,
          lineIn(main.line),
          changed?.edit,
        );
      }
    }
    // What the shell runs as its child: npm there is still the main process.
    const first = analysis.pipeline[0] ?? main;
    const childWords = wordsOf(commandWords(first.words), first.line);
    if (childWords[0] && !childWords[0].text.includes('$') && packageManager(childWords.map((w) => w.text))) {
      await this.checkPackageManager(childWords, reach === 'group' ? 'group' : 'none', inline ? undefined : { script, command: first });
    }
  }

  private async checkShellForm(instr: CommandInstruction, analysis: ScriptAnalysis, reach: Reach, simple: boolean, shellExecs: boolean, flavour: ShellFlavour): Promise<void> {
    const kw = instr.instruction.keyword;
    const id = kw === 'ENTRYPOINT' ? 'shell-form-entrypoint' : 'shell-form-cmd';
    // Continuation lines leave runs of blanks: one space is what was meant.
    const text = instr.shell.trim().replace(/\s+/g, ' ');
    const looksLikeJson = text.startsWith('[');
    if (analysis.execs && !looksLikeJson) return; // `CMD exec node server.js`: the shell replaces itself
    let fix: string;
    let edit: Edit | undefined;
    const main = analysis.main;
    if (looksLikeJson) {
      fix = `${kw} ${text.replace(/'/g, '"')}`;
      if (execForm(fix.slice(kw.length + 1)) !== undefined) edit = this.replaceInstruction(instr.instruction, fix);
    } else {
      // The exec form where the words need no shell; else `exec` inside the shell
      // command, so the shell replaces itself with the last command.
      // `CMD npm start`: the exec form would leave npm as the main process; the start script itself is the fix.
      const pm = main && simple ? packageManager(commandWords(main.words).map((w) => w.text)) : undefined;
      const start = pm && main ? await this.startCommand(commandWords(main.words).map((w) => w.text)) : undefined;
      const instruction = start
        ? start.exec
          ? `${kw} ${JSON.stringify(start.exec)}`
          : this.instructionFor(kw, start.shell)
        : main && (simple || (main.end !== '&' && analysis.pipeline.length === 1))
          ? this.instructionFor(kw, text)
          : undefined;
      if (instruction !== undefined && (start !== undefined || !(reliesOnShell(text) && withExec(text) === undefined))) {
        fix = instruction;
        edit = this.replaceInstruction(instr.instruction, instruction);
      } else {
        ({ fix, edit } = this.initFix());
      }
    }
    const bad = looksLikeJson ? ' (it starts with [ but is not valid JSON, e.g. single quotes, so Docker treats it as the shell form)' : '';
    const ignored = kw === 'ENTRYPOINT' && this.config.cmd ? `; and CMD (line ${this.config.cmd.instruction.line}) is ignored, as are \`docker run\` arguments` : '';
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
    const needsShell = !looksLikeJson && reliesOnShell(text) && fix.startsWith(kw) ? ' The command uses the shell (variables, redirections, lists or globs), so the fix keeps the shell and lets it exec the last command.' : '';
    this.add(
      id,
      severity,
      `${kw} uses the shell form${bad}: Docker runs it as \`${this.config.shell.join(' ')} ${JSON.stringify(text)}\`; ${consequence}${ignored}.${needsShell}`,
      fix,
      this.file,
      instr.instruction.line,
      edit,
    );
  }

  private checkShellFormEntrypointIgnoresCmd(): void {
    const { entrypoint, cmd } = this.config;
    if (entrypoint && !entrypoint.exec && cmd && !this.analysis.findings.some((f) => f.id === 'shell-form-entrypoint')) {
      const text = entrypoint.shell.trim();
      const fix = reliesOnShell(text) ? `ENTRYPOINT ${JSON.stringify([...this.config.shell, `${text.replace(/^exec\s+/, 'exec ')} "$@"`, text.split(/\s+/)[0] ?? 'sh'])}` : `ENTRYPOINT ${JSON.stringify(splitWords(text.replace(/^exec\s+/, '')))}`;
      this.add(
        'shell-form-entrypoint',
        'warning',
        `ENTRYPOINT uses the shell form, so Docker ignores CMD (line ${cmd.instruction.line}) and any arguments given to \`docker run\`.`,
        fix,
        this.file,
        entrypoint.instruction.line,
        this.replaceInstruction(entrypoint.instruction, fix),
      );
    }
  }

  /** The command a package manager's script runs (`npm start`: package.json's scripts.start), read from the build context. */
  private async startCommand(argv: string[]): Promise<{ shell: string; exec: string[] | undefined } | undefined> {
    const pm = basename(argv[0] ?? '');
    const sub = argv[1];
    let name: string | undefined;
    if (pm === 'npm') name = sub === 'start' || sub === 'test' || sub === 't' ? (sub === 't' ? 'test' : sub) : ['run', 'run-script', 'rum', 'urn'].includes(sub ?? '') ? argv[2] : undefined;
    else if (pm === 'yarn' || pm === 'pnpm') name = sub === 'run' ? argv[2] : sub;
    if (name === undefined) return undefined;
    const lookup = await this.context.find(posix.join(this.config.workdir, 'package.json'), this.config.copies, this.config.stageIndex);
    if (!lookup || !('found' in lookup)) return undefined;
    let scripts: unknown;
    try {
      scripts = (JSON.parse(lookup.found.text) as { scripts?: unknown }).scripts;
    } catch {
      return undefined;
    }
    let command = typeof scripts === 'object' && scripts !== null ? (scripts as Record<string, unknown>)[name] : undefined;
    if (command === undefined && name === 'start') command = 'node server.js'; // npm's default start
    if (typeof command !== 'string' || command.trim() === '') return undefined;
    // npm runs the script with node_modules/.bin on PATH; without npm the path must be said.
    const analysis = analyzeScript(command, { assumeShell: true });
    const local = analysis.commands.some((c) => {
      const program = commandWords(c.words)[0]?.text ?? '';
      return !program.includes('/') && !/^(node|nodejs|bun|deno|exec|env|sh|bash)$/.test(program) && !/^[A-Z_]+=/.test(program) && /^[a-z]/.test(program) && !['cd', 'echo', 'export', 'set'].includes(program);
    });
    if (!reliesOnShell(command) && analysis.commands.length === 1) {
      const words = splitWords(command);
      if (local) words[0] = `node_modules/.bin/${words[0]}`;
      return { shell: shellQuote(words), exec: words };
    }
    return { shell: local ? `PATH="$PWD/node_modules/.bin:$PATH"; ${command}` : command, exec: undefined };
  }

  private async checkPackageManager(argv: Word[], reach: Reach, site: CommandSite | undefined): Promise<void> {
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
    let fix = `CMD ["node", "server.js"]   # the start script's own command, run directly${this.analysis.init ? '' : ' (with ENTRYPOINT ["usher", "--"])'}`;
    let edit: Edit | undefined;
    const start = await this.startCommand(argv.map((w) => w.text));
    if (start && site) {
      const direct = withExec(start.shell);
      const span = commandSpan(site.command);
      if (direct !== undefined && span) {
        fix = `${direct}   # at ${site.script.file}:${site.command.line}: the start script of package.json, run directly`;
        edit = scriptEdit({ text: site.script.text, file: site.script.file, firstLine: site.script.firstLine }, span.start, span.end, direct);
      }
    } else if (start) {
      const instr = this.instructionAt(first.line);
      const keyword = instr?.instruction.keyword ?? 'CMD';
      const text = start.exec ? `${keyword} ${JSON.stringify(start.exec)}` : this.instructionFor(keyword, start.shell);
      if (text !== undefined) {
        fix = `${text}   # the start script of package.json, run directly`;
        // Only the package manager's words are replaced when ENTRYPOINT and CMD share the line's instruction.
        if (instr && (instr.exec ?? []).indexOf(first.text) <= 0) edit = this.replaceInstruction(instr.instruction, text);
      }
    }
    this.add(
      'package-manager-pid1',
      reach === 'pid1' || reach === 'child' ? 'error' : 'warning',
      `\`${command}\` makes ${pm} ${asWhat}: ${consequence}.`,
      fix,
      first.file,
      first.line,
      edit,
    );
  }

  private checkInit(): void {
    const pid1 = this.analysis.pid1;
    if (this.analysis.init || !pid1 || pid1.kind === 'app') return;
    const what =
      pid1.kind === 'shell'
        ? `a shell (${pid1.label}) that starts the app as its child: an init would pass the stop signal on to the whole process group, the app included, and reap orphans`
        : pid1.kind === 'package-manager'
          ? `${pid1.label}, which starts a shell and the app as children: an init would pass the stop signal on to the whole process group, the app included, and reap what they leave`
          : `${pid1.label}: ${pid1.why ?? 'it starts child processes'}`;
    const { fix, edit } = this.initFix();
    this.add(
      'no-init',
      'warning',
      `No init: PID 1 is ${what} (\`docker run --init\` would add one, but cannot be seen here, and Kubernetes has no such flag).`,
      `${fix.replace(/ {3}#.*$/, '')}   # or ["tini", "-g", "--"], ["dumb-init", "--"]`,
      this.file,
      this.imageCommandLine,
      edit,
    );
  }

  private checkStopSignal(): void {
    const { stopSignal } = this.config;
    const app = this.analysis.app;
    const signal = app?.signal ?? this.stopSignal;
    const line = stopSignal?.line ?? app?.line ?? this.imageCommandLine;
    const rewritten = signal !== this.stopSignal ? ` (SIG${this.stopSignal}, rewritten by ${this.analysis.init?.name})` : '';
    if (signal === 'KILL') {
      this.add('stopsignal-mismatch', 'warning', 'STOPSIGNAL SIGKILL leaves no chance for a graceful shutdown.', 'STOPSIGNAL SIGTERM', this.file, line, this.stopSignalEdit('TERM'));
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
        rewritten ? undefined : this.stopSignalEdit(server.graceful),
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
      this.add('stopsignal-mismatch', 'warning', 'Node.js uses SIGUSR1 to start its debugger, not to stop: the app keeps running and is SIGKILLed at the deadline.', 'STOPSIGNAL SIGTERM', this.file, line, this.stopSignalEdit('TERM'));
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
        this.stopSignalEdit('TERM'),
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

  /** PID 1 is an interpreter: whether the app handles the stop signal, no file says; a run does. */
  private noteInterpreter(): void {
    const found = this.analysis.interpreter;
    if (!found || this.analysis.init || this.stopSignal === 'KILL') return;
    this.add(
      'signal-handler-unknown',
      'info',
      `PID 1 is \`${found.command}\`, an interpreter running an app: whether the app handles SIG${this.stopSignal} no file shows, and as PID 1 ` +
        'a signal without a handler is dropped by the kernel (the container is then SIGKILLed at the deadline). A run of the image tells.',
      `usher doctor --image IMAGE   # after docker build -t IMAGE; or ENTRYPOINT ["usher", "--"], which makes the app stop on SIG${this.stopSignal} even without a handler`,
      found.file,
      found.line,
    );
  }

  /** Says that a script the command runs could not be read, why, and how to let the doctor read it. */
  private cannotRead(word: Word, lookup: Lookup, signal: string): void {
    if (this.unreadable.has(word.text)) return;
    this.unreadable.add(word.text);
    const reason =
      lookup && 'missing' in lookup
        ? lookup.missing
        : `no COPY or ADD puts it there from the build context (${this.context.shown}): it comes from the base image (${this.config.rootImage}) or a RUN, or the build context is another directory`;
    const hint = lookup && 'missing' in lookup ? lookup.hint : undefined;
    const contextFix = `usher doctor --dockerfile ${this.file} --context DIR   # DIR: the build context, as in docker build -f ${this.file} DIR`;
    const imageFix = 'usher doctor --image IMAGE   # runs the built image and watches what the script does on stop';
    this.add(
      'script-not-read',
      'info',
      `\`${word.text}\` (started at ${word.file}:${word.line}) could not be read: ${reason}. What it does with SIG${signal} is not judged; the rest is.`,
      hint === 'context' ? contextFix : hint === 'image' ? imageFix : `${contextFix}; or, if it comes from the base image: ${imageFix}`,
      word.file,
      word.line,
    );
  }

  private async findScript(command: string, relativeOnly = false): Promise<Lookup> {
    if (command.includes('$')) return undefined;
    const candidates = command.includes('/') || relativeOnly
      ? [posix.resolve(this.config.workdir, command)]
      : (this.config.env.get('PATH') ?? DEFAULT_PATH).split(':').filter(Boolean).map((d) => posix.join(d, command));
    let missing: Lookup;
    for (const target of candidates) {
      const lookup = await this.context.find(target, this.config.copies, this.config.stageIndex);
      if (lookup && 'found' in lookup) return lookup;
      missing ??= lookup;
    }
    return missing;
  }
}

/**
 * Checks a Dockerfile for what keeps a container from stopping gracefully.
 * Scripts COPYed from the build context (the Dockerfile's directory, or
 * `options.context`) are read too, also through earlier stages. Throws when
 * the file cannot be read or is not a Dockerfile.
 */
export async function checkDockerfile(path: string, options: DockerfileOptions = {}): Promise<Finding[]> {
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
  if (options.context !== undefined) {
    const info = await stat(options.context).catch(() => undefined);
    if (!info?.isDirectory()) throw new Error(`the build context ${options.context} given to --context is not a directory`);
  }
  const configs = new Map<number, ImageConfig>();
  const configAt = (index: number): ImageConfig => {
    let config = configs.get(index);
    if (!config) configs.set(index, (config = configOf(stages, index, parsed.escape, globalArgs)));
    return config;
  };
  const stageCopies: StageCopies = (ref, before) => {
    const byIndex = /^\d+$/.test(ref) ? Number(ref) : -1;
    const index = byIndex >= 0 ? byIndex : stages.findIndex((s) => s.name === ref.toLowerCase());
    if (index < 0 || index >= before) return undefined;
    return { copies: configAt(index).copies, index, name: stages[index]?.name ?? String(index) };
  };
  const config = configAt(stages.length - 1);
  const stopSignal = config.stopSignal?.signal ?? baseImageStopSignal(config.rootImage) ?? 'TERM';
  const contextDir = options.context ?? dirname(path);
  const context = new BuildContext(resolve(contextDir), contextDir, path, stageCopies);
  const lineCount = text.replace(/\n$/, '').split('\n').length;
  const check = new DockerfileCheck(path, lineCount, config, context, stopSignal);
  const { findings } = await check.run();
  return findings.sort((a, b) => (a.file === b.file ? (a.line ?? 0) - (b.line ?? 0) : a.file === path ? -1 : b.file === path ? 1 : 0));
}
