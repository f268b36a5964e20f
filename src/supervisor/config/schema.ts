// The JSON Schema of usher.yaml (schema/usher.schema.json at the package
// root) is the one source of the rules: editors complete and check files with
// it, `usher run --schema` prints it, and the loader validates with it
// (through the validator generate-validator.ts compiles from it).
import { readFileSync } from 'node:fs';
import { SCHEMA_TEXT } from './schema-validator.generated.js';

// From build/src/supervisor/config/ (and src/supervisor/config/ when run from
// source): the schema folder sits at the package root, next to build/ and src/.
const SCHEMA_URLS = [
  new URL('../../../../schema/usher.schema.json', import.meta.url),
  new URL('../../../schema/usher.schema.json', import.meta.url),
];

let text: string | undefined;

/** The schema as published (what `usher run --schema` prints). */
export function schemaText(): string {
  if (text === undefined) {
    for (const url of SCHEMA_URLS) {
      try {
        text = readFileSync(url, 'utf8');
        break;
      } catch {
        // try the next place
      }
    }
  }
  // A single-file build has no schema/ folder: the copy compiled in with the validator.
  return (text ??= SCHEMA_TEXT as string);
}

export type JsonSchema = { [key: string]: unknown };
