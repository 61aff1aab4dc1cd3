/** settings.yaml: users_account/organization.read_role_to_assume, the roles plans assume instead of role_to_assume. */
import { describe, expect, it } from 'vitest';
import type { Problem } from '../../src/core/problems.ts';
import { load, SETTINGS } from './fixture-repo.ts';

const WRITER = 'arn:aws:iam::222222222222:role/writer';
const READER = 'arn:aws:iam::222222222222:role/reader';
const USERS_WRITER = 'arn:aws:iam::111111111111:role/users-writer';
const USERS_READER = 'arn:aws:iam::111111111111:role/users-reader';

/** SETTINGS with extra lines under users_account and organization. */
function settingsWith(users: string[], organization: string[]): string {
  return SETTINGS.replace('  group: CrossAccountAccess\n', `  group: CrossAccountAccess\n${users.map((l) => `  ${l}\n`).join('')}`).replace(
    '  access_role_name: OrganizationAccountAccessRole\n',
    `  access_role_name: OrganizationAccountAccessRole\n${organization.map((l) => `  ${l}\n`).join('')}`,
  );
}

const summary = (problems: Problem[]) => problems.map((p) => `${p.file}:${p.line} ${p.rule} ${p.message}`);

describe('read_role_to_assume', () => {
  it('is accepted next to role_to_assume, in both sections', async () => {
    const { desired, problems } = await load({
      'settings.yaml': settingsWith(
        [`role_to_assume: ${USERS_WRITER}`, `read_role_to_assume: ${USERS_READER}`],
        [`role_to_assume: ${WRITER}`, `read_role_to_assume: ${READER}`, 'reader_role_name: aws-access-reader', `reader_trusted_role_arns: [${READER}]`],
      ),
    });
    expect(problems).toEqual([]);
    expect(desired?.settings.organization.read_role_to_assume).toBe(READER);
    expect(desired?.settings.users_account.read_role_to_assume).toBe(USERS_READER);
  });

  it('must be a role ARN, never an account root or a user', async () => {
    for (const arn of ['arn:aws:iam::222222222222:root', 'arn:aws:iam::222222222222:user/someone', '222222222222', 'arn:aws:iam::*:role/reader']) {
      const { problems } = await load({ 'settings.yaml': settingsWith([], [`role_to_assume: ${WRITER}`, `read_role_to_assume: "${arn}"`]) });
      expect(summary(problems), arn).toEqual([expect.stringMatching(/^settings\.yaml:\d+ fileMatchesSchema .*read_role_to_assume/)]);
    }
  });

  it('requires role_to_assume (apply writes through it)', async () => {
    const { problems } = await load({ 'settings.yaml': settingsWith([`read_role_to_assume: ${USERS_READER}`], []) });
    expect(summary(problems)).toEqual([expect.stringMatching(/^settings\.yaml:\d+ fileMatchesSchema .*role_to_assume/)]);
  });

  it('must differ from role_to_assume', async () => {
    const { problems } = await load({
      'settings.yaml': settingsWith([], [`role_to_assume: ${WRITER}`, `read_role_to_assume: ${WRITER}`]),
    });
    expect(problems.filter((p) => p.rule === 'readRolesDifferFromWriteRoles')).toEqual([
      expect.objectContaining({
        rule: 'readRolesDifferFromWriteRoles',
        severity: 'error',
        file: 'settings.yaml',
        line: 13,
        message: expect.stringMatching(/^organization\.read_role_to_assume is organization\.role_to_assume, so plans would hold the role apply writes with/),
      }),
    ]);
  });
});

describe('readOnlyPlanningIsConfiguredWhole', () => {
  const rule = (problems: Problem[]) => problems.filter((p) => p.rule === 'readOnlyPlanningIsConfiguredWhole').map((p) => p.message);

  it('refuses a read role without a reader role: it would need the admin access role to read', async () => {
    const { problems } = await load({ 'settings.yaml': settingsWith([], [`role_to_assume: ${WRITER}`, `read_role_to_assume: ${READER}`]) });
    expect(rule(problems)).toEqual([expect.stringMatching(/^organization\.read_role_to_assume is set but organization\.reader_role_name is not/)]);
  });

  it('refuses a reader role that plans would still reach through the write role', async () => {
    const { problems } = await load({
      'settings.yaml': settingsWith([], [`role_to_assume: ${WRITER}`, 'reader_role_name: aws-access-reader', `reader_trusted_role_arns: [${READER}]`]),
    });
    expect(rule(problems)).toEqual([expect.stringMatching(/^organization\.reader_role_name is set but plans would still assume organization\.role_to_assume/)]);
  });

  it('refuses reader roles that do not trust the read role', async () => {
    const { problems } = await load({
      'settings.yaml': settingsWith([], [`role_to_assume: ${WRITER}`, `read_role_to_assume: ${READER}`, 'reader_role_name: aws-access-reader', `reader_trusted_role_arns: [${WRITER}]`]),
    });
    expect(rule(problems)).toEqual([expect.stringMatching(/^organization\.reader_trusted_role_arns does not list organization\.read_role_to_assume/)]);
  });
});
