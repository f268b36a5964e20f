// env_file: KEY=VALUE lines, as compose and docker --env-file read them:
// blank lines and # comments skipped, an optional leading `export`, values
// optionally in single quotes (literal) or double quotes (\n, \t, \", \\
// escapes), an unquoted value ends at ` #`. Values are not ${}-expanded.
import type { Problems } from './errors.js';
import { unfitArgument } from './limits.js';
import { shorten } from './words.js';

// dotAll: a value may hold U+2028, U+2029 or a lone CR, which `.` alone does not match (lines end at \n only).
const LINE = /^\s*(?:export\s+)?([A-Za-z_][A-Za-z0-9_.]*)\s*=\s*(.*)$/s;
const BLANK_OR_COMMENT = /^\s*(#.*)?$/s;

export function parseEnvFile(text: string, file: string, problems: Problems): Record<string, string> {
  // A Map, then an object of own properties: `__proto__` is a variable name like any other.
  const vars = new Map<string, string>();
  const lines = text.split(/\r?\n/);
  lines.forEach((line, index) => {
    const number = index + 1;
    if (BLANK_OR_COMMENT.test(line)) return;
    const match = LINE.exec(line);
    if (!match) {
      const column = line.length - line.trimStart().length + 1;
      problems.add(file, number, column, `not a KEY=VALUE line; expected KEY=VALUE (letters, digits and '_' in KEY), a # comment or a blank line`);
      return;
    }
    const [, key, rest] = match as unknown as [string, string, string];
    const valueColumn = line.length - rest.length + 1;
    const value = parseValue(rest.trimEnd());
    if (value === undefined) {
      problems.add(file, number, valueColumn, `unterminated quoted value for ${shorten(key)}; expected the closing quote on the same line`);
      return;
    }
    const unfit = unfitArgument(`${key}=${value}`, 'an environment variable');
    if (unfit !== undefined) problems.add(file, number, valueColumn, `${shorten(key)}=...: ${unfit}`);
    vars.set(key, value);
  });
  return Object.fromEntries(vars);
}

function parseValue(raw: string): string | undefined {
  const quote = raw[0];
  if (quote === "'" || quote === '"') {
    const end = quote === "'" ? raw.indexOf("'", 1) : closingDoubleQuote(raw);
    if (end < 0) return undefined;
    const body = raw.slice(1, end);
    return quote === "'" ? body : body.replace(/\\([nrt"\\$])/g, (_, c: string) => ({ n: '\n', r: '\r', t: '\t' })[c] ?? c);
  }
  const comment = raw.search(/\s#/);
  return (comment < 0 ? raw : raw.slice(0, comment)).trim();
}

function closingDoubleQuote(raw: string): number {
  for (let i = 1; i < raw.length; i++) {
    if (raw[i] === '\\') i++;
    else if (raw[i] === '"') return i;
  }
  return -1;
}
