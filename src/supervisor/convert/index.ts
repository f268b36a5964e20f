// `usher convert FILE`: another supervisor's file as an equivalent usher.yaml,
// with a comment on every key that has no exact equivalent. The file is read,
// never run (a pm2 ecosystem.config.js is JavaScript: only its literals count).
import { basename, extname } from 'node:path';
import { ConvertError } from './errors.js';
import { convertPm2 } from './pm2.js';
import { convertProcessCompose } from './process-compose.js';
import { convertProcfile } from './procfile.js';
import { convertSupervisord } from './supervisord.js';
import { render } from './usher-yaml.js';

export { ConvertError } from './errors.js';

export const KINDS = ['supervisord', 'procfile', 'process-compose', 'pm2'] as const;
export type Kind = (typeof KINDS)[number];

/** Which tool a file is for, from its name, then its content; undefined when neither tells. */
export function detectKind(file: string, text: string): Kind | undefined {
  const name = basename(file);
  if (/^Procfile(\..*)?$/.test(name) && !/\.ya?ml$/.test(name)) return 'procfile';
  if (/^ecosystem([.-].*)?\.(c|m)?js$|^ecosystem([.-].*)?\.(json|ya?ml)$/.test(name) || /\.config\.(c|m)?js$/.test(name)) return 'pm2';
  if (/^\s*\[(program:|supervisord\]|include\]|group:|eventlistener:)/m.test(text)) return 'supervisord';
  if (/^processes\s*:/m.test(text)) return 'process-compose';
  if (/\bapps\s*:/.test(text) && ['.js', '.cjs', '.mjs', '.json', '.yaml', '.yml'].includes(extname(name))) return 'pm2';
  if (/^[A-Za-z0-9][A-Za-z0-9_.-]*:[ \t]*\S/m.test(text) && !/\.(ya?ml|json|js|conf|ini)$/.test(name)) return 'procfile';
  return undefined;
}

/**
 * The usher.yaml text for `text` (the file `file`, of `kind` or the kind
 * detected). `env` is usher's environment: a Procfile's PORT base comes from it.
 */
export function convert(file: string, text: string, options: { kind?: Kind; env?: Readonly<Record<string, string | undefined>> } = {}): string {
  const kind = options.kind ?? detectKind(file, text);
  switch (kind) {
    case 'supervisord':
      return render(convertSupervisord(text, file));
    case 'procfile':
      return render(convertProcfile(text, file, options.env ?? {}));
    case 'process-compose':
      return render(convertProcessCompose(text, file));
    case 'pm2':
      return render(convertPm2(text, file));
    default:
      throw new ConvertError(`${file}: cannot tell which tool it is for; expected a supervisord.conf, a Procfile, a process-compose.yaml or a pm2 ecosystem file (or say which with --from ${KINDS.join('|')})`);
  }
}
