// Text that came from elsewhere (a command line from /proc, a config value, a
// reason quoting either) made safe to print inside one of usher's own log
// lines. A process chooses its argv freely: with a newline in it, printed raw,
// it would start a line of its own that reads like one of usher's events; with
// a carriage return or an escape sequence it could overwrite one on a terminal.
//
// Every C0 control, DEL and C1 control is shown as an escape (\n, \r, \t,
// \x1b, \x9b), and so are the Unicode line separators and the bidirectional
// overrides, which reorder what a terminal shows. A backslash is left as it is:
// the escaped text is for reading, not for decoding (the JSON log keeps the
// exact text).

const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

const NAMED: Readonly<Record<string, string>> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/** `text` with every control character written as an escape: always one line, and inert on a terminal. */
export function escapeControl(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named !== undefined) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}
