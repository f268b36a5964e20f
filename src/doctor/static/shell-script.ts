// What a container's shell script does with signals, read without running it:
// which command it ends on (and whether it `exec`s it), which signals it traps,
// whether it waits for a background app. A small lexer for the shell's
// grammar (quotes, continuations, comments, heredocs, `;` `&&` `|` `&`) and a
// walk that knows functions, if/case/loops; enough for entrypoint scripts,
// not a shell.

export interface ScriptWord {
  /** The word with quotes removed; `$@` kept as written so callers can substitute it. */
  text: string;
  /** The word exactly as written (quotes included). */
  raw: string;
  /** Offset of the word's first character in the analysed text. */
  offset?: number;
  /** Offset just past its last character. */
  end?: number;
}

export interface ScriptCommand {
  words: ScriptWord[];
  /** 1-based line where the command starts. */
  line: number;
  /** How the command ends: `\n`, `;`, `&&`, `||`, `|` (piped into the next), `&` (background). */
  end: string;
  /** Inside a function body (runs only when called). */
  inFunction: boolean;
  /** The condition of an if/while/until (runs as a test). */
  condition: boolean;
  /** The command before it was `|`: this one reads a pipe. */
  piped: boolean;
  /** Nesting in if/case/loops/braces (0 at the top level). */
  depth: number;
  /** The innermost function whose body holds it. */
  functionName?: string;
  /** Inside a while/until/for loop. */
  loop: boolean;
  /** Inside an if, case or loop (in the script or in its function body): it may not run. */
  branch: boolean;
}

export interface Trap {
  /** Signal names without SIG (TERM, INT...), or EXIT. */
  signals: string[];
  action: 'handle' | 'ignore' | 'reset';
  line: number;
  /** Offset just past the trap command's last word (where another signal can be added). */
  end?: number;
}

export interface ScriptAnalysis {
  /** The shebang's interpreter (`sh`, `bash`, `node`...), basename, `env` resolved. */
  interpreter: string | undefined;
  /** A shell script (sh-family shebang, or none). */
  isShell: boolean;
  commands: ScriptCommand[];
  traps: Trap[];
  /** The command the script ends on: the last one that is not bookkeeping. */
  main: ScriptCommand | undefined;
  /** `main` is `exec ...`: the shell replaces itself with it. */
  execs: boolean;
  /** The words `exec` runs (options and `exec` removed), when `execs`. */
  execWords: ScriptWord[];
  /** `main` runs in the background. */
  background: boolean;
  /** `main` is the last command of a pipeline; this is the whole pipeline, first command first. */
  pipeline: ScriptCommand[];
  /** A top-level `wait` follows `main`. */
  waits: boolean;
  /** The script's functions: name to the commands of its body. */
  functions: Map<string, ScriptCommand[]>;
  /** The function calls that lead to `main`, outermost first (`_main "$@"`). */
  via: ScriptCommand[];
  /**
   * `main` runs in the foreground and never returns, so the keep-alive that
   * follows it (`while true; do tail -f /dev/null & wait $!; done`) is never
   * reached while it runs: the keep-alive command.
   */
  blockedKeeper: ScriptCommand | undefined;
  /** `main` is a keep-alive (`tail -f /dev/null`, `sleep infinity`): the command that started the service before it, if any. */
  startedBefore: ScriptCommand | undefined;
}

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'ksh', 'mksh', 'busybox']);

export function isShellName(name: string): boolean {
  return SHELLS.has(basename(name));
}

export function basename(path: string): string {
  return path.slice(path.lastIndexOf('/') + 1);
}

/**
 * Commands that prepare or report rather than run the service: a script that
 * ends with `node app.js; echo done` still ends on node.
 */
const BOOKKEEPING = new Set([
  'echo', 'printf', 'exit', 'return', 'true', 'false', ':', 'set', 'export', 'unset', 'cd', 'trap',
  'wait', 'shift', 'local', 'readonly', 'declare', 'typeset', 'umask', 'ulimit', 'source', '.',
  'test', '[', '[[', 'mkdir', 'chmod', 'chown', 'rm', 'cp', 'mv', 'ln', 'touch', 'sed', 'envsubst',
  'fi', 'done', 'esac', '}', '{', 'then', 'else', 'do', 'break', 'continue', 'kill', 'pushd', 'popd',
]);

const SIGNAL_NUMBERS: Record<string, string> = {
  '0': 'EXIT', '1': 'HUP', '2': 'INT', '3': 'QUIT', '6': 'ABRT', '9': 'KILL', '10': 'USR1', '12': 'USR2',
  '14': 'ALRM', '15': 'TERM', '17': 'CHLD', '28': 'WINCH',
};

export function normalizeSignal(text: string): string {
  const upper = text.toUpperCase();
  if (SIGNAL_NUMBERS[upper]) return SIGNAL_NUMBERS[upper] as string;
  return upper.startsWith('SIG') ? upper.slice(3) : upper;
}

interface RawCommand {
  words: ScriptWord[];
  line: number;
  end: string;
}

/** Splits a script into simple commands with their line and separator. */
export function lexShell(text: string, firstLine = 1): RawCommand[] {
  const out: RawCommand[] = [];
  let line = firstLine;
  let words: ScriptWord[] = [];
  let text1 = '';
  let raw = '';
  let inWord = false;
  let cmdLine = firstLine;
  const pendingHeredocs: { name: string; stripTabs: boolean }[] = [];
  let expectHeredocWord: { stripTabs: boolean } | undefined;
  let k = 0;

  const endWord = () => {
    if (!inWord) return;
    if (expectHeredocWord) {
      pendingHeredocs.push({ name: text1, stripTabs: expectHeredocWord.stripTabs });
      expectHeredocWord = undefined;
    } else {
      const hd = /^<<(-?)(.*)$/.exec(raw);
      if (hd && !raw.startsWith('<<<')) {
        if (hd[2]) pendingHeredocs.push({ name: (hd[2] as string).replace(/["'\\]/g, ''), stripTabs: hd[1] === '-' });
        else expectHeredocWord = { stripTabs: hd[1] === '-' };
      } else {
        words.push({ text: text1, raw, offset: wordOffset, end: k });
      }
    }
    text1 = '';
    raw = '';
    inWord = false;
  };
  const endCommand = (end: string) => {
    endWord();
    if (words.length > 0) out.push({ words, line: cmdLine, end });
    else if (end === '&' && out.length > 0) (out[out.length - 1] as RawCommand).end = '&';
    words = [];
  };
  let wordOffset = 0;
  const startWordIfNeeded = () => {
    if (!inWord) {
      if (words.length === 0) cmdLine = line;
      wordOffset = k;
      inWord = true;
    }
  };

  const n = text.length;
  while (k < n) {
    const c = text[k] as string;
    if (c === '\\' && text[k + 1] === '\n') {
      k += 2;
      line++;
      continue;
    }
    if (c === '\n') {
      endCommand('\n');
      line++;
      k++;
      // Heredoc bodies start on the next line: skip them.
      while (pendingHeredocs.length > 0 && k < n) {
        const hd = pendingHeredocs.shift() as { name: string; stripTabs: boolean };
        while (k < n) {
          const nl = text.indexOf('\n', k);
          const lineText = text.slice(k, nl < 0 ? n : nl);
          k = nl < 0 ? n : nl + 1;
          line++;
          if ((hd.stripTabs ? lineText.replace(/^\t+/, '') : lineText) === hd.name) break;
        }
      }
      continue;
    }
    if (/[ \t\r]/.test(c)) {
      endWord();
      k++;
      continue;
    }
    if (c === '#' && !inWord) {
      while (k < n && text[k] !== '\n') k++;
      continue;
    }
    if (c === ';') {
      endCommand(';');
      k += text[k + 1] === ';' ? 2 : 1;
      continue;
    }
    if (c === '&' || c === '|') {
      const prev = text[k - 1];
      if (c === '&' && (prev === '>' || prev === '<' || text[k + 1] === '>')) {
        startWordIfNeeded();
        text1 += c;
        raw += c;
        k++;
        continue;
      }
      if (text[k + 1] === c) {
        endCommand(c + c);
        k += 2;
      } else {
        endCommand(c);
        k++;
      }
      continue;
    }
    startWordIfNeeded();
    if (c === "'") {
      const close = text.indexOf("'", k + 1);
      const endAt = close < 0 ? n : close;
      const body = text.slice(k + 1, endAt);
      text1 += body;
      raw += text.slice(k, endAt + 1);
      line += body.split('\n').length - 1;
      k = endAt + 1;
      continue;
    }
    if (c === '"') {
      let j = k + 1;
      let body = '';
      while (j < n && text[j] !== '"') {
        if (text[j] === '\\' && j + 1 < n) {
          if (text[j + 1] === '\n') {
            j += 2;
            line++;
            continue;
          }
          body += /["\\$`]/.test(text[j + 1] as string) ? text[j + 1] : `\\${text[j + 1]}`;
          j += 2;
          continue;
        }
        if (text[j] === '\n') line++;
        body += text[j];
        j++;
      }
      text1 += body;
      raw += text.slice(k, j + 1);
      k = j + 1;
      continue;
    }
    if (c === '$' && (text[k + 1] === '(' || text[k + 1] === '{')) {
      const open = text[k + 1] as string;
      const close = open === '(' ? ')' : '}';
      let depth = 0;
      let j = k + 1;
      for (; j < n; j++) {
        if (text[j] === open) depth++;
        else if (text[j] === close && --depth === 0) break;
        else if (text[j] === '\n') line++;
      }
      text1 += text.slice(k, j + 1);
      raw += text.slice(k, j + 1);
      k = j + 1;
      continue;
    }
    if (c === '`') {
      const close = text.indexOf('`', k + 1);
      const endAt = close < 0 ? n : close;
      const body = text.slice(k, endAt + 1);
      line += body.split('\n').length - 1;
      text1 += body;
      raw += body;
      k = endAt + 1;
      continue;
    }
    if (c === '\\' && k + 1 < n) {
      text1 += text[k + 1];
      raw += text.slice(k, k + 2);
      k += 2;
      continue;
    }
    text1 += c;
    raw += c;
    k++;
  }
  endCommand('\n');
  return out;
}

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*(\[[^\]]*\])?\+?=/;

/** The words a command runs, without leading `VAR=value` assignments. */
export function commandWords(words: ScriptWord[]): ScriptWord[] {
  let k = 0;
  while (k < words.length && ASSIGNMENT.test((words[k] as ScriptWord).raw)) k++;
  return words.slice(k);
}

function shebangInterpreter(text: string): string | undefined {
  const m = /^#!\s*(\S+)(?:[ \t]+(\S+))?/.exec(text);
  if (!m) return undefined;
  const program = basename(m[1] as string);
  if (program === 'env' && m[2]) return basename((m[2] as string).replace(/^-S$/, '')) || undefined;
  return program;
}

/** Analyses a shell script (or the string of `sh -c`). */
export function analyzeScript(text: string, options: { firstLine?: number; assumeShell?: boolean } = {}): ScriptAnalysis {
  const interpreter = shebangInterpreter(text);
  const isShell = interpreter === undefined ? options.assumeShell !== false : SHELLS.has(interpreter);
  const commands: ScriptCommand[] = [];
  const traps: Trap[] = [];
  const functions = new Map<string, ScriptCommand[]>();

  // Block structure: function bodies, and whether the next command is a condition.
  const blocks: ('function' | 'group' | 'if' | 'loop' | 'case')[] = [];
  const functionNames: string[] = [];
  let pendingFunction: string | undefined;
  let inCondition = false;
  let previousEnd = '\n';

  for (const rc of lexShell(text, options.firstLine ?? 1)) {
    let words = rc.words.slice();
    const piped = previousEnd === '|';
    previousEnd = rc.end;
    // Peel off structure words at the front, keeping what they introduce.
    let condition = false;
    for (;;) {
      const first = words[0];
      if (!first) break;
      const w = first.raw;
      if (pendingFunction !== undefined && w === '{') {
        blocks.push('function');
        functionNames.push(pendingFunction);
        pendingFunction = undefined;
        words = words.slice(1);
        continue;
      }
      if (w === 'function' && words[1]) {
        pendingFunction = words[1].raw.replace(/\(\)$/, '');
        words = words.slice(2);
        if (words[0]?.raw === '()') words = words.slice(1);
        continue;
      }
      if (/^[A-Za-z_][\w.:-]*\(\)$/.test(w) || (words[1]?.raw === '()' && /^[A-Za-z_][\w.:-]*$/.test(w))) {
        pendingFunction = w.replace(/\(\)$/, '');
        words = words.slice(w.endsWith('()') ? 1 : 2);
        continue;
      }
      if (w === '{') {
        blocks.push('group');
        words = words.slice(1);
        continue;
      }
      if (w === '}') {
        const b = blocks.pop();
        if (b === 'function') functionNames.pop();
        words = words.slice(1);
        continue;
      }
      if (w === 'if' || w === 'while' || w === 'until' || w === 'elif') {
        if (w !== 'elif') blocks.push(w === 'if' ? 'if' : 'loop');
        inCondition = true;
        words = words.slice(1);
        continue;
      }
      if (w === 'for' || w === 'select') {
        blocks.push('loop');
        words = []; // the word list is no command
        break;
      }
      if (w === 'case') {
        blocks.push('case');
        words = [];
        break;
      }
      if (w === 'then' || w === 'do' || w === 'else') {
        inCondition = false;
        words = words.slice(1);
        continue;
      }
      if (w === 'fi' || w === 'done' || w === 'esac') {
        blocks.pop();
        words = words.slice(1);
        continue;
      }
      if (blocks.at(-1) === 'case' && /\)$/.test(w) && !w.startsWith('$(')) {
        // a case pattern: `start)` or `(start)`
        words = words.slice(1);
        continue;
      }
      break;
    }
    if (inCondition && words.length > 0) condition = true;
    if (words.length === 0) continue;
    // Blocks inside the innermost function body (or the script) decide whether it surely runs.
    const innermostFunction = blocks.lastIndexOf('function');
    const local = blocks.slice(innermostFunction + 1);
    const cmd: ScriptCommand = {
      words,
      line: rc.line,
      end: rc.end,
      inFunction: functionNames.length > 0,
      condition,
      piped,
      depth: blocks.length,
      loop: blocks.includes('loop'),
      branch: local.some((b) => b === 'if' || b === 'loop' || b === 'case'),
    };
    const fn = functionNames.at(-1);
    if (fn !== undefined) {
      cmd.functionName = fn;
      let body = functions.get(fn);
      if (!body) functions.set(fn, (body = []));
      body.push(cmd);
    }
    commands.push(cmd);
    const run = commandWords(words);
    if (run[0]?.text === 'trap') traps.push(...parseTrap(run.slice(1), rc.line));
  }

  const flow = flowOf(commands, functions);
  const name = (c: ScriptCommand): string | undefined => commandWords(c.words)[0]?.text;
  const isReal = (c: ScriptCommand): boolean => {
    const run = commandWords(c.words);
    const first = run[0]?.text;
    if (first === undefined || BOOKKEEPING.has(first)) return false;
    return first !== 'exec' || execTarget(run).length > 0; // `exec >log 2>&1`: redirections only
  };
  const lastReal = (before: number, accept: (c: ScriptCommand) => boolean = () => true): number => {
    for (let k = before - 1; k >= 0; k--) if (isReal((flow[k] as FlowItem).command) && accept((flow[k] as FlowItem).command)) return k;
    return -1;
  };

  // The command the script ends on, and the one it is in when the stop signal comes.
  let mainIndex = lastReal(flow.length);
  let blockedKeeper: ScriptCommand | undefined;
  let startedBefore: ScriptCommand | undefined;
  const last = flow[mainIndex]?.command;
  if (last && name(last) !== 'exec' && isKeepAlive(last)) {
    // A keep-alive after the service: was the service started in the
    // background (or as a daemon), or does it hold the script in the foreground?
    const prevIndex = lastReal(mainIndex, (c) => !isKeepAlive(c));
    const prev = flow[prevIndex]?.command;
    if (prev) {
      const waitBetween = flow.slice(prevIndex + 1, mainIndex).some((i) => name(i.command) === 'wait');
      const startedEarlier = flow
        .slice(0, prevIndex)
        .some((i) => isReal(i.command) && (i.command.end === '&' || foregroundOf(i.command.words) === 'daemon'));
      if (prev.end === '&' && waitBetween) {
        mainIndex = prevIndex; // `app & wait`: the wait holds the script
      } else if (prev.end !== '&' && !startedEarlier && foregroundOf(prev.words) === 'foreground') {
        blockedKeeper = last;
        mainIndex = prevIndex;
      } else {
        startedBefore = prev;
      }
    }
  }
  let pipelineStart = mainIndex;
  while (pipelineStart > 0 && (flow[pipelineStart] as FlowItem).command.piped) pipelineStart--;
  const pipeline = mainIndex >= 0 ? flow.slice(pipelineStart, mainIndex + 1).map((i) => i.command) : [];
  const main = flow[mainIndex]?.command;
  const mainRun = main ? commandWords(main.words) : [];
  const execs = mainRun[0]?.text === 'exec';
  const waits = mainIndex >= 0 && flow.slice(mainIndex + 1).some((i) => name(i.command) === 'wait');
  return {
    interpreter,
    isShell,
    commands,
    traps,
    main,
    execs,
    execWords: execs ? execTarget(mainRun) : [],
    background: main?.end === '&',
    pipeline,
    waits,
    functions,
    via: flow[mainIndex]?.via ?? [],
    blockedKeeper,
    startedBefore,
  };
}

interface FlowItem {
  command: ScriptCommand;
  /** The function calls it runs in, outermost first. */
  via: ScriptCommand[];
}

const ALL_ARGS = /^"?\$(\{@\}|@|\*|\{\*\})"?$/;

/**
 * The commands in the order the script runs them: a function call is its
 * body, run in the same shell with the call's words as "$@"; conditions are
 * left out; an `exec` that surely runs ends the script.
 */
function flowOf(commands: ScriptCommand[], functions: Map<string, ScriptCommand[]>): FlowItem[] {
  const out: FlowItem[] = [];
  const walk = (list: ScriptCommand[], via: ScriptCommand[], args: ScriptWord[] | undefined, branch: boolean): boolean => {
    for (const c of list) {
      if (c.condition) continue;
      const words = args ? c.words.flatMap((w) => (ALL_ARGS.test(w.raw) ? args : [w])) : c.words;
      const cmd: ScriptCommand = words === c.words && !branch ? c : { ...c, words, branch: c.branch || branch };
      const run = commandWords(cmd.words);
      const fn = run[0]?.text;
      const body = fn !== undefined ? functions.get(fn) : undefined;
      const inForeground = cmd.end !== '&' && cmd.end !== '|' && !cmd.piped;
      if (body && inForeground && via.length < 8 && !via.some((v) => commandWords(v.words)[0]?.text === fn)) {
        if (walk(body, [...via, cmd], run.slice(1), cmd.branch)) return true;
        continue;
      }
      out.push({ command: cmd, via });
      if (fn === 'exec' && execTarget(run).length > 0 && !cmd.branch) return true;
    }
    return false;
  };
  walk(
    commands.filter((c) => c.functionName === undefined),
    [],
    undefined,
    false,
  );
  return out;
}

/**
 * A command that only keeps the container alive: `tail -f /dev/null`,
 * `sleep infinity`, a sleep in a loop.
 */
export function isKeepAlive(command: ScriptCommand): boolean {
  let w = commandWords(command.words).map((x) => x.text);
  if (w[0] === 'exec') w = w.slice(1);
  const program = basename(w[0] ?? '');
  if (program === 'tail') return w.some((a) => /^-[a-zA-Z0-9]*[fF]/.test(a) || a.startsWith('--follow'));
  if (program === 'sleep') {
    if (command.loop) return true;
    return w.slice(1).some((a) => a === 'infinity' || a === 'inf' || /^\d+[hd]$/.test(a) || (/^\d+$/.test(a) && Number(a) >= 3600));
  }
  return false;
}

/** Programs run for a moment while a container starts: installs, waits, downloads. */
const ONE_SHOT = new Set([
  'apt-get', 'apt', 'apk', 'yum', 'dnf', 'microdnf', 'pip', 'pip3', 'composer', 'bundle', 'make', 'curl', 'wget', 'git',
  'tar', 'unzip', 'gzip', 'find', 'grep', 'awk', 'openssl', 'ssh-keygen', 'useradd', 'adduser', 'groupadd', 'addgroup',
  'usermod', 'id', 'nc', 'ping', 'update-ca-certificates', 'ldconfig', 'locale-gen', 'a2enmod', 'a2ensite', 'a2enconf',
  'nginx-debug', 'dockerize', 'sync', 'date', 'env', 'whoami', 'hostname', 'ls', 'cat', 'chpasswd', 'htpasswd',
]);

/**
 * Whether a command holds the script in the foreground while the service
 * runs (`foreground`), returns once it has started a daemon (`daemon`), or
 * cannot be told from the command line (`unknown`: its configuration decides,
 * or it may well be a setup step).
 */
export function foregroundOf(words: readonly ScriptWord[]): 'foreground' | 'daemon' | 'unknown' {
  let w = commandWords([...words]).map((x) => x.text);
  while (w[0] === 'exec' || w[0] === 'nohup' || w[0] === 'command') w = w.slice(1);
  const path = w[0] ?? '';
  const program = basename(path);
  const args = w.slice(1);
  const has = (re: RegExp): boolean => args.some((a) => re.test(a));
  if (path === '' || path.includes('$')) return 'unknown';
  if (program === 'service' || program === 'rc-service' || program === 'systemctl' || path.startsWith('/etc/init.d/')) return 'daemon';
  if ((/ctl$/.test(program) || /^pg_ctlcluster$/.test(program)) && has(/^(start|restart|graceful)$/)) return 'daemon';
  if (has(/^--(daemon|daemonize|fork|detach|background)$/) && !has(/^(no|false|off)$/)) return 'daemon';
  if (program === 'screen' || program === 'tmux' || program === 'start-stop-daemon' || program === 'daemon' || program === 'daemonize') return 'daemon';
  if (/^(nginx|openresty)$/.test(program)) return args.some((a) => /daemon\s+off/.test(a)) ? 'foreground' : 'unknown';
  if (/^(httpd|apache2|apachectl|apache2ctl)$/.test(program)) return has(/^(-DFOREGROUND|FOREGROUND|-X)$/) ? 'foreground' : 'daemon';
  if (/^(sshd|dropbear)$/.test(program)) return has(/^-[a-zA-Z]*[DF]/) ? 'foreground' : 'daemon';
  if (/^(cron|crond|atd)$/.test(program)) return has(/^-[a-zA-Z]*[fn]/) ? 'foreground' : 'daemon';
  if (/^(rsyslogd|syslogd|syslog-ng)$/.test(program)) return has(/^-[a-zA-Z]*[nF]/) ? 'foreground' : 'daemon';
  if (/^php-fpm[\d.]*$/.test(program)) return has(/^(-F|--nodaemonize)$/) ? 'foreground' : has(/^(-D|--daemonize)$/) ? 'daemon' : 'unknown';
  if (program === 'supervisord') return has(/^(-n|--nodaemon)$/) ? 'foreground' : 'unknown';
  if (program === 'redis-server') return args.join(' ').match(/--daemonize\s+yes/) ? 'daemon' : 'foreground';
  if (ONE_SHOT.has(program) || /\.(sh|bash)$/.test(program) || /^wait-for/.test(program)) return 'unknown';
  if (has(/^(migrate|install|collectstatic|db:\S+|setup|init|build|start)$/)) return 'unknown';
  return 'foreground';
}

/** The command `exec` runs: options and redirections removed. */
function execTarget(run: ScriptWord[]): ScriptWord[] {
  let k = 1;
  while (k < run.length) {
    const w = (run[k] as ScriptWord).raw;
    if (w === '-a') k += 2;
    else if (/^-[cl]+$/.test(w)) k++;
    else if (w === '--') {
      k++;
      break;
    } else break;
  }
  return run.slice(k).filter((w) => !/^\d*[<>]/.test(w.raw) && !/^&>/.test(w.raw));
}

function parseTrap(args: ScriptWord[], line: number): Trap[] {
  const end = args.at(-1)?.end;
  return parseTrapOperands(args, line).map((t) => (end === undefined ? t : { ...t, end }));
}

function parseTrapOperands(args: ScriptWord[], line: number): Trap[] {
  let a = args;
  if (a[0]?.raw === '--') a = a.slice(1);
  if (a.length === 0 || a[0]?.raw === '-p' || a[0]?.raw === '-l') return [];
  // `trap TERM` or `trap 15 2` (POSIX): every operand is a condition to reset.
  if (a.length === 1 || /^\d+$/.test((a[0] as ScriptWord).raw)) {
    return [{ signals: a.map((w) => normalizeSignal(w.text)), action: 'reset', line }];
  }
  const action = (a[0] as ScriptWord).text;
  return [
    {
      signals: a.slice(1).map((w) => normalizeSignal(w.text)),
      action: action === '' ? 'ignore' : action === '-' ? 'reset' : 'handle',
      line,
    },
  ];
}

/** The signals the script handles (a trap with an action), after resets. */
export function handledSignals(traps: Trap[]): Set<string> {
  const handled = new Set<string>();
  for (const t of traps) {
    for (const s of t.signals) {
      if (t.action === 'handle') handled.add(s);
      else handled.delete(s);
    }
  }
  return handled;
}

/** What `/bin/sh` is: the shells differ in whether `-c` execs its last command. */
export type ShellFlavour = 'dash' | 'bash' | 'busybox';

/**
 * Whether `SHELL -c STRING` replaces itself with the string's last command
 * (so that command becomes the shell's PID). Measured: bash 5.2 and BusyBox
 * ash 1.35 do, after `;` and `&&` too, but not for a pipeline, a background
 * command or with a trap set; Debian's dash 0.5.12 never does, not even for a
 * single command.
 */
export function shellExecsLastCommand(analysis: ScriptAnalysis, flavour: ShellFlavour): boolean {
  const main = analysis.main;
  if (flavour === 'dash' || !main || analysis.execs) return false;
  if (analysis.traps.length > 0 || main.end === '&' || analysis.pipeline.length > 1) return false;
  return !main.inFunction && !main.condition && main.depth === 0 && analysis.commands.at(-1) === main;
}
