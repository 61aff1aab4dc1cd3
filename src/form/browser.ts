/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The request form in the browser: as the person types, builds the file (request.ts), checks it
 * with the validator `validate` runs (src/config/request-file.ts, bundled into this script), shows
 * each problem on its question and, once they ask, in a GOV.UK error summary; shows the exact file;
 * and when it is valid, links to GitHub's page that makes the pull request. No token, no server.
 */
import { createAll, ErrorSummary, Radios, Checkboxes, ServiceNavigation, SkipLink, Button } from 'govuk-frontend';
import { parseSettings, validateRequestFile } from '../config/request-file.ts';
import type { Problem } from '../core/problems.ts';
import type { Field } from './fields.ts';
import { idOf, type PageConfig } from './html.ts';
import {
  buildFile,
  deleteFileUrl,
  editFileUrl,
  emptyMessage,
  fieldOfProblem,
  messageOfProblem,
  newFileUrl,
  type Answers,
  type FieldError,
} from './request.ts';

const config = JSON.parse(document.getElementById('form-config')?.textContent ?? '{}') as PageConfig;
const page = config.page;
const loadedSettings = parseSettings(config.settingsText).settings;
const form = document.getElementById('request-form') as HTMLFormElement;

// The requested_by question lives inside the "Someone else" choice on the user-access page.
const template = document.getElementById('requested-by-template') as HTMLTemplateElement | null;
document.getElementById('requested-by-slot')?.append(template?.content.cloneNode(true) ?? '');

for (const Component of [Radios, Checkboxes, ServiceNavigation, SkipLink, Button]) createAll(Component);

/** Questions the person has left (or changed), whose errors are shown before they submit. */
const touched = new Set<string>();
let submitted = false;

function today(): string {
  return new Date().toISOString().slice(0, 10);
}

function answers(): Answers {
  const out: Record<string, string> = {};
  for (const [name, value] of new FormData(form).entries()) if (typeof value === 'string') out[name] = value;
  if (page.asksWhoFor && out['who-for'] === 'me') out['requested_by'] = out['email'] ?? '';
  return out;
}

/** On "Me", requested_by is not asked: it is the email, whose own errors already say what is wrong. */
function isAskedFor(values: Answers, field: string | undefined): boolean {
  return !(page.asksWhoFor && field === 'requested_by' && values['who-for'] !== 'someone-else');
}

interface Outcome {
  errors: FieldError[];
  warnings: string[];
  path: string;
  /** The file, or the line to add. */
  shown: string;
  link: string;
}

function problemErrors(problems: readonly Problem[], text: string, fields: readonly Field[]): FieldError[] {
  return problems
    .filter((p) => p.severity === 'error')
    .map((problem) => {
      const name = fieldOfProblem(problem, text, fields);
      const field = fields.find((f) => f.name === name);
      return { field: name, message: messageOfProblem(problem, field) };
    });
}

/**
 * The checks on an email alone (removal, password reset): a user file around it, checked as any
 * other, keeping only what is said about the email.
 */
function emailErrors(email: string): FieldError[] {
  const field = page.fields[0];
  if (field === undefined) return [];
  if (email.trim() === '') return [{ field: field.name, message: emptyMessage(field) }];
  const built = buildFile('user', page.fields, { email }, { name: 'Someone', team: 'team', requested_by: email.trim(), expires: '9999-12-31' });
  if (loadedSettings === undefined) return [];
  return problemErrors(validateRequestFile(loadedSettings, built.path, built.text, today()), built.text, page.fields).filter((e) => e.field === field.name);
}

function evaluate(): Outcome {
  const values = answers();
  const errors: FieldError[] = [];
  if (page.asksWhoFor && values['who-for'] === undefined) errors.push({ field: 'who-for', message: 'Select who needs access' });
  for (const confirmation of page.confirmations) {
    if (values[confirmation.name] !== 'yes') errors.push({ field: confirmation.name, message: `Confirm: ${confirmation.label.toLowerCase()}` });
  }
  if (page.action !== 'add-file') {
    const email = (values['email'] ?? '').trim();
    errors.unshift(...emailErrors(email));
    const path = `users/${email.toLowerCase() || '<email>'}.yaml`;
    if (page.action === 'delete-file') return { errors, warnings: [], path, shown: `delete ${path}`, link: deleteFileUrl(config.repository, path) };
    return { errors, warnings: [], path, shown: `password_reset: "${today()}"`, link: editFileUrl(config.repository, path) };
  }
  const built = buildFile(page.kind, page.fields, values, page.fixed);
  const problems = loadedSettings === undefined ? [] : validateRequestFile(loadedSettings, built.path, built.text, today());
  errors.unshift(...[...problemErrors(problems, built.text, page.fields), ...built.errors].filter((e) => isAskedFor(values, e.field)));
  const warnings = problems.filter((p) => p.severity === 'warning').map((p) => p.message);
  return { errors, warnings, path: built.path, shown: built.text, link: newFileUrl(config.repository, built.path, built.text) };
}

function fieldGroup(name: string): HTMLElement | null {
  return form.querySelector<HTMLElement>(`[data-field="${CSS.escape(name)}"]`);
}

/** The control an error summary link moves to: the question's first input. */
function targetId(name: string): string {
  const group = fieldGroup(name);
  const input = group?.querySelector<HTMLElement>('input, select, textarea');
  return input?.id ?? idOf(name);
}

function showInline(errors: readonly FieldError[]): void {
  const first = new Map<string, string>();
  for (const error of errors) if (error.field !== undefined && !first.has(error.field)) first.set(error.field, error.message);
  for (const group of form.querySelectorAll<HTMLElement>('[data-field]')) {
    const name = group.dataset['field'] ?? '';
    const message = submitted || touched.has(name) ? first.get(name) : undefined;
    const slot = group.querySelector<HTMLElement>(`#${CSS.escape(idOf(name))}-error`);
    group.classList.toggle('govuk-form-group--error', message !== undefined);
    for (const input of group.querySelectorAll<HTMLElement>('.govuk-input, .govuk-textarea, .govuk-select')) {
      input.classList.toggle(input instanceof HTMLTextAreaElement ? 'govuk-textarea--error' : input instanceof HTMLSelectElement ? 'govuk-select--error' : 'govuk-input--error', message !== undefined);
    }
    if (slot === null) continue;
    slot.hidden = message === undefined;
    const text = slot.querySelector('.app-error-text');
    if (text) text.textContent = message ?? '';
    // The message is read with the control, as GOV.UK's components do.
    for (const input of group.querySelectorAll<HTMLElement>('input, select, textarea')) {
      const ids = (input.getAttribute('aria-describedby') ?? '').split(' ').filter((id) => id !== '' && id !== slot.id);
      if (message !== undefined) ids.push(slot.id);
      if (ids.length > 0) input.setAttribute('aria-describedby', ids.join(' '));
      else input.removeAttribute('aria-describedby');
    }
  }
}

function showSummary(errors: readonly FieldError[], focus: boolean): void {
  const slot = document.getElementById('error-summary-slot');
  if (slot === null) return;
  if (!submitted || errors.length === 0) {
    slot.replaceChildren();
    return;
  }
  const items: HTMLLIElement[] = [];
  const seen = new Set<string>();
  for (const error of errors) {
    const key = `${error.field ?? ''}\u0000${error.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const item = document.createElement('li');
    const link = document.createElement('a');
    link.href = `#${targetId(error.field ?? page.fields[0]?.name ?? '')}`;
    link.textContent = error.message;
    item.append(link);
    items.push(item);
  }
  const existing = slot.querySelector<HTMLElement>('.govuk-error-summary');
  if (existing !== null) {
    // Updated in place, so focus and the reader's position stay where they are.
    existing.querySelector('.govuk-error-summary__list')?.replaceChildren(...items);
    if (focus) existing.focus();
    return;
  }
  const summary = document.createElement('div');
  summary.className = 'govuk-error-summary';
  summary.dataset['module'] = 'govuk-error-summary';
  const alert = document.createElement('div');
  alert.setAttribute('role', 'alert');
  const title = document.createElement('h2');
  title.className = 'govuk-error-summary__title';
  title.textContent = 'There is a problem';
  const body = document.createElement('div');
  body.className = 'govuk-error-summary__body';
  const list = document.createElement('ul');
  list.className = 'govuk-list govuk-error-summary__list';
  list.append(...items);
  body.append(list);
  alert.append(title, body);
  summary.append(alert);
  slot.append(summary);
  // Focuses the summary and makes its links move to the question, as GOV.UK's component does.
  new ErrorSummary(summary, { disableAutoFocus: !focus });
}

function showResult(outcome: Outcome): void {
  const result = document.getElementById('result');
  if (result === null) return;
  result.hidden = false;
  const path = document.getElementById('result-path');
  if (path) path.textContent = outcome.path;
  const file = document.querySelector('#result-file code');
  if (file) file.textContent = outcome.shown;
  const warnings = document.getElementById('result-warnings');
  if (warnings) {
    warnings.hidden = outcome.warnings.length === 0;
    const list = warnings.querySelector('.app-warning-list');
    if (list) list.textContent = outcome.warnings.join(' ');
  }
  const ready = outcome.errors.length === 0;
  const readyBlock = document.getElementById('result-ready');
  const notReady = document.getElementById('result-not-ready');
  if (readyBlock) readyBlock.hidden = !ready || !submitted;
  if (notReady) notReady.hidden = ready && submitted;
  const link = document.getElementById('result-link') as HTMLAnchorElement | null;
  if (link) link.href = ready ? outcome.link : '#';
}

function update(options: { focusSummary: boolean }): Outcome {
  const conditional = document.getElementById('conditional-who-for-2');
  if (conditional !== null) conditional.hidden = answers()['who-for'] !== 'someone-else';
  const outcome = evaluate();
  showInline(outcome.errors);
  showSummary(outcome.errors, options.focusSummary);
  showResult(outcome);
  return outcome;
}

function fieldNameOf(target: EventTarget | null): string | undefined {
  return target instanceof HTMLElement ? (target.closest<HTMLElement>('[data-field]')?.dataset['field'] ?? undefined) : undefined;
}

/**
 * Errors appear when a question is left. Not in the middle of a click, though: an error appearing
 * between pressing and releasing the button would move the button away from under the pointer, and
 * the click would be lost. Pressing the button shows every error anyway.
 */
let pointerIsDown = false;
let updateAfterPointer = false;
document.addEventListener('pointerdown', () => void (pointerIsDown = true), true);
document.addEventListener(
  'pointerup',
  () => {
    pointerIsDown = false;
    if (!updateAfterPointer) return;
    updateAfterPointer = false;
    // After the click this press makes has been dispatched.
    setTimeout(() => update({ focusSummary: false }), 0);
  },
  true,
);

function touch(name: string | undefined): void {
  if (name !== undefined) touched.add(name);
  if (pointerIsDown) updateAfterPointer = true;
  else update({ focusSummary: false });
}

form.addEventListener('input', () => update({ focusSummary: false }));
form.addEventListener('change', (event) => touch(fieldNameOf(event.target)));
form.addEventListener('focusout', (event) => {
  const name = fieldNameOf(event.target);
  // Leaving a date's day box for its month box is not leaving the question.
  if (name === undefined || fieldNameOf(event.relatedTarget) === name) return;
  touch(name);
});
form.addEventListener('submit', (event) => {
  event.preventDefault();
  submitted = true;
  const outcome = update({ focusSummary: true });
  if (outcome.errors.length === 0) document.getElementById('result-heading')?.scrollIntoView();
});

update({ focusSummary: false });
