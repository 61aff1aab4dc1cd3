/**
 * The request form's pages: one request per page, as the process page describes them ("request
 * user access", "request user removal", "request an account"), a password reset, and joining a
 * team role. What each page asks comes from the schemas (fields.ts); here are the page's words
 * (labels, hints, how errors name each question), written for the person asking rather than taken
 * from the schemas' descriptions, which are written for whoever edits the files.
 */
import { parseDocument, isMap, isSeq, isScalar, LineCounter, type Node } from 'yaml';
import type { SettingsFile } from '../config/schema-types.ts';
import { addMonths } from '../core/expiry.ts';
import { TEAM_ROLE_KINDS, type TeamRoleKind } from '../core/team-roles.ts';
import { fieldsOf, type Field, type SchemaNode } from './fields.ts';
import { exampleDomain, latestEndDate } from './messages.ts';
import type { FileKind } from './request.ts';

export type PageId = 'user-access' | 'user-removal' | 'password-reset' | 'account' | 'team-role';

/**
 * - `add-file`: the answers make a new file, opened on GitHub's "new file" page;
 * - `delete-file`: GitHub's "delete file" page for the named user's file;
 * - `reset-password`: GitHub's "edit file" page for the user's file, with the line to add;
 * - `join-role`: GitHub's "edit file" page for the account's file, with the line to add to the role.
 */
export type PageAction = 'add-file' | 'delete-file' | 'reset-password' | 'join-role';

/** A team role someone can ask to join: where in its account file the new user's line goes. */
export interface RoleTarget {
  /** The radio's value: `<account>/<role>`. */
  value: string;
  account: string;
  /** `accounts/<account>.yaml`. */
  file: string;
  role: string;
  kind: string;
  users: readonly string[];
  /** The role's last user's line (1-based): the new line goes after it, with the same indentation. */
  afterLine: number;
  indent: string;
  /** The account file as committed, so the page can check the file with the line added. */
  text: string;
}

export interface PageSpec {
  id: PageId;
  /** The page's h1 and title, a GOV.UK "Request ..." phrase. */
  title: string;
  /** Its name in the service navigation, short enough for the five to fit on one line. */
  navigationTitle: string;
  /** Paragraphs under the title. */
  intro: readonly string[];
  action: PageAction;
  kind: FileKind;
  fields: Field[];
  /** Values written whatever the answers (a new account is `state: active`). */
  fixed: Readonly<Record<string, unknown>>;
  /** The user-access page asks who the access is for, and fills requested_by for "me". */
  asksWhoFor: boolean;
  /** Statements the requester must confirm before the link is offered, with the error when they do not. */
  confirmations: readonly { name: string; label: string; error: string }[];
  /** What reviewers check, shown so requesters know what is asked of them. */
  reviewerChecks: readonly string[];
  /** What the pull request's check confirms that this page cannot (it needs the rest of the repository). */
  pullRequestChecks: readonly string[];
  /** The team roles the join-role page offers. */
  roleTargets?: readonly RoleTarget[];
}

/** A question's words on its page. */
interface Words {
  label?: string;
  hint?: string;
  errorName?: string;
  emptyMessage?: string;
}

function userWords(settings: SettingsFile, today: string | undefined): Readonly<Record<string, Words>> {
  const domain = exampleDomain(settings);
  const contractors = settings.email_domains.contractor;
  const months = settings.users_account.expiry_horizon_months ?? 12;
  const example = today === undefined ? '31 3 2027' : dayMonthYear(addMonths(today, 3));
  const latest = today === undefined ? '' : ` (${dayMonthYear(latestEndDate(settings, today))} at the latest)`;
  return {
    email: {
      label: 'Email address',
      hint: `The work email address of the person who needs access, like name@${domain}. It becomes their AWS user name.`,
      errorName: 'email address',
      emptyMessage: 'Enter an email address',
    },
    name: { label: 'Full name', hint: 'As it should appear in emails to them, for example Ada Lovelace.', errorName: 'full name', emptyMessage: 'Enter a full name' },
    team: {
      label: 'Team',
      hint: 'The team they work in, in lower case with hyphens between words, for example govuk-platform.',
      errorName: 'team',
      emptyMessage: 'Enter a team',
    },
    requested_by: {
      label: 'Your email address',
      hint: 'We will email you when their user is ready. The email does not include their password.',
      errorName: 'your email address',
      emptyMessage: 'Enter your email address',
    },
    reason: { label: 'Why they need access (optional)', hint: 'This helps the reviewers. For example, the service they will work on.', errorName: 'why they need access' },
    expires: {
      label: 'Access end date',
      hint: [
        contractors.length === 0 ? '' : `Contractors (email addresses on ${contractors.join(', ')}) must have one.`,
        `Access stops on this day. It can be up to ${months} months from today${latest}, and extended later.`,
        `For example, ${example}`,
      ]
        .filter((text) => text !== '')
        .join(' '),
      errorName: 'access end date',
    },
    github: { label: 'GitHub username (optional)', hint: 'For example, ada-lovelace. Reviewers use it to recognise them.', errorName: 'GitHub username' },
  };
}

const CONTACT_KINDS = {
  security: 'Who AWS contacts about security in this account, such as abuse reports.',
  operations: 'Who AWS contacts about service events and maintenance in this account.',
  billing: 'Who AWS contacts about the account’s bills.',
} as const;

function accountWords(settings: SettingsFile): Readonly<Record<string, Words>> {
  const domain = exampleDomain(settings);
  const rootExample = settings.organization.root_email_template.replace('{name}', 'notify-production');
  const contacts: Record<string, Words> = {};
  for (const [kind, hint] of Object.entries(CONTACT_KINDS)) {
    const whose = `the ${kind} contact’s`;
    contacts[`contacts.${kind}`] = { label: `${kind.charAt(0).toUpperCase()}${kind.slice(1)} contact (optional)`, hint: `${hint} Fill in all four details, or none.` };
    contacts[`contacts.${kind}.name`] = { label: 'Name', hint: 'A person or a team.', errorName: `${whose} name`, emptyMessage: `Enter ${whose} name` };
    contacts[`contacts.${kind}.title`] = { label: 'Job title or role', hint: 'For example, Security operations.', errorName: `${whose} job title or role`, emptyMessage: `Enter ${whose} job title or role` };
    contacts[`contacts.${kind}.email`] = { label: 'Email address', errorName: `${whose} email address`, emptyMessage: `Enter ${whose} email address` };
    contacts[`contacts.${kind}.phone`] = { label: 'Phone number', hint: 'For example, +44 20 7946 0000.', errorName: `${whose} phone number`, emptyMessage: `Enter ${whose} phone number` };
  }
  return {
    name: {
      label: 'Account name',
      hint: 'Lower case letters, numbers and hyphens, starting with a letter, for example notify-production.',
      errorName: 'account name',
      emptyMessage: 'Enter an account name',
    },
    description: { label: 'What the account is for', hint: 'One sentence, for example Production environment for GOV.UK Notify.', errorName: 'what the account is for', emptyMessage: 'Enter what the account is for' },
    organizational_unit: { label: 'Organizational unit', hint: 'Where the account sits in the organisation, which decides the rules that apply to it.', errorName: 'an organizational unit' },
    root_email: {
      label: 'Root email address (optional)',
      hint: `Leave this empty and the account gets one like ${rootExample}. Whoever reads this mailbox can take over the account.`,
      errorName: 'root email address',
    },
    team: { label: 'Team that owns the account' },
    'team.name': { label: 'Team name', errorName: 'team name', emptyMessage: 'Enter the team’s name' },
    'team.email': { label: 'Team email address', hint: `A shared mailbox, like team@${domain}. It gets the emails about the account.`, errorName: 'team email address', emptyMessage: 'Enter the team’s email address' },
    requested_by: { label: 'Your email address', hint: 'We will email you the account ID and a sign-in link when the account is ready.', errorName: 'your email address', emptyMessage: 'Enter your email address' },
    billing: { label: 'Billing', hint: 'Recorded on the account, so that its costs reach the right budget.' },
    'billing.cost_centre': { label: 'Cost centre', hint: 'For example, 10042.', errorName: 'cost centre', emptyMessage: 'Enter a cost centre' },
    'billing.business_unit': { label: 'Business unit', hint: 'For example, GOV.UK.', errorName: 'business unit', emptyMessage: 'Enter a business unit' },
    tags: { label: 'Tags (optional)', hint: 'One per line, a name and a value with = between them, for example service=notify.', errorName: 'tags' },
    bootstrap: {
      label: 'Bootstrap role',
      hint: 'Full administrator access to the new account, to set it up, with MFA. Ask for it to be removed once the team has its own roles.',
    },
    'bootstrap.users': {
      label: 'Who may use the bootstrap role (optional)',
      hint: 'Email addresses, one per line. Each person needs an AWS user: request user access for them first, or in the same pull request.',
      errorName: 'who may use the bootstrap role',
    },
    ...contacts,
  };
}

/**
 * The page's words over the schema's: a question the page has words for shows only the page's hint
 * (none when it gives none), never the schema's description, written for whoever edits the files.
 * A question the page does not know yet (a new field in a schema) keeps the schema's description.
 */
function withWords(fields: Field[], words: Readonly<Record<string, Words>>): Field[] {
  const apply = (field: Field): Field => {
    const own = words[field.name];
    const { hint: _schemaHint, ...rest } = field;
    const out: Field = own === undefined ? { ...field } : { ...rest, ...own };
    if (field.group !== undefined) {
      const group = words[field.group.name];
      const { hint: _groupHint, ...groupRest } = field.group;
      out.group = group === undefined ? field.group : { ...groupRest, ...(group.label === undefined ? {} : { label: group.label }), ...(group.hint === undefined ? {} : { hint: group.hint }) };
    }
    return out;
  };
  return fields.map(apply);
}

/** Optional fields say so in their label, as GOV.UK asks. An end date is needed for contractors only: its hint says so. */
function markOptional(fields: Field[]): Field[] {
  return fields.map((field) =>
    field.required || field.label.endsWith('(optional)') || field.name === 'expires' ? field : { ...field, label: `${field.label} (optional)` },
  );
}

/** "2027-03-31" → "31 3 2027", as a date input's hint gives an example. */
function dayMonthYear(iso: string): string {
  const [year, month, day] = iso.split('-').map(Number);
  return `${day ?? ''} ${month ?? ''} ${year ?? ''}`;
}

/** The kinds of team role the account page offers: every kind in the schema but `custom`, which names policies. */
function teamRoleFields(account: SchemaNode): Field[] {
  const kinds = (account.properties?.['roles']?.items?.properties?.['kind']?.enum ?? []).filter((kind) => kind !== 'custom');
  const group = {
    name: 'roles',
    label: 'Team roles (optional)',
    hint: 'Roles for your team’s day-to-day work, each used with MFA and named after the account, like notify-production-read-only. Your team can add more later.',
    required: false,
  };
  return kinds.map((kind) => {
    const description = TEAM_ROLE_KINDS[kind as TeamRoleKind]?.description ?? kind;
    const what = description.replace(/^[^:]*:\s*/, '');
    return {
      name: `roles.${kind}`,
      path: ['roles'],
      label: `Who may use the ${kind} role (optional)`,
      hint: `Can ${what.replace(/^can /, '')}. Email addresses, one per line; each person needs an AWS user.`,
      required: false,
      control: 'list',
      maxItems: 50,
      itemsAreEmails: true,
      roleKind: kind,
      errorName: `who may use the ${kind} role`,
      group,
    };
  });
}

/** The account files' team roles, for the join-role page: only roles whose users are a block list, where one line can be added. */
export function roleTargetsOf(accounts: readonly { file: string; text: string }[]): RoleTarget[] {
  const targets: RoleTarget[] = [];
  for (const { file, text } of accounts) {
    const lineCounter = new LineCounter();
    const doc = parseDocument(text, { lineCounter, version: '1.2' });
    const name = doc.get('name');
    const state = doc.get('state');
    const roles = doc.get('roles', true) as Node | undefined;
    if (typeof name !== 'string' || state !== 'active' || !isSeq(roles)) continue;
    for (const role of roles.items) {
      if (!isMap(role)) continue;
      const roleName = role.get('name');
      const kind = role.get('kind');
      const users = role.get('users', true) as Node | undefined;
      if (typeof roleName !== 'string' || typeof kind !== 'string' || !isSeq(users) || users.flow === true) continue;
      const last = users.items[users.items.length - 1];
      if (!isScalar(last) || last.range === undefined || last.range === null) continue;
      const position = lineCounter.linePos(last.range[0]);
      const line = text.split('\n')[position.line - 1] ?? '';
      const indent = /^(\s*)-/.exec(line)?.[1] ?? '';
      targets.push({
        value: `${name}/${roleName}`,
        account: name,
        file,
        role: roleName,
        kind,
        users: users.items.flatMap((item) => (isScalar(item) && typeof item.value === 'string' ? [item.value.toLowerCase()] : [])),
        afterLine: position.line,
        indent,
        text,
      });
    }
  }
  return targets;
}

/**
 * The rules the pull request check runs that a page cannot (request-file.ts REPOSITORY_RULES), by
 * page, in the requester's words; a test checks that every such rule is here.
 */
export const PULL_REQUEST_CHECKS: Readonly<Record<string, Partial<Record<PageId, string>>>> = {
  userNamesAreUniqueIgnoringCase: { 'user-access': 'nobody already has a user with this email address' },
  rootEmailsAreUnique: { account: 'no other account has the same root email address' },
  everyBootstrapUserExists: {
    account: 'everyone named for the bootstrap role has an AWS user',
    'user-removal': 'no account still names them for its bootstrap role',
  },
  everyTeamRoleUserExists: {
    account: 'everyone named for a team role has an AWS user',
    'user-removal': 'no account still names them for a team role',
    'team-role': 'the person has an AWS user',
  },
  everyDataFileHasACodeOwner: {
    'user-access': 'the file has reviewers who must approve it',
    'user-removal': 'the file has reviewers who must approve it',
    'password-reset': 'the file has reviewers who must approve it',
    account: 'the file has reviewers who must approve it',
    'team-role': 'the file has reviewers who must approve it',
  },
  // Rules about settings.yaml itself, not about a request.
  readRolesDifferFromWriteRoles: {},
  readOnlyPlanningIsConfiguredWhole: {},
};

/** Checks the pull request makes beyond the rules' table: the name's uniqueness half of a single-file rule. */
const OTHER_PULL_REQUEST_CHECKS: Partial<Record<PageId, readonly string[]>> = {
  account: ['no other account has this name'],
  'password-reset': ['the user’s file exists'],
};

function pullRequestChecks(id: PageId): string[] {
  return [...(OTHER_PULL_REQUEST_CHECKS[id] ?? []), ...Object.values(PULL_REQUEST_CHECKS).flatMap((byPage) => (byPage[id] === undefined ? [] : [byPage[id]]))];
}

export interface PageOptions {
  /** The day the form is built (YYYY-MM-DD), for the examples in hints. */
  today?: string;
  /** The repository's account files, whose team roles the join-role page offers. */
  accounts?: readonly { file: string; text: string }[];
}

export function buildPages(schemas: { user: SchemaNode; account: SchemaNode }, settings: SettingsFile, options: PageOptions = {}): PageSpec[] {
  // Adoption is for taking over an existing estate (npm run import writes it): never part of a request.
  const userFields = markOptional(withWords(fieldsOf(schemas.user, { omit: ['password_reset', 'adopt'] }), userWords(settings, options.today)));
  const ous = settings.organization.organizational_units;
  const schemaAccountFields = markOptional(
    withWords(
      fieldsOf(schemas.account, {
        omit: ['id', 'adopt', 'state', 'bootstrap.state', 'roles'],
        ...(ous === undefined ? {} : { choices: { organizational_unit: ous } }),
      }),
      accountWords(settings),
    ),
  );
  // Team roles come where the schema has them: after the bootstrap role.
  const bootstrapAt = schemaAccountFields.map((field) => field.group?.name).lastIndexOf('bootstrap');
  const afterBootstrap = bootstrapAt === -1 ? schemaAccountFields.length : bootstrapAt + 1;
  const accountFields = [...schemaAccountFields.slice(0, afterBootstrap), ...teamRoleFields(schemas.account), ...schemaAccountFields.slice(afterBootstrap)];
  const emailOnly = (label: string, hint: string, emptyMessage: string): Field[] =>
    fieldsOf(schemas.user)
      .filter((field) => field.name === 'email')
      .map((field) => ({ ...field, label, hint, required: true, errorName: 'email address', emptyMessage }));
  const targets = roleTargetsOf(options.accounts ?? []);
  const roleField: Field = {
    name: 'role',
    path: ['role'],
    label: 'Which role?',
    hint: 'The team roles of the organisation’s accounts.',
    required: true,
    control: 'radios',
    options: targets.map((t) => t.value),
    optionLabels: targets.map((t) => `${t.role} in ${t.account}`),
    optionHints: targets.map((t) => TEAM_ROLE_KINDS[t.kind as TeamRoleKind]?.description ?? t.kind),
    errorName: 'a role',
    emptyMessage: 'Select a role',
  };
  const alias = settings.users_account.alias;
  return [
    {
      id: 'user-access',
      navigationTitle: 'User access',
      title: 'Request user access',
      intro: [
        `Ask for an AWS user in the ${alias} account, for yourself or for someone else. After review and merge, they get an email with their user name, sign-in link and a temporary password.`,
      ],
      action: 'add-file',
      kind: 'user',
      fields: userFields,
      fixed: {},
      asksWhoFor: true,
      confirmations: [],
      reviewerChecks: ['the person is in the team named', 'you may ask for access for them', 'a contractor has the right end date'],
      pullRequestChecks: pullRequestChecks('user-access'),
    },
    {
      id: 'user-removal',
      navigationTitle: 'User removal',
      title: 'Request user removal',
      intro: [
        `Ask for someone’s AWS user to be deleted from the ${alias} account, with its passwords, keys and MFA devices. Before you do, make sure they do not need AWS access in another team.`,
        'A user who is still named in an account’s bootstrap role or team roles cannot be removed: ask for them to be taken out of those first.',
      ],
      action: 'delete-file',
      kind: 'user',
      fields: emailOnly('Email address of the person to remove', 'The email address they sign in to AWS with.', 'Enter the email address of the person to remove'),
      fixed: {},
      asksWhoFor: false,
      confirmations: [
        {
          name: 'confirm-no-other-team',
          label: 'I have checked that they do not need AWS access in another team',
          error: 'Confirm that you have checked they do not need AWS access in another team',
        },
      ],
      reviewerChecks: ['the person has left, or no longer needs access', 'you may ask for their removal'],
      pullRequestChecks: pullRequestChecks('user-removal'),
    },
    {
      id: 'password-reset',
      navigationTitle: 'Password reset',
      title: 'Request a password reset',
      intro: [
        'Ask for a new temporary password, emailed to the user after review and merge. Nothing else about the user changes.',
        'You add one line to the user’s file: the date of the request.',
      ],
      action: 'reset-password',
      kind: 'user',
      fields: emailOnly('Email address of the user', 'The email address they sign in to AWS with.', 'Enter the email address of the user'),
      fixed: {},
      asksWhoFor: false,
      confirmations: [],
      reviewerChecks: ['the request comes from the user, or someone who may ask for them'],
      pullRequestChecks: pullRequestChecks('password-reset'),
    },
    {
      id: 'account',
      navigationTitle: 'Account',
      title: 'Request an account',
      intro: [
        'Ask for a new AWS account in the organisation, with a bootstrap role (full administrator access, MFA required) and team roles for the people you name. After review and merge, the team gets an email with the account ID and a switch-role link.',
        'Everyone you name needs an AWS user first: request user access for them in the same or an earlier pull request.',
      ],
      action: 'add-file',
      kind: 'account',
      fields: accountFields,
      fixed: { state: 'active' },
      asksWhoFor: false,
      confirmations: [],
      reviewerChecks: [
        'the team is right, and the account is billed correctly',
        'you may ask for an account for this team',
        'the people named for the bootstrap role should have administrator access',
      ],
      pullRequestChecks: pullRequestChecks('account'),
    },
    {
      id: 'team-role',
      navigationTitle: 'Join a team role',
      title: 'Request to join a team role',
      intro: [
        `Ask for someone to be added to a role a team uses in its AWS account. After review and merge, they can switch to the role from the ${alias} account, with MFA.`,
        'They need an AWS user first: request user access for them if they do not have one.',
        targets.length === 0 ? 'No account has team roles yet. A team adds them to its account’s file.' : '',
      ].filter((text) => text !== ''),
      action: 'join-role',
      kind: 'account',
      fields: [roleField, ...emailOnly('Email address of the person joining', 'The email address they sign in to AWS with.', 'Enter the email address of the person joining')],
      fixed: {},
      asksWhoFor: false,
      confirmations: [],
      reviewerChecks: ['the person works in the team that owns the account', 'the role gives them the access they need, and no more'],
      pullRequestChecks: pullRequestChecks('team-role'),
      roleTargets: targets,
    },
  ];
}
