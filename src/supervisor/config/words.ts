// Wording shared by the messages: each problem stays on one line.
import { LIMITS } from './limits.js';

/**
 * 'text', or JSON quoting when the text holds quotes or control characters (a
 * newline would break the one-line format); a long text is cut, its length said.
 */
export function quote(text: string): string {
  const cut = text.length > LIMITS.quotedChars;
  const shown = cut ? text.slice(0, LIMITS.quotedChars) : text;
  const quoted = /[\u0000-\u001f'\u007f]/.test(shown) ? JSON.stringify(shown) : `'${shown}'`;
  return cut ? `${quoted}... (${text.length} characters)` : quoted;
}

/** A name as written when short (a variable name has no control characters), cut with '...' when long. */
export function shorten(name: string): string {
  return name.length > LIMITS.quotedChars ? `${name.slice(0, LIMITS.quotedChars)}...` : name;
}

/**
 * A name (a service, a key) inside a message's path or list: as written when
 * it looks like a name, else quoted like a value (a name can be anything the
 * file holds: a newline, a megabyte).
 */
export function displayName(name: string): string {
  return /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/.test(name) && name.length <= 63 ? name : quote(name);
}

/** `a, b or c` for messages. */
export function listOr(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
