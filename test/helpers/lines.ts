// Lines of a process's output as they arrive, and a way to wait for one.
// Imports nothing from node:test, so runners that are not tests may use it.

export class Lines {
  readonly all: string[] = [];
  #partial = '';
  #waiters: { test: (line: string) => boolean; resolve: (line: string) => void }[] = [];
  #ended = false;

  constructor(stream: NodeJS.ReadableStream | null) {
    stream?.setEncoding('utf8');
    stream?.on('data', (chunk: string) => {
      const parts = (this.#partial + chunk).split('\n');
      this.#partial = parts.pop() ?? '';
      for (const line of parts) this.#push(line);
    });
    stream?.on('end', () => {
      if (this.#partial) this.#push(this.#partial);
      this.#partial = '';
      this.#ended = true;
    });
  }

  #push(line: string): void {
    this.all.push(line);
    this.#waiters = this.#waiters.filter((w) => {
      if (!w.test(line)) return true;
      w.resolve(line);
      return false;
    });
  }

  get text(): string {
    return this.all.join('\n') + (this.#partial ? `\n${this.#partial}` : '');
  }

  /** The first line, already seen or still to come, that contains `pattern` (a string) or matches it (a RegExp). */
  waitFor(pattern: RegExp | string, timeoutMs = 60_000): Promise<string> {
    const test = (l: string) => (typeof pattern === 'string' ? l.includes(pattern) : pattern.test(l));
    const seen = this.all.find(test);
    if (seen !== undefined) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#waiters = this.#waiters.filter((w) => w.resolve !== done);
        const state = this.#ended ? ' (the output has ended)' : '';
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${pattern}${state}; lines so far:\n${this.text}`));
      }, timeoutMs);
      const done = (line: string) => {
        clearTimeout(timer);
        resolve(line);
      };
      this.#waiters.push({ test, resolve: done });
    });
  }

  /** Resolves once `count` lines match. */
  async waitForCount(pattern: RegExp, count: number, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.all.filter((l) => pattern.test(l)).length < count) {
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${count} lines matching ${pattern}; got ${this.all.filter((l) => pattern.test(l)).length}`);
      // Wake on the next matching line.
      await new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`timed out waiting for ${count} x ${pattern}`)), left);
        this.#waiters.push({
          test: (l) => pattern.test(l),
          resolve: () => {
            clearTimeout(timer);
            resolve();
          },
        });
      });
    }
  }
}
