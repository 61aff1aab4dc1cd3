/**
 * Import: what files to write for an estate that exists already. Pure: from the live state (read
 * through the read roles), the users' credential facts and the names the files already cover, it
 * decides which users and accounts get a file, with what values, and which are listed for a person
 * to decide instead. Writing the files (yaml Document API) is render/import-files.ts; nothing here
 * or there changes AWS.
 *
 * Values AWS cannot know (who asked, why, a team without a tag, a contractor's end date) are filled
 * with values that validate and say so in a comment on the line, and are listed in the summary.
 */
import { MANAGED_BY_TAG, findTag, isManaged, type AccountFile, type LiveAccount, type LiveRole, type LiveState, type LiveUser, type LiveUserCredentials, type SettingsFile, type UserFile } from './model.ts';
import { maxAdoptionsPerRun } from './adopt.ts';
import { compareText } from './plan-helpers.ts';
import { trustedPrincipals } from './roles.ts';

export interface ImportOptions {
  /** Only users, only accounts, or both (undefined). */
  only?: 'users' | 'accounts';
  /** Only names containing this text, ignoring case. */
  filter?: string;
  /** YYYY-MM-DD: the import's date, for the comments and a contractor's stand-in end date. */
  today: string;
  /**
   * A console password last used (or, never used, set) longer ago than this many days makes the user
   * listed rather than written: probably someone who left.
   */
  staleDays: number;
  /** Stands in as team contact and requester of accounts whose tags do not say (an allowed-domain address). */
  contact: string;
}

/** What the files already cover: user names (lower case), account names, ids and root emails (lower case). */
export interface ExistingFiles {
  users: ReadonlySet<string>;
  accountNames: ReadonlySet<string>;
  accountIds: ReadonlySet<string>;
  accountEmails: ReadonlySet<string>;
}

export interface ImportInput {
  settings: SettingsFile;
  live: LiveState;
  credentials: readonly LiveUserCredentials[];
  existing: ExistingFiles;
  options: ImportOptions;
}

/** A file to write: its data in schema order, and comments by field path (`team.email`). */
export interface ImportedFile<T> {
  /** Relative to the repository root: `users/<email>.yaml` or `accounts/<name>.yaml`. */
  path: string;
  schema: 'user.schema.json' | 'account.schema.json';
  /** Comment lines under the schema line. */
  header: readonly string[];
  data: T;
  comments: Readonly<Record<string, string>>;
}

export interface Skipped {
  kind: 'user' | 'account';
  name: string;
  reason: string;
}

/** A field filled with a stand-in value that a person should check, per file. */
export interface ToComplete {
  path: string;
  field: string;
  why: string;
}

export interface ImportResult {
  users: ImportedFile<UserFile>[];
  accounts: ImportedFile<AccountFile>[];
  skipped: Skipped[];
  toComplete: ToComplete[];
  /** Live users and accounts seen (after the filter), and how many already had a file. */
  seen: { users: number; accounts: number };
  alreadyFiled: { users: number; accounts: number };
  /** User files that adopt (adopt: true), and the per-run limit they count against. */
  adoptions: number;
  adoptionLimit: number;
}

const EMAIL = /^[a-z0-9][a-z0-9._+=-]*@[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$/;
const ACCOUNT_NAME = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;
const TEAM = /^[a-z0-9]+(-[a-z0-9]+)*$/;
const GITHUB = /^[A-Za-z0-9](?:[A-Za-z0-9]|-(?=[A-Za-z0-9])){0,38}$/;
/** Characters of a team's name as the account schema allows them. */
const NAME_CHARACTER = /[\p{L}\p{M}\p{Z}\p{N}'’.,()&_:/=+\-@]/u;
/** Characters of a person's name as the user schema allows them (no digits, nothing of a link). */
const PERSON_NAME_CHARACTER = /[\p{L}\p{M}\p{Zs}'’.-]/u;

const DAY_MS = 24 * 60 * 60 * 1000;

function matchesFilter(name: string, filter: string | undefined): boolean {
  return filter === undefined || name.toLowerCase().includes(filter.toLowerCase());
}

function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function daysBetween(from: string, to: string): number {
  return Math.floor((Date.parse(`${to}T00:00:00Z`) - Date.parse(from)) / DAY_MS);
}

/** `ada.lovelace` → `Ada Lovelace`: a stand-in for the full name when no tag gives it. */
function nameFromEmail(email: string): string {
  const local = email.split('@')[0] ?? email;
  const words = local.split(/[^\p{L}]+/u).filter((word) => word !== '');
  const name = words.map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(' ');
  return name === '' ? local : name;
}

/**
 * A tag's full name as the user schema takes it: other characters become spaces, a full stop followed by
 * letters given a space (`St.John` → `St. John`), and nothing when no letter is left.
 */
function cleanPersonName(value: string): string {
  let out = '';
  for (const char of value) out += PERSON_NAME_CHARACTER.test(char) ? char : ' ';
  out = out.replace(/\.(?=\p{L}\p{M}*\p{L})/gu, '. ').replace(/\s+/gu, ' ').trim().replace(/^\p{M}+/u, '').slice(0, 128).trim();
  return /\p{L}/u.test(out) ? out : '';
}

function cleanName(value: string): string {
  let out = '';
  for (const char of value) if (NAME_CHARACTER.test(char)) out += char;
  return out.trim().slice(0, 128);
}

/** A tag value as a lower-case-words-and-hyphens slug (teams, account names); empty when nothing is left. */
function slug(value: string): string {
  return value
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}

/** Why this live user is listed rather than written; undefined when it gets a file. */
function whyNotWritten(user: LiveUser, credentials: LiveUserCredentials | undefined, input: ImportInput): string | undefined {
  const { settings, options } = input;
  const name = user.userName.toLowerCase();
  if (settings.protected_users.some((p) => p.toLowerCase() === name)) {
    return 'a protected user (settings.protected_users): never managed by the project';
  }
  if (!EMAIL.test(name)) {
    return "its name is not an email, so it is not a person's user (a service or shared user): see docs/migration.md on users that are not people";
  }
  const domain = name.split('@')[1] ?? '';
  if (![...settings.email_domains.staff, ...settings.email_domains.contractor].includes(domain)) {
    return `${domain} is not an allowed email domain (settings.yaml email_domains)`;
  }
  if (credentials === undefined) return 'not in the credential report (created after it was generated?): run import again later';
  if (!credentials.hasPassword && !credentials.accessKeys.some((key) => key.active)) {
    return 'no console password and no active access key: nothing to sign in with (someone who left?)';
  }
  if (credentials.hasPassword) {
    const lastUsed = credentials.passwordLastUsed;
    if (lastUsed !== undefined && daysBetween(lastUsed, options.today) > options.staleDays) {
      return `console password last used ${lastUsed.slice(0, 10)}, more than ${options.staleDays} days ago (someone who left?)`;
    }
    const since = credentials.passwordLastChanged ?? credentials.createdAt;
    if (lastUsed === undefined && since !== '' && daysBetween(since, options.today) > options.staleDays) {
      return `console password never used since it was set on ${since.slice(0, 10)}, more than ${options.staleDays} days ago`;
    }
  }
  return undefined;
}

function importUser(user: LiveUser, input: ImportInput, toComplete: ToComplete[]): ImportedFile<UserFile> {
  const { settings, options } = input;
  const email = user.userName.toLowerCase();
  const path = `users/${email}.yaml`;
  const comments: Record<string, string> = {};
  const complete = (field: string, why: string): void => {
    toComplete.push({ path, field, why });
  };

  const taggedName = cleanPersonName(findTag(user.tags, 'full-name')?.value ?? findTag(user.tags, 'Name')?.value ?? '');
  const name = taggedName !== '' ? taggedName : nameFromEmail(email);
  if (taggedName === '') {
    comments['name'] = 'imported: made from the email; check the spelling';
    complete('name', 'made from the email');
  }
  const taggedTeam = slug(findTag(user.tags, 'team')?.value ?? '');
  const team = TEAM.test(taggedTeam) ? taggedTeam : 'unassigned';
  if (team === 'unassigned') {
    comments['team'] = 'imported: no team tag in AWS; set the real team';
    complete('team', 'no team tag in AWS');
  }
  const taggedRequester = (findTag(user.tags, 'requested-by')?.value ?? '').toLowerCase();
  const requestedBy = EMAIL.test(taggedRequester) ? taggedRequester : email;
  if (requestedBy === email && taggedRequester !== email) {
    comments['requested_by'] = 'imported: AWS does not record who asked for this user; the user stands in';
  }
  const data: UserFile = { email, name, team, requested_by: requestedBy, reason: `Existed before this repository; imported on ${options.today}` };
  comments['reason'] = 'imported: replace with why this person needs AWS access, if known';

  if (settings.email_domains.contractor.includes(email.split('@')[1] ?? '')) {
    data.expires = addDays(options.today, 90);
    comments['expires'] = 'imported: contractors need an end date and AWS has none; 90 days from the import, confirm it';
    complete('expires', 'contractor without an end date in AWS');
  }
  const github = findTag(user.tags, 'github')?.value;
  if (github !== undefined && GITHUB.test(github)) data.github = github;
  if (!isManaged(user.tags)) {
    data.adopt = true;
    comments['adopt'] = 'imported: take over the existing user as it is (password, access keys and MFA kept, no email)';
  }
  const header = [
    isManaged(user.tags)
      ? `Imported on ${options.today}: ${user.userName} carries the ${MANAGED_BY_TAG} tag but had no file.`
      : `Imported on ${options.today} from the existing IAM user ${user.userName}.`,
  ];
  return { path, schema: 'user.schema.json', header, data, comments };
}

/** The file name an account gets: its own name when valid, else a slug of it. */
function accountFileName(account: LiveAccount): string | undefined {
  if (ACCOUNT_NAME.test(account.name) && account.name.length >= 3 && account.name.length <= 50) return account.name;
  let name = slug(account.name).slice(0, 50).replace(/-+$/, '');
  if (/^[0-9]/.test(name)) name = `account-${name}`.slice(0, 50).replace(/-+$/, '');
  return ACCOUNT_NAME.test(name) && name.length >= 3 ? name : undefined;
}

function whyAccountNotWritten(account: LiveAccount, settings: SettingsFile): string | undefined {
  if (account.id === settings.organization.management_account_id) return 'the management account: never managed through an account file';
  if (account.id === settings.users_account.id) return 'the users account: set up through settings.yaml, never an account file';
  if (account.status !== 'ACTIVE') return `${account.status}: closed accounts are not imported`;
  return undefined;
}

function importAccount(account: LiveAccount, name: string, input: ImportInput, toComplete: ToComplete[]): ImportedFile<AccountFile> {
  const { settings, options } = input;
  const path = `accounts/${name}.yaml`;
  const comments: Record<string, string> = {};
  const tag = (key: string): string | undefined => {
    const value = account.tags[key];
    return value === undefined || value.trim() === '' ? undefined : value.trim();
  };
  const emailTag = (key: string): string | undefined => {
    const value = tag(key)?.toLowerCase();
    return value !== undefined && EMAIL.test(value) ? value : undefined;
  };
  const standIn = (field: string, comment: string): void => {
    comments[field] = `imported: ${comment}`;
    toComplete.push({ path, field, why: comment });
  };

  const teamName = cleanName(tag('team-name') ?? '');
  const teamEmail = emailTag('team-email-address');
  const requestedBy = emailTag('requested-by');
  const costCentre = tag('billing-cost-centre');
  const businessUnit = tag('billing-business-unit');
  const data: AccountFile = {
    name,
    description: `Existed before this repository (imported on ${options.today}).`,
    organizational_unit: account.ouPath,
    id: account.id,
    adopt: true,
    team: { name: teamName === '' ? 'Unassigned' : teamName, email: teamEmail ?? options.contact },
    requested_by: requestedBy ?? options.contact,
    billing: { cost_centre: costCentre ?? 'unknown', business_unit: businessUnit ?? 'unknown' },
    state: 'active',
  };
  comments['description'] = 'imported: say what the account is for';
  comments['adopt'] = 'imported: take over this existing account (its tags and OU follow this file); nothing inside it changes';
  if (name !== account.name) comments['name'] = `imported: the account is called "${account.name}" in AWS`;
  if (teamName === '') standIn('team.name', 'no team-name tag in AWS; set the owning team');
  if (teamEmail === undefined) standIn('team.email', 'no team contact in AWS; the migration contact stands in');
  if (requestedBy === undefined) standIn('requested_by', 'AWS does not record who asked for the account; the migration contact stands in');
  if (costCentre === undefined) standIn('billing.cost_centre', 'no cost centre tag in AWS');
  if (businessUnit === undefined) standIn('billing.business_unit', 'no business unit tag in AWS');
  const listedOus = settings.organization.organizational_units;
  if (listedOus !== undefined && !listedOus.includes(account.ouPath)) {
    standIn('organizational_unit', `${account.ouPath} is not in organization.organizational_units in settings.yaml: add it there (validation refuses the file until then)`);
  }

  const templated = settings.organization.root_email_template.replace('{name}', name).toLowerCase();
  const email = account.email.toLowerCase();
  if (email !== templated && EMAIL.test(email) && email.length <= 64) data.root_email = email;

  const header = [`Imported on ${options.today} from AWS Organizations: account ${account.id}, created before this file.`];
  const roleName = settings.organization.bootstrap_role_name.toLowerCase();
  const role = Array.isArray(account.roles) ? account.roles.find((candidate: LiveRole) => candidate.name.toLowerCase() === roleName) : undefined;
  if (role !== undefined) {
    const managed = isManaged(role.tags);
    const users = trustedPrincipals(role.trustPolicy).map((principal) => /:user\/(?:.*\/)?([^/]+)$/.exec(principal)?.[1] ?? principal);
    const trusted = users.length === 0 ? 'nobody by name' : users.join(', ');
    header.push(
      `A role named ${settings.organization.bootstrap_role_name} exists in it${managed ? '' : ' without the managed-by tag'}, trusting ${trusted}.`,
      managed
        ? 'It is managed: add a bootstrap block naming its users, or it is deleted.'
        : 'The project leaves it alone; see docs/migration.md before adding a bootstrap block.',
    );
  }
  return { path, schema: 'account.schema.json', header, data, comments };
}

/** Which files import writes, and what it lists instead. Deterministic: sorted by name. */
export function planImport(input: ImportInput): ImportResult {
  const { live, existing, options, settings } = input;
  const result: ImportResult = {
    users: [],
    accounts: [],
    skipped: [],
    toComplete: [],
    seen: { users: 0, accounts: 0 },
    alreadyFiled: { users: 0, accounts: 0 },
    adoptions: 0,
    adoptionLimit: maxAdoptionsPerRun(settings),
  };
  const credentials = new Map(input.credentials.map((row) => [row.userName.toLowerCase(), row]));

  if (options.only !== 'accounts') {
    const users = [...live.usersAccount.users].sort((a, b) => compareText(a.userName.toLowerCase(), b.userName.toLowerCase()));
    const written = new Set<string>();
    for (const user of users) {
      if (!matchesFilter(user.userName, options.filter)) continue;
      result.seen.users += 1;
      const name = user.userName.toLowerCase();
      if (existing.users.has(name)) {
        result.alreadyFiled.users += 1;
        continue;
      }
      const why = whyNotWritten(user, credentials.get(name), input);
      if (why !== undefined) {
        result.skipped.push({ kind: 'user', name: user.userName, reason: why });
        continue;
      }
      if (written.has(name)) {
        result.skipped.push({ kind: 'user', name: user.userName, reason: 'another IAM user has the same name ignoring case' });
        continue;
      }
      written.add(name);
      const file = importUser(user, input, result.toComplete);
      if (file.data.adopt === true) result.adoptions += 1;
      result.users.push(file);
    }
  }

  if (options.only !== 'users') {
    const accounts = [...live.organization.accounts].sort((a, b) => compareText(a.name, b.name) || compareText(a.id, b.id));
    const names = new Set(existing.accountNames);
    for (const account of accounts) {
      if (!matchesFilter(account.name, options.filter)) continue;
      result.seen.accounts += 1;
      if (existing.accountIds.has(account.id) || existing.accountNames.has(account.name) || existing.accountEmails.has(account.email.toLowerCase())) {
        result.alreadyFiled.accounts += 1;
        continue;
      }
      const why = whyAccountNotWritten(account, settings);
      if (why !== undefined) {
        result.skipped.push({ kind: 'account', name: `${account.name} (${account.id})`, reason: why });
        continue;
      }
      if (isManaged(account.tags)) {
        result.skipped.push({ kind: 'account', name: `${account.name} (${account.id})`, reason: `carries the ${MANAGED_BY_TAG} tag but has no file: restore its file from git history` });
        continue;
      }
      const name = accountFileName(account);
      if (name === undefined || names.has(name)) {
        result.skipped.push({
          kind: 'account',
          name: `${account.name} (${account.id})`,
          reason: name === undefined ? 'no valid file name can be made from its name: write its file by hand' : `another file is named ${name}: write its file by hand`,
        });
        continue;
      }
      names.add(name);
      result.accounts.push(importAccount(account, name, input, result.toComplete));
    }
  }
  return result;
}
