// Checks a parsed file against the JSON Schema and turns each ajv error into
// one problem a person can act on: where (the offending key or value), what
// is wrong, and what is expected (the schema's errorMessage for that value).
import type { ErrorObject } from 'ajv';
import type { Problems } from './errors.js';
import type { JsonSchema } from './schema.js';
import { validate as generatedValidate } from './schema-validator.generated.js';
import { closest } from './suggest.js';
import { displayName, listOr, quote } from './words.js';
import type { ConfigSource, Path } from './yaml-source.js';

/** ajv's validator for schema/usher.schema.json, compiled ahead of time (see generate-validator.ts). */
interface Validator {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const validator = (): Validator => generatedValidate as Validator;

/** What the schema said: `isValid(path)` tells whether nothing at or below `path` was wrong. */
export interface SchemaVerdict {
  valid: boolean;
  isValid(path: Path): boolean;
}

/**
 * Adds a problem per schema violation. The parts the schema accepted can
 * still be checked further, so that one run reports every problem.
 */
export function validateAgainstSchema(value: unknown, source: ConfigSource, problems: Problems): SchemaVerdict {
  const validate = validator();
  if (validate(value)) return { valid: true, isValid: () => true };
  const errors = (validate.errors ?? []) as ErrorObject[];
  const issues = explain(errors, undefined, value);
  for (const issue of dropRedundant(issues)) {
    const at = source.locate(issue.path, { key: issue.key });
    problems.add(at.file, at.line, at.column, issue.message);
  }
  // Every path at or above a wrong value (an unknown key beside a path does not make it wrong):
  // a Set, since a file of thousands of problems asks about each key of each service.
  const wrong = new Set<string>();
  for (const e of errors) {
    const bad = badPath(e, value);
    for (let length = 0; length <= bad.length; length++) wrong.add(JSON.stringify(bad.slice(0, length)));
  }
  return {
    valid: false,
    isValid: (path) => !wrong.has(JSON.stringify(path)),
  };
}

/** Where an error really is: an unknown, missing or misnamed key is below the map reported. */
function badPath(error: ErrorObject, root: unknown): Path {
  const path = toPath(error.instancePath, root);
  const params = error.params as Record<string, unknown>;
  if (error.keyword === 'additionalProperties') return [...path, String(params.additionalProperty)];
  if (error.keyword === 'required') return [...path, String(params.missingProperty)];
  if (error.keyword === 'propertyNames' || error.propertyName !== undefined) return [...path, String(params.propertyName ?? error.propertyName)];
  return path;
}

/**
 * Whether `name` would be refused as a service name in usher.yaml (the
 * Procfile follows the same rule): what is expected, or undefined when valid.
 */
export function invalidServiceName(name: string): string | undefined {
  const validate = validator();
  if (validate({ services: { [name]: { command: 'true' } } })) return undefined;
  const error = validate.errors?.find((e) => e.keyword === 'propertyNames');
  return message((error?.parentSchema as JsonSchema | undefined)?.propertyNames as JsonSchema | undefined) ?? 'a valid service name';
}

interface Issue {
  path: Path;
  /** Points at the key rather than the value (unknown keys, bad names). */
  key: boolean;
  message: string;
  /** For a missing key: the keys any of which would satisfy it. */
  missing?: readonly string[];
  /** For an unknown key: the key it most likely meant. */
  suggestion?: string;
}

function explain(errors: readonly ErrorObject[], inherited: string | undefined, root: unknown): Issue[] {
  // A file can have tens of thousands of errors: each is compared only with the composites at its
  // own value or above it (found by path), never with every other error.
  const composites = new Map<string, ErrorObject[]>();
  for (const e of errors) if (e.keyword === 'anyOf' || e.keyword === 'oneOf') pushTo(composites, e.instancePath, e);
  const insideComposite = (e: ErrorObject, c: ErrorObject) => e !== c && e.schemaPath.startsWith(`${c.schemaPath}/`);
  const enclosing = (e: ErrorObject) => ancestorsOf(e.instancePath).flatMap((p) => (composites.get(p) ?? []).filter((c) => insideComposite(e, c)));
  const outer = new Set([...composites.values()].flat().filter((c) => enclosing(c).length === 0));
  const inside = new Map<ErrorObject, ErrorObject[]>();
  for (const e of errors) for (const c of enclosing(e)) if (outer.has(c)) pushTo(inside, c, e);
  const issues: Issue[] = [];
  for (const error of errors) {
    if (inside.size > 0 && enclosing(error).some((c) => outer.has(c))) continue;
    // if/then/else: the failing branch's own errors say what is wrong.
    if (error.keyword === 'if') continue;
    if (error.keyword === 'anyOf' || error.keyword === 'oneOf') {
      issues.push(...explainComposite(error, inside.get(error) ?? [], inherited, root));
    } else if (error.propertyName === undefined) {
      // Errors carrying propertyName are the inner half of a propertyNames error, reported once by it.
      issues.push(explainOne(error, inherited, root));
    }
  }
  return issues;
}

/**
 * anyOf/oneOf: when the value's type matches one branch, that branch's errors
 * say what is wrong (a list with a bad item, a string not matching); when no
 * branch fits, the composite's errorMessage says what is expected.
 */
function explainComposite(composite: ErrorObject, inner: readonly ErrorObject[], inherited: string | undefined, root: unknown): Issue[] {
  const parent = composite.parentSchema as JsonSchema | undefined;
  const expected = message(parent) ?? inherited ?? 'a valid value';
  const path = toPath(composite.instancePath, root);
  const branches = (parent?.[composite.keyword] as JsonSchema[] | undefined) ?? [];
  const requiredOnly = branches.length > 0 && branches.every((b) => Array.isArray(b.required) && Object.keys(b).length === 1);
  if (requiredOnly) {
    // oneOf [{required: [tcp]}, {required: [http]}, ...]: exactly one of these keys.
    const names = branches.map((b) => (b.required as string[])[0] as string);
    const data = composite.data as Record<string, unknown>;
    // Not a map: the type error beside this one says so.
    if (!data || typeof data !== 'object' || Array.isArray(data)) return [];
    const present = names.filter((n) => Object.hasOwn(data, n));
    const what = present.length === 0 ? 'has no probe' : `has ${present.map((p) => `'${p}'`).join(' and ')}`;
    return [{ path, key: false, ...(present.length === 0 ? { missing: names } : {}), message: `${subject(path)}: ${what}; expected exactly one of ${listOr(names)}` }];
  }
  const byBranch = new Map<string, ErrorObject[]>();
  for (const e of inner) {
    const branch = e.schemaPath.slice(composite.schemaPath.length + 1).split('/')[0] as string;
    pushTo(byBranch, branch, e);
  }
  const fitting = [...byBranch.values()].filter(
    (list) => !list.some((e) => e.keyword === 'type' && e.instancePath === composite.instancePath),
  );
  if (composite.keyword === 'anyOf' && fitting.length > 0) return explain(fitting[0] as ErrorObject[], expected, root);
  return [{ path, key: false, message: `${subject(path)}: ${got(composite.data)}; expected ${expected}` }];
}

function explainOne(error: ErrorObject, inherited: string | undefined, root: unknown): Issue {
  const parent = error.parentSchema as JsonSchema | undefined;
  const path = toPath(error.instancePath, root);
  const expected = message(parent) ?? inherited ?? 'a valid value';
  const params = error.params as Record<string, unknown>;
  const here = subject(path);
  switch (error.keyword) {
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const allowed = Object.keys((parent?.properties as JsonSchema | undefined) ?? {});
      const suggestion = closest(key, allowed);
      const extensions = parent?.patternProperties ? ' (or an x- extension key)' : '';
      return {
        path: [...path, key],
        key: true,
        ...(suggestion ? { suggestion } : {}),
        message: `${here}: unknown key ${quote(key)}${suggestion ? ` (did you mean '${suggestion}'?)` : ''}; expected one of ${allowed.join(', ')}${extensions}`,
      };
    }
    case 'required': {
      const name = String(params.missingProperty);
      const property = (parent?.properties as Record<string, JsonSchema> | undefined)?.[name];
      const what = (property && (message(property) ?? describe(property))) ?? 'a value';
      return { path, key: false, missing: [name], message: `${here}: '${name}' is missing; expected ${what}` };
    }
    case 'propertyNames': {
      const name = String(params.propertyName);
      const names = parent?.propertyNames as JsonSchema | undefined;
      return { path: [...path, name], key: true, message: `${here}: ${quote(name)} is not a valid name; expected ${message(names) ?? 'a valid name'}` };
    }
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]).map(String);
      const suggestion = typeof error.data === 'string' ? closest(error.data, allowed) : undefined;
      const meant = suggestion ? ` (did you mean '${suggestion}'?)` : '';
      return { path, key: false, message: `${here}: ${show(error.data)} is not allowed${meant}; expected ${expected}` };
    }
    case 'type':
      return { path, key: false, message: `${here}: ${got(error.data)}; expected ${expected}` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, key: false, message: `${here}: ${show(error.data)} is out of range; expected ${expected}` };
    case 'minLength':
      return { path, key: false, message: `${here}: is empty; expected ${expected}` };
    case 'minItems':
      return { path, key: false, message: `${here}: is an empty list; expected ${expected}` };
    case 'minProperties':
      return { path, key: false, message: `${here}: is empty; expected ${expected}` };
    case 'uniqueItems': {
      const list = error.data as unknown[];
      const j = Number(params.j);
      return { path: [...path, j], key: false, message: `${here}: ${show(list[j])} is listed twice; expected each name once` };
    }
    default:
      return { path, key: false, message: `${here}: ${show(error.data)} is not valid; expected ${expected}` };
  }
}

/** A misspelt key already says what is wrong: "'command' is missing" next to "unknown key 'comand' (did you mean 'command'?)" is noise. */
function dropRedundant(issues: Issue[]): Issue[] {
  const meant = (i: Issue) => `${JSON.stringify(i.path.slice(0, -1))} ${i.suggestion}`;
  const suggested = new Set(issues.filter((i) => i.suggestion !== undefined).map(meant));
  return issues.filter((i) => !i.missing?.some((name) => suggested.has(`${JSON.stringify(i.path)} ${name}`)));
}

function message(schema: JsonSchema | undefined): string | undefined {
  return typeof schema?.errorMessage === 'string' ? schema.errorMessage : undefined;
}

function describe(schema: JsonSchema): string | undefined {
  return typeof schema.description === 'string' ? schema.description.replace(/\.$/, '') : undefined;
}

/** '/services/a/env' → '', '/services', '/services/a', '/services/a/env': the value's own path and those above it. */
function ancestorsOf(instancePath: string): string[] {
  const out = [''];
  for (let i = instancePath.indexOf('/', 1); i > 0; i = instancePath.indexOf('/', i + 1)) out.push(instancePath.slice(0, i));
  if (instancePath !== '') out.push(instancePath);
  return out;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

/** JSON Pointer to a path; numeric segments become indexes where the value is a list. */
function toPath(pointer: string, root: unknown): Path {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let value: unknown = root;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(value) && /^\d+$/.test(segment)) {
      path.push(Number(segment));
      value = value[Number(segment)];
    } else {
      path.push(segment);
      value = value && typeof value === 'object' ? (value as Record<string, unknown>)[segment] : undefined;
    }
  }
  return path;
}

/** `services.web.command[1]`, as a person would name the place. */
export function subject(path: Path): string {
  if (path.length === 0) return 'top level';
  let out = '';
  for (const segment of path) {
    if (typeof segment === 'number') out += `[${segment}]`;
    else out += out === '' ? displayName(segment) : `.${displayName(segment)}`;
  }
  return out;
}

function got(value: unknown): string {
  if (value === null || value === undefined) return 'no value';
  if (Array.isArray(value)) return 'got a list';
  if (typeof value === 'object') return 'got a map';
  return `got ${show(value)}`;
}

export function show(value: unknown): string {
  if (typeof value === 'string') return quote(value);
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  return String(value);
}

