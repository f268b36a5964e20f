// The doctor's static checks: no process is run, nothing is built.
export { checkDockerfile } from './dockerfile.js';
