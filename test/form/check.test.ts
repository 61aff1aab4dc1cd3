/**
 * The request form's checks, page by page, with this repository's settings.yaml and account files:
 * each input gives exactly the errors written for it, in the page's order, in the Design System's
 * words. The validator decides (the same as `validate`); these tests pin what the person reads.
 */
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseSettings, REPOSITORY_RULES, SINGLE_FILE_RULES, validateRequestFile } from '../../src/config/request-file.ts';
import { schemas } from '../../src/config/schemas.ts';
import { checkRequest, withUserAdded } from '../../src/form/check.ts';
import type { SchemaNode } from '../../src/form/fields.ts';
import { RULE_MESSAGES } from '../../src/form/messages.ts';
import { buildPages, PULL_REQUEST_CHECKS, type PageId, type PageSpec } from '../../src/form/pages.ts';
import type { Answers } from '../../src/form/request.ts';

const ROOT = join(import.meta.dirname, '..', '..');
/** The day every check happens on. */
const TODAY = '2026-12-01';
const REPOSITORY = { server: 'https://github.com', name: 'example-org/aws-access', branch: 'main' };
const { settings } = parseSettings(await readFile(join(ROOT, 'settings.yaml'), 'utf8'));
const accounts = await Promise.all(
  (await readdir(join(ROOT, 'accounts'))).sort().map(async (name) => ({ file: `accounts/${name}`, text: await readFile(join(ROOT, 'accounts', name), 'utf8') })),
);
const PAGES = buildPages({ user: schemas.user as SchemaNode, account: schemas.account as SchemaNode }, settings!.data, { today: TODAY, accounts });

function pageOf(id: PageId): PageSpec {
  const page = PAGES.find((p) => p.id === id);
  if (page === undefined) throw new Error(`no page ${id}`);
  return page;
}

function check(id: PageId, answers: Answers) {
  return checkRequest(pageOf(id), answers, { settings: settings!, today: TODAY, repository: REPOSITORY });
}

const date = (field: string, day: string, month: string, year: string): Answers => ({ [`${field}-day`]: day, [`${field}-month`]: month, [`${field}-year`]: year });

const CONTRACTOR: Answers = {
  'who-for': 'someone-else',
  requested_by: 'amara.okafor@digital.cabinet-office.gov.uk',
  email: 'zoe.turner@softwire.com',
  name: 'Zoë Turner',
  team: 'govuk-platform',
  ...date('expires', '31', '3', '2027'),
};
const ME: Answers = { 'who-for': 'me', email: 'ada.lovelace@digital.cabinet-office.gov.uk', name: 'Ada Lovelace', team: 'govuk-platform' };
const ACCOUNT: Answers = {
  name: 'notify-production',
  description: 'Production for GOV.UK Notify.',
  organizational_unit: '/Workloads/Production',
  'team.name': 'Notify',
  'team.email': 'notify@digital.cabinet-office.gov.uk',
  requested_by: 'dev.patel@digital.cabinet-office.gov.uk',
  'billing.cost_centre': '10042',
  'billing.business_unit': 'GDS',
};
const CONTACT: Answers = {
  'contacts.security.name': 'Cyber team',
  'contacts.security.title': 'Security operations',
  'contacts.security.email': 'cyber@digital.cabinet-office.gov.uk',
  'contacts.security.phone': '+44 20 7946 0000',
};
const ALLOWED = 'Enter an email address on an allowed domain, like name@digital.cabinet-office.gov.uk';
const FORMAT = 'Enter an email address in the correct format, like name@digital.cabinet-office.gov.uk';

/** [page, what the person did, answers, the errors: [question, message, date boxes?]]. */
const TABLE: [PageId, string, Answers, [string | undefined, string, string[]?][]][] = [
  ['user-access', 'a contractor, every answer right', CONTRACTOR, []],
  ['user-access', 'nothing answered', {}, [
    ['who-for', 'Select who needs access'],
    ['email', 'Enter an email address'],
    ['name', 'Enter a full name'],
    ['team', 'Enter a team'],
  ]],
  ['user-access', 'a personal email address', { ...ME, email: 'someone@gmail.com' }, [['email', ALLOWED]]],
  ['user-access', 'a personal email address, and the name still to answer', { ...ME, email: 'someone@gmail.com', name: '' }, [
    ['email', ALLOWED],
    ['name', 'Enter a full name'],
  ]],
  ['user-access', 'capital letters in the email address (written in lower case)', { ...ME, email: 'Ada.Lovelace@Digital.Cabinet-Office.gov.uk' }, []],
  ['user-access', 'not an email address', { ...ME, email: 'not-an-email' }, [['email', FORMAT]]],
  ['user-access', 'an email address longer than a user name may be', { ...ME, email: `${'a'.repeat(40)}@digital.cabinet-office.gov.uk` }, [['email', 'Email address must be 64 characters or fewer']]],
  ['user-access', 'the requester on a personal address', { ...CONTRACTOR, requested_by: 'boss@gmail.com' }, [['requested_by', ALLOWED]]],
  ['user-access', 'someone else, the requester not given', { ...CONTRACTOR, requested_by: '' }, [['requested_by', 'Enter your email address']]],
  ['user-access', 'a name with a digit', { ...ME, name: 'Ada Lovelace 2' }, [['name', 'Full name must only include letters, spaces, hyphens, apostrophes and full stops']]],
  ['user-access', 'a name like a web address', { ...ME, name: 'St.John Smith' }, [['name', 'Full name must have a space after each full stop, like St. John']]],
  ['user-access', 'a team written as a title', { ...ME, team: 'GOV.UK Platform' }, [['team', 'Team must only include lower case letters, numbers and single hyphens, like govuk-platform']]],
  ['user-access', 'a reason too long', { ...ME, reason: 'x'.repeat(501) }, [['reason', 'Why they need access must be 500 characters or fewer']]],
  ['user-access', 'a GitHub username with a leading hyphen', { ...ME, github: '-ada' }, [['github', 'GitHub username must only include letters, numbers and single hyphens, and cannot start or end with a hyphen']]],
  ['user-access', 'a contractor without an end date', { ...CONTRACTOR, ...date('expires', '', '', '') }, [['expires', 'Enter an access end date – contractors need one']]],
  ['user-access', 'an end date with only a day', { ...CONTRACTOR, ...date('expires', '31', '', '') }, [['expires', 'Access end date must include a month and year', ['month', 'year']]]],
  ['user-access', 'an end date on 31 February', { ...CONTRACTOR, ...date('expires', '31', '2', '2027') }, [['expires', 'Access end date must be a real date', ['day']]]],
  ['user-access', 'an end date in month 13', { ...CONTRACTOR, ...date('expires', '1', '13', '2027') }, [['expires', 'Access end date must be a real date', ['month']]]],
  ['user-access', 'an end date with a two-digit year', { ...CONTRACTOR, ...date('expires', '1', '3', '27') }, [['expires', 'Access end date must be a real date', ['year']]]],
  ['user-access', 'an end date that is wrong in two boxes', { ...CONTRACTOR, ...date('expires', '40', '13', '2027') }, [['expires', 'Access end date must be a real date']]],
  ['user-access', 'an end date today', { ...CONTRACTOR, ...date('expires', '1', '12', '2026') }, [['expires', 'Access end date must be in the future']]],
  ['user-access', 'an end date in the past', { ...CONTRACTOR, ...date('expires', '2', '1', '2026') }, [['expires', 'Access end date must be in the future']]],
  ['user-access', 'an end date beyond the horizon', { ...CONTRACTOR, ...date('expires', '2', '12', '2027') }, [['expires', 'Access end date must be the same as or before 1 December 2027']]],
  ['user-access', 'an end date on the horizon', { ...CONTRACTOR, ...date('expires', '1', '12', '2027') }, []],
  ['account', 'every answer right', ACCOUNT, []],
  ['account', 'nothing answered', {}, [
    ['name', 'Enter an account name'],
    ['description', 'Enter what the account is for'],
    ['organizational_unit', 'Select an organizational unit'],
    ['team.name', 'Enter the team’s name'],
    ['team.email', 'Enter the team’s email address'],
    ['requested_by', 'Enter your email address'],
    ['billing.cost_centre', 'Enter a cost centre'],
    ['billing.business_unit', 'Enter a business unit'],
  ]],
  ['account', 'an account name with capitals', { ...ACCOUNT, name: 'Notify_Prod' }, [
    ['name', 'Account name must start with a letter and only include lower case letters, numbers and single hyphens, like notify-production'],
  ]],
  ['account', 'an account name too long for its root email', { ...ACCOUNT, name: 'notify-production-eu-west-2x' }, [
    ['name', 'Account name must be 25 characters or fewer, so that its root email address fits in 64 characters'],
  ]],
  ['account', 'a root email address elsewhere', { ...ACCOUNT, root_email: 'root@gmail.com' }, [['root_email', 'Enter a root email address on digital.cabinet-office.gov.uk']]],
  ['account', 'a team email on a personal domain', { ...ACCOUNT, 'team.email': 'notify@gmail.com' }, [['team.email', ALLOWED]]],
  ['account', 'a tag without =', { ...ACCOUNT, tags: 'service' }, [['tags', 'Enter each tag as a name and a value with = between them, like service=notify']]],
  ['account', 'a tag AWS keeps for itself', { ...ACCOUNT, tags: 'aws:owner=me' }, [['tags', 'Tag names cannot start with aws: – aws:owner does']]],
  ['account', 'a tag the project sets', { ...ACCOUNT, tags: 'team-name=Notify' }, [['tags', 'Tag name team-name is set from your other answers – use a different name']]],
  ['account', 'a bootstrap user that is not an email address', { ...ACCOUNT, 'bootstrap.users': 'dev.patel@digital.cabinet-office.gov.uk\nDev Patel' }, [
    ['bootstrap.users', 'Enter each email address in the correct format, like name@digital.cabinet-office.gov.uk – check dev patel'],
  ]],
  ['account', 'a bootstrap user twice', { ...ACCOUNT, 'bootstrap.users': 'dev.patel@digital.cabinet-office.gov.uk\nDev.Patel@digital.cabinet-office.gov.uk' }, [
    ['bootstrap.users', 'Enter dev.patel@digital.cabinet-office.gov.uk only once'],
  ]],
  ['account', 'team roles', { ...ACCOUNT, 'roles.read-only': 'amara.okafor@digital.cabinet-office.gov.uk', 'roles.admin': 'dev.patel@digital.cabinet-office.gov.uk' }, []],
  ['account', 'a team role user that is not an email address', { ...ACCOUNT, 'roles.admin': 'dev' }, [
    ['roles.admin', 'Enter each email address in the correct format, like name@digital.cabinet-office.gov.uk – check dev'],
  ]],
  ['account', 'a security contact half filled in', { ...ACCOUNT, 'contacts.security.name': 'Cyber team' }, [
    ['contacts.security.title', 'Enter the security contact’s job title or role'],
    ['contacts.security.email', 'Enter the security contact’s email address'],
    ['contacts.security.phone', 'Enter the security contact’s phone number'],
  ]],
  ['account', 'a security contact with a phone number in words', { ...ACCOUNT, ...CONTACT, 'contacts.security.phone': 'ring us' }, [
    ['contacts.security.phone', 'The security contact’s phone number must only include numbers, spaces and ( ) + -, like +44 20 7946 0000'],
  ]],
  ['account', 'a security contact, and the account name still wrong', { ...ACCOUNT, ...CONTACT, name: 'x' }, [['name', 'Account name must be 3 characters or more']]],
  ['user-removal', 'nothing answered', {}, [
    ['email', 'Enter the email address of the person to remove'],
    ['confirm-no-other-team', 'Confirm that you have checked they do not need AWS access in another team'],
  ]],
  ['user-removal', 'a personal email address', { email: 'someone@gmail.com', 'confirm-no-other-team': 'yes' }, [['email', ALLOWED]]],
  ['user-removal', 'a staff member, confirmed', { email: 'eilidh.campbell@nista.gov.uk', 'confirm-no-other-team': 'yes' }, []],
  ['password-reset', 'not an email address', { email: 'not-an-email' }, [['email', FORMAT]]],
  ['password-reset', 'a contractor (no end date asked: they have one)', { email: 'felix.kowalski@softwire.com' }, []],
  ['team-role', 'nothing answered', {}, [
    ['role', 'Select a role'],
    ['email', 'Enter the email address of the person joining'],
  ]],
  ['team-role', 'someone already in the role', { role: 'notify-staging/notify-read-only', email: 'amara.okafor@digital.cabinet-office.gov.uk' }, [
    ['email', 'amara.okafor@digital.cabinet-office.gov.uk can already use notify-read-only'],
  ]],
  ['team-role', 'a personal email address', { role: 'notify-staging/notify-read-only', email: 'ben@gmail.com' }, [['email', ALLOWED]]],
  ['team-role', 'a staff member', { role: 'notify-staging/notify-read-only', email: 'ben.hughes@digital.cabinet-office.gov.uk' }, []],
];

describe('the errors each page shows, in its words and in page order', () => {
  it.each(TABLE)('%s: %s', (id, _what, answers, expected) => {
    const outcome = check(id, answers);
    expect(outcome.errors.map((e) => [e.field, e.message, ...(e.boxes === undefined ? [] : [e.boxes])])).toEqual(expected.map(([field, message, boxes]) => [field, message, ...(boxes === undefined ? [] : [boxes])]));
  });

  it('never names a field of the file, YAML or settings.yaml, nor shows {}', () => {
    const messages = TABLE.flatMap(([id, , answers]) => check(id, answers).errors.map((e) => e.message));
    for (const message of messages) expect(message).not.toMatch(/[a-z]_[a-z]|settings\.yaml|YAML|\{\}|"/);
  });

  it('gives a valid page the file the CLI accepts, and a link to GitHub', () => {
    const outcome = check('account', { ...ACCOUNT, 'roles.read-only': 'amara.okafor@digital.cabinet-office.gov.uk' });
    expect(outcome.path).toBe('accounts/notify-production.yaml');
    expect(outcome.shown).toContain('roles:\n  - name: notify-production-read-only\n    kind: read-only\n    users:\n      - amara.okafor@digital.cabinet-office.gov.uk\nstate: active\n');
    expect(validateRequestFile(settings!, outcome.path, outcome.shown, TODAY)).toEqual([]);
    expect(new URL(outcome.link).searchParams.get('value')).toBe(outcome.shown);
  });

  it('joins a team role: the line to add, where it goes, and the edit page of the account file', () => {
    const outcome = check('team-role', { role: 'notify-staging/notify-read-only', email: 'Ben.Hughes@digital.cabinet-office.gov.uk' });
    expect(outcome).toMatchObject({
      path: 'accounts/notify-staging.yaml',
      shown: '      - ben.hughes@digital.cabinet-office.gov.uk',
      where: 'Add it after line 20, the last of the users of notify-read-only.',
      link: 'https://github.com/example-org/aws-access/edit/main/accounts/notify-staging.yaml',
    });
    const target = pageOf('team-role').roleTargets?.[0];
    expect(target).toBeDefined();
    expect(withUserAdded(target!, 'ben.hughes@digital.cabinet-office.gov.uk')).toContain(
      '    users:\n      - amara.okafor@digital.cabinet-office.gov.uk\n      - ben.hughes@digital.cabinet-office.gov.uk\nstate: active',
    );
  });
});

describe('every rule has the form’s words', () => {
  it('each rule the page runs has a message, and each rule left to the pull request is named on the pages it concerns', () => {
    expect(Object.keys(RULE_MESSAGES).sort()).toEqual(SINGLE_FILE_RULES.map((rule) => rule.name).sort());
    expect(Object.keys(PULL_REQUEST_CHECKS).sort()).toEqual(REPOSITORY_RULES.map((rule) => rule.name).sort());
    expect(pageOf('user-access').pullRequestChecks).toContain('nobody already has a user with this email address');
    expect(pageOf('team-role').pullRequestChecks).toContain('the person has an AWS user');
  });

  it('writes hints for the person asking: no settings.yaml, YAML or IAM jargon', () => {
    const texts = PAGES.flatMap((page) => [...page.intro, ...page.fields.flatMap((f) => [f.label, f.hint ?? '', f.group?.hint ?? ''])]);
    for (const text of texts) expect(text).not.toMatch(/settings\.yaml|YAML|quoted|alphabet|user-name|users\/|YYYY|[a-z]_[a-z]/);
    // No hint is a schema's description, which is written for whoever edits the files.
    const descriptions = new Set<string>();
    const collect = (node: unknown): void => {
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === 'description' && typeof value === 'string') descriptions.add(value);
        else collect(value);
      }
    };
    collect(schemas.user);
    collect(schemas.account);
    const hints = PAGES.flatMap((page) => page.fields.flatMap((f) => [f.hint, f.group?.hint]));
    expect(hints.filter((hint) => hint !== undefined && descriptions.has(hint))).toEqual([]);
  });
});
