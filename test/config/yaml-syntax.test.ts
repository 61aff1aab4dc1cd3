/**
 * YAML syntax mistakes are said in plain words at the line where they are, and what the parser
 * says after them (a consequence) is left out.
 */
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/core/problems.ts';
import { ACCOUNT_SCHEMA_LINE, problemsIn, USER_SCHEMA_LINE } from './fixture-repo.ts';

const USER = 'users/bob@example.gov.uk.yaml';
const ACCOUNT = 'accounts/team-prod.yaml';

async function reported(file: string, ...lines: string[]): Promise<string[]> {
  const problems = (await problemsIn({ [file]: `${lines.join('\n')}\n` })).filter((p: Problem) => p.file === file);
  return problems.map((p) => `${p.line}:${p.col} ${p.severity} ${p.rule} ${p.message}`);
}

describe('a quote that is never closed', () => {
  it('is reported at its opening quote, not at the end of the file', async () => {
    expect(await reported(USER, USER_SCHEMA_LINE, 'email: bob@example.gov.uk', 'name: "Ada Lovelace', 'team: platform', 'requested_by: ann@example.gov.uk')).toEqual([
      '3:7 error fileIsValidYaml the quote " that starts the value of name here is never closed on this line, so YAML reads the lines below as part of it; add the closing " at the end of the value',
    ]);
  });

  it('also when a later quote closes it, swallowing the lines between', async () => {
    expect(await reported(USER, USER_SCHEMA_LINE, 'email: bob@example.gov.uk', "name: 'Ada Lovelace", "team: 'platform'", 'requested_by: ann@example.gov.uk')).toEqual([
      "3:7 error fileIsValidYaml the quote ' that starts the value of name here is never closed on this line, so YAML reads the lines below as part of it; add the closing ' at the end of the value",
    ]);
  });

  it('an apostrophe inside a plain value is not a quote', async () => {
    expect(await reported(USER, USER_SCHEMA_LINE, 'email: bob@example.gov.uk', "name: Siobhán O'Neill", 'team: platform', 'requested_by: ann@example.gov.uk')).toEqual([]);
  });
});

describe('a missing colon', () => {
  it('says so in plain words, at the line, with the line to write', async () => {
    expect(await reported(USER, USER_SCHEMA_LINE, 'email: bob@example.gov.uk', 'name Ada Lovelace', 'team: platform', 'requested_by: ann@example.gov.uk')).toEqual([
      `3:1 error fileIsValidYaml "name Ada Lovelace" has no colon, so YAML cannot tell the field's name from its value; write the name, a colon and a space, then the value: name: Ada Lovelace`,
    ]);
  });

  it('on the last line, and in a nested mapping', async () => {
    expect(await reported(USER, USER_SCHEMA_LINE, 'email: bob@example.gov.uk', 'name: Ada Lovelace', 'team: platform', 'requested_by ann@example.gov.uk')).toEqual([
      `5:1 error fileIsValidYaml "requested_by ann@example.gov.uk" has no colon, so YAML cannot tell the field's name from its value; write the name, a colon and a space, then the value: requested_by: ann@example.gov.uk`,
    ]);
    const account = [ACCOUNT_SCHEMA_LINE, 'name: team-prod', 'description: A test account.', 'organizational_unit: /Workloads', 'team:', '  name Platform', '  email: platform@example.gov.uk'];
    expect(await reported(ACCOUNT, ...account, 'requested_by: ann@example.gov.uk', 'billing:', '  cost_centre: "1"', '  business_unit: Test', 'state: active')).toEqual([
      `6:3 error fileIsValidYaml "name Platform" has no colon, so YAML cannot tell the field's name from its value; write the name, a colon and a space, then the value: name: Platform`,
    ]);
  });
});

describe('a tab used as indentation', () => {
  it('is reported at the tab, with no duplicate key after it', async () => {
    const account = [ACCOUNT_SCHEMA_LINE, 'name: team-prod', 'description: A test account.', 'organizational_unit: /Workloads', 'team:', '\tname: Platform', '\temail: platform@example.gov.uk'];
    const problems = await reported(ACCOUNT, ...account, 'requested_by: ann@example.gov.uk', 'billing:', '  cost_centre: "1"', '  business_unit: Test', 'state: active');
    expect(problems).toEqual([
      '6:1 error fileIsValidYaml this line is indented with a tab (column 1); YAML indentation takes spaces only: replace the tab with spaces, as many as the lines around it use',
      '7:1 error fileIsValidYaml this line is indented with a tab (column 1); YAML indentation takes spaces only: replace the tab with spaces, as many as the lines around it use',
    ]);
  });

  it('after spaces too, at its column', async () => {
    const account = [ACCOUNT_SCHEMA_LINE, 'name: team-prod', 'description: A test account.', 'organizational_unit: /Workloads', 'team:', '  name: Platform', '  \temail: platform@example.gov.uk'];
    expect(await reported(ACCOUNT, ...account, 'requested_by: ann@example.gov.uk', 'billing:', '  cost_centre: "1"', '  business_unit: Test', 'state: active')).toEqual([
      '7:3 error fileIsValidYaml this line is indented with a tab (column 3); YAML indentation takes spaces only: replace the tab with spaces, as many as the lines around it use',
    ]);
  });
});

describe('errors before the first mistake stay', () => {
  it('a syntax error the explanations do not cover is still reported as the parser says', async () => {
    const problems = await reported(USER, USER_SCHEMA_LINE, 'email: bob@example.gov.uk', 'name: [Bob', 'team: platform');
    expect(problems[0]).toMatch(/^\d+:\d+ error fileIsValidYaml YAML syntax error: /);
  });
});
