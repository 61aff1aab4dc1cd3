/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
/**
 * The request form in the browser: as the person types, checks the answers (check.ts: the file they
 * make, checked with the validator `validate` runs, bundled into this classic script, and worded in
 * the Design System's patterns), shows each problem on its question and, once they ask, in a GOV.UK
 * error summary in page order; shows the exact file or line; and when all is right, links to
 * GitHub's page that makes the pull request. No token, no server.
 */
import { createAll, ErrorSummary, Radios, Checkboxes, ServiceNavigation, SkipLink, Button } from 'govuk-frontend';
import { parseSettings } from '../config/request-file.ts';
import { checkRequest, type Outcome } from './check.ts';
import { idOf, type PageConfig } from './html.ts';
import type { Answers, FieldError } from './request.ts';

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
  return out;
}

function evaluate(): Outcome {
  if (loadedSettings === undefined) {
    // settings.yaml was checked when the site was built; this is only a guard.
    return { errors: [{ field: undefined, message: 'The form could not read the organisation’s settings' }], path: '', shown: '', link: '#' };
  }
  return checkRequest(page, answers(), { settings: loadedSettings, today: today(), repository: config.repository });
}

/** The questions in the order the page shows them: the error summary lists errors in that order. */
function pageOrder(): string[] {
  return [...form.querySelectorAll<HTMLElement>('[data-field]')].map((group) => group.dataset['field'] ?? '');
}

function inPageOrder(errors: readonly FieldError[]): FieldError[] {
  const order = pageOrder();
  const rank = (error: FieldError): number => {
    const at = error.field === undefined ? -1 : order.indexOf(error.field);
    return at === -1 ? order.length : at;
  };
  return [...errors].sort((a, b) => rank(a) - rank(b));
}

function fieldGroup(name: string): HTMLElement | null {
  return form.querySelector<HTMLElement>(`[data-field="${CSS.escape(name)}"]`);
}

/** The control an error summary link moves to: the first date box in error, else the question's first input. */
function targetId(error: FieldError): string {
  const name = error.field ?? '';
  const box = error.boxes?.[0];
  if (box !== undefined) return `${idOf(name)}-${box}`;
  const group = fieldGroup(name);
  const input = group?.querySelector<HTMLElement>('input, select, textarea');
  return input?.id ?? idOf(name);
}

function showInline(errors: readonly FieldError[]): void {
  const first = new Map<string, FieldError>();
  for (const error of errors) if (error.field !== undefined && !first.has(error.field)) first.set(error.field, error);
  for (const group of form.querySelectorAll<HTMLElement>('[data-field]')) {
    const name = group.dataset['field'] ?? '';
    const error = submitted || touched.has(name) ? first.get(name) : undefined;
    const message = error?.message;
    const slot = group.querySelector<HTMLElement>(`#${CSS.escape(idOf(name))}-error`);
    group.classList.toggle('govuk-form-group--error', message !== undefined);
    for (const input of group.querySelectorAll<HTMLElement>('.govuk-input, .govuk-textarea, .govuk-select')) {
      // A date's error about some of its boxes highlights those boxes only, as the date input pattern asks.
      const box = /-(day|month|year)$/.exec(input.id)?.[1];
      const highlighted = error !== undefined && (error.boxes === undefined || box === undefined || error.boxes.some((b) => b === box));
      input.classList.toggle(input instanceof HTMLTextAreaElement ? 'govuk-textarea--error' : input instanceof HTMLSelectElement ? 'govuk-select--error' : 'govuk-input--error', highlighted);
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
    link.href = `#${targetId(error.field === undefined ? { ...error, field: page.fields[0]?.name } : error)}`;
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
  const where = document.getElementById('result-where');
  if (where) {
    where.hidden = outcome.where === undefined;
    where.textContent = outcome.where ?? '';
  }
  const file = document.querySelector('#result-file code');
  if (file) file.textContent = outcome.shown;
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
  const checked = evaluate();
  const outcome = { ...checked, errors: inPageOrder(checked.errors) };
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
