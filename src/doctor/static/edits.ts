// Fixes as changes to files: the static checks suggest a line to write, and
// where they can, the exact change (an Edit) so that a test, or a tool, can
// apply it and check again. Also the shell-syntax questions a fix depends on.
import type { Edit } from '../types.js';
import { analyzeScript, commandWords, type ScriptCommand } from './shell-script.js';

/** Text of a script and where it sits in a file (a script file, or a heredoc in the Dockerfile). */
export interface ScriptText {
  text: string;
  file: string;
  /** Line of `file` where `text` starts. */
  firstLine: number;
}

function linesBefore(text: string, offset: number): number {
  let n = 0;
  for (let k = text.indexOf('\n'); k >= 0 && k < offset; k = text.indexOf('\n', k + 1)) n++;
  return n;
}

/** Replaces `text[from, to)` of a script with `insert`, as an edit of the whole lines it touches. */
export function scriptEdit(script: ScriptText, from: number, to: number, insert: string): Edit {
  const { text } = script;
  const lineStart = text.lastIndexOf('\n', from - 1) + 1;
  let lineEnd = text.indexOf('\n', to);
  if (lineEnd < 0) lineEnd = text.length;
  const line = script.firstLine + linesBefore(text, lineStart);
  const endLine = line + linesBefore(text.slice(lineStart, lineEnd), lineEnd - lineStart);
  return { file: script.file, line, endLine, text: text.slice(lineStart, from) + insert + text.slice(to, lineEnd) };
}

/** Where the program of a command starts (after `VAR=value` assignments), and where the command ends. */
export function commandSpan(command: ScriptCommand): { start: number; end: number } | undefined {
  const run = commandWords(command.words);
  const start = run[0]?.offset;
  const end = command.words.at(-1)?.end;
  return start === undefined || end === undefined ? undefined : { start, end };
}

/** `exec ` inserted before the command's program (assignments stay in front: `A=1 exec app`). */
export function execEdit(script: ScriptText, command: ScriptCommand): Edit | undefined {
  const span = commandSpan(command);
  return span ? scriptEdit(script, span.start, span.start, 'exec ') : undefined;
}

/**
 * Whether a shell-form command needs the shell: variables, command
 * substitution, redirections, pipes, lists, globs, `~`. Such a command cannot
 * become the exec form word for word.
 */
export function reliesOnShell(text: string): boolean {
  let quote: string | undefined;
  let wordStart = true;
  for (let k = 0; k < text.length; k++) {
    const c = text[k] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
    } else if (quote === '"') {
      if (c === '\\') k++;
      else if (c === '"') quote = undefined;
      else if (c === '$' || c === '`') return true;
    } else if (c === "'" || c === '"') {
      quote = c;
    } else if (c === '\\') {
      k++;
    } else if ('$`<>|&;*?[()'.includes(c) || (c === '~' && wordStart) || (c === '#' && wordStart)) {
      return true;
    }
    wordStart = /\s/.test(c);
  }
  return false;
}

/**
 * The command string with `exec` before its last command, so the shell
 * replaces itself with it; undefined when that cannot work (a pipeline, a
 * background command, or a last command that is not the script's end).
 */
export function withExec(text: string): string | undefined {
  const analysis = analyzeScript(text, { assumeShell: true });
  const main = analysis.main;
  if (!main || analysis.execs) return analysis.execs ? text : undefined;
  if (analysis.pipeline.length > 1 || main.end === '&' || main.branch || analysis.commands.at(-1) !== main) return undefined;
  const span = commandSpan(main);
  return span ? `${text.slice(0, span.start)}exec ${text.slice(span.start)}` : undefined;
}
