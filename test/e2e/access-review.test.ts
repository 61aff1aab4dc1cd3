/**
 * `report --target aws` end to end against moto, with the repository's own users and accounts
 * applied, then changed in AWS the way people would: an MFA device, access keys (one used, one
 * not), a user made by hand. moto dates everything now, so the review is run as of a day 100 days
 * ahead instead of ageing the users (every age is counted to `today`, an input).
 *
 * What moto's credential report fills (moto 5.2.1, iam/models.py User.to_csv): user, arn,
 * user_creation_time, password_enabled, mfa_active, access_key_N_active, access_key_N_last_rotated
 * and access_key_N_last_used_date (set when a request signed with the key arrives). It never
 * records a console sign-in (password_last_used is `no_information`) and writes the creation time
 * as password_last_changed: "password last used on" is shown from a CSV in
 * test/adapters/aws/credential-report.test.ts and on the sandbox, nothing else is faked.
 *
 * A recording proxy in front of moto shows the review reads the credential report once for all
 * users (no per-user call), and that every request it makes is one the plan-side roles may make
 * (`npm run policies` for the repository's settings.yaml): the report needs no new permission.
 */
import { CreateAccessKeyCommand, CreateUserCommand, CreateVirtualMFADeviceCommand, EnableMFADeviceCommand, GetUserCommand, IAMClient } from '@aws-sdk/client-iam';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  buildOrganizationReadRolePermissions,
  buildPlanRolePermissions,
  buildUsersReadRolePermissions,
  type PolicyDocument,
} from '../../src/adapters/github/aws-setup-policies.ts';
import { runCli } from '../../src/cli/main.ts';
import { readerPermissions } from '../../src/core/reader-role.ts';
import { loadDesiredState } from '../../src/config/load.ts';
import { fsSource } from '../../src/config/fs-source.ts';
import { useAwsE2e } from '../support/e2e.ts';
import { startRecordingProxy } from './recording-proxy.ts';
import { cliEnv, editFile, replaceOnce, usersAccountIam } from './support.ts';

const e2e = useAwsE2e();
const ROOT = join(import.meta.dirname, '..', '..');
const AMARA = 'amara.okafor@digital.cabinet-office.gov.uk';
const BEN = 'ben.hughes@digital.cabinet-office.gov.uk';
const DEV = 'dev.patel@digital.cabinet-office.gov.uk';
const FELIX = 'felix.kowalski@softwire.com';
const GRACE = 'grace.adeyemi@pentestpartners.com';
const MANAGED = [AMARA, BEN, 'chloe.nguyen@cabinetoffice.gov.uk', DEV, 'eilidh.campbell@nista.gov.uk', FELIX, GRACE];

const addDays = (date: string, days: number): string => new Date(Date.parse(`${date}T00:00:00Z`) + days * 86_400_000).toISOString().slice(0, 10);
/** The day moto dates everything (its clock is this machine's). */
const NOW = new Date().toISOString().slice(0, 10);
const REVIEW_DAY = addDays(NOW, 100);

async function run(today: string, env: Record<string, string>, command: string, ...args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(command, {
    args,
    cwd: e2e.repo,
    env,
    stdout: { write: (t) => void (stdout += t), isTTY: false },
    stderr: { write: (t) => void (stderr += t), isTTY: false },
    today,
  });
  return { code, stdout, stderr };
}

interface JsonFinding {
  kind: string;
  subject: { type: string; userName?: string; accountName?: string; roleName?: string };
  fact: string;
}

let findings: JsonFinding[] = [];
let notes: string[] = [];
let actions: string[] = [];

beforeAll(async () => {
  // Contract end dates relative to the day moto dates things: Grace's passes before the review, Felix's comes soon after it.
  await editFile(e2e.repo, `users/${GRACE}.yaml`, (text) => replaceOnce(text, /^expires: .*$/m, `expires: "${addDays(NOW, 50)}"`));
  await editFile(e2e.repo, `users/${FELIX}.yaml`, (text) => replaceOnce(text, /^expires: .*$/m, `expires: "${addDays(NOW, 110)}"`));
  const applied = await run(NOW, e2e.env, 'apply', '--target', 'aws');
  expect(applied.code, applied.stderr).toBe(0);

  const iam = await usersAccountIam(e2e.moto.url);
  const device = await iam.send(new CreateVirtualMFADeviceCommand({ VirtualMFADeviceName: AMARA }));
  await iam.send(new EnableMFADeviceCommand({ UserName: AMARA, SerialNumber: device.VirtualMFADevice?.SerialNumber, AuthenticationCode1: '123456', AuthenticationCode2: '654321' }));
  await iam.send(new CreateAccessKeyCommand({ UserName: BEN }));
  const devKey = (await iam.send(new CreateAccessKeyCommand({ UserName: DEV }))).AccessKey;
  await iam.send(new CreateUserCommand({ UserName: 'ci-deployer' }));
  // One request signed with Dev's key: moto records it as the key's last use, as AWS does.
  const asDev = new IAMClient({ region: 'us-east-1', endpoint: e2e.moto.url, credentials: { accessKeyId: devKey?.AccessKeyId ?? '', secretAccessKey: devKey?.SecretAccessKey ?? '' } });
  await asDev.send(new GetUserCommand({}));
  asDev.destroy();
  iam.destroy();

  const proxy = await startRecordingProxy(e2e.moto.url);
  try {
    const reviewed = await run(REVIEW_DAY, cliEnv(proxy.url), 'report', '--target', 'aws', '--json');
    expect(reviewed.code, reviewed.stderr).toBe(0);
    ({ findings, notes } = JSON.parse(reviewed.stdout) as { findings: JsonFinding[]; notes: string[] });
    // moto answers every service on one endpoint: the JSON protocol here is Organizations'; of the
    // query protocols, STS's are AssumeRole and GetCallerIdentity, the rest IAM's.
    actions = proxy.requests.map((r) =>
      r.params.get('Action') === null ? `organizations:${r.action}` : /^(AssumeRole|GetCallerIdentity)$/.test(r.action) ? `sts:${r.action}` : `iam:${r.action}`,
    );
  } finally {
    await proxy.stop();
  }
});

const about = (f: JsonFinding): string => f.subject.userName ?? `${f.subject.accountName}/${f.subject.roleName}`;
const of = (kind: string): string[] => findings.filter((f) => f.kind === kind).map(about).sort();

describe('report --target aws on moto', () => {
  it('finds each rule in AWS: MFA, unused passwords and keys, old keys, old bootstrap roles, expiry, unmanaged users', () => {
    expect(of('no-mfa')).toEqual(MANAGED.filter((name) => name !== AMARA));
    expect(of('password-unused')).toEqual(MANAGED);
    expect(of('access-key-unused')).toEqual([BEN, DEV]);
    expect(of('access-key-old')).toEqual([BEN, DEV]);
    expect(of('bootstrap-role-old')).toEqual(['govuk-platform-production/bootstrap', 'notify-staging/bootstrap']);
    expect(of('unmanaged-user')).toEqual(['ci-deployer']);
    expect(of('expired-with-access')).toEqual([GRACE]);
    expect(of('expiring-soon')).toEqual([FELIX]);
    expect(findings).toHaveLength(6 + 7 + 2 + 2 + 2 + 1 + 1 + 1);
    // The copy of the data is not a git repository: who needs a fresh approval is not known.
    expect(notes).toEqual([expect.stringMatching(/^Recertification \(access last approved more than 365 days ago\) was not checked: .* is not in a git repository/)]);
  });

  it("reads each key's creation and last use from the credential report", () => {
    const unused = new Map(findings.filter((f) => f.kind === 'access-key-unused').map((f) => [about(f), f.fact]));
    // Made today (or, past midnight UTC, tomorrow): 100 days before the review, or 99.
    expect(unused.get(BEN)).toMatch(/^access key 1 never used since it was created on \d{4}-\d{2}-\d{2} \((100|99) days ago\)$/);
    expect(unused.get(DEV)).toMatch(/^access key 1 last used on \d{4}-\d{2}-\d{2} \((100|99) days ago\)$/);
    expect(findings.find((f) => f.kind === 'expired-with-access')?.fact).toBe(
      `expired ${addDays(NOW, 50)}, 50 days ago, and still has a console password, group CrossAccountAccess`,
    );
  });

  it('reads the credential report once for all users, with no per-user call', () => {
    expect(actions.filter((a) => a === 'iam:GetCredentialReport')).toHaveLength(1);
    expect(actions.filter((a) => a === 'iam:GenerateCredentialReport').length).toBeLessThanOrEqual(2);
    expect(actions.filter((a) => /^iam:(GetUser|GetLoginProfile|ListAccessKeys|GetAccessKeyLastUsed|ListMFADevices|ListUserTags|ListGroupsForUser)$/.test(a))).toEqual([]);
  });

  it('makes only requests the plan role and the read roles of the repository settings may make', async () => {
    const { desired } = await loadDesiredState(fsSource(ROOT), { today: NOW });
    if (!desired) throw new Error('the repository files are not valid');
    const input = { settings: desired.settings, repository: 'example-org/aws-access', environment: 'production', defaultBranch: 'main' };
    const documents: (PolicyDocument | undefined)[] = [
      buildPlanRolePermissions(input),
      buildOrganizationReadRolePermissions(input),
      buildUsersReadRolePermissions(input),
      readerPermissions() as unknown as PolicyDocument,
    ];
    const allowed = documents.flatMap((d) => (d?.Statement ?? []).filter((s) => s.Effect === 'Allow').flatMap((s) => (Array.isArray(s.Action) ? s.Action : [s.Action])));
    const matches = (pattern: string, action: string): boolean => new RegExp(`^${pattern.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*')}$`).test(action);
    // GetCallerIdentity needs no permission (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html).
    const qualified = [...new Set(actions)].filter((action) => action !== 'sts:GetCallerIdentity');
    expect(qualified).toContain('iam:GetCredentialReport');
    expect(qualified.filter((action) => !allowed.some((pattern) => matches(pattern, action)))).toEqual([]);
    // The settings file the check used really has the read roles (else it would prove little).
    expect(readFileSync(join(ROOT, 'settings.yaml'), 'utf8')).toMatch(/^ {2}read_role_to_assume: /m);
  });
});
