/**
 * A fast path for the plain shape nearly every data file has: printable ASCII only, block mappings
 * of simple keys, block sequences of scalars (or `[]`), plain or quoted single-line scalars that
 * can only be strings. For such text the result is exactly what the `yaml` package (YAML 1.2, core schema)
 * gives, at a small fraction of the cost; for anything else (any other character, a number,
 * boolean or null, an anchor, alias, tag, flow collection, block scalar, escape, multi-line
 * scalar, duplicate key, deeper nesting, a directive or document marker) it returns undefined and
 * the `yaml` package parses the file, with its positions and error messages.
 *
 * Why: validating tens of thousands of files spent most of its time building a YAML syntax tree
 * per file, which only a file with a problem needs. test/config/simple-yaml.test.ts checks it
 * against the `yaml` package on generated and real files.
 */

/** The plain value of the document, and the offset where its content starts; undefined: not simple. */
export function parseSimpleYaml(text: string): { value: Record<string, unknown>; start: number } | undefined {
  if (NOT_PRINTABLE_ASCII.test(text)) return undefined;
  const lines: Line[] = [];
  // Lines are read in place (no split): the strings kept are slices of `text`, which is kept anyway.
  for (let offset = 0; offset < text.length; ) {
    const newline = text.indexOf('\n', offset);
    const end = newline < 0 ? text.length : newline;
    const line = readLine(text, offset, end);
    offset = end + 1;
    if (line === null) continue;
    if (line === undefined) return undefined;
    lines.push(line);
  }
  const first = lines[0];
  if (first === undefined || first.indent !== 0 || first.key === undefined) return undefined;
  const cursor = { at: 0 };
  const value = parseMap(lines, cursor, 0, 1);
  if (value === undefined || cursor.at !== lines.length) return undefined;
  return { value, start: first.offset };
}

// Anything but printable ASCII and newlines (tabs, CR, controls, every non-ASCII character).
const NOT_PRINTABLE_ASCII = /[^\n\x20-\x7e]/;
const MAX_DEPTH = 4;
const MAX_LINE = 1000;
const KEY = /^[A-Za-z_][A-Za-z0-9_.-]*$/;
// Plain scalars that the core schema would not read as a string, or that could change meaning.
const NOT_TEXT = new Set(['null', 'Null', 'NULL', 'true', 'True', 'TRUE', 'false', 'False', 'FALSE', '__proto__']);

interface Line {
  offset: number;
  indent: number;
  /** A `key:` line; its value text (possibly empty) is `rest`. */
  key?: string;
  /** For `- item` lines and `key: value` lines: the value text. */
  rest: string;
  item: boolean;
}

/** null for a blank or comment line, undefined for a line outside the simple shape. */
function readLine(text: string, offset: number, end: number): Line | null | undefined {
  if (end - offset > MAX_LINE) return undefined; // yaml refuses implicit keys over 1024 characters
  let start = offset;
  while (start < end && text.charCodeAt(start) === SPACE) start++;
  if (start === end || text.charCodeAt(start) === HASH) return null;
  if (text.startsWith('---', offset) || text.startsWith('...', offset) || text.startsWith('%', offset)) return undefined;
  const indent = start - offset;
  if (text.startsWith('- ', start)) return { offset, indent, rest: text.slice(start + 2, end), item: true };
  const colon = text.indexOf(':', start);
  if (colon < 0 || colon >= end || (colon + 1 < end && text.charCodeAt(colon + 1) !== SPACE)) return undefined;
  const key = text.slice(start, colon);
  if (!KEY.test(key) || NOT_TEXT.has(key)) return undefined;
  return { offset, indent, key, rest: text.slice(Math.min(colon + 2, end), end), item: false };
}

const SPACE = 0x20;
const HASH = 0x23;

function parseMap(lines: readonly Line[], cursor: { at: number }, indent: number, depth: number): Record<string, unknown> | undefined {
  if (depth > MAX_DEPTH) return undefined;
  const map: Record<string, unknown> = {};
  for (let line = lines[cursor.at]; line !== undefined && line.indent >= indent; line = lines[cursor.at]) {
    if (line.indent !== indent || line.key === undefined || Object.hasOwn(map, line.key)) return undefined;
    cursor.at++;
    if (EMPTY_SEQUENCE.test(line.rest)) {
      map[line.key] = [];
      continue;
    }
    const scalar = parseScalar(line.rest);
    if (scalar === undefined) return undefined;
    if (scalar !== '' || !isEmptyValue(line.rest)) {
      map[line.key] = scalar;
      continue;
    }
    const next = lines[cursor.at];
    let value: unknown;
    if (next?.item === true && next.indent >= indent) value = parseSeq(lines, cursor, next.indent);
    else if (next?.key !== undefined && next.indent > indent) value = parseMap(lines, cursor, next.indent, depth + 1);
    if (value === undefined) return undefined; // `key:` with nothing under it is null
    map[line.key] = value;
  }
  return map;
}

function parseSeq(lines: readonly Line[], cursor: { at: number }, indent: number): string[] | undefined {
  const items: string[] = [];
  for (let line = lines[cursor.at]; line !== undefined && line.indent >= indent; line = lines[cursor.at]) {
    if (line.indent !== indent || !line.item) {
      // A key at the sequence's own indent ends it (the sequence was a mapping value at that indent).
      if (line.indent === indent && line.key !== undefined) return items;
      return undefined;
    }
    cursor.at++;
    const scalar = parseScalar(line.rest);
    if (scalar === undefined || (scalar === '' && isEmptyValue(line.rest))) return undefined;
    items.push(scalar);
  }
  return items;
}

/** Whether a value text holds nothing but an optional comment. */
function isEmptyValue(rest: string): boolean {
  const trimmed = rest.trim();
  return trimmed === '' || trimmed.startsWith('#');
}

// `users: []`, the one flow collection data files use.
const EMPTY_SEQUENCE = /^\[\](?:\s+#.*)?\s*$/;
const DOUBLE_QUOTED = /^"([^"\\]*)"(?:\s+#.*)?\s*$/;
const SINGLE_QUOTED = /^'([^']*)'(?:\s+#.*)?\s*$/;
// A plain scalar starting with none of YAML's indicators, a digit, sign, dot or tilde (which could
// make it a number or null), and holding no ": " (a nested key), flow brackets or quotes.
const PLAIN = /^[A-Za-z_/(][^"'{}[\]]*$/;

/** The string a single-line scalar stands for; '' for an empty value; undefined: not simple. */
function parseScalar(rest: string): string | undefined {
  if (isEmptyValue(rest)) return '';
  const trimmed = rest.trim();
  if (rest.startsWith(' ')) return undefined; // `key:  value`: fine YAML, but leave spacing subtleties to yaml
  if (trimmed.startsWith('"')) return DOUBLE_QUOTED.exec(trimmed)?.[1];
  if (trimmed.startsWith("'")) return SINGLE_QUOTED.exec(trimmed)?.[1];
  const comment = trimmed.indexOf(' #');
  const plain = (comment >= 0 ? trimmed.slice(0, comment) : trimmed).trimEnd();
  if (!PLAIN.test(plain) || plain.includes(': ') || plain.endsWith(':') || NOT_TEXT.has(plain)) return undefined;
  return plain;
}
