// The schema's validator, compiled ahead of time by ajv (standalone code):
// loading ajv and compiling the schema took about 250 ms of every `usher run`
// start; the generated module loads in a few. The schema stays the one source:
// test/supervisor/config-schema.test.ts fails when the committed module is not
// what this generates from schema/usher.schema.json.
//
// After editing the schema:  npm run build && node build/src/supervisor/config/generate-validator.js
import AjvModule from 'ajv';
import standaloneModule from 'ajv/dist/standalone/index.js';
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const Ajv = AjvModule.default;
const standaloneCode = standaloneModule.default;

/** Options of the validator; validate.ts relies on allErrors and verbose (parentSchema, data). */
export const AJV_OPTIONS = {
  allErrors: true,
  verbose: true,
  strict: true,
  strictRequired: false,
  allowUnionTypes: true,
  // String lengths as .length: the schema only tells empty from not empty, and
  // the generated code then needs nothing from ajv at run time.
  unicode: false,
  code: { source: true, esm: true, lines: true },
} as const;

export function generateValidatorSource(schema: string = readFileSync(SCHEMA_FILE, 'utf8')): string {
  const ajv = new Ajv({ ...AJV_OPTIONS, logger: false });
  // The schema's message for a value ("expected ..."); annotation only.
  ajv.addKeyword({ keyword: 'errorMessage', schemaType: 'string' });
  const validate = ajv.compile(JSON.parse(schema) as object);
  return [
    '// @ts-nocheck',
    '// GENERATED from schema/usher.schema.json by generate-validator.ts: do not edit.',
    standaloneCode(ajv, validate),
    '// The schema as published, for builds that do not ship schema/ (the single-file usher).',
    `export const SCHEMA_TEXT = ${JSON.stringify(schema)};`,
    '',
  ].join('\n');
}

export const GENERATED_FILE = 'schema-validator.generated.ts';

/** The schema in the repository (this module runs from build/src/supervisor/config/). */
const SCHEMA_FILE = new URL('../../../../schema/usher.schema.json', import.meta.url);

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Run from build/src/supervisor/config/: write into src/supervisor/config/.
  const target = new URL(`../../../../src/supervisor/config/${GENERATED_FILE}`, import.meta.url);
  writeFileSync(target, generateValidatorSource());
  process.stdout.write(`wrote ${fileURLToPath(target)}\n`);
}
