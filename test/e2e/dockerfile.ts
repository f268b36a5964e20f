// The examples' Dockerfiles, built for real without a registry.
//
// There is no registry here to pull `FROM node:20-slim` from, and usher is
// installed from `npm pack` rather than from npm, so a Dockerfile cannot be
// built as it stands. It is translated instead, line by line:
//   FROM ...            the suite's local node image (busybox + this machine's node)
//   RUN ...             an emulation the suite knows for exactly that command line,
//                       done on the host, whose result is COPYed in
//   everything else     kept as written (WORKDIR, COPY, ENV, EXPOSE, ENTRYPOINT, CMD...)
// A RUN line the suite does not know fails the build, so the examples cannot
// drift away from what the suite checks.

export interface Instruction {
  /** Upper-case keyword: FROM, RUN, COPY... */
  keyword: string;
  /** The rest of the instruction, continuation lines joined. */
  args: string;
  /** 1-based line where it starts, for messages. */
  line: number;
}

/** Parses a Dockerfile into instructions (comments dropped, `\` continuations joined). */
export function parseDockerfile(text: string): Instruction[] {
  const out: Instruction[] = [];
  let pending: { text: string; line: number } | undefined;
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (!pending && (/^\s*#/.test(line) || !line.trim())) return;
    if (pending && /^\s*#/.test(line)) return; // comment lines inside a continuation are skipped, as Docker does
    const piece = line.trim();
    const continued = piece.endsWith('\\');
    const body = continued ? piece.slice(0, -1).trimEnd() : piece;
    pending = pending ? { text: `${pending.text} ${body}`, line: pending.line } : { text: body, line: index + 1 };
    if (continued) return;
    const match = /^(\S+)\s*(.*)$/.exec(pending.text);
    if (match) out.push({ keyword: (match[1] ?? '').toUpperCase(), args: match[2] ?? '', line: pending.line });
    pending = undefined;
  });
  return out;
}

/** The JSON array of an exec-form ENTRYPOINT/CMD, or undefined for the shell form. */
export function execForm(args: string): string[] | undefined {
  if (!args.trim().startsWith('[')) return undefined;
  const parsed: unknown = JSON.parse(args);
  if (!Array.isArray(parsed) || !parsed.every((a) => typeof a === 'string')) throw new Error(`not an exec form: ${args}`);
  return parsed as string[];
}

/** The last instruction with this keyword (the one that counts, as in Docker). */
export function lastOf(instructions: Instruction[], keyword: string): Instruction | undefined {
  return instructions.filter((i) => i.keyword === keyword).at(-1);
}

/** Instructions kept verbatim: they only set files and image configuration. */
const VERBATIM = new Set(['WORKDIR', 'COPY', 'ENV', 'EXPOSE', 'ENTRYPOINT', 'CMD', 'LABEL', 'STOPSIGNAL', 'USER', 'ARG']);

/**
 * Replaces one RUN line: does on the host what the command does in the image,
 * and returns the Containerfile lines that put the result in place.
 */
export type RunEmulation = (workdir: string) => Promise<string[]>;

/** The Containerfile that builds what the Dockerfile describes, FROM a local base image. */
export async function translate(
  instructions: Instruction[],
  base: string,
  emulations: ReadonlyMap<string, RunEmulation>,
  source: string,
): Promise<string> {
  const out: string[] = [];
  let workdir = '/';
  let froms = 0;
  for (const ins of instructions) {
    const where = `${source}:${ins.line}`;
    if (ins.keyword === 'FROM') {
      if (++froms > 1) throw new Error(`${where}: multi-stage builds are not supported by the e2e translation`);
      out.push(`FROM ${base}`);
    } else if (ins.keyword === 'RUN') {
      const emulate = emulations.get(ins.args);
      if (!emulate) {
        throw new Error(
          `${where}: the e2e suite has no emulation for "RUN ${ins.args}"; known: ${[...emulations.keys()].map((k) => `"RUN ${k}"`).join(', ')}`,
        );
      }
      out.push(...(await emulate(workdir)));
    } else if (VERBATIM.has(ins.keyword)) {
      if (ins.keyword === 'COPY' && /--from/.test(ins.args)) throw new Error(`${where}: COPY --from is not supported`);
      if (ins.keyword === 'WORKDIR') workdir = ins.args.startsWith('/') ? ins.args : `${workdir.replace(/\/$/, '')}/${ins.args}`;
      out.push(`${ins.keyword} ${ins.args}`);
    } else {
      throw new Error(`${where}: ${ins.keyword} is not handled by the e2e translation (test/e2e/dockerfile.ts)`);
    }
  }
  if (froms !== 1) throw new Error(`${source}: expected exactly one FROM`);
  return out.join('\n') + '\n';
}
