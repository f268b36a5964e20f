// Reads the object literal of a pm2 ecosystem.config.js without running it:
// converting a file must never execute it. Objects, arrays, strings (template
// strings without ${}), numbers, booleans, null and undefined are read; any
// other expression (process.env.X, path.join(...), a function) is kept as its
// source text in an Expression, for the converter to mention.

export class Expression {
  constructor(readonly source: string) {}
}

export type JsValue = string | number | boolean | null | undefined | Expression | JsValue[] | { [key: string]: JsValue };

/** A place in the file, for messages. */
export class JsSyntaxError extends Error {
  constructor(
    message: string,
    readonly index: number,
  ) {
    super(message);
  }
}

/** The value of the first `module.exports = {...}` or `export default {...}` (or `{ apps: [...] }` found anywhere). */
export function readExportedObject(text: string): JsValue {
  const start = /module\.exports\s*=\s*|export\s+default\s+/.exec(text);
  const from = start ? start.index + start[0].length : text.search(/\{\s*apps\s*:/);
  if (from < 0) throw new JsSyntaxError('no module.exports = {...} or export default {...}', 0);
  return new Reader(text, from).value();
}

/** Sticky patterns: matched at the reader's position without copying the rest of the file. */
const WORD = /(?:-?(?:\d+\.?\d*|\.\d+)(?:e[-+]?\d+)?|true|false|null|undefined)(?![\w$.(])/iy;
const KEY = /[\w$]+/y;
const SPACE = /(?:\s+|\/\/[^\n]*|\/\*[\s\S]*?\*\/)+/y;

/** Nesting deeper than this is refused (a crafted file must not exhaust the stack). */
const MAX_DEPTH = 64;

class Reader {
  #depth = 0;

  constructor(
    private readonly text: string,
    private i: number,
  ) {}

  value(): JsValue {
    if (++this.#depth > MAX_DEPTH) throw new JsSyntaxError(`values nested more than ${MAX_DEPTH} deep`, this.i);
    try {
      return this.#value();
    } finally {
      this.#depth--;
    }
  }

  #value(): JsValue {
    this.skip();
    const c = this.text[this.i];
    if (c === '{') return this.object();
    if (c === '[') return this.array();
    if (c === '"' || c === "'" || c === '`') {
      const literal = this.string();
      if (literal !== undefined) return literal;
    }
    const word = this.match(WORD);
    if (word) {
      const w = word[0];
      return w === 'true' ? true : w === 'false' ? false : w === 'null' ? null : w === 'undefined' ? undefined : Number(w);
    }
    return this.expression();
  }

  object(): { [key: string]: JsValue } {
    const out: { [key: string]: JsValue } = {};
    this.i++; // {
    for (;;) {
      this.skip();
      if (this.text[this.i] === '}') {
        this.i++;
        return out;
      }
      if (this.text.startsWith('...', this.i)) {
        const spread = this.expression();
        Object.defineProperty(out, `...${spread.source.slice(3)}`, { value: spread, enumerable: true });
      } else {
        const key = this.key();
        this.skip();
        let value: JsValue;
        if (this.text[this.i] === ':') {
          this.i++;
          value = this.value();
        } else if (this.text[this.i] === '(') {
          value = this.expression(); // a method: its source
        } else {
          value = new Expression(key); // shorthand { name }: a variable
        }
        Object.defineProperty(out, key, { value, enumerable: true, writable: true, configurable: true });
      }
      this.skip();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== '}') throw new JsSyntaxError(`expected ',' or '}'`, this.i);
    }
  }

  array(): JsValue[] {
    const out: JsValue[] = [];
    this.i++; // [
    for (;;) {
      this.skip();
      if (this.text[this.i] === ']') {
        this.i++;
        return out;
      }
      out.push(this.value());
      this.skip();
      if (this.text[this.i] === ',') this.i++;
      else if (this.text[this.i] !== ']') throw new JsSyntaxError(`expected ',' or ']'`, this.i);
    }
  }

  key(): string {
    const c = this.text[this.i];
    if (c === '"' || c === "'") {
      const s = this.string();
      if (s !== undefined) return s;
    }
    if (c === '[') throw new JsSyntaxError('a computed key', this.i);
    const word = this.match(KEY);
    if (!word) throw new JsSyntaxError('expected a key', this.i);
    return word[0];
  }

  /** A quoted string; undefined (and nothing read) for a template string with ${}. */
  string(): string | undefined {
    const quote = this.text[this.i] as string;
    let out = '';
    let j = this.i + 1;
    for (; j < this.text.length; j++) {
      const c = this.text[j] as string;
      if (c === quote) {
        this.i = j + 1;
        return out;
      }
      if (quote === '`' && c === '$' && this.text[j + 1] === '{') return undefined;
      if (c === '\\') {
        const n = this.text[++j] as string;
        out += n === 'n' ? '\n' : n === 't' ? '\t' : n === 'r' ? '\r' : n === '\n' ? '' : n;
        continue;
      }
      if (c === '\n' && quote !== '`') break;
      out += c;
    }
    throw new JsSyntaxError('an unterminated string', this.i);
  }

  /** Any other expression: its source, up to the ',' '}' or ']' that ends it at this depth. */
  expression(): Expression {
    const start = this.i;
    let depth = 0;
    while (this.i < this.text.length) {
      const c = this.text[this.i] as string;
      if (c === '"' || c === "'" || c === '`') {
        this.skipString(c);
        continue;
      }
      if (c === '/' && (this.text[this.i + 1] === '/' || this.text[this.i + 1] === '*')) {
        this.skip();
        continue;
      }
      if (c === '(' || c === '[' || c === '{') depth++;
      else if (c === ')' || c === ']' || c === '}') {
        if (depth === 0) break;
        depth--;
      } else if (c === ',' && depth === 0) break;
      this.i++;
    }
    const source = this.text.slice(start, this.i).trim();
    if (source === '') throw new JsSyntaxError('expected a value', start);
    return new Expression(source);
  }

  skipString(quote: string): void {
    this.i++;
    while (this.i < this.text.length && this.text[this.i] !== quote) {
      if (this.text[this.i] === '\\') this.i++;
      this.i++;
    }
    this.i++;
  }

  /** Whitespace and comments. */
  skip(): void {
    this.match(SPACE);
    if (this.text.startsWith('/*', this.i)) throw new JsSyntaxError('an unterminated comment', this.i);
  }

  /** `pattern` at the position (read, when it matches), without moving otherwise. */
  match(pattern: RegExp): RegExpExecArray | null {
    pattern.lastIndex = this.i;
    const found = pattern.exec(this.text);
    if (found) this.i += found[0].length;
    return found;
  }
}
