// Every problem found in a config file, reported together: a user fixes a
// file in one pass instead of one error per try. A file with thousands of
// problems (a binary, a wrong file) prints the first LIMITS.problemsShown.
import { escapeControl } from '../../core/escape.js';
import { LIMITS } from './limits.js';

export interface ConfigProblem {
  /** The file as shown to the user (relative to the working directory when inside it). */
  file: string;
  /** 1-based; 0 when the problem is about the file as a whole (not found, unreadable). */
  line: number;
  /** 1-based; 0 with line 0. */
  column: number;
  /** `what is wrong; expected ...`, one line. */
  message: string;
}

export class ConfigError extends Error {
  override name = 'ConfigError';
  readonly problems: ConfigProblem[];

  /** `mainFile` (the config file) is listed first; other files (env files) follow in the order they were met. */
  constructor(problems: ConfigProblem[], mainFile?: string) {
    const sorted = sortProblems(problems, mainFile);
    super(formatProblems(sorted));
    this.problems = sorted;
  }

  /** One `FILE:LINE:COL: message` line per problem, in file order. */
  format(): string {
    return formatProblems(this.problems);
  }
}

/**
 * `FILE:LINE:COL: message`, always one line, inert on a terminal: a message
 * quotes the file (a key, a value, a path) and the file can hold anything.
 */
export function formatProblem(p: ConfigProblem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${p.column}` : p.file;
  return escapeControl(`${where}: ${p.message}`);
}

function formatProblems(problems: readonly ConfigProblem[]): string {
  const lines = problems.slice(0, LIMITS.problemsShown).map(formatProblem);
  const more = problems.length - lines.length;
  if (more > 0) lines.push(`... and ${more} more problem(s) not shown; fix these first (is it the right file?)`);
  return lines.join('\n');
}

/** By file (the main one first), then by position; duplicates removed. */
function sortProblems(problems: readonly ConfigProblem[], mainFile: string | undefined): ConfigProblem[] {
  const fileOrder = new Map<string, number>();
  if (mainFile !== undefined) fileOrder.set(mainFile, 0);
  for (const p of problems) if (!fileOrder.has(p.file)) fileOrder.set(p.file, fileOrder.size);
  const seen = new Set<string>();
  const unique = problems.filter((p) => {
    const key = formatProblem(p);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return unique.sort(
    (a, b) =>
      (fileOrder.get(a.file) ?? 0) - (fileOrder.get(b.file) ?? 0) || a.line - b.line || a.column - b.column,
  );
}

/** Collects problems of one file while it is checked; positions come from the caller. */
export class Problems {
  readonly list: ConfigProblem[] = [];

  /** The config file as shown, listed first when the problems are reported. */
  constructor(readonly mainFile?: string) {}

  add(file: string, line: number, column: number, message: string): void {
    this.list.push({ file, line, column, message });
  }

  get empty(): boolean {
    return this.list.length === 0;
  }

  throwIfAny(): void {
    if (this.list.length > 0) throw new ConfigError(this.list, this.mainFile);
  }
}
