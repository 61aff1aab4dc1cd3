/**
 * End to end against moto: an apply given an approval record (apply --approval, from pr-record)
 * assumes the project's own roles (the users account's and the organization's, whose trust allows
 * sts:SetSourceIdentity) with SourceIdentity pr-<number>, and every role, member-account roles
 * included, with a session name that carries it. Member-account roles are reached from a session
 * without the SourceIdentity: the access role Organizations creates trusts sts:AssumeRole alone, and
 * AWS refuses to chain a SourceIdentity into it. moto accepts and ignores the parameter (and checks
 * no trust), so a loopback proxy records each AssumeRole's form parameters.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useAwsE2e } from '../support/e2e.ts';
import { startRecordingProxy, type RecordingProxy } from './recording-proxy.ts';
import { ListUserTagsCommand } from '@aws-sdk/client-iam';
import { editFile, MANAGEMENT_ACCOUNT, RECONCILER_ROLE, replaceOnce, runCommand, usersAccountIam } from './support.ts';

const WRITER = `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/writer`;
const SHA = 'a1b2c3d4e5f60718293a4b5c6d7e8f9012345678';

const e2e = useAwsE2e();
let proxy: RecordingProxy;

beforeAll(async () => {
  proxy = await startRecordingProxy(e2e.moto.url);
  await editFile(e2e.repo, 'settings.yaml', (text) => replaceOnce(text, /^( {2}management_account_id: .*\n)/m, `$1  role_to_assume: ${WRITER}\n`));
});

afterAll(async () => {
  await proxy?.stop();
});

async function applyWith(record: unknown, extraEnv: Record<string, string> = {}) {
  await writeFile(join(e2e.repo, 'approval.json'), JSON.stringify(record));
  proxy.requests.length = 0;
  const result = await runCommand(
    e2e.repo,
    { ...e2e.env, AWS_ENDPOINT_URL: proxy.url, ...extraEnv },
    'apply',
    '--target',
    'aws',
    '--approval',
    'approval.json',
    '--report-json',
    'report.json',
  );
  const assumed = proxy.withAction('AssumeRole').map((r) => ({
    roleArn: r.params.get('RoleArn'),
    sourceIdentity: r.params.get('SourceIdentity'),
    sessionName: r.params.get('RoleSessionName'),
  }));
  return { result, assumed };
}

describe('apply with an approval record: AWS records the pull request', () => {
  it("assumes the project's roles with SourceIdentity pr-<number>, and every role with a session name carrying it", async () => {
    const record = {
      version: 1,
      commit: SHA,
      pullRequest: { number: 1234, url: 'https://github.com/example-org/aws-access/pull/1234', author: 'alice', mergedBy: 'bob', mergedAt: '2026-11-28T09:00:00Z', approvers: ['carol'] },
    };
    const { result, assumed } = await applyWith(record);
    expect(result.code, result.combined).toBe(0);
    const roles = new Set(assumed.map((a) => a.roleArn));
    expect(roles).toContain(RECONCILER_ROLE);
    expect(roles).toContain(WRITER);
    expect([...roles].some((arn) => /^arn:aws:iam::\d{12}:role\/OrganizationAccountAccessRole$/.test(arn ?? ''))).toBe(true);
    const isMemberRole = (a: { roleArn: string | null }) => /:role\/OrganizationAccountAccessRole$/.test(a.roleArn ?? '');
    expect(assumed.every((a) => a.sessionName === 'aws-access-as-code-pr-1234'), JSON.stringify(assumed, null, 1)).toBe(true);
    expect(assumed.filter((a) => a.roleArn === RECONCILER_ROLE).every((a) => a.sourceIdentity === 'pr-1234'), JSON.stringify(assumed, null, 1)).toBe(true);
    // The organization role: with it for the Organizations calls, and without it for the session that
    // member-account hops start from; the hops themselves carry none.
    expect(new Set(assumed.filter((a) => a.roleArn === WRITER).map((a) => a.sourceIdentity))).toEqual(new Set(['pr-1234', null]));
    expect(assumed.filter(isMemberRole).every((a) => a.sourceIdentity === null), JSON.stringify(assumed, null, 1)).toBe(true);
    expect(result.stdout).toContain('pull request #1234 by alice, merged by bob, approved by carol');
    const report = JSON.parse(await readFile(join(e2e.repo, 'report.json'), 'utf8')) as { approval: unknown };
    expect(report.approval).toEqual(record);
    // The users it created carry the pull request, and planning again shows no change.
    const created = proxy.withAction('CreateUser').map((r) => r.params.get('UserName') ?? '');
    expect(created.length).toBeGreaterThan(0);
    const iam = await usersAccountIam(e2e.moto.url);
    for (const userName of created) {
      const { Tags } = await iam.send(new ListUserTagsCommand({ UserName: userName }));
      expect(Tags, userName).toContainEqual({ Key: 'pull-request', Value: 'pr-1234' });
    }
    // So do the roles it created in member accounts (recorded from the CreateRole requests themselves).
    const createdRoles = proxy.withAction('CreateRole');
    expect(createdRoles.length).toBeGreaterThan(0);
    for (const request of createdRoles) {
      const tags = new Map<string, string>();
      for (const [key, value] of request.params) {
        const at = /^Tags\.member\.(\d+)\.Key$/.exec(key)?.[1];
        if (at !== undefined) tags.set(value, request.params.get(`Tags.member.${at}.Value`) ?? '');
      }
      expect(tags.get('pull-request'), request.params.get('RoleName') ?? '').toBe('pr-1234');
    }
    const again = await runCommand(e2e.repo, e2e.env, 'plan', '--target', 'aws', '--detailed-exitcode');
    expect(again.code, again.stdout).toBe(0);
    // A whole apply (identity checks and the lock included) on a loaded machine can take over 30 s.
  }, 120_000);

  it('a direct push is push-<commit>, and said loudly', async () => {
    const { result, assumed } = await applyWith({ version: 1, commit: SHA, pullRequest: null, reason: 'direct push' });
    expect(result.code, result.combined).toBe(0);
    expect(assumed.length).toBeGreaterThan(0);
    expect(assumed.every((a) => a.sessionName === `aws-access-as-code-push-${SHA.slice(0, 12)}`)).toBe(true);
    expect(assumed.filter((a) => a.roleArn === RECONCILER_ROLE).every((a) => a.sourceIdentity === `push-${SHA.slice(0, 12)}`)).toBe(true);
    expect(result.combined).toContain('⚠️ no approval on record: commit a1b2c3d4e5f6 was pushed without a pull request');
  }, 120_000);

  it('refuses, in Actions, a record of another commit than the one the run applies', async () => {
    const { result, assumed } = await applyWith({ version: 1, commit: SHA, pullRequest: null, reason: 'direct push' }, { GITHUB_SHA: 'f'.repeat(40) });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`approval.json is the record of commit ${SHA}, but this run applies ${'f'.repeat(40)}`);
    expect(assumed).toEqual([]);
  });

  it('refuses a file that is not an approval record before touching AWS', async () => {
    const { result, assumed } = await applyWith({ version: 1, commit: SHA, pullRequest: { number: 'x' } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('approval.json is not an approval record: pullRequest.number');
    expect(assumed).toEqual([]);
  });
});
