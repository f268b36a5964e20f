// The contract between the doctor's parts: the run (a command, or an image in a
// container engine) and the static checks (Dockerfile, Kubernetes manifest) all
// report Findings; the report puts them in one list. The ids are a stable
// interface (docs/doctor.md, --json): never rename one.

export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Stable id, e.g. `shell-does-not-forward`. */
  id: string;
  severity: Severity;
  /** Plain explanation of what was seen and why it matters. */
  message: string;
  /** The one-line fix: a Dockerfile line, a script line, a flag. */
  fix: string;
  /** The file the finding is about (static checks). */
  file?: string;
  /** 1-based line in that file. */
  line?: number;
  /**
   * The fix as a change to a file, where the static checks can write it
   * (tests apply it and check again). Not part of the --json report.
   */
  edit?: Edit;
}

/** Replace lines `line`..`endLine` (1-based, inclusive) of `file` with `text`; `endLine` = `line` - 1 inserts `text` before `line`. */
export interface Edit {
  file: string;
  line: number;
  endLine: number;
  /** The new lines, without a final newline. */
  text: string;
}
