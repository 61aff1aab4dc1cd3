/**
 * The request form's validation is validate's: for one requested file and the settings, the same
 * problems with the same messages and positions, minus only the rules that need the rest of the
 * repository.
 */
import { describe, expect, it } from 'vitest';
import { parseSettings, REPOSITORY_RULES, SINGLE_FILE_RULES, validateRequestFile } from '../../src/config/request-file.ts';
import { crossFileRules } from '../../src/config/rules.ts';
import { accountYaml, problemsIn, SETTINGS, userYaml } from './fixture-repo.ts';

const TODAY = '2026-06-01';
const { settings } = parseSettings(SETTINGS);

const CASES: [string, string][] = [
  ['users/zoe@example.gov.uk.yaml', userYaml('zoe@example.gov.uk')],
  ['users/zoe@elsewhere.com.yaml', userYaml('zoe@elsewhere.com')],
  ['users/kim@contractor.com.yaml', userYaml('kim@contractor.com')],
  ['users/kim@contractor.com.yaml', `${userYaml('kim@contractor.com')}expires: "2026-01-31"\n`],
  ['users/zoe@example.gov.uk.yaml', userYaml('zoe@example.gov.uk').replace('team: ', 'team: Not A Slug ')],
  ['users/zoe@example.gov.uk.yaml', userYaml('zoe@example.gov.uk').replace(/^# yaml-language-server.*\n/, '')],
  ['users/bob@example.gov.uk.yaml', userYaml('rob@example.gov.uk')],
  ['accounts/team-new.yaml', accountYaml('team-new')],
  ['accounts/team-new.yaml', accountYaml('team-new', 'tags:', '  cost-centre: x', '  aws:thing: y')],
  ['accounts/team-new.yaml', accountYaml('team-new', 'bootstrap:', '  users: []')],
  ['accounts/Team_New.yaml', accountYaml('Team_New')],
];

describe('validateRequestFile', () => {
  it('has valid settings to work with', () => {
    expect(settings).toBeDefined();
  });

  it.each(CASES)('reports for %s what validate reports for that file', async (path, text) => {
    const inRepository = (await problemsIn({ [path]: text }, TODAY)).filter((p) => p.file === path);
    const inBrowser = validateRequestFile(settings!, path, text, TODAY);
    const repositoryOnly = new Set(REPOSITORY_RULES.map((rule) => rule.name));
    expect(inBrowser).toEqual(inRepository.filter((p) => !repositoryOnly.has(p.rule)));
  });

  it('finds errors in the invalid cases and none in the valid ones', () => {
    const valid = CASES.filter(([path, text]) => validateRequestFile(settings!, path, text, TODAY).every((p) => p.severity !== 'error'));
    // A file without its schema comment is valid (a warning): the comment only helps editors.
    expect(valid.map(([path]) => path)).toEqual(['users/zoe@example.gov.uk.yaml', 'users/kim@contractor.com.yaml', 'users/zoe@example.gov.uk.yaml', 'accounts/team-new.yaml']);
  });

  it('classifies every cross-file rule: run on one file, or left to the pull request check', () => {
    const classified = [...SINGLE_FILE_RULES, ...REPOSITORY_RULES];
    expect(new Set(classified).size).toBe(classified.length);
    expect(classified.map((rule) => rule.name).sort()).toEqual(crossFileRules.map((rule) => rule.name).sort());
  });
});
