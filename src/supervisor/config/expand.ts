// ${VAR} expansion from usher's environment, with compose's semantics:
//   ${VAR}            the value, or '' when unset
//   ${VAR:-default}   default when VAR is unset or empty   (${VAR-default}: only when unset)
//   ${VAR:?message}   an error when VAR is unset or empty  (${VAR?message}: only when unset)
//   ${VAR:+other}     other when VAR is set and not empty  (${VAR+other}: when set)
//   $$                a literal $
// The default/message/other may itself hold ${...}. A bare $NAME is left as
// written, for the shell of a string command to expand at run time from the
// service's own environment.

import { LIMITS } from './limits.js';
import { quote } from './words.js';

export type Environment = Readonly<Record<string, string | undefined>>;

export type Expansion =
  | {
      ok: true;
      value: string;
      /** ${NAME} written without a default and NAME not set: expanded to '' (compose warns about these). */
      unset: { name: string; index: number }[];
    }
  | { ok: false; index: number; message: string };

type Unset = { name: string; index: number }[];

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;

export function expandVariables(text: string, env: Environment): Expansion {
  try {
    const unset: Unset = [];
    const value = expandFrom(text, 0, text.length, env, unset, 0);
    return { ok: true, value, unset };
  } catch (e) {
    if (e instanceof ExpansionError) return { ok: false, index: e.index, message: e.message };
    throw e;
  }
}

class ExpansionError extends Error {
  constructor(
    readonly index: number,
    message: string,
  ) {
    super(message);
  }
}

function expandFrom(text: string, start: number, end: number, env: Environment, unset: Unset, depth: number): string {
  let out = '';
  let i = start;
  while (i < end) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0 || dollar >= end) {
      out += text.slice(i, end);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{' && dollar + 1 < end) {
      const close = matchingBrace(text, dollar + 2, end);
      if (close < 0) {
        throw new ExpansionError(dollar, `unterminated ${excerpt(text.slice(dollar))}; expected '\${NAME}' or '\${NAME:-default}' closed by '}' (write '$$' for a literal '$')`);
      }
      if (depth >= LIMITS.nestedVariables) {
        throw new ExpansionError(dollar, `${excerpt(text.slice(dollar))} is nested more than ${LIMITS.nestedVariables} deep in \${...}; expected at most ${LIMITS.nestedVariables} levels of '\${NAME:-\${OTHER}}'`);
      }
      out += substitute(text, dollar, dollar + 2, close, env, unset, depth + 1);
      i = close + 1;
    } else {
      out += '$';
      i = dollar + 1;
    }
  }
  return out;
}

/** Index of the '}' closing a '${' whose body starts at `from`, nested ${...} skipped; -1 if none. */
function matchingBrace(text: string, from: number, end: number): number {
  let depth = 0;
  for (let i = from; i < end; i++) {
    const c = text[i];
    if (c === '$' && text[i + 1] === '$') i++;
    else if (c === '$' && text[i + 1] === '{') {
      depth++;
      i++;
    } else if (c === '}') {
      if (depth === 0) return i;
      depth--;
    }
  }
  return -1;
}

function substitute(text: string, dollar: number, bodyStart: number, close: number, env: Environment, unsetSeen: Unset, depth: number): string {
  const body = text.slice(bodyStart, close);
  const name = NAME.exec(body)?.[0];
  if (!name) {
    throw new ExpansionError(dollar, `${excerpt(`\${${body}}`)} has no valid variable name; expected '\${NAME}' with letters, digits and '_' (write '$$' for a literal '$')`);
  }
  // Own variables only: ${constructor} or ${__proto__} must not reach Object.prototype.
  const value = Object.hasOwn(env, name) ? env[name] : undefined;
  const rest = body.slice(name.length);
  if (rest === '') {
    if (value === undefined) unsetSeen.push({ name, index: dollar });
    return value ?? '';
  }
  const op = /^(:-|-|:\?|\?|:\+|\+)/.exec(rest)?.[0];
  if (!op) {
    throw new ExpansionError(dollar, `${excerpt(`\${${body}}`)} is not a valid substitution; expected '\${${name}}', '\${${name}:-default}', '\${${name}:?error}' or '\${${name}:+other}'`);
  }
  const wordStart = bodyStart + name.length + op.length;
  const word = () => expandFrom(text, wordStart, close, env, unsetSeen, depth);
  const unset = value === undefined;
  const emptyOrUnset = unset || value === '';
  switch (op) {
    case ':-':
      return emptyOrUnset ? word() : value;
    case '-':
      return unset ? word() : value;
    case ':?':
    case '?':
      if (op === ':?' ? emptyOrUnset : unset) {
        const why = word();
        const state = unset ? 'not set' : 'empty';
        throw new ExpansionError(dollar, `required variable ${name} is ${state}${why ? ` (${why})` : ''}; expected ${name} in usher's environment`);
      }
      return value as string;
    case ':+':
      return emptyOrUnset ? '' : word();
    default:
      return unset ? '' : word();
  }
}

/** The start of the offending text, quoted on one line. */
function excerpt(text: string): string {
  return quote(text.length > 24 ? `${text.slice(0, 24)}...` : text);
}
