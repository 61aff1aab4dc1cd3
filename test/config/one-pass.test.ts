/**
 * One run reports every problem of every file that parses: the schema and the cross-file rules
 * together. A rule still checks a file with schema errors through the fields the schema accepted,
 * and skips (for that file alone) when a field it needs was refused, so nothing is said twice.
 */
import { describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../src/config/parse-yaml.ts';
import { validators } from '../../src/config/schema-validators.ts';
import { validateAgainstSchema } from '../../src/config/schemas.ts';
import type { Problem } from '../../src/core/problems.ts';
import { ACCOUNT_SCHEMA_LINE, accountYaml, load, problemsIn, SETTINGS, USER_SCHEMA_LINE, userYaml } from './fixture-repo.ts';

const ACCOUNT = 'accounts/team-prod.yaml';
const USER = 'users/bob@example.gov.uk.yaml';

const lines = (...text: string[]): string => `${text.join('\n')}\n`;
const shown = (problems: readonly Problem[]): string[] => problems.map((p) => `${p.file}:${p.line}:${p.col} ${p.severity} ${p.rule} ${p.message}`);

describe('schema and rules in one run', () => {
  it('an account with cost_centre: 10050 also gets every rule problem, not only after the number is quoted', async () => {
    const account = lines(
      ACCOUNT_SCHEMA_LINE,
      'name: team-production',
      'description: A test account.',
      'organizational_unit: /Workloads',
      'team:',
      '  name: Platform',
      '  email: platform@gmail.com',
      'requested_by: ann@example.gov.uk',
      'billing:',
      '  cost_centre: 10050',
      '  business_unit: Test',
      'state: active',
      'bootstrap:',
      '  users:',
      '    - zed@example.gov.uk',
      'tags:',
      '  billing-cost-centre: "10050"',
    );
    expect(shown(await problemsIn({ [ACCOUNT]: account }))).toEqual([
      `${ACCOUNT}:2:7 error accountFileNameEqualsAccountName the file name must be the account name: rename ${ACCOUNT} to accounts/team-production.yaml, or correct the name`,
      `${ACCOUNT}:7:10 error notifiedAddressesAreOnAllowedDomains team.email platform@gmail.com is not on an allowed email domain (example.gov.uk, contractor.com); the project emails this address, so use a work address`,
      `${ACCOUNT}:10:16 error fileMatchesSchema billing.cost_centre: 10050 is read as a number, but this field is text; write it in quotes: cost_centre: "10050"`,
      `${ACCOUNT}:15:7 error everyBootstrapUserExists bootstrap user zed@example.gov.uk has no file users/zed@example.gov.uk.yaml; add the user (in this or an earlier pull request), or remove them from this list`,
      `${ACCOUNT}:17:24 error accountTagsAvoidProjectKeys tag key "billing-cost-centre" is set by the project itself (from team, billing and requested_by, or to track the account); use the matching field instead, or another key`,
    ]);
  });

  it('a user with a schema error still gets the rules about its other fields', async () => {
    const user = lines(USER_SCHEMA_LINE, 'email: rob@gmail.com', 'name: Rob 2', 'team: platform', 'requested_by: ann@example.gov.uk', 'password_reset: "2027-01-01"');
    expect(shown(await problemsIn({ [USER]: user }))).toEqual([
      `${USER}:2:8 error emailDomainIsAllowed gmail.com is not an allowed email domain; use a work email on one of example.gov.uk, contractor.com (new domains are added to email_domains in settings.yaml)`,
      `${USER}:2:8 error fileNameEqualsLowerCaseEmail the file name must be the lower-case email: rename ${USER} to users/rob@gmail.com.yaml, or correct the email`,
      `${USER}:3:11 error fileMatchesSchema name contains U+0032 ("2", a digit) at column 11; a name has only letters, spaces, apostrophes, hyphens and full stops (no digits, no web address, no ":", "/" or "@"), because it is copied into emails: write the person's name only`,
      `${USER}:6:17 error passwordResetIsNotInTheFuture password_reset is 2027-01-01, after today (2026-06-01); write today's date to ask for a new temporary password (a later date than the last one applied resets it, once)`,
    ]);
  });

  it('settings.yaml with an error in one section: rules that need only the other sections still run', async () => {
    const settings = SETTINGS.replace('max_deletions_per_run: 5', 'max_deletions_per_run: "5"');
    const result = await load({ 'settings.yaml': settings, 'users/bob@gmail.com.yaml': userYaml('bob@gmail.com') });
    expect(result.desired).toBeUndefined();
    expect(result.problems.map((p) => `${p.file}:${p.line} ${p.rule}`)).toEqual([
      'settings.yaml:26 fileMatchesSchema',
      'users/bob@gmail.com.yaml:2 emailDomainIsAllowed',
    ]);
  });
});

describe('a refused field is reported once, by the schema, and never read as absent', () => {
  it('settings.yaml email_domains refused: no user is said to be on a domain that is not allowed', async () => {
    const settings = SETTINGS.replace('  staff:\n    - example.gov.uk\n', '  staff:\n    - example.gov.uk\n    - 5\n');
    expect((await problemsIn({ 'settings.yaml': settings })).map((p) => `${p.file}:${p.line} ${p.rule}`)).toEqual(['settings.yaml:21 fileMatchesSchema']);
  });

  it('a contractor whose expires is not a date is not also told to add an expiry date', async () => {
    const file = 'users/cat@contractor.com.yaml';
    expect(shown(await problemsIn({ [file]: userYaml('cat@contractor.com', 'expires: 31/12/2026') }))).toEqual([
      `${file}:6:10 error fileMatchesSchema expires: "31/12/2026" is not a valid date; write it as YYYY-MM-DD, for example "2027-03-31"`,
    ]);
  });

  it('a root_email the schema refused is not replaced by the generated one', async () => {
    const name = `team-${'x'.repeat(45)}`;
    const file = `accounts/${name}.yaml`;
    const content = accountYaml(name, 'root_email: not an address');
    expect((await problemsIn({ [file]: content })).map((p) => `${p.line} ${p.rule}`)).toEqual(['13 fileMatchesSchema']);
  });

  it('an id the schema refused is not "no id yet"', async () => {
    const content = accountYaml(
      'team-prod',
      'id: 123456789012',
      'adopt: true',
      'roles:',
      '  - name: deployer',
      '    kind: custom',
      '    users: [ann@example.gov.uk]',
      '    policies: [arn:aws:iam::123456789012:policy/deploy]',
    );
    expect((await problemsIn({ [ACCOUNT]: content })).map((p) => `${p.line} ${p.rule}`)).toEqual(['13 fileMatchesSchema']);
  });

  it('a file that is not a mapping gets its schema error alone', async () => {
    expect((await problemsIn({ [USER]: lines(USER_SCHEMA_LINE, '- email: bob@example.gov.uk') })).map((p) => `${p.line} ${p.rule}`)).toEqual([
      '2 fileMatchesSchema',
    ]);
  });
});

describe('the fields rules see in a file with schema errors', () => {
  it('are each valid as the schema types them, and every refused or missing field is named', () => {
    const parse = (text: string) => {
      const { parsed } = parseYamlFile(ACCOUNT, new TextEncoder().encode(text));
      if (parsed === undefined) throw new Error('fixture does not parse');
      return parsed;
    };
    const valid = parse(accountYaml('team-prod')).value as Record<string, unknown>;
    const broken = [
      accountYaml('team-prod').replace('cost_centre: "1"', 'cost_centre: 1'),
      accountYaml('team-prod', 'bootstrap:', '  users:', '    - ann@example.gov.uk', '    - ann@example.gov.uk', 'colour: red'),
      accountYaml('team-prod', 'tags:', '  aws:owner: me', 'adopt: true'),
      accountYaml('team-prod').replace('requested_by: ann@example.gov.uk\n', '').replace('  email: platform@example.gov.uk\n', ''),
      accountYaml('team-prod', 'roles:', '  - name: deployer', '    kind: custom', '    users: [ann@example.gov.uk]'),
    ];
    const seen: string[][] = [];
    for (const text of broken) {
      const { value, usable } = validateAgainstSchema('account', parse(text));
      expect(value).toBeUndefined();
      if (usable === undefined) throw new Error(`no usable fields in:\n${text}`);
      seen.push([...usable.invalid].sort());
      // Each field kept, put into a valid file, keeps it valid.
      for (const [key, field] of Object.entries(usable.data)) expect(validators.account({ ...valid, [key]: field }), key).toBe(true);
      // Nothing is lost silently: every top-level field is kept or named as refused.
      for (const key of Object.keys(parse(text).value as object)) expect(key in usable.data || usable.invalid.has(key), key).toBe(true);
    }
    expect(seen).toEqual([['billing'], ['bootstrap', 'colour'], ['adopt', 'tags'], ['requested_by', 'team'], ['roles']]);
  });
});
