// The JSON Schema of usher.yaml (schema/usher.schema.json at the package
// root) is the one source of the rules: editors complete and check files with
// it, `usher run --schema` prints it, and the loader validates with it.
import { readFileSync } from 'node:fs';

// From src/supervisor/config/ and from build/src/supervisor/config/ alike: the
// schema folder sits at the package root, next to build/ and src/.
const SCHEMA_URL = new URL('../../../../schema/usher.schema.json', import.meta.url);
const SCHEMA_URL_FROM_SRC = new URL('../../../schema/usher.schema.json', import.meta.url);

let text: string | undefined;

/** The schema as published (what `usher run --schema` prints). */
export function schemaText(): string {
  if (text === undefined) {
    try {
      text = readFileSync(SCHEMA_URL, 'utf8');
    } catch {
      text = readFileSync(SCHEMA_URL_FROM_SRC, 'utf8');
    }
  }
  return text;
}

export type JsonSchema = { [key: string]: unknown };

export function schemaObject(): JsonSchema {
  return JSON.parse(schemaText()) as JsonSchema;
}
