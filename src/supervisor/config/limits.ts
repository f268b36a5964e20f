// What usher accepts from the files it reads (usher.yaml, a Procfile, env
// files): every limit is checked when the file is loaded, so `--check` refuses
// what the runtime could not honour, and no file can make loading itself slow
// or huge. docs/supervisor-config.md (Limits) lists them for users.

export const LIMITS = {
  /**
   * The longest duration: Node fires a timer longer than 2^31 - 1 ms (24.8
   * days) after 1 ms, so a longer interval or back-off would run at once.
   */
  durationMs: 24 * 24 * 3_600_000,
  /** usher.yaml, a Procfile, an env file: real ones are a few KiB. */
  fileBytes: 1024 * 1024,
  /** One argument, or one KEY=VALUE: the kernel refuses a longer one at exec (MAX_ARG_STRLEN, its NUL included). */
  argumentBytes: 128 * 1024 - 1,
  /** Arguments of one command. */
  arguments: 4096,
  /**
   * All the arguments of one command, and all of a service's own variables:
   * the kernel's default room for both together at exec is 2 MiB.
   */
  commandBytes: 1024 * 1024,
  /**
   * Services in one file (usher.yaml or Procfile): real ones have a few, a
   * big one a few dozen. Each dependency chain is walked once per service.
   */
  services: 1000,
  /** ${...} inside ${...}: real ones nest once or twice; each level is one more recursion. */
  nestedVariables: 32,
  /** Problems printed for one file: the first ones are enough to start fixing it. */
  problemsShown: 100,
  /** Characters of a value quoted in a message. */
  quotedChars: 60,
} as const;

/** 1 MiB, 4096 bytes: for messages. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024 && bytes % (1024 * 1024) === 0 ? `${bytes / (1024 * 1024)} MiB` : `${bytes} bytes`;
}

/** Where a text cannot go into an argv or environment entry (NUL, too long); undefined when it can. */
export function unfitArgument(text: string, what = 'an argument'): string | undefined {
  const nul = text.indexOf('\0');
  if (nul >= 0) return `holds a NUL byte (at character ${nul + 1}), which ${what} cannot carry; expected text without \\0`;
  const bytes = Buffer.byteLength(text);
  if (bytes > LIMITS.argumentBytes) {
    return `is ${bytes} bytes long; expected at most ${LIMITS.argumentBytes} bytes (the kernel's limit for ${what}: 128 KiB with its NUL)`;
  }
  return undefined;
}
