// Supervisor configuration: usher.yaml or a Procfile to a SupervisorConfig.
export { ConfigError, formatProblem, type ConfigProblem } from './errors.js';
export { describeStartOrder } from './describe.js';
export { parseDuration, formatDuration } from './duration.js';
export { expandVariables } from './expand.js';
export { CONFIG_FILE_NAMES, findConfigFile } from './find.js';
export { loadConfig, type LoadOptions } from './load.js';
export { schemaText } from './schema.js';
