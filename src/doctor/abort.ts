// What an interrupted doctor must undo before it exits: the processes a run
// started, the container an --image check runs. Each check registers its undo
// while it has something to undo; the CLI's signal handler runs them all.
type Undo = { what: string; undo: () => void | Promise<unknown> };

const pending = new Set<Undo>();

/** Registers an undo for an interruption; returns its removal, for when the check has cleaned up by itself. */
export function onAbort(what: string, undo: () => void | Promise<unknown>): () => void {
  const entry = { what, undo };
  pending.add(entry);
  return () => pending.delete(entry);
}

/** What is registered now, in words, for a message. */
export function pendingUndo(): string[] {
  return [...pending].map((p) => p.what);
}

/**
 * Runs every registered undo, side by side, for at most limitMs. Resolves
 * with what was undone and what could not be (failed, or still running at
 * the limit).
 */
export async function abortChecks(limitMs: number): Promise<{ done: string[]; left: string[] }> {
  const entries = [...pending];
  pending.clear();
  const done: string[] = [];
  const left: string[] = [];
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<'limit'>((resolve) => (timer = setTimeout(() => resolve('limit'), limitMs)));
  // Said in the order registered (the container before its trace), not in the order finished.
  const outcomes = await Promise.all(
    entries.map((e) => Promise.race([
      Promise.resolve()
        .then(e.undo)
        .then(() => 'done' as const, () => 'failed' as const),
      limit,
    ])),
  );
  entries.forEach((e, i) => (outcomes[i] === 'done' ? done : left).push(e.what));
  clearTimeout(timer);
  return { done, left };
}
