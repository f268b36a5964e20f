// A Procfile to usher.yaml: the entries as `usher run` reads a Procfile
// (PORT per entry, the .env beside it, release first), written out so that
// restarts and readiness checks can be added.
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { parseEnvFile } from '../config/env-file.js';
import { Problems, formatProblem } from '../config/errors.js';
import { buildProcfileConfig, RELEASE_ENTRY } from '../config/procfile.js';
import { ConvertError } from './errors.js';
import { Draft, literal, note, set } from './usher-yaml.js';

export function convertProcfile(text: string, file: string, env: Readonly<Record<string, string | undefined>>): Draft {
  const draft = new Draft(file, 'Procfile');
  const problems = new Problems(file);
  const dotenvFile = join(dirname(file), '.env');
  const dotenv = existsSync(dotenvFile) ? parseEnvFile(readFileSync(dotenvFile, 'utf8'), dotenvFile, problems) : undefined;
  const config = buildProcfileConfig(file, file, text, problems, { env, ...(dotenv ? { dotenv, dotenvShown: dotenvFile } : {}) });
  if (!config || !problems.empty) throw new ConvertError(problems.list.map(formatProblem).join('\n'));

  note(draft, `As foreman: every entry is critical (a failure stops everything); unlike foreman, an entry that exits 0 ends only itself. Add restart: on-failure (or always) to keep an entry running.`);
  config.services.forEach((s, i) => {
    const service = draft.service(s.name);
    set(service, 'command', literal(s.commandText));
    set(service, 'env', { PORT: s.env.PORT ?? '' }, i === 0 ? `PORT as foreman sets it: ${s.env.PORT} for the first entry, 100 more for each next one` : undefined);
    if (dotenv) set(service, 'env_file', '.env', i === 0 ? `the .env beside ${basename(file)}, as foreman reads it (relative to this file: keep them in the same directory)` : undefined);
    if (s.dependsOn.length > 0) set(service, 'depends_on', Object.fromEntries(s.dependsOn.map((d) => [d.name, d.condition])));
    set(service, 'critical', true, s.name === RELEASE_ENTRY && config.services.length > 1 ? "release: run once before the others, as Heroku's release phase" : undefined);
  });
  return draft;
}
