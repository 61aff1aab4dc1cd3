/**
 * Run-time validation against the JSON Schemas in schema/, the single source of truth for the file
 * formats, with each ajv error turned into a Problem at the YAML position of the offending value
 * and a message a person filling in the file can act on.
 */
import type { AnySchemaObject, ErrorObject, ValidateFunction } from 'ajv';
import { anError, type Position, type Problem } from '../core/problems.ts';
import type { AccountFile, SettingsFile, UserFile } from './schema-types.ts';
import { describeCharacter, findInvisibleCharacter, findNonAsciiCharacter } from './characters.ts';
import { type ParsedYaml, positionOf, positionOfKey, positionOfText, sourceTextAt } from './parse-yaml.ts';
import { SCHEMAS, validators } from './schema-validators.ts';

/** The data each kind of file holds once it matches its schema. */
export interface SchemaTypes {
  settings: SettingsFile;
  user: UserFile;
  account: AccountFile;
}
export type SchemaKind = keyof SchemaTypes;

/** Schema file names in schema/, by kind. */
export const SCHEMA_FILES: Readonly<Record<SchemaKind, string>> = {
  settings: 'settings.schema.json',
  user: 'user.schema.json',
  account: 'account.schema.json',
};

/** The JSON Schemas in schema/, by kind. */
export const schemas: Readonly<Record<SchemaKind, AnySchemaObject>> = SCHEMAS;

/** What the schema accepted of a file that does not match it as a whole. */
export interface UsableFields<T> {
  /** The top-level fields the schema accepted, each valid as a whole. */
  data: Partial<T>;
  /** Top-level fields the schema refused, and required fields that are missing. */
  invalid: ReadonlySet<string>;
}

/**
 * Checks a parsed file against its schema; `value` is present only when it matches. When it does
 * not, `usable` holds the top-level fields the schema accepted, so the cross-file rules can still
 * check them in the same run; it is absent when the file is not a mapping at all, or an error
 * concerns the file as a whole in a way no field explains.
 */
export function validateAgainstSchema<K extends SchemaKind>(
  kind: K,
  parsed: ParsedYaml,
): { value?: SchemaTypes[K]; usable?: UsableFields<SchemaTypes[K]>; problems: Problem[] } {
  const validate = validators[kind] as ValidateFunction<SchemaTypes[K]>;
  if (validate(parsed.value)) return { value: parsed.value, problems: [] };
  const usable = usableFields<SchemaTypes[K]>(parsed.value, validate.errors ?? []);
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const error of validate.errors ?? []) {
    const problem = describeSchemaError(parsed, schemas[kind], error);
    if (problem === undefined) continue;
    const key = `${problem.line}:${problem.col}:${problem.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    problems.push(problem);
  }
  return usable === undefined ? { problems } : { usable, problems };
}

/**
 * The top-level fields no schema error is about. An error inside a field (at any depth) refuses
 * the whole field, so every field kept is valid as the schema types it; an error on the file
 * itself names its field (a missing required one, an unknown one, one that needs another).
 */
function usableFields<T>(value: unknown, errors: readonly ErrorObject[]): UsableFields<T> | undefined {
  if (!isObject(value)) return undefined;
  const invalid = new Set<string>();
  for (const error of errors) {
    const top = pointerToPath(error.instancePath, value)[0];
    if (typeof top === 'string') {
      invalid.add(top);
      continue;
    }
    const params = error.params as Record<string, unknown>;
    const field =
      error.keyword === 'required'
        ? params.missingProperty
        : error.keyword === 'additionalProperties'
          ? params.additionalProperty
          : error.keyword === 'dependencies'
            ? params.property
            : error.keyword === 'propertyNames'
              ? params.propertyName
              : undefined;
    if (typeof field !== 'string') return undefined;
    invalid.add(field);
  }
  const data = Object.fromEntries(Object.entries(value).filter(([key]) => !invalid.has(key))) as Partial<T>;
  return { data, invalid };
}

const RULE = 'fileMatchesSchema';

function describeSchemaError(parsed: ParsedYaml, root: AnySchemaObject, error: ErrorObject): Problem | undefined {
  if (error.keyword === 'propertyNames') return undefined; // the error for the key itself says more
  const path = pointerToPath(error.instancePath, parsed.value);
  const schema: AnySchemaObject = error.parentSchema ?? {};
  // The description of the field (a $ref's target often has none), else of the failing subschema.
  const description = descriptionAt(root, path) ?? (typeof schema.description === 'string' ? schema.description : undefined);
  const data: unknown = error.data;
  const label = labelOf(path);
  const last = path[path.length - 1];
  // An empty value (`key:`) has its node where the next token starts, often the next line: point at the key.
  const valuePosition =
    data === null && typeof last === 'string' ? positionOfKey(parsed, path.slice(0, -1), last) : positionOf(parsed, path);
  const at = (message: string, position = valuePosition): Problem => anError(RULE, parsed.file, position, message);
  const params = error.params as Record<string, unknown>;

  // Errors about a key under propertyNames (tag keys) carry the key's name.
  if (error.propertyName !== undefined) {
    if (findInvisibleCharacter(error.propertyName) !== undefined) return undefined; // the parser names the character
    return at(
      `${label}: key "${error.propertyName}" ${describeKeyProblem(error.propertyName) ?? `is not allowed${description ? `. ${description}` : ''}`}`,
      positionOfKey(parsed, path, error.propertyName),
    );
  }

  switch (error.keyword) {
    case 'required': {
      const missing = String(params.missingProperty);
      const property = propertySchema(schema, missing);
      const hint = property && typeof property.description === 'string' ? ` (${firstSentence(property.description)})` : '';
      const where = path.length === 0 ? 'add it' : `add it under ${label}`;
      return at(`missing required field "${missing}"${hint}; ${where}`);
    }
    case 'dependencies':
      return at(`${label}: ${String(params.property)} is set, so ${String(params.missingProperty)} is needed too; add it under ${label}`);
    case 'additionalProperties': {
      const unknown = String(params.additionalProperty);
      const allowed = Object.keys(isObject(schema.properties) ? schema.properties : {});
      const suggestion = closest(unknown, allowed);
      return at(
        `unknown field "${unknown}"${path.length === 0 ? '' : ` in ${label}`}${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; allowed fields are ${allowed.join(', ')}`,
        positionOfKey(parsed, path, unknown),
      );
    }
    case 'type':
      return at(describeTypeError(parsed, path, label, params.type, data));
    case 'pattern':
      if (typeof data === 'string') {
        if (findInvisibleCharacter(data) !== undefined) return undefined; // the parser names the character
        const specific = describeTextProblem(parsed, path, label, String(params.pattern), data);
        if (specific !== undefined) return at(specific.message, specific.position);
      }
      if (typeof data === 'string' && data !== data.toLowerCase() && new RegExp(String(params.pattern), 'u').test(data.toLowerCase())) {
        return at(`${label}: ${JSON.stringify(data)} must be lower case; write ${JSON.stringify(data.toLowerCase())}`);
      }
      return at(
        `${label}: ${JSON.stringify(data)} is not in the expected format${description ? `. ${description}` : ` (it must match ${String(params.pattern)})`}`,
      );
    case 'format':
      if (params.format === 'date') {
        return at(`${label}: ${JSON.stringify(data)} is not a valid date; write it as YYYY-MM-DD, for example "2027-03-31"`);
      }
      return at(`${label}: ${JSON.stringify(data)} is not a valid ${String(params.format)}`);
    case 'enum': {
      const allowed = Array.isArray(params.allowedValues) ? params.allowedValues.map(String) : [];
      return at(`${label}: ${JSON.stringify(data)} is not allowed; use one of: ${allowed.join(', ')}`);
    }
    case 'minLength':
      if (data === '') return at(`${label} is empty; give it a value${description ? `. ${description}` : ''}`);
      return at(`${label}: ${JSON.stringify(data)} is too short; it needs at least ${String(params.limit)} characters`);
    case 'maxLength':
      return at(
        `${label} is ${typeof data === 'string' ? [...data].length : '?'} characters long; at most ${String(params.limit)} are allowed${description ? `. ${description}` : ''}`,
      );
    case 'minimum':
    case 'maximum':
      return at(
        `${label}: ${String(data)} is too ${error.keyword === 'minimum' ? 'small; the minimum' : 'large; the maximum'} is ${String(params.limit)}${description ? `. ${description}` : ''}`,
      );
    case 'minItems':
      return at(`${label} needs at least ${String(params.limit)} item${params.limit === 1 ? '' : 's'}`);
    case 'maxItems':
      return at(`${label} has too many items; at most ${String(params.limit)} are allowed`);
    case 'maxProperties':
      return at(`${label} has too many entries; at most ${String(params.limit)} are allowed${description ? `. ${description}` : ''}`);
    case 'uniqueItems': {
      const later = Math.max(Number(params.i), Number(params.j));
      return at(`${labelOf([...path, later])} repeats an earlier item; list each value once and remove this one`, positionOf(parsed, [...path, later]));
    }
    default:
      return at(`${label}: ${error.message ?? 'is not valid'}`);
  }
}

/** Why a key of free-form tags is refused, when it is one of the reasons the pattern encodes. */
function describeKeyProblem(key: string): string | undefined {
  if (/^aws:/i.test(key)) return 'starts with "aws:" (in any case), a prefix AWS reserves for its own tags; rename the key';
  if (key === '__proto__') return 'is a special name in JavaScript (tools reading these files would drop or misread it); use another key';
  return undefined;
}

/**
 * A precise reason for the commonest ways text fails a pattern, with the column where it happens:
 * a character that is not ASCII in a field that takes only ASCII (a Cyrillic "а" in an email, a
 * no-break space), dots in the wrong place in an email, a name with no letter at all.
 */
function describeTextProblem(
  parsed: ParsedYaml,
  path: readonly (string | number)[],
  label: string,
  pattern: string,
  value: string,
): { message: string; position: Position } | undefined {
  const asciiOnly = !pattern.includes('\\p{');
  const foreign = asciiOnly ? findNonAsciiCharacter(value) : undefined;
  if (foreign !== undefined) {
    const position = positionOfText(parsed, path, foreign.character);
    return {
      message: `${label} contains ${describeCharacter(foreign.character)} at column ${position.col}; this field takes ASCII letters, digits and punctuation only, and the character may merely look like one of them: retype it`,
      position,
    };
  }
  if (pattern.includes('@') && value.includes('@')) {
    // IAM user names (the email is the user name) allow a comma; email addresses do not, and SES
    // refuses to send to one: a file with it would pass IAM and fail every apply.
    if (value.includes(',') && !pattern.includes(',')) {
      const position = positionOfText(parsed, path, ',');
      return {
        message: `${label}: ${JSON.stringify(value)} contains a comma (column ${position.col}), which IAM allows in a user name but an email address may not hold; write the address the person receives mail at (letters, digits and . _ + = - before the @)`,
        position,
      };
    }
    // IAM takes `bob@-x.example` as a user name; no mail can be delivered to a host name like that.
    const domain = value.slice(value.lastIndexOf('@') + 1);
    const hyphen = /(^|\.)-|-(\.|$)/.exec(domain);
    if (hyphen !== null && !/[^a-z0-9.-]/.test(domain)) {
      const position = positionOfText(parsed, path, `@${domain}`);
      const col = position.col + 1 + hyphen.index + (hyphen[1] === '.' ? 1 : 0);
      return {
        message: `${label}: ${JSON.stringify(value)} has a part of its domain that starts or ends with "-" (column ${col}), which no mail server accepts; check the address`,
        position: { ...position, col },
      };
    }
    const local = value.slice(0, value.lastIndexOf('@'));
    const misplaced = local.startsWith('.')
      ? { snippet: '.', what: 'starts with a dot' }
      : local.includes('..')
        ? { snippet: '..', what: 'has two dots in a row before the @' }
        : local.endsWith('.')
          ? { snippet: '.@', what: 'has a dot just before the @' }
          : undefined;
    if (misplaced !== undefined) {
      const position = positionOfText(parsed, path, misplaced.snippet);
      return {
        message: `${label}: ${JSON.stringify(value)} ${misplaced.what} (column ${position.col}); an email address has dots only between other characters, so check the address`,
        position,
      };
    }
  }
  if (isPersonNamePattern(pattern)) {
    if (!/\p{L}/u.test(value)) {
      return {
        message: `${label}: ${JSON.stringify(value)} has no letter, only spaces, combining marks or punctuation; write the person's name`,
        position: positionOf(parsed, path),
      };
    }
    const other = /[^\p{L}\p{M}\p{Zs}'’.\-]/u.exec(value)?.[0];
    if (other !== undefined) {
      const position = positionOfText(parsed, path, other);
      const what = /[\p{L}\p{N}]/u.test(other) ? describeCharacter(other) : `"${other}"`;
      return {
        message: `${label} contains ${what} at column ${position.col}; a name has only letters, spaces, apostrophes, hyphens and full stops (no digits, no web address, no ":", "/" or "@"), because it is copied into emails: write the person's name only`,
        position,
      };
    }
    const linkLike = /\.\p{L}\p{M}*\p{L}/u.exec(value)?.[0];
    if (linkLike !== undefined) {
      const position = positionOfText(parsed, path, linkLike);
      return {
        message: `${label}: ${JSON.stringify(value)} has a full stop followed directly by letters (column ${position.col}), which reads as a web address in an email; write a space after the full stop ("${value.replace(/\.(?=\p{L}\p{M}*\p{L})/gu, '. ')}")`,
        position,
      };
    }
  }
  if (pattern.includes('\\p{L}') && pattern.includes('\\p{M}')) {
    if (!/[\p{L}\p{N}]/u.test(value)) {
      return {
        message: `${label}: ${JSON.stringify(value)} has no letter or digit, only spaces, no-break spaces, combining marks or punctuation; write the name itself`,
        position: positionOf(parsed, path),
      };
    }
    if (/^\p{M}/u.test(value)) {
      return {
        message: `${label} starts with ${describeCharacter(value[0] ?? '')}, which has no letter before it to combine with; delete it`,
        position: positionOf(parsed, path),
      };
    }
  }
  return undefined;
}

/** The user schema's `name`: letters, marks, spaces, apostrophes, hyphens and full stops only. */
function isPersonNamePattern(pattern: string): boolean {
  return pattern.includes("[\\p{L}\\p{M}\\p{Zs}'’.\\-]+$");
}

function describeTypeError(parsed: ParsedYaml, path: (string | number)[], label: string, expectedParam: unknown, data: unknown): string {
  const expected = Array.isArray(expectedParam) ? expectedParam.map(String) : [String(expectedParam)];
  const actual = jsonTypeOf(data);
  const written = sourceTextAt(parsed, path) ?? JSON.stringify(data);
  const last = path[path.length - 1];
  const asLine = (value: string): string => (typeof last === 'number' ? `- ${value}` : `${String(last)}: ${value}`);

  if (actual === 'null') {
    if (expected.includes('array')) return `${label} has no value; write [] for an empty list, or add items on lines starting with "- "`;
    return `${label} has no value; give it one (or remove the line if the field is optional)`;
  }
  if (expected.includes('string') && (actual === 'number' || actual === 'boolean')) {
    if (/^\d{12}$/.test(written)) {
      return `${label}: ${written} is read as a number (YAML 1.2 reads unquoted digits as a number, dropping leading zeros); account ids are text, so write it in quotes: ${asLine(`"${written}"`)}`;
    }
    return `${label}: ${written} is read as a ${actual}, but this field is text; write it in quotes: ${asLine(`"${written}"`)}`;
  }
  if (expected.includes('boolean') && actual === 'string') {
    if (/^(y|yes|n|no|on|off)$/i.test(String(data))) {
      return `${label}: "${String(data)}" is text in YAML 1.2, not a boolean; write true or false`;
    }
    return `${label} must be true or false`;
  }
  if ((expected.includes('integer') || expected.includes('number')) && actual === 'string' && /^-?\d+(\.\d+)?$/.test(String(data))) {
    return `${label}: "${String(data)}" is quoted, so it is text; write the number without quotes: ${asLine(String(data))}`;
  }
  if (expected.includes('integer') && actual === 'number') return `${label}: ${written} must be a whole number`;
  if (expected.includes('object')) {
    const what = path.length === 0 ? 'the file' : label;
    return `${what} must be a mapping of fields (indented "key: value" lines), not ${article(actual)}`;
  }
  if (expected.includes('array')) return `${label} must be a list (lines starting with "- "), not ${article(actual)}`;
  return `${label} must be ${expected.map(article).join(' or ')}, not ${article(actual)}`;
}

/**
 * JSON pointer (ajv's instancePath) to path segments; `~1` is `/` and `~0` is `~` (RFC 6901).
 * A segment is a number only where the data at that point is a list: `tags/123` is the key "123".
 */
export function pointerToPath(pointer: string, data?: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let current = data;
  for (const raw of pointer.slice(1).split('/')) {
    const segment = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (Array.isArray(current) && /^(0|[1-9]\d*)$/.test(segment)) {
      path.push(Number(segment));
      current = current[Number(segment)];
    } else {
      path.push(segment);
      current = isObject(current) ? current[segment] : undefined;
    }
  }
  return path;
}

/** `bootstrap.users[1]`, `team.email`; `the file` for the root. */
function labelOf(path: readonly (string | number)[]): string {
  if (path.length === 0) return 'the file';
  return path.reduce<string>((label, segment) => (typeof segment === 'number' ? `${label}[${segment}]` : label === '' ? segment : `${label}.${segment}`), '');
}

/** The description of the schema that applies at an instance path, following local $refs. */
function descriptionAt(root: AnySchemaObject, path: readonly (string | number)[]): string | undefined {
  let schema: AnySchemaObject | undefined = root;
  for (const segment of path) {
    if (schema === undefined) return undefined;
    const resolved: AnySchemaObject = resolveRef(root, schema);
    if (typeof segment === 'number') schema = isObject(resolved.items) ? (resolved.items as AnySchemaObject) : undefined;
    else schema = propertySchema(resolved, segment) ?? (isObject(resolved.additionalProperties) ? (resolved.additionalProperties as AnySchemaObject) : undefined);
  }
  if (schema === undefined) return undefined;
  if (typeof schema.description === 'string') return schema.description;
  const resolved = resolveRef(root, schema);
  return typeof resolved.description === 'string' ? resolved.description : undefined;
}

function resolveRef(root: AnySchemaObject, schema: AnySchemaObject): AnySchemaObject {
  const ref: unknown = schema.$ref;
  if (typeof ref !== 'string' || !ref.startsWith('#/')) return schema;
  let target: unknown = root;
  for (const segment of pointerToPath(ref.slice(1), undefined)) target = isObject(target) ? target[String(segment)] : undefined;
  return isObject(target) ? (target as AnySchemaObject) : schema;
}

function propertySchema(schema: AnySchemaObject, name: string): AnySchemaObject | undefined {
  const properties: unknown = schema.properties;
  if (!isObject(properties)) return undefined;
  const property = properties[name];
  return isObject(property) ? (property as AnySchemaObject) : undefined;
}

function jsonTypeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (typeof value === 'object') return 'mapping';
  return typeof value;
}

function article(type: string): string {
  const word = type === 'array' ? 'list' : type === 'object' ? 'mapping' : type;
  return `${/^[aeiou]/.test(word) ? 'an' : 'a'} ${word}`;
}

function firstSentence(text: string): string {
  const match = /^.*?[.!?](?=\s|$)/.exec(text);
  return (match?.[0] ?? text).replace(/[.!?]$/, '');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The allowed name closest to a mistyped one, if it is close enough to be a likely typo. */
export function closest(name: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of candidates) {
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(best.length / 3)) ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
