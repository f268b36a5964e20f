// The pattern of a `log:` probe, matched against what a service prints, inside
// PID 1. The lines are untrusted, so matching must take bounded time whatever
// they hold. JavaScript's RegExp backtracks: `listening|(a+)+$` took 30 s on a
// line of 29 characters, and even `.*a.*b` took 22 s on a 4 KiB line (a
// polynomial case no static check can refuse without refusing the commonest
// patterns). RE2 (re2js, pure JavaScript, no dependencies) never backtracks: a
// match costs at most the line's length times the pattern's compiled size, and
// both are capped here. The price: no lookaround and no backreferences.
import { RE2JS, RE2JSException } from 're2js';
import type { LinePattern } from '../types.js';

/**
 * Compiled size (RE2 instructions) above which a pattern is refused. Real
 * patterns are far below (`listening on port \d+` is 22, a timestamped log
 * line with alternatives about 70); with this size and a line cut to 4 KiB
 * (MATCHED_LINE_BYTES) the worst input measured took about a quarter of a second.
 */
export const MAX_PATTERN_SIZE = 200;
/** Checked before compiling, which takes time in proportion. */
const MAX_PATTERN_CHARS = 1000;

/** The pattern cannot be used; the message says why and what to write instead. */
export class LinePatternError extends Error {
  override name = 'LinePatternError';
}

/** Compiles a pattern in JavaScript syntax (less lookaround and backreferences), or throws LinePatternError. */
export function compileLinePattern(source: string): LinePattern {
  if (source.length > MAX_PATTERN_CHARS) {
    throw new LinePatternError(`the pattern is ${source.length} characters long; expected at most ${MAX_PATTERN_CHARS}: match a shorter, distinctive part of the line`);
  }
  const unsupported = backtrackingOnlySyntax(source);
  if (unsupported) {
    throw new LinePatternError(
      `${unsupported} is not supported: it needs a backtracking matcher, which a line the service prints can stall for minutes ` +
        '(usher matches inside PID 1); expected a pattern without backreferences or lookaround',
    );
  }
  let re: RE2JS;
  try {
    re = RE2JS.compile(RE2JS.translateRegExp(source));
  } catch (e) {
    if (!(e instanceof RE2JSException)) throw e;
    const why = e.message.replace(/^error parsing regexp: /, '');
    throw new LinePatternError(`invalid regular expression (${why}); expected a regular expression in JavaScript syntax, without lookaround or backreferences`);
  }
  const size = re.programSize();
  if (size > MAX_PATTERN_SIZE) {
    throw new LinePatternError(
      `the pattern is too complex (it compiles to ${size} steps; at most ${MAX_PATTERN_SIZE}): each line costs its length times this; ` +
        'match a shorter part of the line, or use smaller repeat counts than {n}',
    );
  }
  return { source, test: (line) => re.test(line) };
}

/**
 * The first backreference (\1, \k<name>) or lookaround ((?=, (?!, (?<=, (?<!)
 * outside a character class, as written; undefined when there is none. Found
 * here rather than from RE2's error, which calls \k an escape it does not know.
 */
function backtrackingOnlySyntax(source: string): string | undefined {
  let inClass = false;
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '\\') {
      const next = source[i + 1] ?? '';
      if (!inClass && /[1-9]/.test(next)) return `the backreference \\${next}`;
      if (!inClass && next === 'k' && source[i + 2] === '<') return `the backreference ${source.slice(i, source.indexOf('>', i) + 1 || undefined)}`;
      i++;
    } else if (inClass) {
      if (c === ']') inClass = false;
    } else if (c === '[') {
      inClass = true;
    } else if (c === '(') {
      const look = /^\(\?<?[=!]/.exec(source.slice(i, i + 4));
      if (look) return `the lookaround ${look[0]}`;
    }
  }
  return undefined;
}
