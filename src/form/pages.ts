/**
 * The request form's pages: one request per page, as the process page describes them ("request
 * user access", "request user removal", "request an account"), and a password reset. What each
 * page asks comes from the schemas (fields.ts); here are only the page's words and choices.
 */
import type { SettingsFile } from '../config/schema-types.ts';
import { fieldsOf, type Field, type SchemaNode } from './fields.ts';
import type { FileKind } from './request.ts';

export type PageId = 'user-access' | 'user-removal' | 'password-reset' | 'account';

/**
 * - `add-file`: the answers make a new file, opened on GitHub's "new file" page;
 * - `delete-file`: GitHub's "delete file" page for the named user's file;
 * - `edit-file`: GitHub's "edit file" page, with the line to add shown for copying.
 */
export type PageAction = 'add-file' | 'delete-file' | 'edit-file';

export interface PageSpec {
  id: PageId;
  /** The page's h1 and title, a GOV.UK "Request ..." phrase. */
  title: string;
  /** Paragraphs under the title. */
  intro: readonly string[];
  action: PageAction;
  kind: FileKind;
  fields: Field[];
  /** Values written whatever the answers (a new account is `state: active`). */
  fixed: Readonly<Record<string, unknown>>;
  /** The user-access page asks who the access is for, and fills requested_by for "me". */
  asksWhoFor: boolean;
  /** Statements the requester must confirm before the link is offered. */
  confirmations: readonly { name: string; label: string }[];
  /** What reviewers check, shown so requesters know what is asked of them. */
  reviewerChecks: readonly string[];
}

const USER_LABELS: Readonly<Record<string, string>> = {
  email: 'Email address',
  name: 'Full name',
  team: 'Team',
  requested_by: 'Your email address',
  reason: 'Why they need access (optional)',
  expires: 'Access ends on',
  github: 'GitHub username (optional)',
};

const ACCOUNT_LABELS: Readonly<Record<string, string>> = {
  name: 'Account name',
  description: 'What the account is for',
  organizational_unit: 'Organizational unit',
  root_email: 'Root email address (optional)',
  team: 'Team that owns the account',
  'team.name': 'Team name',
  'team.email': 'Team email address',
  requested_by: 'Your email address',
  billing: 'Billing',
  'billing.cost_centre': 'Cost centre',
  'billing.business_unit': 'Business unit',
  tags: 'Tags (optional)',
  bootstrap: 'Bootstrap role',
  'bootstrap.users': 'Who may use the bootstrap role',
  'contacts.security': 'Security contact (optional)',
  'contacts.operations': 'Operations contact (optional)',
  'contacts.billing': 'Billing contact (optional)',
  'contacts.security.email': 'Email address',
  'contacts.operations.email': 'Email address',
  'contacts.billing.email': 'Email address',
  'contacts.security.phone': 'Phone number',
  'contacts.operations.phone': 'Phone number',
  'contacts.billing.phone': 'Phone number',
};

/** Optional fields say so in their label, as GOV.UK asks. */
function markOptional(fields: Field[]): Field[] {
  return fields.map((field) =>
    field.required || field.label.endsWith('(optional)') || field.name === 'expires' ? field : { ...field, label: `${field.label} (optional)` },
  );
}

export function buildPages(schemas: { user: SchemaNode; account: SchemaNode }, settings: SettingsFile): PageSpec[] {
  const contractors = settings.email_domains.contractor.join(', ');
  // Adoption is for taking over an existing estate (npm run import writes it), and team roles are the
  // team's to add once the account exists: neither is part of a request.
  const userFields = markOptional(fieldsOf(schemas.user, { omit: ['password_reset', 'adopt'], labels: USER_LABELS }));
  const ous = settings.organization.organizational_units;
  const accountFields = markOptional(
    fieldsOf(schemas.account, {
      omit: ['id', 'adopt', 'state', 'bootstrap.state', 'roles'],
      labels: ACCOUNT_LABELS,
      ...(ous === undefined ? {} : { choices: { organizational_unit: ous } }),
    }),
  );
  const emailOnly = (label: string): Field[] =>
    fieldsOf(schemas.user, { labels: { email: label } }).filter((field) => field.name === 'email').map((field) => ({ ...field, required: true }));
  return [
    {
      id: 'user-access',
      title: 'Request user access',
      intro: [
        `Ask for an AWS user in the ${settings.users_account.alias} account, for yourself or for someone else. After review and merge, they get an email with their user name, sign-in link and a temporary password.`,
        contractors === '' ? '' : `Contractors (${contractors}) need an end date.`,
      ].filter((text) => text !== ''),
      action: 'add-file',
      kind: 'user',
      fields: userFields,
      fixed: {},
      asksWhoFor: true,
      confirmations: [],
      reviewerChecks: ['the person is in the team named', 'you may ask for access for them', 'a contractor has the right end date'],
    },
    {
      id: 'user-removal',
      title: 'Request user removal',
      intro: [
        `Ask for someone's AWS user to be deleted from the ${settings.users_account.alias} account, with its passwords, keys and MFA devices. Before you do, make sure they do not need AWS access in another team.`,
        'A user who is still named in an account’s bootstrap role cannot be removed: ask for them to be taken out of that list first.',
      ],
      action: 'delete-file',
      kind: 'user',
      fields: emailOnly('Email address of the person to remove'),
      fixed: {},
      asksWhoFor: false,
      confirmations: [{ name: 'confirm-no-other-team', label: 'I have checked that they do not need AWS access in another team' }],
      reviewerChecks: ['the person has left, or no longer needs access', 'you may ask for their removal'],
    },
    {
      id: 'password-reset',
      title: 'Request a password reset',
      intro: [
        'Ask for a new temporary password, emailed to the user after review and merge. Nothing else about the user changes.',
        'You add one line to the user’s file: the date of the request.',
      ],
      action: 'edit-file',
      kind: 'user',
      fields: emailOnly('Email address of the user'),
      fixed: {},
      asksWhoFor: false,
      confirmations: [],
      reviewerChecks: ['the request comes from the user, or someone who may ask for them'],
    },
    {
      id: 'account',
      title: 'Request an account',
      intro: [
        'Ask for a new AWS account in the organisation, in its organizational unit, with a bootstrap role (full administrator access, MFA required) for the users you name. After review and merge, the team gets an email with the account ID and a switch-role link.',
        'Everyone you name for the bootstrap role needs an AWS user first: request user access for them in the same or an earlier pull request.',
      ],
      action: 'add-file',
      kind: 'account',
      fields: accountFields,
      fixed: { state: 'active' },
      asksWhoFor: false,
      confirmations: [],
      reviewerChecks: ['the team is right, and the account is billed correctly', 'you may ask for an account for this team', 'the bootstrap users should have administrator access'],
    },
  ];
}
