/**
 * How long a shutdown may take: the default deadline and the budget a
 * supervisor such as usher can announce through the environment.
 *
 * The chain that must hold, from the outside in:
 * the runtime's grace period (Docker 10 s, Kubernetes 30 s)
 * \> usher's stop delay + stop timeout
 * \> this library's deadline.
 * Each outer layer SIGKILLs whatever the inner one has not finished, so an
 * inner deadline that is not strictly shorter turns a graceful stop into a kill.
 *
 * @packageDocumentation
 */

/**
 * Default overall shutdown deadline in milliseconds.
 *
 * Chosen to fit comfortably inside Docker's default 10 s stop timeout, leaving
 * time for process exit and for a supervisor's own bookkeeping.
 */
export const DEFAULT_DEADLINE_MS = 8_000;

/**
 * Environment variable through which a supervisor (usher) tells the app how
 * many milliseconds it has between receiving its stop signal and being
 * SIGKILLed. Optional: without it the library uses {@link DEFAULT_DEADLINE_MS}.
 */
export const BUDGET_ENV_VAR = 'USHER_SHUTDOWN_BUDGET_MS';

/** Where the deadline in force came from. */
export type DeadlineSource = 'option' | 'env' | 'default';

/** The deadline in force and why. */
export interface DeadlineChoice {
  /** Overall deadline in milliseconds. */
  readonly deadline: number;
  /** Where {@link DeadlineChoice.deadline} came from. */
  readonly source: DeadlineSource;
  /** The budget announced in {@link BUDGET_ENV_VAR}, when it was present and valid. */
  readonly budget: number | undefined;
  /** Something worth telling the operator (an ignored variable, a deadline past the budget). */
  readonly warning: string | undefined;
}

/**
 * The deadline to use for a given budget: the budget minus a safety margin of
 * 20 %, at most one second.
 *
 * The margin absorbs what the deadline does not measure: signal delivery, event
 * loop lag when the signal arrives, process exit, and the supervisor's timer
 * having started slightly before ours.
 *
 * @param budget - milliseconds between the stop signal and SIGKILL
 * @returns the deadline in milliseconds, always at least 1
 */
export function deadlineForBudget(budget: number): number {
  const margin = Math.min(1_000, Math.round(budget * 0.2));
  return Math.max(1, Math.floor(budget - margin));
}

/**
 * Picks the overall deadline: an explicit option wins, then the budget from
 * {@link BUDGET_ENV_VAR}, then {@link DEFAULT_DEADLINE_MS}.
 *
 * @param option - the `deadline` option, if the app set one
 * @param env - the environment to read (defaults to `process.env`)
 * @throws RangeError when `option` is not a positive finite number
 */
export function resolveDeadline(
  option: number | undefined,
  env: NodeJS.ProcessEnv = process.env,
): DeadlineChoice {
  if (option !== undefined && !(Number.isFinite(option) && option > 0)) {
    throw new RangeError(`deadline must be a positive number of milliseconds, got ${String(option)}`);
  }
  const raw = env[BUDGET_ENV_VAR];
  let budget: number | undefined;
  let warning: string | undefined;
  if (raw !== undefined && raw.trim() !== '') {
    const parsed = Number(raw);
    if (Number.isFinite(parsed) && parsed > 0) {
      budget = parsed;
    } else {
      warning = `ignoring ${BUDGET_ENV_VAR}=${JSON.stringify(raw)}: not a positive number of milliseconds`;
    }
  }
  if (option !== undefined) {
    if (budget !== undefined && option >= budget) {
      warning = `deadline ${option} ms is not shorter than the ${budget} ms budget in ${BUDGET_ENV_VAR}: ` +
        'the supervisor will SIGKILL the process before the deadline';
    }
    return { deadline: option, source: 'option', budget, warning };
  }
  if (budget !== undefined) {
    return { deadline: deadlineForBudget(budget), source: 'env', budget, warning };
  }
  return { deadline: DEFAULT_DEADLINE_MS, source: 'default', budget, warning };
}
