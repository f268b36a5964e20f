// The doctor's entry points: a run (a command as a container's PID 1), an
// image in a container engine, and the static checks, combined in one report.
export { doctorRun, namespaceAccess, type RunOptions } from './run.js';
export { abortChecks, pendingUndo } from './abort.js';
export { doctorImage, type ImageOptions } from './image.js';
export { renderText, verdictLine } from './render.js';
export { renderSarif, renderGithub } from './formats.js';
export { exitStatusOf, errorReport, type DoctorReport, type FullReport, type ProcessRecord, type RunDetails } from './report.js';
export { classifyPid1, type Pid1Class, type Pid1Kind } from './classify.js';
export { parseReady, type ReadyCondition } from './ready.js';
export type { Finding, Severity } from './types.js';
export { staticChecks } from './static-checks.js';
