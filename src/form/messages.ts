/**
 * The form's words for what is wrong, in the GOV.UK Design System's patterns for error messages
 * ("Enter …", "… must be … characters or fewer", "… must be a real date"): the validator that `validate`
 * runs (bundled) decides whether an answer is wrong and which question it is about; this module says
 * so to the person asking, without the file's field names, YAML or settings.yaml.
 */
import type { SettingsFile } from '../config/schema-types.ts';
import { addMonths, DEFAULT_EXPIRY_HORIZON_MONTHS } from '../core/expiry.ts';
import { allowedRootEmailDomains } from '../core/protected-accounts.ts';
import type { Problem } from '../core/problems.ts';
import type { Field } from './fields.ts';
import { emptyMessage, nameInMessages, upperFirst, type Answers, type FileKind } from './request.ts';

export interface MessageContext {
  kind: FileKind;
  settings: SettingsFile;
  /** YYYY-MM-DD. */
  today: string;
  /** The answers as checked (after any example answers were put in, see check.ts). */
  answers: Answers;
  /** The file's text the problem is in. */
  text: string;
}

/** The address shown in "like name@…" examples: the organisation's first staff domain. */
export function exampleDomain(settings: SettingsFile): string {
  return settings.email_domains.staff[0] ?? settings.email_domains.contractor[0] ?? 'example.gov.uk';
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

/** "2027-12-01" → "1 December 2027", the GOV.UK style for dates. */
export function formatDate(iso: string): string {
  const [year, month, day] = iso.split('-').map(Number);
  return `${day ?? ''} ${MONTHS[(month ?? 1) - 1] ?? ''} ${year ?? ''}`;
}

/** The latest end date a request may give today. */
export function latestEndDate(settings: SettingsFile, today: string): string {
  return addMonths(today, settings.users_account.expiry_horizon_months ?? DEFAULT_EXPIRY_HORIZON_MONTHS);
}

function subject(field: Field | undefined): string {
  return field === undefined ? 'This answer' : upperFirst(nameInMessages(field));
}

function allowedDomainMessage(ctx: MessageContext): string {
  return `Enter an email address on an allowed domain, like name@${exampleDomain(ctx.settings)}`;
}

function emailFormatMessage(ctx: MessageContext): string {
  return `Enter an email address in the correct format, like name@${exampleDomain(ctx.settings)}`;
}

/** The line of the file a problem points at, without its indentation and list dash. */
function itemAt(ctx: MessageContext, line: number): string {
  const text = (ctx.text.split('\n')[line - 1] ?? '').trim().replace(/^- /, '');
  return text.replace(/^"(.*)"$/, '$1');
}

/**
 * The names of the rules validateRequestFile runs (request-file.ts SINGLE_FILE_RULES); a test checks
 * that the two lists are the same, so a new rule cannot reach the form without its words.
 */
export type SingleFileRuleName =
  | 'dataDirectoriesHoldOnlyYamlFiles'
  | 'fileNameEqualsLowerCaseEmail'
  | 'emailDomainIsAllowed'
  | 'notifiedAddressesAreOnAllowedDomains'
  | 'contractorUsersHaveExpires'
  | 'userNamesAreAtMost64Characters'
  | 'expiredUsersAreReported'
  | 'protectedUsersHaveNoUserFile'
  | 'accountFileNameEqualsAccountName'
  | 'accountNamesAreUniqueAndWellFormed'
  | 'rootEmailsAreAtMost64Characters'
  | 'organizationalUnitIsListed'
  | 'activeBootstrapNeedsUsers'
  | 'accountTagsAvoidProjectKeys'
  | 'accountFilesAvoidProtectedAccounts'
  | 'rootEmailsAreOnAllowedDomains'
  | 'everyRoleConditionIsDefined'
  | 'customRolePoliciesAreAwsManagedOrTheAccountsOwn'
  | 'teamRoleNamesAreUniqueAndFollowTheirKind'
  | 'expiresIsWithinTheHorizon'
  | 'passwordResetIsNotInTheFuture';

type RuleMessage = (field: Field | undefined, problem: Problem, ctx: MessageContext) => string;

/**
 * Each rule's message in the form. Some cannot happen from the form's questions (the form names the
 * file, and never asks for an account id or a custom policy); they still get words, in case.
 */
export const RULE_MESSAGES: Readonly<Record<SingleFileRuleName, RuleMessage>> = {
  dataDirectoriesHoldOnlyYamlFiles: () => 'The file must be named after the email address or the account name, ending in .yaml',
  fileNameEqualsLowerCaseEmail: () => 'Enter the email address in lower case',
  emailDomainIsAllowed: (_field, _problem, ctx) => allowedDomainMessage(ctx),
  notifiedAddressesAreOnAllowedDomains: (_field, _problem, ctx) => allowedDomainMessage(ctx),
  contractorUsersHaveExpires: () => 'Enter an access end date – contractors need one',
  userNamesAreAtMost64Characters: (field) => `${subject(field)} must be 64 characters or fewer`,
  expiredUsersAreReported: (field) => `${subject(field)} must be in the future`,
  protectedUsersHaveNoUserFile: () => 'This user is kept by the platform team and cannot be requested here',
  accountFileNameEqualsAccountName: () => 'The file must be named after the account name',
  accountNamesAreUniqueAndWellFormed: (field) => `${subject(field)} must start with a letter and only include lower case letters, numbers and single hyphens, like notify-production`,
  rootEmailsAreAtMost64Characters: (field, _problem, ctx) => {
    if (field?.name !== 'name') return `${subject(field)} must be 64 characters or fewer`;
    const template = ctx.settings.organization.root_email_template;
    const most = 64 - (template.length - '{name}'.length);
    return `Account name must be ${most} characters or fewer, so that its root email address fits in 64 characters`;
  },
  organizationalUnitIsListed: (field) => `Select ${field === undefined ? 'an organizational unit' : nameInMessages(field)} from the list`,
  activeBootstrapNeedsUsers: () => 'Enter at least one email address for the bootstrap role',
  accountTagsAvoidProjectKeys: (_field, problem) => {
    const key = /tag key "([^"]+)"/.exec(problem.message)?.[1];
    return `${key === undefined ? 'A tag name' : `Tag name ${key}`} is set from your other answers – use a different name`;
  },
  accountFilesAvoidProtectedAccounts: () => 'This account cannot be requested here: it is one of the accounts the platform team keeps',
  rootEmailsAreOnAllowedDomains: (_field, _problem, ctx) => `Enter a root email address on ${allowedRootEmailDomains(ctx.settings).join(' or ')}`,
  everyRoleConditionIsDefined: () => 'Select conditions from the list',
  customRolePoliciesAreAwsManagedOrTheAccountsOwn: () => 'Enter AWS managed policies, or this account’s own',
  teamRoleNamesAreUniqueAndFollowTheirKind: (_field, problem) => {
    const role = /team role (\S+)/.exec(problem.message)?.[1] ?? '';
    return `The team role name ${role} is taken by another role – use a different account name`;
  },
  expiresIsWithinTheHorizon: (field, _problem, ctx) =>
    `${subject(field)} must be the same as or before ${formatDate(latestEndDate(ctx.settings, ctx.today))}`,
  passwordResetIsNotInTheFuture: (field) => `${subject(field)} must be today or in the past`,
};

/** What a question's answer may hold, in the words of its pattern, for the questions the pages ask. */
const FORMAT_MESSAGES: Readonly<Record<string, (field: Field, value: string) => string>> = {
  'user.name': (field, value) => {
    const name = subject(field);
    if (!/\p{L}/u.test(value)) return `${name} must include a letter`;
    if (/[^\p{L}\p{M}\p{Zs}'’.-]/u.test(value)) return `${name} must only include letters, spaces, hyphens, apostrophes and full stops`;
    if (/\.\p{L}\p{M}*\p{L}/u.test(value)) return `${name} must have a space after each full stop, like St. John`;
    return `${name} cannot start with an accent`;
  },
  'user.team': (field) => `${subject(field)} must only include lower case letters, numbers and single hyphens, like govuk-platform`,
  'user.github': (field) => `${subject(field)} must only include letters, numbers and single hyphens, and cannot start or end with a hyphen`,
  'account.name': (field) => `${subject(field)} must start with a letter and only include lower case letters, numbers and single hyphens, like notify-production`,
  'account.organizational_unit': (field) => `Select ${nameInMessages(field)}`,
  'account.team.name': (field, value) =>
    /[\p{L}\p{N}]/u.test(value)
      ? `${subject(field)} must only include letters, numbers, spaces and ' ’ . , ( ) & _ : / = + - @`
      : `${subject(field)} must include a letter or a number`,
  'account.billing.cost_centre': (field) => `${subject(field)} must only include letters, numbers, spaces and _ . : / = + - @`,
  'account.billing.business_unit': (field) => `${subject(field)} must only include letters, numbers, spaces and _ . : / = + - @`,
  'account.contacts.phone': (field) => `${subject(field)} must only include numbers, spaces and ( ) + -, like +44 20 7946 0000`,
  'account.contacts.name': (field) => `${subject(field)} cannot start or end with a space`,
  'account.contacts.title': (field) => `${subject(field)} cannot start or end with a space`,
};

/** `contacts.security.phone` → `contacts.phone`: the three contacts are asked alike. */
function formatKey(kind: FileKind, name: string): string {
  return `${kind}.${name.replace(/^contacts\.[a-z]+\./, 'contacts.')}`;
}

/** Why an answer does not match its schema, worked out from the answer and the field's limits. */
function schemaMessage(field: Field, problem: Problem, ctx: MessageContext): string {
  const value = (ctx.answers[field.name] ?? '').trim();
  if (problem.message.startsWith('missing required field')) return emptyMessage(field);
  switch (field.control) {
    case 'radios':
    case 'select':
      return `Select ${nameInMessages(field)}`;
    case 'date':
      return `${subject(field)} must be a real date`;
    case 'list': {
      const items = value.split(/\r?\n/).map((item) => item.trim().toLowerCase()).filter((item) => item !== '');
      if (field.maxItems !== undefined && items.length > field.maxItems) return `Enter no more than ${field.maxItems} email addresses`;
      const item = itemAt(ctx, problem.line);
      if (items.indexOf(item) !== items.lastIndexOf(item)) return `Enter ${item} only once`;
      if (field.itemsAreEmails === true) {
        if (item.length > 64) return `Each email address must be 64 characters or fewer – ${item} is longer`;
        return `Enter each email address in the correct format, like name@${exampleDomain(ctx.settings)} – check ${item}`;
      }
      return `Enter each item of ${nameInMessages(field)} in the correct format – check ${item}`;
    }
    case 'map': {
      const entries = value
        .split(/\r?\n/)
        .filter((line) => line.includes('='))
        .map((line) => [line.slice(0, line.indexOf('=')).trim(), line.slice(line.indexOf('=') + 1).trim()] as const);
      if (field.maxItems !== undefined && entries.length > field.maxItems) return `Enter no more than ${field.maxItems} tags`;
      const reserved = entries.find(([key]) => /^aws:/i.test(key));
      if (reserved !== undefined) return `Tag names cannot start with aws: – ${reserved[0]} does`;
      const longKey = entries.find(([key]) => key.length > 128);
      if (longKey !== undefined) return 'Tag names must be 128 characters or fewer';
      const longValue = entries.find(([, entry]) => entry.length > 256);
      if (longValue !== undefined) return `The value of tag ${longValue[0]} must be 256 characters or fewer`;
      return 'Tags must only include letters, numbers, spaces and _ . : / = + - @';
    }
    case 'email':
      if (field.maxLength !== undefined && value.length > field.maxLength) return `${subject(field)} must be ${field.maxLength} characters or fewer`;
      return emailFormatMessage(ctx);
    case 'text':
    case 'textarea': {
      const length = [...value].length;
      if (field.maxLength !== undefined && length > field.maxLength) return `${subject(field)} must be ${field.maxLength} characters or fewer`;
      if (field.minLength !== undefined && length < field.minLength) return `${subject(field)} must be ${field.minLength} characters or more`;
      const specific = FORMAT_MESSAGES[formatKey(ctx.kind, field.name)];
      return specific === undefined ? `Enter ${nameInMessages(field)} in the correct format` : specific(field, value);
    }
  }
}

function isSingleFileRule(rule: string): rule is SingleFileRuleName {
  return Object.hasOwn(RULE_MESSAGES, rule);
}

/**
 * The message for a problem the validator found, on the question it is about. A problem no table
 * here knows (a new kind of problem) keeps the validator's words, after the question's name, rather
 * than being hidden: the person can still act on it, and a test fails until it gets its own.
 */
export function messageForProblem(problem: Problem, field: Field | undefined, ctx: MessageContext): string {
  if (isSingleFileRule(problem.rule)) return RULE_MESSAGES[problem.rule](field, problem, ctx);
  if (problem.rule === SCHEMA_RULE && field !== undefined) return schemaMessage(field, problem, ctx);
  return `${field === undefined ? 'The file' : upperFirst(nameInMessages(field))}: ${problem.message}`;
}

/** The rule name schemas.ts gives every problem against a schema. */
export const SCHEMA_RULE = 'fileMatchesSchema';
