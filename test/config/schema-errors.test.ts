/** Schema errors point at the YAML node and say what to write instead. */
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/core/problems.ts';
import { accountYaml, problemsIn, SETTINGS, USER_SCHEMA_LINE, userYaml } from './fixture-repo.ts';

const USER = 'users/bob@example.gov.uk.yaml';
const ACCOUNT = 'accounts/team-prod.yaml';

async function problemsOf(file: string, content: string): Promise<Problem[]> {
  return (await problemsIn({ [file]: content })).filter((p) => p.file === file);
}

describe('schema errors', () => {
  it('an unknown field points at its key, lists the allowed fields and suggests the closest', async () => {
    expect(await problemsOf(USER, userYaml('bob@example.gov.uk', 'requested_bye: x', 'colour: red'))).toEqual([
      expect.objectContaining({
        rule: 'fileMatchesSchema',
        line: 6,
        col: 1,
        message:
          'unknown field "requested_bye" (did you mean "requested_by"?); allowed fields are email, name, team, requested_by, reason, expires, password_reset, github, adopt',
      }),
      expect.objectContaining({ line: 7, col: 1, message: expect.stringMatching(/^unknown field "colour"; allowed fields are email,/) }),
    ]);
  });

  it('an unknown nested field names its parent', async () => {
    expect(await problemsOf(ACCOUNT, accountYaml('team-prod').replace('  business_unit: Test\n', '  business_unit: Test\n  owner: me\n'))).toEqual([
      expect.objectContaining({ line: 12, col: 3, message: 'unknown field "owner" in billing; allowed fields are cost_centre, business_unit' }),
    ]);
  });

  it('a missing required field points at the mapping that lacks it and names it', async () => {
    const content = userYaml('bob@example.gov.uk').replace('team: platform\n', '');
    expect(await problemsOf(USER, content)).toEqual([
      expect.objectContaining({
        line: 2,
        col: 1,
        message: `missing required field "team" (The team the person works in, for example 'govuk-platform'); add it`,
      }),
    ]);
    const noTeamEmail = accountYaml('team-prod').replace('  email: platform@example.gov.uk\n', '');
    expect(await problemsOf(ACCOUNT, noTeamEmail)).toEqual([
      expect.objectContaining({ line: 6, col: 3, message: 'missing required field "email" (Team contact email: receives the account emails); add it under team' }),
    ]);
  });

  it('a bad date says the format', async () => {
    expect(await problemsOf(USER, userYaml('bob@example.gov.uk', 'password_reset: 2026-02-30', 'expires: 31/12/2026'))).toEqual([
      expect.objectContaining({ line: 6, col: 17, message: 'password_reset: "2026-02-30" is not a valid date; write it as YYYY-MM-DD, for example "2027-03-31"' }),
      expect.objectContaining({ line: 7, col: 10, message: 'expires: "31/12/2026" is not a valid date; write it as YYYY-MM-DD, for example "2027-03-31"' }),
    ]);
  });

  it('a pattern failure quotes the field description; upper case gets its own message', async () => {
    expect(await problemsOf(USER, userYaml('bob@example.gov.uk').replace('team: platform', 'team: Platform Team'))).toEqual([
      expect.objectContaining({
        line: 4,
        col: 7,
        message: `team: "Platform Team" is not in the expected format. The team the person works in, for example 'govuk-platform'. Recorded as a tag.`,
      }),
    ]);
    expect(await problemsOf(USER, userYaml('Bob@Example.gov.uk'))).toEqual([
      expect.objectContaining({ line: 2, col: 8, message: 'email: "Bob@Example.gov.uk" must be lower case; write "bob@example.gov.uk"' }),
    ]);
  });

  it('an enum failure lists the allowed values', async () => {
    expect(await problemsOf(ACCOUNT, accountYaml('team-prod').replace('state: active', 'state: open'))).toEqual([
      expect.objectContaining({ line: 12, col: 8, message: 'state: "open" is not allowed; use one of: active, closed' }),
    ]);
  });

  it('a number where text is expected says to quote it, as written', async () => {
    const settings = SETTINGS.replace('id: "111111111111"', 'id: 111111111111').replace('cost_centre', 'x');
    expect((await problemsIn({ 'settings.yaml': settings })).filter((p) => p.file === 'settings.yaml')).toEqual([
      expect.objectContaining({
        line: 3,
        col: 7,
        message:
          'users_account.id: 111111111111 is read as a number (YAML 1.2 reads unquoted digits as a number, dropping leading zeros); account ids are text, so write it in quotes: id: "111111111111"',
      }),
    ]);
    expect(await problemsOf(ACCOUNT, accountYaml('team-prod').replace('cost_centre: "1"', 'cost_centre: 1.50'))).toEqual([
      expect.objectContaining({ line: 10, col: 16, message: 'billing.cost_centre: 1.50 is read as a number, but this field is text; write it in quotes: cost_centre: "1.50"' }),
    ]);
  });

  it('a quoted number, an empty value, a list item and the wrong shape', async () => {
    const settings = SETTINGS.replace('minimum_length: 16', 'minimum_length: "16"').replace('max_closures_per_run: 1', 'max_closures_per_run:');
    expect((await problemsIn({ 'settings.yaml': settings })).filter((p) => p.file === 'settings.yaml').map((p) => [p.line, p.message])).toEqual([
      [8, 'users_account.password_policy.minimum_length: "16" is quoted, so it is text; write the number without quotes: minimum_length: 16'],
      [27, 'limits.max_closures_per_run has no value; give it one (or remove the line if the field is optional)'],
    ]);
    expect(await problemsOf(ACCOUNT, accountYaml('team-prod', 'bootstrap:', '  users:', '    - 12'))).toEqual([
      expect.objectContaining({ line: 15, col: 7, message: 'bootstrap.users[0]: 12 is read as a number, but this field is text; write it in quotes: - "12"' }),
    ]);
    expect(await problemsOf(USER, `${USER_SCHEMA_LINE}\n- email: bob@example.gov.uk\n`)).toEqual([
      expect.objectContaining({ line: 2, col: 1, message: 'the file must be a mapping of fields (indented "key: value" lines), not a list' }),
    ]);
  });

  it('repeated list items point at the repeat', async () => {
    const content = accountYaml('team-prod', 'bootstrap:', '  users:', '    - ann@example.gov.uk', '    - ann@example.gov.uk');
    expect(await problemsOf(ACCOUNT, content)).toEqual([
      expect.objectContaining({ line: 16, col: 7, message: 'bootstrap.users[1] repeats an earlier item; list each value once and remove this one' }),
    ]);
  });

  it('tag keys: the key itself is reported', async () => {
    expect(await problemsOf(ACCOUNT, accountYaml('team-prod', 'tags:', '  aws:owner: me'))).toEqual([
      expect.objectContaining({ line: 14, col: 3, message: expect.stringMatching(/^tags: key "aws:owner" starts with "aws:"/) }),
    ]);
    expect(await problemsOf(ACCOUNT, accountYaml('team-prod', 'tags:', '  "owner*": me'))).toEqual([
      expect.objectContaining({ line: 14, col: 3, message: expect.stringMatching(/^tags: key "owner\*" is not allowed\. Free-form account tags\./) }),
    ]);
  });

  it('too long, too short and out of range', async () => {
    const settings = SETTINGS.replace('minimum_length: 16', 'minimum_length: 8');
    expect((await problemsIn({ 'settings.yaml': settings })).filter((p) => p.file === 'settings.yaml')).toEqual([
      expect.objectContaining({ line: 8, col: 21, message: 'users_account.password_policy.minimum_length: 8 is too small; the minimum is 16. At least 16 characters (NCSC guidance, as the seed page says).' }),
    ]);
    expect(await problemsOf(ACCOUNT, accountYaml('team-prod').replace('description: A test account.', 'description: ""'))).toEqual([
      expect.objectContaining({ line: 3, col: 14, message: 'description is empty; give it a value. What the account is for, in one sentence.' }),
    ]);
  });
});

describe('alternate contacts', () => {
  const contact = (phone: string, email = 'soc@example.gov.uk'): string[] => [
    'contacts:',
    '  security:',
    '    name: Security team',
    '    title: Security operations',
    `    email: ${email}`,
    `    phone: "${phone}"`,
  ];

  it('a contact in the format AWS takes is valid', async () => {
    expect(await problemsOf(ACCOUNT, accountYaml('team-prod', ...contact('+44 20 7946 0000')))).toEqual([]);
  });

  it("a phone number or email AWS would refuse points at the value", async () => {
    expect(await problemsOf(ACCOUNT, accountYaml('team-prod', ...contact('call 0800', 'soc at example')))).toEqual([
      expect.objectContaining({ rule: 'fileMatchesSchema', line: 17, col: 12, message: expect.stringMatching(/^contacts\.security\.email: "soc at example" is not in the expected format\. The contact's email address/) }),
      expect.objectContaining({ rule: 'fileMatchesSchema', line: 18, col: 12, message: expect.stringMatching(/^contacts\.security\.phone: "call 0800" is not in the expected format\. The contact's phone number/) }),
    ]);
  });

  it('a contact without its title is refused, naming the field', async () => {
    const content = accountYaml('team-prod', ...contact('020 7946 0000').filter((line) => !line.includes('title')));
    expect(await problemsOf(ACCOUNT, content)).toEqual([
      expect.objectContaining({ line: 15, col: 5, message: 'missing required field "title" (The contact\'s title or role, 1-50 characters (AWS limit), for example Security operations); add it under contacts.security' }),
    ]);
  });
});
