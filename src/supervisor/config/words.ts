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

/** `a, b or c` for messages. */
export function listOr(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
