// A Dockerfile as BuildKit reads it: parser directives (`# escape=`), comments,
// line continuations, heredocs, and the JSON (exec) form versus the shell form.
// Only the syntax: what the instructions mean is for dockerfile.ts.

export interface Heredoc {
  /** The delimiter word, e.g. EOF. */
  name: string;
  /** The body, lines joined with \n (leading tabs removed for `<<-`). */
  content: string;
  /** 1-based line of the body's first line. */
  line: number;
}

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY... */
  keyword: string;
  /** Everything after the keyword, continuation lines joined (escape characters removed). */
  args: string;
  /** 1-based line where the instruction starts. */
  line: number;
  /** 1-based line where it ends (continuation lines included, heredoc bodies not). */
  endLine: number;
  heredocs: Heredoc[];
}

export interface ParsedDockerfile {
  instructions: Instruction[];
  escape: string;
}

const DIRECTIVE = /^\s*#\s*([a-zA-Z][a-zA-Z0-9_-]*)\s*=\s*(.*?)\s*$/;
const HEREDOC = /<<(-?)\s*(["']?)([A-Za-z_][A-Za-z0-9_.-]*)\2/g;
/** Instructions whose arguments BuildKit scans for heredocs. */
const HEREDOC_KEYWORDS = new Set(['RUN', 'COPY', 'ADD']);

export class DockerfileSyntaxError extends Error {
  constructor(
    message: string,
    readonly line: number,
  ) {
    super(message);
    this.name = 'DockerfileSyntaxError';
  }
}

function isBlank(line: string): boolean {
  return line.trim() === '';
}

function isComment(line: string): boolean {
  return /^\s*#/.test(line);
}

export function parseDockerfile(text: string): ParsedDockerfile {
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  let escape = '\\';
  let i = 0;

  // Parser directives: only at the very top, each `# name=value`; the first
  // other line (even a blank one or a plain comment) ends them.
  for (; i < lines.length; i++) {
    const m = DIRECTIVE.exec(lines[i] as string);
    if (!m) break;
    if ((m[1] as string).toLowerCase() === 'escape') {
      const value = m[2] as string;
      if (value !== '\\' && value !== '`') {
        throw new DockerfileSyntaxError(`invalid escape directive "${value}": it must be \\ or \``, i + 1);
      }
      escape = value;
    }
  }

  const continuation = new RegExp(`${escape === '\\' ? '\\\\' : '`'}[ \\t]*$`);
  const instructions: Instruction[] = [];

  while (i < lines.length) {
    const first = lines[i] as string;
    if (isBlank(first) || isComment(first)) {
      i++;
      continue;
    }
    const start = i;
    let text = '';
    for (;;) {
      const line = lines[i] as string;
      i++;
      // Inside a continuation, comment lines and blank lines are dropped.
      if (i - 1 > start && (isComment(line) || isBlank(line))) {
        if (i >= lines.length) break;
        continue;
      }
      const cont = continuation.exec(line);
      if (cont) {
        text += line.slice(0, cont.index);
        if (i >= lines.length) break;
        continue;
      }
      text += line;
      break;
    }
    const endLine = i;
    const m = /^\s*(\S+)\s*([\s\S]*?)\s*$/.exec(text);
    if (!m) continue;
    const keyword = (m[1] as string).toUpperCase();
    const args = m[2] as string;
    const heredocs: Heredoc[] = [];
    if (HEREDOC_KEYWORDS.has(keyword) && args.includes('<<')) {
      for (const h of args.matchAll(HEREDOC)) {
        const stripTabs = h[1] === '-';
        const name = h[3] as string;
        const body: string[] = [];
        const bodyLine = i + 1;
        let closed = false;
        while (i < lines.length) {
          const raw = lines[i] as string;
          i++;
          const cmp = stripTabs ? raw.replace(/^\t+/, '') : raw;
          if (cmp === name) {
            closed = true;
            break;
          }
          body.push(cmp);
        }
        if (!closed) throw new DockerfileSyntaxError(`heredoc <<${name} is never closed`, start + 1);
        heredocs.push({ name, content: body.join('\n'), line: bodyLine });
      }
    }
    instructions.push({ keyword, args, line: start + 1, endLine, heredocs });
  }
  return { instructions, escape };
}

/**
 * The JSON array of an exec-form instruction, or undefined for the shell form.
 * As in Docker: anything that is not a valid JSON array of strings is the
 * shell form, even when it starts with `[` (e.g. single quotes).
 */
export function execForm(args: string): string[] | undefined {
  const trimmed = args.trim();
  if (!trimmed.startsWith('[')) return undefined;
  try {
    const parsed: unknown = JSON.parse(trimmed);
    if (Array.isArray(parsed) && parsed.every((a) => typeof a === 'string')) return parsed as string[];
  } catch {
    // not JSON: the shell form
  }
  return undefined;
}

/** `--name=value` / `--name` flags at the start of an instruction's arguments, and the rest. */
export function splitFlags(args: string): { flags: Map<string, string>; rest: string } {
  const flags = new Map<string, string>();
  let rest = args.trim();
  for (;;) {
    const m = /^--([A-Za-z][A-Za-z0-9-]*)(?:=(\S*))?(?:\s+|$)/.exec(rest);
    if (!m) break;
    flags.set((m[1] as string).toLowerCase(), m[2] ?? '');
    rest = rest.slice(m[0].length);
  }
  return { flags, rest };
}

/** Splits shell-like words (quotes removed) as Docker does for COPY, FROM, STOPSIGNAL... */
export function splitWords(text: string, escape = '\\'): string[] {
  const words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: string | undefined;
  for (let k = 0; k < text.length; k++) {
    const c = text[k] as string;
    if (quote) {
      if (c === quote) quote = undefined;
      else if (c === escape && quote === '"' && k + 1 < text.length) word += text[++k];
      else word += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(word);
      word = '';
      inWord = false;
    } else if (c === escape && k + 1 < text.length) {
      word += text[++k];
      inWord = true;
    } else {
      word += c;
      inWord = true;
    }
  }
  if (inWord) words.push(word);
  return words;
}
