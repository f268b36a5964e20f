// What the builders of one YAML file share: where to report, what to expand with.
import { parseDuration, tooLong } from './duration.js';
import type { Problems } from './errors.js';
import { expandVariables, type Environment } from './expand.js';
import type { ConfigSource, Path } from './yaml-source.js';
import { subject } from './validate.js';

export class FileContext {
  /** Env files by absolute path, each read once per load: its variables, or why it cannot be read. */
  readonly envFiles = new Map<string, Promise<Record<string, string> | string>>();

  constructor(
    readonly source: ConfigSource,
    readonly problems: Problems,
    readonly env: Environment,
    /** usher's working directory, for showing other files' paths. */
    readonly cwd: string,
    /** Told about what is allowed but likely a mistake (a variable not set), as `FILE:LINE:COL: ...`. */
    readonly warn: (line: string) => void = () => {},
  ) {}

  /** Reports `message` (already `what; expected ...`) at the value (or key) at `path`, prefixed with its name. */
  report(path: Path, message: string, { key = false }: { key?: boolean } = {}): void {
    const at = this.source.locate(path, { key });
    this.problems.add(at.file, at.line, at.column, `${subject(path)}: ${message}`);
  }

  /** The same file, with `variables` over usher's environment for ${VAR} (a replica's USHER_REPLICA). */
  withVariables(variables: Record<string, string>): FileContext {
    return new FileContext(this.source, this.problems, { ...this.env, ...variables }, this.cwd, this.warn);
  }

  /** Directory of the file that wrote the value at `path`: a relative cwd or env_file there starts from it. */
  dirOf(path: Path): string {
    return this.source.dirOf(path);
  }

  /**
   * The duration at `path` in ms; undefined when not given, or when it is
   * longer than usher's limit (reported here: the default must not stand in).
   */
  duration(path: Path, raw: unknown): number | undefined {
    const ms = raw === undefined ? undefined : parseDuration(raw);
    if (ms === undefined) return undefined;
    const why = tooLong(ms);
    if (why === undefined) return ms;
    this.report(path, why);
    return undefined;
  }

  /** ${VAR} expansion of the string at `path`; on error, reports at the offending '${' and returns the text unexpanded. */
  expand(path: Path, text: string): string {
    const result = expandVariables(text, this.env);
    if (result.ok) {
      for (const { name, index } of result.unset) {
        const at = this.source.locateInString(path, index);
        this.warn(
          `${at.file}:${at.line}:${at.column}: ${subject(path)}: variable ${name} is not set, so \${${name}} is empty; set it, or write \${${name}:-default} or \${${name}-} to choose`,
        );
      }
      return result.value;
    }
    const at = this.source.locateInString(path, result.index);
    this.problems.add(at.file, at.line, at.column, `${subject(path)}: ${result.message}`);
    return text;
  }
}
