/**
 * A request page's answers checked as the pull request check will check the file they make: the
 * validator `validate` runs (src/config/request-file.ts) decides, messages.ts words it. Pure: the
 * browser script (browser.ts) and the tests call it alike.
 *
 * The validator runs its rules (the email's domain, a contractor's end date, the end date's horizon)
 * only on a file that matches its schema, so one unanswered question would hide every rule. The
 * questions already found wrong are therefore answered with a valid example, or left out when
 * optional, and the file checked again: each rule then speaks about the answers that are really there.
 */
import { validateRequestFile } from '../config/request-file.ts';
import type { LoadedFile } from '../config/rules.ts';
import type { SettingsFile } from '../config/schema-types.ts';
import { addMonths } from '../core/expiry.ts';
import type { Problem } from '../core/problems.ts';
import type { Field } from './fields.ts';
import { exampleDomain, messageForProblem, SCHEMA_RULE, type MessageContext } from './messages.ts';
import type { PageSpec, RoleTarget } from './pages.ts';
import {
  buildFile,
  DATE_BOXES,
  deleteFileUrl,
  editFileUrl,
  emptyMessage,
  fieldOfProblem,
  newFileUrl,
  type Answers,
  type BuiltFile,
  type FieldError,
  type FileKind,
  type Repository,
} from './request.ts';

export interface CheckContext {
  settings: LoadedFile<SettingsFile>;
  /** YYYY-MM-DD: the day the request is made. */
  today: string;
  repository: Repository;
}

export interface Outcome {
  /** In the order of the questions on the page. */
  errors: FieldError[];
  /** The file the request adds, deletes or edits. */
  path: string;
  /** The file, or the line to add. */
  shown: string;
  /** Where the line goes, for a request that edits a file. */
  where?: string;
  /** GitHub's page that makes the change. */
  link: string;
}

/** A warning from the validator that is an error for a request: a new user whose access has already ended. */
const ERRORS_IN_A_REQUEST: ReadonlySet<string> = new Set(['expiredUsersAreReported']);

/** Valid answers, put in for wrong ones so that the rules can run on the rest (see the module comment). */
function exampleAnswer(kind: FileKind, field: Field, settings: SettingsFile): string | undefined {
  const domain = exampleDomain(settings);
  const name = field.name.replace(/^contacts\.[a-z]+\./, 'contacts.');
  const examples: Readonly<Record<string, string>> = {
    'user.email': `name@${domain}`,
    'user.name': 'Example Person',
    'user.team': 'team',
    'user.requested_by': `name@${domain}`,
    'account.name': 'example-account',
    'account.description': 'An account.',
    'account.organizational_unit': settings.organization.organizational_units?.[0] ?? '/',
    'account.team.name': 'Team',
    'account.team.email': `team@${domain}`,
    'account.requested_by': `name@${domain}`,
    'account.billing.cost_centre': '1',
    'account.billing.business_unit': 'Unit',
    'account.contacts.name': 'Name',
    'account.contacts.title': 'Title',
    'account.contacts.email': `contact@${domain}`,
    'account.contacts.phone': '+44 20 7946 0000',
  };
  return examples[`${kind}.${name}`];
}

function withExamples(kind: FileKind, fields: readonly Field[], answers: Answers, wrong: ReadonlySet<string>, settings: SettingsFile): Answers {
  const out: Record<string, string | undefined> = { ...answers };
  for (const field of fields) {
    if (!wrong.has(field.name)) continue;
    const example = exampleAnswer(kind, field, settings);
    if (field.control === 'date') for (const box of DATE_BOXES) out[`${field.name}-${box}`] = '';
    out[field.name] = example ?? '';
  }
  return out;
}

/** Whether a question must be answered: required, and in a group that is required or partly answered. */
function isRequired(field: Field, fields: readonly Field[], answers: Answers): boolean {
  if (!field.required) return false;
  const group = field.group;
  if (group === undefined || group.required) return true;
  return fields.some((other) => other.group?.name === group.name && (answers[other.name] ?? '').trim() !== '');
}

function isAnswered(field: Field, answers: Answers): boolean {
  if (field.control === 'date') return DATE_BOXES.some((box) => (answers[`${field.name}-${box}`] ?? '').trim() !== '');
  return (answers[field.name] ?? '').trim() !== '';
}

function countsForARequest(problem: Problem): boolean {
  return problem.severity === 'error' || ERRORS_IN_A_REQUEST.has(problem.rule);
}

/**
 * The file the answers make and what is wrong with them: unanswered questions first, then what the
 * form finds before the file exists (dates, tags), then the validator's problems, pass by pass.
 */
export function checkFile(
  kind: FileKind,
  fields: readonly Field[],
  answers: Answers,
  fixed: Readonly<Record<string, unknown>>,
  ctx: Omit<CheckContext, 'repository'>,
): { built: BuiltFile; errors: FieldError[] } {
  const built = buildFile(kind, fields, answers, fixed);
  const errors: FieldError[] = [];
  for (const field of fields) {
    if (isRequired(field, fields, answers) && !isAnswered(field, answers)) errors.push({ field: field.name, message: emptyMessage(field) });
  }
  const wrong = new Set(errors.map((e) => e.field));
  for (const error of built.errors) {
    if (wrong.has(error.field)) continue;
    errors.push(error);
    wrong.add(error.field);
  }
  let checked = built;
  let checkedAnswers = answers;
  const passes = 4;
  for (let pass = 0; pass < passes; pass++) {
    if (wrong.size > 0) {
      checkedAnswers = withExamples(kind, fields, answers, new Set([...wrong].filter((name): name is string => name !== undefined)), ctx.settings.data);
      checked = buildFile(kind, fields, checkedAnswers, fixed);
    }
    const problems = validateRequestFile(ctx.settings, checked.path, checked.text, ctx.today).filter(countsForARequest);
    const messageContext: MessageContext = { kind, settings: ctx.settings.data, today: ctx.today, answers: checkedAnswers, text: checked.text };
    let newlyWrong = false;
    for (const problem of problems) {
      const name = fieldOfProblem(problem, checked.text, fields, checked.itemFields);
      if (name !== undefined && wrong.has(name)) continue;
      const message = messageForProblem(problem, fields.find((f) => f.name === name), messageContext);
      if (errors.some((e) => e.field === name && e.message === message)) continue;
      errors.push({ field: name, message });
      if (name !== undefined) wrong.add(name);
      // Rules run only once the file matches the schema: check again with this answer replaced.
      if (problem.rule === SCHEMA_RULE && name !== undefined) newlyWrong = true;
    }
    if (!newlyWrong) break;
  }
  return { built, errors };
}

/** The order of the questions on the page: who it is for (and the requester's email inside it), the questions, the confirmations. */
function pageOrder(page: PageSpec): string[] {
  const names = page.fields.map((f) => f.name);
  const first = page.asksWhoFor ? ['who-for', 'requested_by'] : [];
  return [...first, ...names.filter((name) => !first.includes(name)), ...page.confirmations.map((c) => c.name)];
}

function inPageOrder(page: PageSpec, errors: readonly FieldError[]): FieldError[] {
  const order = pageOrder(page);
  const rank = (error: FieldError): number => (error.field === undefined ? order.length : order.indexOf(error.field) === -1 ? order.length : order.indexOf(error.field));
  return errors.map((error, index) => ({ error, index })).sort((a, b) => rank(a.error) - rank(b.error) || a.index - b.index).map(({ error }) => error);
}

/** On "Me", the requester is the person: requested_by is the email. */
function effectiveAnswers(page: PageSpec, answers: Answers): Answers {
  return page.asksWhoFor && answers['who-for'] === 'me' ? { ...answers, requested_by: answers['email'] ?? '' } : answers;
}

/** On "Me", requested_by is not asked: it is the email, whose own errors already say what is wrong. */
function isAsked(page: PageSpec, answers: Answers, field: string | undefined): boolean {
  return !(page.asksWhoFor && field === 'requested_by' && answers['who-for'] !== 'someone-else');
}

/**
 * What is wrong with the email of someone who has (or will have) a user: a user file around it,
 * checked like any other, keeping only what is said about the email.
 */
export function checkUserEmail(field: Field, email: string, ctx: Omit<CheckContext, 'repository'>): FieldError[] {
  const domain = exampleDomain(ctx.settings.data);
  const fixed = { name: 'Example Person', team: 'team', requested_by: `name@${domain}`, expires: addMonths(ctx.today, 1) };
  return checkFile('user', [field], { [field.name]: email }, fixed, ctx).errors.filter((e) => e.field === field.name);
}

function roleTargetOf(page: PageSpec, value: string | undefined): RoleTarget | undefined {
  return page.roleTargets?.find((target) => target.value === value);
}

/** The account file with the new user's line added to the role's users. */
export function withUserAdded(target: RoleTarget, email: string): string {
  const lines = target.text.split('\n');
  lines.splice(target.afterLine, 0, `${target.indent}- ${email}`);
  return lines.join('\n');
}

function checkJoinRole(page: PageSpec, answers: Answers, ctx: CheckContext): Outcome {
  const errors: FieldError[] = [];
  const roleField = page.fields.find((f) => f.name === 'role');
  const emailField = page.fields.find((f) => f.name === 'email');
  const target = roleTargetOf(page, answers['role']);
  const email = (answers['email'] ?? '').trim().toLowerCase();
  if (roleField !== undefined && target === undefined) errors.push({ field: roleField.name, message: emptyMessage(roleField) });
  if (emailField !== undefined) errors.push(...checkUserEmail(emailField, email, ctx));
  if (target !== undefined && email !== '' && errors.length === 0) {
    if (target.users.includes(email)) errors.push({ field: 'email', message: `${email} can already use ${target.role}` });
    else {
      const problems = validateRequestFile(ctx.settings, target.file, withUserAdded(target, email), ctx.today).filter(countsForARequest);
      errors.push(...problems.map((problem) => ({ field: 'email', message: messageForProblem(problem, emailField, { kind: 'account', settings: ctx.settings.data, today: ctx.today, answers, text: withUserAdded(target, email) }) })));
    }
  }
  const file = target?.file ?? 'accounts/<account name>.yaml';
  return {
    errors: inPageOrder(page, errors),
    path: file,
    shown: `${target?.indent ?? '      '}- ${email === '' ? '<email address>' : email}`,
    where: target === undefined ? 'Choose a role to see where the line goes.' : `Add it after line ${target.afterLine}, the last of the users of ${target.role}.`,
    link: editFileUrl(ctx.repository, file),
  };
}

/** Checks a page's answers and says what the request adds, deletes or edits, and where on GitHub. */
export function checkRequest(page: PageSpec, rawAnswers: Answers, ctx: CheckContext): Outcome {
  const answers = effectiveAnswers(page, rawAnswers);
  const errors: FieldError[] = [];
  if (page.asksWhoFor && answers['who-for'] === undefined) errors.push({ field: 'who-for', message: 'Select who needs access' });
  for (const confirmation of page.confirmations) {
    if (answers[confirmation.name] !== 'yes') errors.push({ field: confirmation.name, message: confirmation.error });
  }
  switch (page.action) {
    case 'add-file': {
      const { built, errors: fileErrors } = checkFile(page.kind, page.fields, answers, page.fixed, ctx);
      errors.push(...fileErrors.filter((e) => isAsked(page, answers, e.field)));
      return { errors: inPageOrder(page, errors), path: built.path, shown: built.text, link: newFileUrl(ctx.repository, built.path, built.text) };
    }
    case 'delete-file':
    case 'reset-password': {
      const field = page.fields[0];
      const email = (answers['email'] ?? '').trim().toLowerCase();
      if (field !== undefined) errors.push(...checkUserEmail(field, email, ctx));
      const path = `users/${email === '' ? '<email address>' : email}.yaml`;
      if (page.action === 'delete-file') return { errors: inPageOrder(page, errors), path, shown: `delete ${path}`, link: deleteFileUrl(ctx.repository, path) };
      return { errors: inPageOrder(page, errors), path, shown: `password_reset: "${ctx.today}"`, where: 'Add it at the end of the file.', link: editFileUrl(ctx.repository, path) };
    }
    case 'join-role': {
      const outcome = checkJoinRole(page, answers, ctx);
      return { ...outcome, errors: inPageOrder(page, [...errors, ...outcome.errors]) };
    }
  }
}
