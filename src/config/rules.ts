/**
 * Rules that JSON Schema cannot express: across files, against settings, against the date, and
 * against CODEOWNERS. One function per invariant, named for what must hold; each returns the
 * problems where it does not.
 *
 * Rules run together with the schema, on every file that parsed, so one run reports every problem:
 * a file with a schema error is still checked by each rule whose fields are valid. A rule takes the
 * fields it needs with `fieldsOf`, which gives them only when the schema accepted every one of them
 * (a missing required field counts as refused); otherwise the rule skips that file, so a broken
 * field is reported once, by the schema, and never cascades into a second, derived message. Rules
 * about file names look at every listed path instead, valid or not.
 */
import { ACCOUNT_TAG_KEYS } from '../core/baseline.ts';
import { FACETS_TAG } from '../core/facets.ts';
import { DEFAULT_EXPIRY_HORIZON_MONTHS, addMonths, hasExpired } from '../core/expiry.ts';
import { ACCOUNT_NOTIFIED_TAG, CLOSURE_REQUESTED_TAG } from '../core/model.ts';
import { allowedRootEmailDomains, protectedAccounts } from '../core/protected-accounts.ts';
import { teamRoleNameProblem } from '../core/team-roles.ts';
import { anError, aWarning, type Position, type Problem, START_OF_FILE } from '../core/problems.ts';
import type { AccountFile, SettingsFile, UserFile } from './schema-types.ts';
import { type Codeowners, ownersOf } from './codeowners.ts';
import { classifyDataPath, type DataFileKind } from './file-source.ts';
import { type ParsedYaml, positionOf } from './parse-yaml.ts';
import { SCHEMA_FILES } from './schemas.ts';

/** A data file that parsed and matched its schema. */
export interface LoadedFile<T> {
  file: string;
  data: T;
  parsed: ParsedYaml;
}

/**
 * A data file that parsed, as rules see it: its top-level fields that match the schema. A field the
 * schema refused, and a required field that is missing, are left out of `data` and named in
 * `invalid`. A LoadedFile (the whole file valid) is a CheckedFile with nothing invalid.
 */
export interface CheckedFile<T> {
  file: string;
  data: Partial<T>;
  parsed: ParsedYaml;
  /** Top-level fields the schema refused or that are missing though required; absent: none. */
  invalid?: ReadonlySet<string>;
}

/**
 * The fields `keys` of a file, typed as the schema says, when the schema refused none of them;
 * undefined otherwise, and the rule then skips the file. An optional field may still be absent:
 * that is an answer (no `expires`), not a refusal.
 */
export function fieldsOf<T, K extends keyof T & string>(checked: CheckedFile<T>, ...keys: K[]): Pick<T, K> | undefined {
  if (keys.some((key) => checked.invalid?.has(key) === true)) return undefined;
  // Sound: a required field that is missing is in `invalid` too (see usableFields in schemas.ts).
  return checked.data as unknown as Pick<T, K>;
}

/** settings.yaml's fields `keys`, when the file exists and the schema refused none of them. */
function settingsFields<K extends keyof SettingsFile & string>(input: RuleInput, ...keys: K[]): Pick<SettingsFile, K> | undefined {
  return input.settings === undefined ? undefined : fieldsOf(input.settings, ...keys);
}

export interface RuleInput {
  /** YYYY-MM-DD: the only clock rules see. */
  today: string;
  /** Absent when settings.yaml is missing or unreadable: rules that need it then say nothing. */
  settings: CheckedFile<SettingsFile> | undefined;
  users: readonly CheckedFile<UserFile>[];
  accounts: readonly CheckedFile<AccountFile>[];
  /** Every path the source listed (see FileSource.listDataFiles), valid or not. */
  files: readonly string[];
  /** Absent when the repository has no CODEOWNERS file. */
  codeowners: Codeowners | undefined;
}

export type Rule = (input: RuleInput) => Problem[];

/** IAM's limit on user names; the user name is the email. */
export const MAX_USER_NAME_LENGTH = 64;
/** AWS's limit on an account's root email (CreateAccount Email). */
export const MAX_ROOT_EMAIL_LENGTH = 64;

const at = (loaded: CheckedFile<unknown>, path: readonly (string | number)[]): Position => positionOf(loaded.parsed, path);

// ---- Per file, on the raw text ----

/** The comment line every data file starts with, pointing at its schema relative to the file. */
export function schemaCommentFor(kind: DataFileKind): string {
  const schema = SCHEMA_FILES[kind];
  return `# yaml-language-server: $schema=${kind === 'settings' ? '' : '../'}schema/${schema}`;
}

/**
 * Line 1 is the yaml-language-server comment, so editors check the file as people type. A warning:
 * the line helps editors and changes nothing in the data, which validation checks either way;
 * `validate --fix` writes it.
 */
export function fileStartsWithSchemaComment(file: string, kind: DataFileKind, text: string): Problem[] {
  const expected = schemaCommentFor(kind);
  const first = (text.replace(/^\uFEFF/, '').split('\n')[0] ?? '').replace(/\r$/, '').trimEnd();
  if (first === expected) return [];
  const rule = 'fileStartsWithSchemaComment';
  if (isSchemaComment(first)) {
    return [
      aWarning(
        rule,
        file,
        START_OF_FILE,
        `line 1 should be exactly "${expected}" (this file's schema, relative to the file), so editors check the file against the right schema; replace "${first}" with it, or run npm run validate -- --fix`,
      ),
    ];
  }
  return [
    aWarning(
      rule,
      file,
      START_OF_FILE,
      `the file does not start with the line "${expected}", which lets editors check it as you type; add it as line 1, or run npm run validate -- --fix`,
    ),
  ];
}

/** A `# yaml-language-server:` comment line, whatever schema it names. */
export function isSchemaComment(line: string): boolean {
  return /^#\s*yaml-language-server:/.test(line);
}

/**
 * The text with its schema comment as line 1 (`validate --fix`), and what was changed, in words;
 * undefined when line 1 is right already. Nothing else changes: a yaml-language-server comment on
 * line 1 naming another schema is replaced, any other line 1 is moved down; a byte order mark and
 * the file's line endings (\r\n or \n) are kept.
 */
export function fixSchemaComment(kind: DataFileKind, text: string): { text: string; change: string } | undefined {
  if (fileStartsWithSchemaComment('', kind, text).length === 0) return undefined;
  const expected = schemaCommentFor(kind);
  const bom = text.startsWith('\uFEFF') ? '\uFEFF' : '';
  const body = text.slice(bom.length);
  const end = body.indexOf('\n');
  const first = (end < 0 ? body : body.slice(0, end)).replace(/\r$/, '');
  if (isSchemaComment(first)) {
    return { text: `${bom}${expected}${body.slice(first.length)}`, change: `replaced line 1 "${first.trimEnd()}" with "${expected}"` };
  }
  const newline = end > 0 && body[end - 1] === '\r' ? '\r\n' : '\n';
  return { text: `${bom}${expected}${newline}${body}`, change: `added line 1 "${expected}"` };
}

// ---- Which files exist ----

/** Data directories hold only `<name>.yaml` files, directly: anything else would be silently ignored. */
export function dataDirectoriesHoldOnlyYamlFiles(input: RuleInput): Problem[] {
  return input.files
    .filter((file) => file !== 'settings.yaml' && classifyDataPath(file) === undefined && !file.endsWith('/.gitkeep'))
    .map((file) => {
      const [dir = '', ...rest] = file.split('/');
      const name = rest[rest.length - 1] ?? '';
      const suggestion = `${dir}/${name.replace(/\.(yml|json|txt)$/i, '').replace(/\.yaml$/, '')}.yaml`;
      return anError(
        'dataDirectoriesHoldOnlyYamlFiles',
        file,
        START_OF_FILE,
        `${dir}/ holds only .yaml files, one per ${dir === 'users' ? 'user' : 'account'}, directly in the folder; this file would be ignored: move or rename it to ${suggestion}, or delete it`,
      );
    });
}

/** IAM user names are case-insensitive: users/A@x.yaml and users/a@x.yaml would be one user. */
export function userNamesAreUniqueIgnoringCase(input: RuleInput): Problem[] {
  return duplicatesIgnoringCase(input.files.filter((f) => classifyDataPath(f) === 'user')).map(([first, file]) =>
    anError(
      'userNamesAreUniqueIgnoringCase',
      file,
      START_OF_FILE,
      `${file} and ${first} name the same IAM user (IAM user names ignore case); keep one file, named with the lower-case email`,
    ),
  );
}

// ---- Users ----

/** A user's file is users/<lower-case email>.yaml. */
export function fileNameEqualsLowerCaseEmail(input: RuleInput): Problem[] {
  return input.users.flatMap((user) => {
    const data = fieldsOf(user, 'email');
    if (data === undefined) return [];
    const expected = `users/${data.email.toLowerCase()}.yaml`;
    if (user.file === expected) return [];
    return [
      anError(
        'fileNameEqualsLowerCaseEmail',
        user.file,
        at(user, ['email']),
        `the file name must be the lower-case email: rename ${user.file} to ${expected}, or correct the email`,
      ),
    ];
  });
}

/** Every user's email is on a staff or contractor domain from settings. */
export function emailDomainIsAllowed(input: RuleInput): Problem[] {
  const settings = settingsFields(input, 'email_domains');
  if (settings === undefined) return [];
  const allowed = [...settings.email_domains.staff, ...settings.email_domains.contractor];
  return input.users.flatMap((user) => {
    const data = fieldsOf(user, 'email');
    if (data === undefined) return [];
    const domain = domainOf(data.email);
    if (allowed.includes(domain)) return [];
    return [
      anError(
        'emailDomainIsAllowed',
        user.file,
        at(user, ['email']),
        `${domain} is not an allowed email domain; use a work email on one of ${allowed.join(', ')} (new domains are added to email_domains in settings.yaml)`,
      ),
    ];
  });
}

/**
 * Everyone the project emails is on an allowed domain: requesters and team contacts receive notices
 * from the organisation's SES identity, which must not become a way to mail the outside world.
 */
export function notifiedAddressesAreOnAllowedDomains(input: RuleInput): Problem[] {
  const settings = settingsFields(input, 'email_domains');
  if (settings === undefined) return [];
  const allowed = [...settings.email_domains.staff, ...settings.email_domains.contractor];
  const check = (file: CheckedFile<unknown>, path: readonly (string | number)[], email: string | undefined, field: string): Problem[] =>
    email === undefined || allowed.includes(domainOf(email))
      ? []
      : [
          anError(
            'notifiedAddressesAreOnAllowedDomains',
            file.file,
            at(file, path),
            `${field} ${email} is not on an allowed email domain (${allowed.join(', ')}); the project emails this address, so use a work address`,
          ),
        ];
  return [
    ...input.users.flatMap((user) => check(user, ['requested_by'], fieldsOf(user, 'requested_by')?.requested_by, 'requested_by')),
    ...input.accounts.flatMap((account) => [
      ...check(account, ['requested_by'], fieldsOf(account, 'requested_by')?.requested_by, 'requested_by'),
      ...check(account, ['team', 'email'], fieldsOf(account, 'team')?.team.email, 'team.email'),
    ]),
  ];
}

/** Users on contractor domains have an expiry date. */
export function contractorUsersHaveExpires(input: RuleInput): Problem[] {
  const contractor = settingsFields(input, 'email_domains')?.email_domains.contractor ?? [];
  return input.users.flatMap((user) => {
    // An `expires` the schema refused is there, only wrong: the schema says so.
    const data = fieldsOf(user, 'email', 'expires');
    if (data === undefined) return [];
    const domain = domainOf(data.email);
    if (!contractor.includes(domain) || data.expires !== undefined) return [];
    return [
      anError(
        'contractorUsersHaveExpires',
        user.file,
        at(user, ['email']),
        `${domain} is a contractor domain, so the user needs an expiry date; add a line such as expires: "${nextYear(input.today)}"`,
      ),
    ];
  });
}

/** The user name (the email) fits IAM's 64-character limit. The schema says so too; this says why. */
export function userNamesAreAtMost64Characters(input: RuleInput): Problem[] {
  return input.users.flatMap((user) => {
    const data = fieldsOf(user, 'email');
    if (data === undefined) return [];
    const length = [...data.email].length;
    if (length <= MAX_USER_NAME_LENGTH) return [];
    return [
      anError(
        'userNamesAreAtMost64Characters',
        user.file,
        at(user, ['email']),
        `the email is ${length} characters, but it is also the IAM user name, which AWS limits to ${MAX_USER_NAME_LENGTH}; use a shorter alias of the same mailbox`,
      ),
    ];
  });
}

/** Users whose expiry date has passed are reported (a warning: the data is still valid; apply suspends them). */
export function expiredUsersAreReported(input: RuleInput): Problem[] {
  return input.users.flatMap((user) => {
    const expires = fieldsOf(user, 'expires')?.expires;
    if (!hasExpired(expires, input.today)) return [];
    return [
      aWarning(
        'expiredUsersAreReported',
        user.file,
        at(user, ['expires']),
        `access ended on ${expires ?? ''}: apply suspends the user (no password, access keys inactive, out of the group); remove this file (and the user from any bootstrap.users list) to delete it, or move the date if access was extended`,
      ),
    ];
  });
}

/**
 * `password_reset` is not after today: it means "a newer date than the last one applied" (see
 * hasCurrentCredentials), so a future date would reset at once and then block every reset until that day.
 */
export function passwordResetIsNotInTheFuture(input: RuleInput): Problem[] {
  return input.users.flatMap((user) => {
    const reset = fieldsOf(user, 'password_reset')?.password_reset;
    if (reset === undefined || reset <= input.today) return [];
    return [
      anError(
        'passwordResetIsNotInTheFuture',
        user.file,
        at(user, ['password_reset']),
        `password_reset is ${reset}, after today (${input.today}); write today's date to ask for a new temporary password (a later date than the last one applied resets it, once)`,
      ),
    ];
  });
}

/** `expires` is at most settings.users_account.expiry_horizon_months (default 12) ahead of today. */
export function expiresIsWithinTheHorizon(input: RuleInput): Problem[] {
  // A users_account the schema refused may set another horizon: nothing is said until it is fixed.
  const usersAccount = input.settings === undefined ? { users_account: undefined } : fieldsOf(input.settings, 'users_account');
  if (usersAccount === undefined) return [];
  const months = usersAccount.users_account?.expiry_horizon_months ?? DEFAULT_EXPIRY_HORIZON_MONTHS;
  const latest = addMonths(input.today, months);
  return input.users.flatMap((user) => {
    const expires = fieldsOf(user, 'expires')?.expires;
    if (expires === undefined || expires <= latest) return [];
    return [
      anError(
        'expiresIsWithinTheHorizon',
        user.file,
        at(user, ['expires']),
        `expires is ${expires}, more than ${months} months ahead (the latest allowed today is ${latest}, settings.yaml users_account.expiry_horizon_months); choose ${latest} or earlier and extend it when the time comes`,
      ),
    ];
  });
}

/** Protected users are never managed here, so they have no file in users/. */
export function protectedUsersHaveNoUserFile(input: RuleInput): Problem[] {
  const settings = input.settings;
  const data = settings && fieldsOf(settings, 'protected_users');
  if (settings === undefined || data === undefined) return [];
  const files = new Map(input.files.filter((f) => classifyDataPath(f) === 'user').map((f) => [f.toLowerCase(), f]));
  return data.protected_users.flatMap((name, index) => {
    const file = files.get(`users/${name.toLowerCase()}.yaml`);
    if (file === undefined) return [];
    return [
      anError(
        'protectedUsersHaveNoUserFile',
        file,
        START_OF_FILE,
        `"${name}" is a protected user (settings.yaml line ${at(settings, ['protected_users', index]).line}), which this tool never creates, changes or deletes; remove this file, or take the name out of protected_users`,
      ),
    ];
  });
}

// ---- Settings ----

/** A read role (what plan assumes) is another role than the one apply writes through. */
export function readRolesDifferFromWriteRoles(input: RuleInput): Problem[] {
  const settings = input.settings;
  if (settings === undefined) return [];
  return (['users_account', 'organization'] as const).flatMap((section) => {
    const data = fieldsOf(settings, section);
    if (data === undefined) return [];
    const { role_to_assume: write, read_role_to_assume: read } = data[section];
    if (read === undefined || read !== write) return [];
    return [
      anError(
        'readRolesDifferFromWriteRoles',
        settings.file,
        at(settings, [section, 'read_role_to_assume']),
        `${section}.read_role_to_assume is ${section}.role_to_assume, so plans would hold the role apply writes with; name a read-only role that only the plan role may assume, or remove read_role_to_assume`,
      ),
    ];
  });
}

/**
 * The read-only path is configured whole. A read role without a reader role would need the
 * administrator access role of every member account to read bootstrap roles; a reader role behind a
 * write role leaves plans holding the write role; a reader role that does not trust the read role
 * cannot be used by plans.
 */
export function readOnlyPlanningIsConfiguredWhole(input: RuleInput): Problem[] {
  const settings = input.settings;
  const org = settings && fieldsOf(settings, 'organization')?.organization;
  if (settings === undefined || org === undefined) return [];
  const rule = 'readOnlyPlanningIsConfiguredWhole';
  const problems: Problem[] = [];
  if (org.read_role_to_assume !== undefined && org.reader_role_name === undefined) {
    problems.push(
      anError(rule, settings.file, at(settings, ['organization', 'read_role_to_assume']),
        'organization.read_role_to_assume is set but organization.reader_role_name is not, so plans would read bootstrap roles through the administrator access role of every member account; set reader_role_name and reader_trusted_role_arns too'),
    );
  }
  if (org.reader_role_name !== undefined && org.role_to_assume !== undefined && org.read_role_to_assume === undefined) {
    problems.push(
      anError(rule, settings.file, at(settings, ['organization', 'reader_role_name']),
        'organization.reader_role_name is set but plans would still assume organization.role_to_assume (a write role); set organization.read_role_to_assume to a read-only role'),
    );
  }
  const trusted: readonly string[] = org.reader_trusted_role_arns ?? [];
  if (org.reader_role_name !== undefined && org.read_role_to_assume !== undefined && !trusted.includes(org.read_role_to_assume)) {
    problems.push(
      anError(rule, settings.file, at(settings, ['organization', 'reader_trusted_role_arns']),
        `organization.reader_trusted_role_arns does not list organization.read_role_to_assume (${org.read_role_to_assume}), so plans could not assume the reader roles; add it`),
    );
  }
  return problems;
}

// ---- Accounts ----

/** An account's file is accounts/<name>.yaml. */
export function accountFileNameEqualsAccountName(input: RuleInput): Problem[] {
  return input.accounts.flatMap((account) => {
    const data = fieldsOf(account, 'name');
    if (data === undefined) return [];
    const expected = `accounts/${data.name}.yaml`;
    if (account.file === expected) return [];
    return [
      anError(
        'accountFileNameEqualsAccountName',
        account.file,
        at(account, ['name']),
        `the file name must be the account name: rename ${account.file} to ${expected}, or correct the name`,
      ),
    ];
  });
}

const ACCOUNT_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/** Account names are lower-case words joined by '-', and no two accounts share one (ignoring case). */
export function accountNamesAreUniqueAndWellFormed(input: RuleInput): Problem[] {
  const rule = 'accountNamesAreUniqueAndWellFormed';
  const problems: Problem[] = [];
  const named = input.accounts.flatMap((account) => {
    const data = fieldsOf(account, 'name');
    return data === undefined ? [] : [{ account, name: data.name }];
  });
  for (const { account, name } of named) {
    if (!ACCOUNT_NAME.test(name) || name.length > 50) {
      problems.push(
        anError(rule, account.file, at(account, ['name']), `"${name}" is not a valid account name; use lower-case words joined by '-', at most 50 characters`),
      );
    }
  }
  for (const [first, file] of duplicatesIgnoringCase(input.files.filter((f) => classifyDataPath(f) === 'account'))) {
    problems.push(anError(rule, file, START_OF_FILE, `${file} and ${first} differ only in case; account names must be unique, so keep one`));
  }
  const byName = new Map<string, CheckedFile<AccountFile>>();
  for (const { account, name } of [...named].sort((a, b) => (a.account.file < b.account.file ? -1 : 1))) {
    const key = name.toLowerCase();
    const first = byName.get(key);
    if (first === undefined) byName.set(key, account);
    else {
      problems.push(
        anError(rule, account.file, at(account, ['name']), `account name "${name}" is already used by ${first.file}; each account has its own name`),
      );
    }
  }
  return problems;
}

/** The root email (given, or generated from the settings template) fits AWS's 64-character limit. */
export function rootEmailsAreAtMost64Characters(input: RuleInput): Problem[] {
  const settings = settingsFields(input, 'organization');
  if (settings === undefined) return [];
  return input.accounts.flatMap((account) => {
    const data = fieldsOf(account, 'name', 'root_email');
    if (data === undefined) return [];
    const email = rootEmailOf(data, settings);
    const length = [...email].length;
    if (length <= MAX_ROOT_EMAIL_LENGTH) return [];
    const given = data.root_email !== undefined;
    return [
      anError(
        'rootEmailsAreAtMost64Characters',
        account.file,
        at(account, [given ? 'root_email' : 'name']),
        given
          ? `root_email is ${length} characters; AWS allows at most ${MAX_ROOT_EMAIL_LENGTH}: use a shorter address`
          : `the generated root email "${email}" is ${length} characters, and AWS allows at most ${MAX_ROOT_EMAIL_LENGTH}; set root_email explicitly to a shorter address, or choose a shorter account name`,
      ),
    ];
  });
}

/** No two accounts share a root email (AWS requires it to be unique across all of AWS). */
export function rootEmailsAreUnique(input: RuleInput): Problem[] {
  const settings = settingsFields(input, 'organization');
  if (settings === undefined) return [];
  const seen = new Map<string, string>();
  const problems: Problem[] = [];
  for (const account of [...input.accounts].sort((a, b) => (a.file < b.file ? -1 : 1))) {
    const data = fieldsOf(account, 'name', 'root_email');
    if (data === undefined) continue;
    const email = rootEmailOf(data, settings);
    const first = seen.get(email.toLowerCase());
    if (first === undefined) {
      seen.set(email.toLowerCase(), account.file);
      continue;
    }
    problems.push(
      anError(
        'rootEmailsAreUnique',
        account.file,
        at(account, [data.root_email !== undefined ? 'root_email' : 'name']),
        `root email ${email} is already used by ${first}; every account needs its own root email: set a different root_email`,
      ),
    );
  }
  return problems;
}

/**
 * No account file names one of the project's own accounts (the management account, the users
 * account, settings.yaml protected_accounts): files in accounts/ are reviewed by the user-management
 * code owners, not the platform team, so adopting, tagging, moving or closing those must be impossible
 * from there.
 */
export function accountFilesAvoidProtectedAccounts(input: RuleInput): Problem[] {
  const settings = settingsFields(input, 'protected_accounts', 'users_account', 'organization');
  if (settings === undefined) return [];
  const protectedIds = protectedAccounts(settings);
  return input.accounts.flatMap((account) => {
    const id = fieldsOf(account, 'id')?.id;
    const why = id === undefined ? undefined : protectedIds.get(id);
    if (why === undefined) return [];
    return [
      anError(
        'accountFilesAvoidProtectedAccounts',
        account.file,
        at(account, ['id']),
        `id ${id} is ${why}: an account file may never name it (it would be adopted, tagged, moved, given a bootstrap role or closed); remove the id, or the file`,
      ),
    ];
  });
}

/**
 * The root email (given, or generated from the template) is on an allowed domain
 * (organization.root_email_domains, else the template's domain): whoever receives the root email
 * can take the account over. It guards the accounts the project creates. An adopted account
 * (`adopt: true` with its `id`) keeps the root email AWS holds, which no file changes: its
 * `root_email` is what `import` read, and the plan checks that it is still the live one.
 */
export function rootEmailsAreOnAllowedDomains(input: RuleInput): Problem[] {
  const settings = settingsFields(input, 'organization');
  if (settings === undefined) return [];
  const allowed = allowedRootEmailDomains(settings);
  return input.accounts.flatMap((account) => {
    const data = fieldsOf(account, 'name', 'root_email', 'adopt', 'id');
    if (data === undefined) return [];
    if (data.adopt === true && data.id !== undefined && data.root_email !== undefined) return [];
    const email = rootEmailOf(data, settings);
    if (allowed.includes(domainOf(email))) return [];
    return [
      anError(
        'rootEmailsAreOnAllowedDomains',
        account.file,
        at(account, [data.root_email !== undefined ? 'root_email' : 'name']),
        `root email ${email} is not on an allowed domain (${allowed.join(', ')}); whoever receives it owns the account: use an address on ${allowed.length === 1 ? 'that domain' : 'one of them'}, or ask the platform team to add the domain to organization.root_email_domains`,
      ),
    ];
  });
}

/** When settings list the organisation's OUs, every account is placed in one of them. */
export function organizationalUnitIsListed(input: RuleInput): Problem[] {
  const listed = settingsFields(input, 'organization')?.organization.organizational_units;
  if (listed === undefined) return [];
  return input.accounts.flatMap((account) => {
    const ou = fieldsOf(account, 'organizational_unit')?.organizational_unit;
    if (ou === undefined || listed.includes(ou)) return [];
    return [
      anError(
        'organizationalUnitIsListed',
        account.file,
        at(account, ['organizational_unit']),
        `organizational unit ${ou} is not one of the organisation's (organization.organizational_units in settings.yaml): use one of ${listed.join(', ')}, or add it there first`,
      ),
    ];
  });
}

/** Everyone listed in bootstrap.users has a file in users/. */
export function everyBootstrapUserExists(input: RuleInput): Problem[] {
  const files = new Set(input.files);
  return input.accounts.flatMap((account) =>
    (fieldsOf(account, 'bootstrap')?.bootstrap?.users ?? []).flatMap((email, index) => {
      const file = `users/${email}.yaml`;
      if (files.has(file)) return [];
      return [
        anError(
          'everyBootstrapUserExists',
          account.file,
          at(account, ['bootstrap', 'users', index]),
          `bootstrap user ${email} has no file ${file}; add the user (in this or an earlier pull request), or remove them from this list`,
        ),
      ];
    }),
  );
}

/** A bootstrap role that is present trusts at least one user. */
export function activeBootstrapNeedsUsers(input: RuleInput): Problem[] {
  return input.accounts.flatMap((account) => {
    const bootstrap = fieldsOf(account, 'bootstrap')?.bootstrap;
    if (bootstrap === undefined || (bootstrap.state ?? 'present') !== 'present' || bootstrap.users.length > 0) return [];
    return [
      anError(
        'activeBootstrapNeedsUsers',
        account.file,
        at(account, ['bootstrap', 'users']),
        'the bootstrap role is present but lists no users, so nobody could use it; add at least one user under bootstrap.users, or set bootstrap.state: removed',
      ),
    ];
  });
}

/** Everyone a team role trusts has a file in users/ (so removing a user still trusted is refused). */
export function everyTeamRoleUserExists(input: RuleInput): Problem[] {
  const files = new Set(input.files);
  return input.accounts.flatMap((account) =>
    (fieldsOf(account, 'roles')?.roles ?? []).flatMap((role, roleIndex) =>
      role.users.flatMap((email, index) => {
        const file = `users/${email}.yaml`;
        if (files.has(file)) return [];
        return [
          anError(
            'everyTeamRoleUserExists',
            account.file,
            at(account, ['roles', roleIndex, 'users', index]),
            `team role ${role.name} trusts ${email}, who has no file ${file}; add the user (in this or an earlier pull request), or remove them from this role`,
          ),
        ];
      }),
    ),
  );
}

/**
 * Team role names are unique in their account ignoring case (IAM role names are), differ from the
 * roles settings.yaml names (bootstrap, reader, access), and follow the GDS Way's naming by kind.
 */
export function teamRoleNamesAreUniqueAndFollowTheirKind(input: RuleInput): Problem[] {
  const rule = 'teamRoleNamesAreUniqueAndFollowTheirKind';
  const org = settingsFields(input, 'organization')?.organization;
  const reserved = new Map<string, string>();
  if (org !== undefined) {
    for (const [name, setting] of [
      [org.bootstrap_role_name, 'organization.bootstrap_role_name'],
      [org.access_role_name, 'organization.access_role_name'],
      [org.reader_role_name, 'organization.reader_role_name'],
    ] as const) {
      if (name !== undefined) reserved.set(name.toLowerCase(), setting);
    }
  }
  return input.accounts.flatMap((account) => {
    const seen = new Set<string>();
    return (fieldsOf(account, 'roles')?.roles ?? []).flatMap((role, index) => {
      const where = at(account, ['roles', index, 'name']);
      const key = role.name.toLowerCase();
      const problems: Problem[] = [];
      const setting = reserved.get(key);
      if (setting !== undefined) {
        problems.push(anError(rule, account.file, where, `team role ${role.name} has the name settings.yaml gives ${setting}; choose another name`));
      } else if (seen.has(key)) {
        problems.push(anError(rule, account.file, where, `team role ${role.name} is listed twice in this account (IAM role names ignore case); give each role its own name`));
      }
      seen.add(key);
      const naming = teamRoleNameProblem(role);
      if (naming !== undefined) problems.push(anError(rule, account.file, where, `team role ${role.name}: ${naming}`));
      return problems;
    });
  });
}

/** Conditions a team role names are defined in settings.yaml (role_conditions). */
export function everyRoleConditionIsDefined(input: RuleInput): Problem[] {
  // role_conditions refused by the schema: which conditions it defines is unknown until it is fixed.
  const settings = settingsFields(input, 'role_conditions');
  if (settings === undefined) return [];
  const defined = settings.role_conditions ?? {};
  return input.accounts.flatMap((account) =>
    (fieldsOf(account, 'roles')?.roles ?? []).flatMap((role, roleIndex) =>
      (role.conditions ?? []).flatMap((name, index) =>
        name in defined
          ? []
          : [
              anError(
                'everyRoleConditionIsDefined',
                account.file,
                at(account, ['roles', roleIndex, 'conditions', index]),
                `team role ${role.name} names condition ${name}, which settings.yaml does not define under role_conditions; add it there, or fix the name`,
              ),
            ],
      ),
    ),
  );
}

/**
 * A custom team role attaches AWS managed policies or the account's own, never another account's: a
 * policy in another account cannot be attached (IAM refuses it), and one that looks like the
 * account's own but is not would be shown and reviewed as something else. The schema keeps the
 * partition `aws` and the shape; the account id needs the file's `id`.
 */
export function customRolePoliciesAreAwsManagedOrTheAccountsOwn(input: RuleInput): Problem[] {
  const rule = 'customRolePoliciesAreAwsManagedOrTheAccountsOwn';
  return input.accounts.flatMap((account) => {
    // An id the schema refused is not "no id yet": the schema reports it, and this rule waits.
    const data = fieldsOf(account, 'roles', 'id');
    if (data === undefined) return [];
    return (data.roles ?? []).flatMap((role, roleIndex) =>
      (role.policies ?? []).flatMap((arn, index) => {
        const owner = /^arn:aws:iam::(\d{12}):policy\//.exec(arn)?.[1];
        if (owner === undefined || owner === data.id) return [];
        const where = at(account, ['roles', roleIndex, 'policies', index]);
        const own = data.id === undefined
          ? 'this file has no id yet, so the account has no policies of its own to attach: attach AWS managed ones (arn:aws:iam::aws:policy/<name>), and the account\'s own once its id is in this file'
          : `attach AWS managed ones (arn:aws:iam::aws:policy/<name>) or this account's own (arn:aws:iam::${data.id}:policy/<name>)`;
        return [anError(rule, account.file, where, `team role ${role.name} attaches ${arn}, a policy of account ${owner}, not of this account; ${own}`)];
      }),
    );
  });
}

/** Keys the project writes on accounts itself; a file's own tags must not use them. */
const PROJECT_ACCOUNT_TAG_KEYS: ReadonlySet<string> = new Set([...ACCOUNT_TAG_KEYS, ACCOUNT_NOTIFIED_TAG, CLOSURE_REQUESTED_TAG, FACETS_TAG]);

/** A file's free-form tags never take a key the project sets itself (it would be overwritten). */
export function accountTagsAvoidProjectKeys(input: RuleInput): Problem[] {
  return input.accounts.flatMap((account) =>
    Object.keys(fieldsOf(account, 'tags')?.tags ?? {})
      .filter((key) => PROJECT_ACCOUNT_TAG_KEYS.has(key.toLowerCase()))
      .map((key) =>
        anError(
          'accountTagsAvoidProjectKeys',
          account.file,
          at(account, ['tags', key]),
          `tag key "${key}" is set by the project itself (from team, billing and requested_by, or to track the account); use the matching field instead, or another key`,
        ),
      ),
  );
}

// ---- Review ----

/** Every data file has a code owner, so no change to access goes unreviewed. */
export function everyDataFileHasACodeOwner(input: RuleInput): Problem[] {
  const rule = 'everyDataFileHasACodeOwner';
  const dataFiles = input.files.filter((f) => classifyDataPath(f) !== undefined);
  const codeowners = input.codeowners;
  if (codeowners === undefined) {
    return [
      anError(
        rule,
        'CODEOWNERS',
        START_OF_FILE,
        'there is no CODEOWNERS file (GitHub looks in .github/, the root and docs/), so changes to users/, accounts/ and settings.yaml need no review; add one that names their reviewers',
      ),
    ];
  }
  return dataFiles
    .filter((file) => ownersOf(codeowners, file).length === 0)
    .map((file) =>
      anError(
        rule,
        file,
        START_OF_FILE,
        `no line in ${codeowners.file} gives ${file} an owner, so changes to it need no review; add a pattern for it with its reviewers (the last matching line wins, and a line with no owners clears ownership)`,
      ),
    );
}

/** Every cross-file rule, in the order their problems are easiest to read. */
export const crossFileRules: readonly Rule[] = [
  dataDirectoriesHoldOnlyYamlFiles,
  userNamesAreUniqueIgnoringCase,
  fileNameEqualsLowerCaseEmail,
  emailDomainIsAllowed,
  notifiedAddressesAreOnAllowedDomains,
  contractorUsersHaveExpires,
  userNamesAreAtMost64Characters,
  expiredUsersAreReported,
  expiresIsWithinTheHorizon,
  passwordResetIsNotInTheFuture,
  protectedUsersHaveNoUserFile,
  readRolesDifferFromWriteRoles,
  readOnlyPlanningIsConfiguredWhole,
  accountFileNameEqualsAccountName,
  accountNamesAreUniqueAndWellFormed,
  rootEmailsAreAtMost64Characters,
  rootEmailsAreUnique,
  accountFilesAvoidProtectedAccounts,
  rootEmailsAreOnAllowedDomains,
  organizationalUnitIsListed,
  everyBootstrapUserExists,
  activeBootstrapNeedsUsers,
  everyTeamRoleUserExists,
  teamRoleNamesAreUniqueAndFollowTheirKind,
  everyRoleConditionIsDefined,
  customRolePoliciesAreAwsManagedOrTheAccountsOwn,
  accountTagsAvoidProjectKeys,
  everyDataFileHasACodeOwner,
];

/** The account's root email: its own `root_email`, or the settings template with `{name}` replaced. */
export function rootEmailOf(account: Pick<AccountFile, 'name' | 'root_email'>, settings: Pick<SettingsFile, 'organization'>): string {
  return account.root_email ?? settings.organization.root_email_template.replace('{name}', account.name);
}

function domainOf(email: string): string {
  return email.slice(email.lastIndexOf('@') + 1).toLowerCase();
}

function nextYear(today: string): string {
  const year = Number(today.slice(0, 4));
  return Number.isInteger(year) ? `${year + 1}${today.slice(4).replace('-02-29', '-02-28')}` : 'YYYY-MM-DD';
}

/**
 * [kept, duplicate] for each path that equals another ignoring case. The all-lower-case path is
 * the one kept, so the problem lands on the file that is misnamed.
 */
function duplicatesIgnoringCase(paths: readonly string[]): [string, string][] {
  const seen = new Map<string, string>();
  const duplicates: [string, string][] = [];
  const lowerCaseFirst = (a: string, b: string): number =>
    Number(a !== a.toLowerCase()) - Number(b !== b.toLowerCase()) || (a < b ? -1 : a > b ? 1 : 0);
  for (const path of [...paths].sort(lowerCaseFirst)) {
    const first = seen.get(path.toLowerCase());
    if (first === undefined) seen.set(path.toLowerCase(), path);
    else duplicates.push([first, path]);
  }
  return duplicates;
}
