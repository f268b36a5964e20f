// Wording shared by the messages: each problem stays on one line.

/** 'text', or JSON quoting when the text holds quotes or control characters (a newline would break the one-line format). */
export function quote(text: string): string {
  return /[\u0000-\u001f'\u007f]/.test(text) ? JSON.stringify(text) : `'${text}'`;
}

/** `a, b or c` for messages. */
export function listOr(words: readonly string[]): string {
  if (words.length <= 1) return words.join('');
  return `${words.slice(0, -1).join(', ')} or ${words[words.length - 1]}`;
}
