/**
 * Strict YAML for data files. Every way a file can be hostile or ambiguous becomes a Problem with a
 * position; nothing here throws for bad input.
 *
 * Decisions:
 * - YAML 1.2 with the `core` schema, passed explicitly: a `%YAML 1.1` directive cannot switch the
 *   schema back (the `yaml` package merges explicit options over the directive's defaults), so
 *   `yes`/`on` stay text, and the directive itself is reported so nobody relies on it.
 * - No aliases at all (`*name`): one small file per entity never needs them, and allowing none makes
 *   alias bombs impossible by construction. Anchors alone are harmless and pass.
 * - No explicit tags (`!!binary`, `!!str`, `!custom`): even the core schema resolves `!!binary`
 *   into bytes. Quotes do what `!!str` would.
 * - At most 64 KiB (MAX_DATA_FILE_BYTES), valid UTF-8, no NUL bytes, no control characters in
 *   values, one document, not empty.
 * - `stringKeys`: keys are always strings, so `123: x` under tags is the key "123", and positions
 *   of schema errors can be found by the JSON pointer's string segments.
 * - At most MAX_NESTING_DEPTH levels of nesting, checked before the document is built: the `yaml`
 *   package builds nodes recursively, and a few thousand `[` in a small file exhaust the stack.
 * - No invisible characters (zero-width spaces, bidirectional controls, line separators) in keys
 *   or values: reviewers must see what they approve; the message names the character and column.
 */
import { type Document, isAlias, isMap, isPair, isScalar, isSeq, Lexer, LineCounter, type Node, parseDocument, Parser, visit, type YAMLError } from 'yaml';
import { anError, type Position, type Problem, START_OF_FILE } from '../core/problems.ts';
import { describeCharacter, findInvisibleCharacter } from './characters.ts';
import { MAX_DATA_FILE_BYTES } from './file-source.ts';
import { parseSimpleYaml } from './simple-yaml.ts';
import { explainSyntaxErrors } from './yaml-syntax.ts';

/**
 * A data file that parsed cleanly: its text, AST (for positions) and plain value. The AST and line
 * map are built again from the text on first use: only files with a problem to place need them, and
 * tens of thousands of ASTs held at once would cost far more memory than their texts.
 */
export interface ParsedYaml {
  file: string;
  text: string;
  readonly doc: Document.Parsed;
  readonly lineCounter: LineCounter;
  /** The document as plain JSON-compatible data (not yet checked against a schema). */
  value: unknown;
  /** Where the document's content starts. */
  start: Position;
}

export interface ParseResult {
  /**
   * Present when the data could be read unambiguously and can be checked against its schema; the
   * problems may still hold errors that do not change the data (a `%YAML 1.1` line, say).
   */
  parsed?: ParsedYaml;
  problems: Problem[];
}

/** Parses one data file's bytes. */
export function parseYamlFile(file: string, bytes: Uint8Array): ParseResult {
  const fail = (rule: string, at: Position, message: string): ParseResult => ({
    problems: [anError(rule, file, at, message)],
  });
  if (bytes.length === 0) return fail('fileIsNotEmpty', START_OF_FILE, 'the file is empty; add its fields, or delete the file');
  if (bytes.length > MAX_DATA_FILE_BYTES) {
    return fail(
      'fileIsAtMost64KiB',
      START_OF_FILE,
      `the file is larger than ${MAX_DATA_FILE_BYTES / 1024} KiB, far more than any user or account needs; keep one small entity per file`,
    );
  }
  const nul = bytes.indexOf(0);
  if (nul >= 0) {
    return fail('fileIsText', positionOfByte(bytes, nul), 'the file contains a NUL byte, so it is binary, not YAML text; save it as plain UTF-8 text');
  }
  // One native pass decodes and checks (no node:buffer: the request form runs this in the browser);
  // the position of a bad byte is looked for only when there is one. The decoder drops a leading BOM.
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return fail(
      'fileIsUtf8',
      positionOfByte(bytes, firstInvalidUtf8Byte(bytes) ?? 0),
      'the file is not valid UTF-8 (it may be binary, or saved in another encoding such as Latin-1 or UTF-16); save it as UTF-8',
    );
  }
  try {
    return parseText(file, text);
  } catch (error) {
    // The yaml package should not throw for any input; if it does, the file is still reported, not the run.
    return fail('fileIsValidYaml', START_OF_FILE, `the YAML could not be parsed (${errorMessage(error)}); simplify the file`);
  }
}

/** Options for every data file; exported so tests and tools read YAML exactly as validation does. */
export function yamlOptions(lineCounter?: LineCounter) {
  return {
    version: '1.2',
    schema: 'core',
    merge: false,
    uniqueKeys: true,
    strict: true,
    prettyErrors: true,
    stringKeys: true,
    ...(lineCounter ? { lineCounter } : {}),
  } as const;
}

/** The AST with its line map. */
function parseWithLines(text: string): { doc: Document.Parsed; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  return { doc: parseDocument(text, yamlOptions(lineCounter)), lineCounter };
}

function parseText(file: string, text: string): ParseResult {
  // Printable ASCII at most four levels deep: neither too deep nor holding invisible characters.
  const simple = parseSimpleYaml(text);
  if (simple !== undefined) return { parsed: new LazyParsedYaml(file, text, simple.value, positionInText(text, simple.start)), problems: [] };
  const tooDeep = checkNestingDepth(file, text);
  if (tooDeep !== undefined) return { problems: [tooDeep] };
  const doc = parseDocument(text, yamlOptions());
  let lines: LineCounter | undefined;
  // Line maps are made only for files with a problem to place.
  const at = (offset: number): Position => toPosition((lines ??= parseWithLines(text).lineCounter), offset);
  const problems: Problem[] = [];
  const error = (rule: string, position: Position, message: string): void => {
    problems.push(anError(rule, file, position, message));
  };
  // These are errors, but the data is still read correctly (as YAML 1.2), so the schema check runs
  // as well and can say, for example, that `yes` is not a boolean.
  const notBlocking: Problem[] = [];

  const directiveLines = checkYamlDirectives(text, (position, message) =>
    notBlocking.push(anError('fileIsYaml12', file, position, message)),
  );
  const issues: Problem[] = [];
  for (const issue of [...doc.errors, ...doc.warnings]) {
    const position = at(issue.pos[0]);
    if (issue.code === 'BAD_DIRECTIVE' && directiveLines.has(position.line)) continue;
    if (issue.code === 'TAG_RESOLVE_FAILED') continue; // reported with every other tag below
    const [rule, message] = describeYamlIssue(issue, text);
    issues.push(anError(rule, file, position, message));
  }
  problems.push(...withCausesFirst(file, text, issues));

  if (doc.contents !== null) {
    let reported = 0;
    // At most 20 alias and tag problems per file: one is enough to act on, and a hostile file could have thousands.
    const once = (rule: string, position: Position, message: string): void => {
      if (reported++ < 20) error(rule, position, message);
    };
    visit(doc, {
      Alias(_, node) {
        once(
          'fileHasNoAliases',
          at(node.range?.[0] ?? 0),
          `alias *${node.source} is not allowed: data files use no anchors or aliases; write the value out in full`,
        );
      },
      Node(_, node) {
        if (node.tag !== undefined && !isAlias(node)) {
          const tagText = /^tag:yaml\.org,2002:/.test(node.tag) ? `!!${node.tag.slice('tag:yaml.org,2002:'.length)}` : node.tag;
          once(
            'fileHasNoTags',
            at(tagStart(text, node.range?.[0] ?? 0)),
            `tag ${tagText} is not allowed: data files hold plain values; remove the tag (quote the value if it must be text)`,
          );
        }
        if (isScalar(node) && typeof node.value === 'string' && /[\u0000-\u0008\u000b-\u001f\u007f]/.test(node.value)) {
          notBlocking.push(anError(
            'fileHasNoControlCharacters',
            file,
            at(node.range?.[0] ?? 0),
            'this value contains a control character (written as an escape such as "\\x00" or "\\e"); remove it',
          ));
        }
      },
    });
  }
  if (doc.contents !== null) notBlocking.push(...findInvisibleCharacters(file, doc, text, at));
  if (problems.length > 0) return { problems: [...problems, ...notBlocking] };
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null)) {
    return {
      problems: [
        ...notBlocking,
        anError('fileIsNotEmpty', file, START_OF_FILE, 'the file has no data, only comments; add its fields, or delete the file'),
      ],
    };
  }
  const value: unknown = doc.toJS({ maxAliasCount: 0 });
  return { parsed: new LazyParsedYaml(file, text, value, positionInText(text, doc.contents.range[0])), problems: notBlocking };
}

/** A ParsedYaml whose AST and line map are parsed again from the text on first use. */
class LazyParsedYaml implements ParsedYaml {
  private ast: ReturnType<typeof parseWithLines> | undefined;

  constructor(
    readonly file: string,
    readonly text: string,
    readonly value: unknown,
    readonly start: Position,
  ) {}

  get doc(): Document.Parsed {
    return (this.ast ??= parseWithLines(this.text)).doc;
  }

  get lineCounter(): LineCounter {
    return (this.ast ??= parseWithLines(this.text)).lineCounter;
  }
}

/**
 * The parser's syntax errors, with the commonest mistakes said in plain words where they are (see
 * yaml-syntax.ts): from the first such mistake on, what the parser says is a consequence of it (a
 * quote never closed swallows the rest of the file) and is left out; errors before it stay.
 */
function withCausesFirst(file: string, text: string, issues: readonly Problem[]): Problem[] {
  if (issues.length === 0) return [];
  const causes = explainSyntaxErrors(text);
  const first = causes[0];
  if (first === undefined) return [...issues];
  // A line indented with a tab is read at another level, where its key can collide with a key of
  // the enclosing mapping: the parser then reports a duplicate, even above the tab, that is none.
  const tabs = causes.some((cause) => cause.kind === 'tab');
  const kept = issues.filter((issue) => issue.line < first.at.line && !(tabs && issue.rule === 'fileHasNoDuplicateKeys'));
  return [...kept, ...causes.map((cause) => anError('fileIsValidYaml', file, cause.at, cause.message))];
}

/** Line and column of an offset, counting lines as the yaml lexer does (a line ends at \n). */
function positionInText(text: string, offset: number): Position {
  let line = 1;
  let lineStart = 0;
  for (let at = text.indexOf('\n'); at >= 0 && at < offset; at = text.indexOf('\n', at + 1)) {
    line++;
    lineStart = at + 1;
  }
  return { line, col: offset - lineStart + 1 };
}

/** Deeper than any data file needs (they use four or five levels), far shallower than a stack overflow. */
export const MAX_NESTING_DEPTH = 32;

/**
 * A file nested deeper than MAX_NESTING_DEPTH, found by the `yaml` package's own lexer and parser
 * (which keep an explicit stack, so they cannot overflow) before any node is built. Every level
 * starts with one of `- : ? [ {`, so a file with fewer of those is not checked further.
 */
function checkNestingDepth(file: string, text: string): Problem | undefined {
  let indicators = 0;
  for (let i = 0; i < text.length && indicators <= MAX_NESTING_DEPTH; i++) if ('-:?[{'.includes(text[i] ?? '')) indicators++;
  if (indicators <= MAX_NESTING_DEPTH - 2) return undefined;
  const lineCounter = new LineCounter();
  const parser = new Parser(lineCounter.addNewLine);
  lineCounter.addNewLine(0); // Parser.parse() registers the first line itself; next() does not
  for (const lexeme of new Lexer().lex(text)) {
    for (const _token of parser.next(lexeme)) {
      // Whole documents are not needed here, only the depth reached on the way.
    }
    if (parser.stack.length > MAX_NESTING_DEPTH) {
      return anError(
        'fileIsNotNestedTooDeeply',
        file,
        toPosition(lineCounter, Math.max(0, parser.offset - lexeme.length)),
        `nesting too deep: values here are nested more than ${MAX_NESTING_DEPTH} levels deep, and data files need only a few (fields, lists, tags); check the brackets and indentation`,
      );
    }
  }
  return undefined;
}

/**
 * Invisible characters in keys and values, one problem per scalar, at most 20 per file: the
 * character's code point and name, and its column when it is written as itself (not as an escape).
 */
function findInvisibleCharacters(
  file: string,
  doc: Document.Parsed,
  text: string,
  at: (offset: number) => Position,
): Problem[] {
  const problems: Problem[] = [];
  visit(doc, {
    Scalar(key, node, path) {
      if (problems.length >= 20 || typeof node.value !== 'string') return problems.length >= 20 ? visit.BREAK : undefined;
      const found = findInvisibleCharacter(node.value);
      if (found === undefined) return undefined;
      const [start = 0, end = start] = node.range ?? [];
      const written = text.slice(start, end).indexOf(found.character);
      const position = at(written >= 0 ? start + written : start);
      const parent = path[path.length - 1];
      const what =
        key === 'key'
          ? `the key "${node.value}"`
          : isPair(parent) && isScalar(parent.key)
            ? String(parent.key.value)
            : 'this value';
      const where = written >= 0 ? `at column ${position.col}` : '(written as an escape)';
      problems.push(
        anError(
          'fileHasNoInvisibleCharacters',
          file,
          position,
          `${what} contains ${describeCharacter(found.character)} ${where}, an invisible character, so the text is not what reviewers see; delete it (retype the text around it if unsure)`,
        ),
      );
      return undefined;
    },
  });
  return problems;
}

/**
 * Where the tag of a node starts: a node's range begins at its value, after its properties
 * (`!tag &anchor value` or `&anchor !tag value`), so step back over them.
 */
function tagStart(text: string, valueStart: number): number {
  let at = valueStart;
  for (let tokens = 0; tokens < 2; tokens++) {
    let start = at;
    while (start > 0 && /[ \t]/.test(text[start - 1] ?? '')) start--;
    let tokenStart = start;
    while (tokenStart > 0 && !/[\s:,[{]/.test(text[tokenStart - 1] ?? '')) tokenStart--;
    if (tokenStart === start) break;
    at = tokenStart;
    if (text[tokenStart] === '!') return tokenStart;
  }
  return valueStart;
}

/** Reports `%YAML` directives for any version but 1.2; returns the lines that had a directive. */
function checkYamlDirectives(text: string, report: (at: Position, message: string) => void): Set<number> {
  const lines = new Set<number>();
  const all = text.split(/\r?\n/);
  for (const [index, line] of all.entries()) {
    if (/^(---|\.\.\.)(\s|$)/.test(line)) break; // directives only come before the document start
    const match = /^%YAML[ \t]+(\S+)/.exec(line);
    if (match === null) continue;
    lines.add(index + 1);
    if (match[1] !== '1.2') {
      report(
        { line: index + 1, col: 1 },
        `%YAML ${match[1]} directive: data files are always read as YAML 1.2, where yes/no/on/off are text and only true/false are booleans; remove this line`,
      );
    }
  }
  return lines;
}

function describeYamlIssue(issue: YAMLError, text: string): [rule: string, message: string] {
  switch (issue.code) {
    case 'DUPLICATE_KEY': {
      const key = text.slice(issue.pos[0]).split(/[:\n]/)[0]?.trim() ?? '';
      return [
        'fileHasNoDuplicateKeys',
        `duplicate key${key === '' ? '' : ` "${key}"`}: a key may appear only once in a mapping; remove one of the two or merge them`,
      ];
    }
    case 'MULTIPLE_DOCS':
      return [
        'fileHasOneDocument',
        'a second YAML document starts here (after a --- line); a data file holds exactly one document: remove the --- and what follows, or move it to its own file',
      ];
    case 'TAB_AS_INDENT':
      return ['fileIsValidYaml', 'a tab is used as indentation here; YAML indentation takes spaces only: replace the tab with spaces'];
    case 'MULTILINE_IMPLICIT_KEY':
      return [
        'fileIsValidYaml',
        'a field name here runs over more than one line: the line is probably missing the colon after its name ("name: value"), or is indented differently from the fields around it',
      ];
    default:
      return ['fileIsValidYaml', `YAML syntax error: ${shortMessage(issue.message)}; fix the syntax here (check indentation and quotes)`];
  }
}

/** The `yaml` package appends " at line L, column C:" and a code frame; keep the first sentence. */
function shortMessage(message: string): string {
  return message.replace(/ at line \d+, column \d+:[\s\S]*$/, '').trim();
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function toPosition(lineCounter: LineCounter, offset: number): Position {
  const { line, col } = lineCounter.linePos(offset);
  return { line, col };
}

/** Line and column (in characters) of a byte offset in a buffer whose prefix may be decoded. */
function positionOfByte(bytes: Uint8Array, offset: number): Position {
  const before = bytes.subarray(0, offset);
  const lineStart = before.lastIndexOf(0x0a) + 1;
  const line = before.filter((b) => b === 0x0a).length + 1;
  const col = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, offset)).length + 1;
  return { line, col };
}

/**
 * Offset of the first byte that makes the buffer invalid UTF-8, or undefined when it is valid.
 * TextDecoder says only whether; a binary search over prefixes (decoded in streaming mode, so a
 * prefix that stops inside a character is not an error) finds where.
 */
function firstInvalidUtf8Byte(bytes: Uint8Array): number | undefined {
  const isValidPrefix = (length: number, final: boolean): boolean => {
    try {
      new TextDecoder('utf-8', { fatal: true }).decode(bytes.subarray(0, length), { stream: !final });
      return true;
    } catch {
      return false; // "not valid" is the answer being computed, not an error to report
    }
  };
  if (isValidPrefix(bytes.length, true)) return undefined;
  if (isValidPrefix(bytes.length, false)) {
    // Only the end is wrong: the file stops in the middle of a character.
    let start = bytes.length - 1;
    while (start > 0 && ((bytes[start] ?? 0) & 0xc0) === 0x80) start--;
    return start;
  }
  let low = 0; // valid
  let high = bytes.length; // invalid
  while (high - low > 1) {
    const mid = (low + high) >> 1;
    if (isValidPrefix(mid, false)) low = mid;
    else high = mid;
  }
  return high - 1;
}

// ---- Positions of values, for schema and rule problems ----

/** The AST node at a path of keys and indices, or undefined. */
export function nodeAt(parsed: ParsedYaml, path: readonly (string | number)[]): Node | undefined {
  if (path.length === 0) return parsed.doc.contents ?? undefined;
  const node: unknown = parsed.doc.getIn(path, true);
  return isNodeLike(node) ? node : undefined;
}

/** Where the value at path starts; falls back to its nearest existing ancestor, then the document start. */
export function positionOf(parsed: ParsedYaml, path: readonly (string | number)[]): Position {
  for (let length = path.length; length >= 0; length--) {
    const node = nodeAt(parsed, path.slice(0, length));
    const offset = node?.range?.[0];
    if (offset !== undefined) return toPosition(parsed.lineCounter, offset);
  }
  return START_OF_FILE;
}

/** Where the key `key` of the mapping at path is written; falls back to the mapping itself. */
export function positionOfKey(parsed: ParsedYaml, path: readonly (string | number)[], key: string): Position {
  const map = nodeAt(parsed, path);
  if (isMap(map)) {
    for (const pair of map.items) {
      if (isPair(pair) && isScalar(pair.key) && String(pair.key.value) === key && pair.key.range) {
        return toPosition(parsed.lineCounter, pair.key.range[0]);
      }
    }
  }
  return positionOf(parsed, path);
}

/**
 * Where `snippet` is written inside the scalar at path (its first occurrence in the source); the
 * scalar's start when it is not written literally (an escape), or the nearest ancestor.
 */
export function positionOfText(parsed: ParsedYaml, path: readonly (string | number)[], snippet: string): Position {
  const node = nodeAt(parsed, path);
  const range = isScalar(node) ? node.range : undefined;
  if (range === undefined || range === null) return positionOf(parsed, path);
  const index = parsed.text.slice(range[0], range[1]).indexOf(snippet);
  return toPosition(parsed.lineCounter, range[0] + Math.max(0, index));
}

/** The source text of the scalar at path, as written (without quotes), if it is a scalar. */
export function sourceTextAt(parsed: ParsedYaml, path: readonly (string | number)[]): string | undefined {
  const node = nodeAt(parsed, path);
  const range = isScalar(node) ? node.range : undefined;
  return range ? parsed.text.slice(range[0], range[1]).trim() : undefined;
}

function isNodeLike(value: unknown): value is Node {
  return isScalar(value) || isMap(value) || isSeq(value) || isAlias(value);
}
