/**
 * From the answers on a request page to the exact file the pull request adds, and from the
 * validator's problems back to the questions they are about. Pure: the browser script (browser.ts)
 * and the tests call it alike.
 */
import { isMap, isPair, isScalar, isSeq, LineCounter, parseDocument, type Node, Document, visit } from 'yaml';
import { schemaCommentFor } from '../config/rules.ts';
import type { Problem } from '../core/problems.ts';
import type { Field } from './fields.ts';

export type FileKind = 'user' | 'account';

/** The answers, by control name: a field's name, or `<name>-day`, `-month`, `-year` for a date. */
export type Answers = Readonly<Record<string, string | undefined>>;

/** The boxes of a date input. */
export type DateBox = 'day' | 'month' | 'year';
export const DATE_BOXES: readonly DateBox[] = ['day', 'month', 'year'];

export interface FieldError {
  /** The field's name, or undefined for a problem with the file as a whole. */
  field: string | undefined;
  message: string;
  /** A date's boxes the error is about; absent when it is about the date as a whole. */
  boxes?: readonly DateBox[];
}

export interface BuiltFile {
  /** `users/<lower-case email>.yaml` or `accounts/<name>.yaml`. */
  path: string;
  /** The file's text, first line the yaml-language-server comment, as a person would write it. */
  text: string;
  /** Problems the form finds before the file exists (a half-filled date, a tag without `=`). */
  errors: FieldError[];
  /** Which question a list item of the file comes from (`roles.0` → `roles.admin`). */
  itemFields: Readonly<Record<string, string>>;
}

const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;

/** The file name shown before the question that names the file is answered. */
export const PLACEHOLDER_NAMES: Readonly<Record<FileKind, string>> = { user: '<email address>', account: '<account name>' };

export function lowerFirst(text: string): string {
  return text.charAt(0).toLowerCase() + text.slice(1);
}

export function upperFirst(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** How error messages name a question mid-sentence: its own words, else its label. */
export function nameInMessages(field: Field): string {
  return field.errorName ?? lowerFirst(field.label.replace(/ \(optional\)$/, ''));
}

/** The GOV.UK wording for a question left empty. */
export function emptyMessage(field: Field): string {
  if (field.emptyMessage !== undefined) return field.emptyMessage;
  return field.control === 'radios' || field.control === 'select' ? `Select ${nameInMessages(field)}` : `Enter ${nameInMessages(field)}`;
}

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * A date from its three boxes, as the Design System's date input pattern checks it: YYYY-MM-DD,
 * '' when all are empty, else what is missing (those boxes) or why it is not a real date (the wrong
 * box, or the date as a whole when more than one is wrong).
 */
export function dateOf(field: Field, answers: Answers): { value: string } | { error: FieldError } {
  const part = (which: DateBox): string => (answers[`${field.name}-${which}`] ?? '').trim();
  const [day, month, year] = [part('day'), part('month'), part('year')];
  const name = upperFirst(nameInMessages(field));
  const fail = (message: string, boxes?: DateBox[]): { error: FieldError } => ({
    error: { field: field.name, message, ...(boxes === undefined ? {} : { boxes }) },
  });
  if (day === '' && month === '' && year === '') return { value: '' };
  const missing = DATE_BOXES.filter((box) => part(box) === '');
  if (missing.length > 0) return fail(`${name} must include a ${missing.join(' and ')}`, missing);
  const wrong: DateBox[] = [];
  if (!/^\d{1,2}$/.test(day) || Number(day) < 1 || Number(day) > 31) wrong.push('day');
  if (!/^\d{1,2}$/.test(month) || Number(month) < 1 || Number(month) > 12) wrong.push('month');
  if (!/^\d{4}$/.test(year)) wrong.push('year');
  if (wrong.length === 0 && Number(day) > daysInMonth(Number(year), Number(month))) wrong.push('day');
  if (wrong.length > 0) return fail(`${name} must be a real date`, wrong.length === 1 ? wrong : undefined);
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

/** A team role's name on the account page: the account's name and the role's kind (`notify-production-admin`). */
export function teamRoleName(accountName: string, kind: string): string {
  return accountName === '' ? kind : `${accountName}-${kind}`;
}

/**
 * The file the answers make. An empty answer is left out of the file, and so is an object (`team`,
 * `bootstrap`) with nothing answered in it: the form says what is missing in its own words. Email
 * addresses are written in lower case (the file name and the IAM user name are). `fixed` values
 * (`state: active`) are written as given. Team role questions each add a role with their users.
 */
export function buildFile(kind: FileKind, fields: readonly Field[], answers: Answers, fixed: Readonly<Record<string, unknown>> = {}): BuiltFile {
  const data: Record<string, unknown> = {};
  const errors: FieldError[] = [];
  const roles: { name: string; kind: string; users: string[] }[] = [];
  const itemFields: Record<string, string> = {};
  for (const field of fields) {
    let value: unknown;
    if (field.control === 'date') {
      const date = dateOf(field, answers);
      if ('error' in date) {
        errors.push(date.error);
        continue;
      }
      value = date.value;
    } else if (field.control === 'list') {
      const items = linesOf(answers[field.name] ?? '').map((item) => (field.itemsAreEmails === true ? item.toLowerCase() : item));
      if (field.roleKind !== undefined) {
        if (items.length > 0) {
          itemFields[`roles.${roles.length}`] = field.name;
          roles.push({ name: teamRoleName((answers['name'] ?? '').trim(), field.roleKind), kind: field.roleKind, users: items });
        }
        continue;
      }
      value = items.length === 0 ? '' : items;
    } else if (field.control === 'map') {
      const entries: [string, string][] = [];
      for (const line of linesOf(answers[field.name] ?? '')) {
        const at = line.indexOf('=');
        if (at <= 0) {
          errors.push({ field: field.name, message: `Enter each ${nameInMessages(field).replace(/s$/, '')} as a name and a value with = between them, like ${MAP_EXAMPLE}` });
          continue;
        }
        entries.push([line.slice(0, at).trim(), line.slice(at + 1).trim()]);
      }
      value = entries.length === 0 ? '' : Object.fromEntries(entries);
    } else {
      const text = (answers[field.name] ?? '').trim();
      value = field.control === 'email' ? text.toLowerCase() : text;
    }
    if (value === '') continue;
    setIn(data, field.path, value);
  }
  if (roles.length > 0) data['roles'] = roles;
  for (const [key, value] of Object.entries(fixed)) setIn(data, key.split('.'), value);

  // Field order as in the schema (the form's order), whatever order the answers came in.
  const ordered = orderLike(fields, fixed, data);
  const doc = new Document(ordered, { version: '1.2' });
  visit(doc, {
    Scalar(_, node) {
      // Dates quoted, as in the repository's files: unambiguous to every YAML reader.
      if (typeof node.value === 'string' && ISO_DATE.test(node.value)) node.type = 'QUOTE_DOUBLE';
    },
  });
  const body = doc.toString({ lineWidth: 0 });
  const text = `${schemaCommentFor(kind)}\n${body === '{}\n' ? '' : body}`;
  const name = kind === 'user' ? String(data['email'] ?? '') : String(data['name'] ?? '');
  const path = `${kind === 'user' ? 'users' : 'accounts'}/${name === '' ? PLACEHOLDER_NAMES[kind] : name}.yaml`;
  return { path, text, errors, itemFields };
}

/** The example a map question gives (the account's tags). */
const MAP_EXAMPLE = 'service=notify';

/** The data's top-level keys in the order the questions (and `roles`, then fixed values) come. */
function orderLike(fields: readonly Field[], fixed: Readonly<Record<string, unknown>>, data: Record<string, unknown>): Record<string, unknown> {
  const order: string[] = [];
  for (const field of fields) {
    const key = field.roleKind !== undefined ? 'roles' : field.path[0];
    if (key !== undefined && !order.includes(key)) order.push(key);
  }
  for (const key of Object.keys(fixed)) {
    const top = key.split('.')[0] ?? key;
    if (!order.includes(top)) order.push(top);
  }
  const out: Record<string, unknown> = {};
  for (const key of order) if (key in data) out[key] = data[key];
  for (const [key, value] of Object.entries(data)) if (!(key in out)) out[key] = value;
  return out;
}

/** Lines each field's key and value take in the file (1-based, inclusive), by field name. */
export function fieldLines(text: string): Map<string, [number, number]> {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, version: '1.2' });
  const lines = new Map<string, [number, number]>();
  const walk = (node: Node | null | undefined, prefix: string): void => {
    if (isSeq(node)) {
      // A list of objects (team roles): each item by its index, `roles.0`.
      node.items.forEach((item, index) => {
        if (!isMap(item) || item.range === undefined || item.range === null) return;
        const name = `${prefix}.${index}`;
        lines.set(name, [lineCounter.linePos(item.range[0]).line, lineCounter.linePos(Math.max(item.range[1] - 1, item.range[0])).line]);
        walk(item, name);
      });
      return;
    }
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

/** The question a line of the file comes from: its own, or the one a list item was made from. */
function questionOf(name: string, names: ReadonlySet<string>, itemFields: Readonly<Record<string, string>>): string | undefined {
  if (names.has(name)) return name;
  for (const [item, field] of Object.entries(itemFields)) if (name === item || name.startsWith(`${item}.`)) return field;
  return undefined;
}

/**
 * The question a problem is about: a missing field by its name, else the field on the problem's
 * line (the innermost one). Problems with the file as a whole are about no question.
 */
export function fieldOfProblem(problem: Problem, text: string, fields: readonly Field[], itemFields: Readonly<Record<string, string>> = {}): string | undefined {
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
  for (const [line, [start, end]] of fieldLines(text)) {
    const name = questionOf(line, names, itemFields);
    if (problem.line < start || problem.line > end || name === undefined) continue;
    if (best === undefined || end - start <= best.size) best = { name, size: end - start };
  }
  return best?.name;
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
