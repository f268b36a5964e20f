// The doctor's static checks: no process is run, nothing is built. Each check
// is loaded when first used (the manifest check brings the YAML parser).
import type { Finding } from '../types.js';

/**
 * Findings for a Dockerfile and the scripts it COPYs from its build context
 * (the Dockerfile's directory unless `context` says). Throws when it cannot check.
 */
export async function checkDockerfile(path: string, options: { context?: string } = {}): Promise<Finding[]> {
  return (await import('./dockerfile.js')).checkDockerfile(path, options);
}

/** Findings for a Kubernetes manifest (several documents allowed). Throws when it cannot check. */
export async function checkKubernetes(path: string): Promise<Finding[]> {
  return (await import('./kubernetes.js')).checkKubernetes(path);
}
