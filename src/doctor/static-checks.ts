// The static checks (Dockerfile, Kubernetes manifest) for the report; they
// live in ./static/ and are loaded only when asked for.
import type { Finding } from './types.js';

/** Findings said once per report, however many files raise them. */
const ONCE = new Set(['signal-handler-unknown']);

export async function staticChecks(
  dockerfiles: readonly string[],
  manifests: readonly string[],
  options: { context?: string } = {},
): Promise<{ findings: Finding[] } | { error: string; fix: string }> {
  if (dockerfiles.length === 0 && manifests.length === 0) return { findings: [] };
  const { checkDockerfile, checkKubernetes } = await import('./static/index.js');
  const findings: Finding[] = [];
  try {
    for (const path of dockerfiles) findings.push(...(await checkDockerfile(path, options)));
  } catch (err) {
    return { error: (err as Error).message, fix: 'check the path given to --dockerfile (and --context), and that the file is a Dockerfile' };
  }
  try {
    for (const path of manifests) findings.push(...(await checkKubernetes(path)));
  } catch (err) {
    return { error: (err as Error).message, fix: 'check the path given to --kubernetes, and that the file is a Kubernetes manifest (YAML)' };
  }
  const said = new Set<string>();
  return {
    findings: findings.filter((f) => {
      if (!ONCE.has(f.id)) return true;
      if (said.has(f.id)) return false;
      said.add(f.id);
      return true;
    }),
  };
}
