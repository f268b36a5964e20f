// A string command runs through /bin/sh -c. Debian's dash (and busybox ash)
// do not exec the last command of -c, so the shell would stay the service's
// process: `usher ps` would show its pid, a signal to the main process would
// hit the shell, and a kill -9 of that pid would leave the program running.
// Where the string is one simple command, usher writes `exec` in front of it
// so the program replaces the shell. Anything the check is not sure about is
// left as written: the shell then stays, and the stop signal still reaches
// the program through the process group.

/** Words that are shell syntax when they come first: `exec if` would mean something else. */
const KEYWORDS = new Set(['!', '{', '}', '[[', ']]', 'case', 'coproc', 'do', 'done', 'elif', 'else', 'esac', 'fi', 'for', 'function', 'if', 'in', 'select', 'then', 'time', 'until', 'while']);

/**
 * Builtins of dash, bash and busybox ash: `exec cd` fails, and `exec echo`
 * would run another program than the one the shell has built in.
 */
const BUILTINS = new Set([
  '.', ':', '[', 'alias', 'bg', 'bind', 'break', 'builtin', 'caller', 'cd', 'chdir', 'command', 'compgen', 'complete', 'continue',
  'declare', 'dirs', 'disown', 'echo', 'enable', 'eval', 'exit', 'export', 'false', 'fc', 'fg', 'getopts', 'hash', 'help',
  'history', 'jobs', 'kill', 'let', 'local', 'logout', 'mapfile', 'popd', 'printf', 'pushd', 'pwd', 'read', 'readarray',
  'readonly', 'return', 'set', 'shift', 'shopt', 'source', 'suspend', 'test', 'times', 'trap', 'true', 'type', 'typeset',
  'ulimit', 'umask', 'unalias', 'unset', 'wait',
]);

/** Outside quotes, each of these makes the string more than one simple command (or redirects it). */
const OPERATORS = new Set([';', '&', '|', '<', '>', '(', ')', '`', '\n', '\r']);

const ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;

interface Word {
  /** Index of its first character in the command. */
  start: number;
  /** As written, quotes included. */
  text: string;
}

/**
 * The words of `command` when it is one simple command whose only shell
 * syntax is quoting, whitespace, $VAR / ${VAR} expansions and a trailing
 * comment; undefined for anything else (operators, redirections, subshells,
 * command substitution, several lines, an unclosed quote).
 */
export function simpleCommandWords(command: string): Word[] | undefined {
  const words: Word[] = [];
  let current: Word | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < command.length; i++) {
    const c = command[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (quote === '"') {
      if (c === '\\') i++;
      else if (c === '"') quote = undefined;
      else if (c === '`' || (c === '$' && command[i + 1] === '(')) return undefined;
    } else if (c === ' ' || c === '\t') {
      if (current) words.push(current);
      current = undefined;
      continue;
    } else if (c === '#' && !current) {
      break; // a comment: the rest of the line
    } else if (OPERATORS.has(c) || (c === '$' && command[i + 1] === '(')) {
      return undefined;
    } else if (c === '\\') {
      if (command[i + 1] === '\n' || command[i + 1] === '\r') return undefined;
      i++;
    } else if (c === "'" || c === '"') {
      quote = c;
    }
    current ??= { start: i, text: '' };
    current.text = command.slice(current.start, i + 1);
  }
  if (quote) return undefined;
  if (current) words.push(current);
  return words;
}

/**
 * `command` with `exec` in front of its program when it is one simple command
 * (after any leading VAR=value assignments, which exec passes on to the
 * program); else `command` unchanged. The shell then runs the program in its
 * own place, so the program is the service's process.
 */
export function execIfSimple(command: string): string {
  // A YAML block scalar (`command: |`) ends with a newline: not a second line. trimEnd, not
  // replace(/\s+$/): the regex tries every blank of a long run in the middle once per blank
  // (a command of "a", 400 000 spaces and "b" took minutes).
  const words = simpleCommandWords(command.trimEnd());
  if (!words) return command;
  const program = words.find((w) => !ASSIGNMENT.test(w.text));
  if (!program || KEYWORDS.has(program.text) || BUILTINS.has(program.text) || program.text === 'exec') return command;
  return `${command.slice(0, program.start)}exec ${command.slice(program.start)}`;
}
