/**
 * From the answers on a request page to the exact file the pull request adds, and from the
 * validator's problems back to the questions they are about. Pure: the browser script (browser.ts)
 * and the tests call it alike.
 */
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Node, Document, visit } from 'yaml';
import { schemaCommentFor } from '../config/rules.ts';
import type { Problem } from '../core/problems.ts';
import type { Field } from './fields.ts';

export type FileKind = 'user' | 'account';

/** The answers, by control name: a field's name, or `<name>-day`, `-month`, `-year` for a date. */
export type Answers = Readonly<Record<string, string | undefined>>;

export interface FieldError {
  /** The field's name, or undefined for a problem with the file as a whole. */
  field: string | undefined;
  message: string;
}

export interface BuiltFile {
  /** `users/<lower-case email>.yaml` or `accounts/<name>.yaml`. */
  path: string;
  /** The file's text, first line the yaml-language-server comment, as a person would write it. */
  text: string;
  /** Problems the form finds before the file exists (a half-filled date, a tag without `=`). */
  errors: FieldError[];
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

/** The GOV.UK wording for a question left empty. */
export function emptyMessage(field: Field): string {
  const label = lowerFirst(field.label.replace(/ \(optional\)$/, ''));
  return field.control === 'radios' || field.control === 'select' ? `Select ${label}` : `Enter ${label}`;
}

/** A date from its three boxes: YYYY-MM-DD, '' when all are empty, an error when half-filled. */
function dateOf(field: Field, answers: Answers): { value: string } | { error: string } {
  const part = (which: string): string => (answers[`${field.name}-${which}`] ?? '').trim();
  const [day, month, year] = [part('day'), part('month'), part('year')];
  if (day === '' && month === '' && year === '') return { value: '' };
  if (day === '' || month === '' || year === '') {
    const missing = [day === '' ? 'day' : '', month === '' ? 'month' : '', year === '' ? 'year' : ''].filter(Boolean).join(' and ');
    return { error: `${field.label.replace(/ \(optional\)$/, '')} must include a ${missing}` };
  }
  if (!/^\d{1,2}$/.test(day) || !/^\d{1,2}$/.test(month) || !/^\d{4}$/.test(year)) {
    return { error: `${field.label.replace(/ \(optional\)$/, '')} must be a real date, for example 31 3 2027` };
  }
  return { value: `${year}-${month.padStart(2, '0')}-${day.padStart(2, '0')}` };
}

function linesOf(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== '');
}

function setIn(target: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node = target;
  for (const key of path.slice(0, -1)) {
    const next = node[key];
    if (typeof next === 'object' && next !== null && !Array.isArray(next)) node = next as Record<string, unknown>;
    else {
      const created: Record<string, unknown> = {};
      node[key] = created;
      node = created;
    }
  }
  const last = path[path.length - 1];
  if (last !== undefined) node[last] = value;
}

/**
 * The file the answers make. An empty answer is left out of the file, so the schema says what is
 * missing; a required nested object (`team`) is always written, an optional one (`bootstrap`) only
 * when something in it was answered. `fixed` values (`state: active`) are written as given.
 */
export function buildFile(kind: FileKind, fields: readonly Field[], answers: Answers, fixed: Readonly<Record<string, unknown>> = {}): BuiltFile {
  const data: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  for (const field of fields) {
    // A required object is written even when empty, where the schema puts it.
    if (field.group?.required === true && data[field.group.name] === undefined) data[field.group.name] = {};
    let value: unknown;
    if (field.control === 'date') {
      const date = dateOf(field, answers);
      if ('error' in date) {
        errors.push({ field: field.name, message: date.error });
        continue;
      }
      value = date.value;
    } else if (field.control === 'list') {
      const items = linesOf(answers[field.name] ?? '');
      value = items.length === 0 ? '' : items;
    } else if (field.control === 'map') {
      const entries: [string, string][] = [];
      for (const line of linesOf(answers[field.name] ?? '')) {
        const at = line.indexOf('=');
        if (at <= 0) {
          errors.push({ field: field.name, message: `Write each of ${lowerFirst(field.label)} as key=value on its own line ("${line}" has no key=value)` });
          continue;
        }
        entries.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
      }
      value = entries.length === 0 ? '' : Object.fromEntries(entries);
    } else {
      value = (answers[field.name] ?? '').trim();
    }
    if (value === '') continue;
    setIn(data, field.path, value);
  }
  for (const [key, value] of Object.entries(fixed)) setIn(data, key.split('.'), value);

  // Field order as in the schema (the form's order), whatever order the answers came in.
  const doc = new Document(data, { version: '1.2' });
  visit(doc, {
    Scalar(_, node) {
      // Dates quoted, as in the repository's files: unambiguous to every YAML reader.
      if (typeof node.value === 'string' && ISO_DATE.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  const body = doc.toString({ lineWidth: 0 });
  const text = `${schemaCommentFor(kind)}\n${body}`;
  const name = kind === 'user' ? String(data['email'] ?? '').toLowerCase() : String(data['name'] ?? '');
  const path = `${kind === 'user' ? 'users' : 'accounts'}/${name === '' ? `new-${kind}` : name}.yaml`;
  return { path, text, errors };
}

/** Lines each field's key and value take in the file (1-based, inclusive), by field name. */
export function fieldLines(text: string): Map<string, [number, number]> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.2' });
  const lines = new Map<string, [number, number]>();
  const walk = (node: Node | null | undefined, prefix: string): void => {
    if (!isMap(node)) return;
    for (const pair of node.items) {
      if (!isPair(pair) || !isScalar(pair.key)) continue;
      const name = prefix === '' ? String(pair.key.value) : `${prefix}.${String(pair.key.value)}`;
      const start = lineCounter.linePos(pair.key.range?.[0] ?? 0).line;
      const value = pair.value as Node | null;
      const endOffset = Math.max((value?.range?.[1] ?? pair.key.range?.[1] ?? 1) - 1, pair.key.range?.[0] ?? 0);
      lines.set(name, [start, lineCounter.linePos(endOffset).line]);
      walk(value, name);
    }
  };
  walk(doc.contents as Node | null, '');
  return lines;
}

/** Rules whose problem is about another question than the line it points at. */
const RULE_FIELDS: Readonly<Record<string, string>> = {
  // It points at the email (the domain), but what is missing is the end date.
  contractorUsersHaveExpires: 'expires',
};

/**
 * The question a problem is about: a missing field by its name, else the field on the problem's
 * line (the innermost one). Problems with the file as a whole are about no question.
 */
export function fieldOfProblem(problem: Problem, text: string, fields: readonly Field[]): string | undefined {
  const names = new Set(fields.map((f) => f.name));
  const byRule = RULE_FIELDS[problem.rule];
  if (byRule !== undefined && names.has(byRule)) return byRule;
  const missing = /^missing required field "([^"]+)".*?(?:add it under ([\w.]+))?$/.exec(problem.message);
  if (missing) {
    const name = missing[2] ? `${missing[2]}.${missing[1]}` : (missing[1] ?? '');
    if (names.has(name)) return name;
    // A missing object (`team`): its first question.
    return fields.find((f) => f.group?.name === name)?.name;
  }
  let best: { name: string; size: number } | undefined;
  for (const [name, [start, end]] of fieldLines(text)) {
    if (problem.line < start || problem.line > end || !names.has(name)) continue;
    if (best === undefined || end - start <= best.size) best = { name, size: end - start };
  }
  return best?.name;
}

/** The message shown for a problem: the validator's own, except a missing answer in GOV.UK words. */
export function messageOfProblem(problem: Problem, field: Field | undefined): string {
  if (field !== undefined && problem.message.startsWith('missing required field')) return emptyMessage(field);
  return problem.message;
}

export interface Repository {
  /** `https://github.com` or a GitHub Enterprise server. */
  server: string;
  /** `owner/name`. */
  name: string;
  branch: string;
}

function encodePath(path: string): string {
  return path.split('/').map(encodeURIComponent).join('/');
}

/**
 * GitHub's "new file" page with the file name and content filled in. Someone without write access
 * is offered a fork; committing then opens the pull request. No token is involved anywhere.
 */
export function newFileUrl(repository: Repository, path: string, text: string): string {
  return `${repository.server}/${repository.name}/new/${encodePath(repository.branch)}?filename=${encodeURIComponent(path)}&value=${encodeURIComponent(text)}`;
}

/** GitHub's "delete file" page for a file on the default branch. */
export function deleteFileUrl(repository: Repository, path: string): string {
  return `${repository.server}/${repository.name}/delete/${encodePath(repository.branch)}/${encodePath(path)}`;
}

/** GitHub's "edit file" page for a file on the default branch. */
export function editFileUrl(repository: Repository, path: string): string {
  return `${repository.server}/${repository.name}/edit/${encodePath(repository.branch)}/${encodePath(path)}`;
}
