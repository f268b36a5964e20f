// The static checks (Dockerfile, Kubernetes manifest) for the report; they
// live in ./static/ and are loaded only when asked for.
import type { Finding } from './types.js';

export async function staticChecks(
  dockerfiles: readonly string[],
  manifests: readonly string[],
): Promise<{ findings: Finding[] } | { error: string; fix: string }> {
  if (dockerfiles.length === 0 && manifests.length === 0) return { findings: [] };
  return { error: 'the static checks (--dockerfile, --kubernetes) are not built in yet', fix: 'run the command or --image check' };
}
