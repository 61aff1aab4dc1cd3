/**
 * The printed policies, proven both ways against moto with IAM authorisation enforced: every job's
 * credentials carry exactly what `npm run policies` prints (the plan, apply, users and users-read
 * roles; the reader roles apply creates in member accounts), every command succeeds with them, the
 * read-only credentials are refused every write, and each Deny moto can evaluate is tried and
 * refused.
 *
 * What moto 5.2.1 evaluates, and so what this proves, is narrower than IAM (moto/iam/access_control.py,
 * moto/iam/policy_conditions.py; listed in the README): it matches actions, and resources only for
 * sts:AssumeRole (the role ARN) and IAM role calls; every other request is authorised against the
 * resource `*`; conditions on identity policies are never evaluated; a Deny with NotResource reads
 * as an Allow. `asMotoEvaluates` turns a printed document into what moto can enforce of it, and
 * says why for each change; everything it removes is proven here only by the unit tests of the
 * documents, not by an emulator.
 */
import {
  AttachGroupPolicyCommand,
  CreateAccessKeyCommand,
  CreatePolicyCommand,
  CreatePolicyVersionCommand,
  CreateRoleCommand,
  CreateUserCommand,
  IAMClient,
  PutGroupPolicyCommand,
  PutRolePolicyCommand,
  PutUserPolicyCommand,
  TagUserCommand,
} from '@aws-sdk/client-iam';
import { CloseAccountCommand, CreateAccountCommand, ListAccountsCommand, MoveAccountCommand, OrganizationsClient, TagResourceCommand } from '@aws-sdk/client-organizations';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { writeFile } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PolicyDocument, PolicyStatement, SetupPolicies } from '../../src/adapters/github/aws-setup-policies.ts';
import { startMoto, type MotoServer } from '../support/moto.ts';
import {
  cliEnv,
  editFile,
  iamAs,
  MANAGEMENT_ACCOUNT,
  prepareRepo,
  RECONCILER_ROLE,
  removeRepo,
  replaceOnce,
  runCommand,
  setUpAws,
  USERS_ACCOUNT,
} from './support.ts';

const PLAN_ROLE = `arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/aws-access-as-code-plan`;
const USERS_READER = `arn:aws:iam::${USERS_ACCOUNT}:role/users-reader`;
const PROTECTED_ACCOUNT = '444444444444';
const GROUP = 'CrossAccountAccess';
const NEW_USER = 'zoe.smith@digital.cabinet-office.gov.uk';

interface Credentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

/**
 * What moto can enforce of a printed document, and nothing more permissive than it (each change
 * removes a restriction moto cannot evaluate, never adds an action):
 * - an Allow on anything but sts:AssumeRole gets Resource `*`: moto authorises IAM user, group and
 *   policy calls, Organizations and SES against `*`, which an ARN never matches;
 * - a Deny with a Condition is dropped: moto would apply it whatever the condition;
 * - a Deny with NotResource is dropped: moto reads it as an Allow.
 */
function asMotoEvaluates(document: PolicyDocument): PolicyDocument {
  const statements: PolicyStatement[] = [];
  for (const statement of document.Statement) {
    if (statement.Effect === 'Deny' && (statement.Condition !== undefined || statement.NotResource !== undefined)) continue;
    const actions = [statement.Action].flat();
    if (statement.Effect === 'Allow' && !actions.every((a) => a === 'sts:AssumeRole')) {
      statements.push({ ...statement, Resource: '*' });
    } else {
      statements.push(statement);
    }
  }
  return { Version: '2012-10-17', Statement: statements };
}

const BASE: Credentials = { accessKeyId: 'testing', secretAccessKey: 'testing' };

let moto: MotoServer;
let repo: string;
let printed: SetupPolicies;
let plan: Credentials;
let apply: Credentials;
let memberAccounts: string[];
const timings: Record<string, number> = {};

function client<T>(Client: new (config: object) => T, credentials: Credentials): T {
  return new Client({ region: 'us-east-1', endpoint: moto.url, credentials, maxAttempts: 1 });
}

/** An IAM user of the CI account with exactly `document` (as moto evaluates it), and its access key. */
async function ciPrincipal(iam: IAMClient, name: string, document: PolicyDocument): Promise<Credentials> {
  await iam.send(new CreateUserCommand({ UserName: name }));
  await iam.send(new PutUserPolicyCommand({ UserName: name, PolicyName: 'aws-access-as-code', PolicyDocument: JSON.stringify(asMotoEvaluates(document)) }));
  const key = (await iam.send(new CreateAccessKeyCommand({ UserName: name }))).AccessKey;
  if (key?.AccessKeyId === undefined || key.SecretAccessKey === undefined) throw new Error(`no access key for ${name}`);
  return { accessKeyId: key.AccessKeyId, secretAccessKey: key.SecretAccessKey };
}

async function assume(credentials: Credentials, roleArn: string): Promise<Credentials> {
  const sts = client(STSClient, credentials);
  const c = (await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'iam-enforced' }))).Credentials;
  sts.destroy();
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
  return { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) };
}

/** The CLI's environment with these credentials (what configure-aws-credentials leaves a job). */
function envOf(credentials: Credentials): Record<string, string> {
  return {
    ...cliEnv(moto.url),
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    ...(credentials.sessionToken ? { AWS_SESSION_TOKEN: credentials.sessionToken } : {}),
  };
}

/** The error name a call was refused with; fails the test when it succeeds. */
async function refusal(call: Promise<unknown>): Promise<string> {
  try {
    await call;
  } catch (error) {
    return (error as { name?: string }).name ?? String(error);
  }
  throw new Error('expected the call to be refused, and it succeeded');
}

async function timed<T>(name: string, run: () => Promise<T>): Promise<T> {
  const start = performance.now();
  try {
    return await run();
  } finally {
    timings[name] = Math.round(performance.now() - start);
  }
}

beforeAll(async () => {
  const start = performance.now();
  // AWS managed policies: bootstrap roles get AdministratorAccess attached.
  moto = await startMoto({ managedPolicies: true, iamAuthorization: true });
  await setUpAws(moto.url);
  repo = await prepareRepo();
  // Plans read through the users read role and the member accounts' reader roles; one protected account.
  await editFile(repo, 'settings.yaml', (text) => {
    const withReadRole = replaceOnce(text, /^( {2}role_to_assume: .*\n)/m, `$1  read_role_to_assume: ${USERS_READER}\n`);
    const withReader = replaceOnce(
      withReadRole,
      /^( {2}management_account_id: .*\n)/m,
      `$1  reader_role_name: aws-access-as-code-reader\n  reader_trusted_role_arns: ["${PLAN_ROLE}"]\n`,
    );
    return replaceOnce(withReader, /^protected_accounts: \[\]$/m, `protected_accounts: ["${PROTECTED_ACCOUNT}"]`);
  });
  // The CI roles live in the management account here, so Organizations calls need no extra hop.
  const policies = await runCommand(repo, cliEnv(moto.url), 'policies', 'all', '--repo', 'example-org/aws-access', '--account', MANAGEMENT_ACCOUNT);
  expect(policies.code, policies.stderr).toBe(0);
  printed = JSON.parse(policies.stdout) as SetupPolicies;
  expect(printed.notes.filter((n) => n.startsWith('PROBLEM'))).toEqual([]);
  const { usersRole, usersReadRole } = printed;
  if (usersRole === undefined || usersReadRole === undefined) throw new Error('policies printed no users roles');

  // The administrator's set-up (the README), while moto still allows everything.
  const usersIam = await iamAs(moto.url, RECONCILER_ROLE);
  for (const [arn, role] of [
    [RECONCILER_ROLE, usersRole],
    [USERS_READER, usersReadRole],
  ] as const) {
    const name = arn.split('/').at(-1) ?? '';
    await usersIam.send(new CreateRoleCommand({ RoleName: name, AssumeRolePolicyDocument: JSON.stringify(role.trust) }));
    await usersIam.send(new PutRolePolicyCommand({ RoleName: name, PolicyName: 'aws-access-as-code', PolicyDocument: JSON.stringify(asMotoEvaluates(role.permissions)) }));
  }
  for (const g of printed.groupPolicies) {
    await usersIam.send(new CreatePolicyCommand({ PolicyName: g.name, Path: g.path, PolicyDocument: JSON.stringify(g.document) }));
  }
  usersIam.destroy();
  // The estate as it is when the roles are set up: what the files say, applied once.
  const first = await timed('first apply (administrator)', () => runCommand(repo, cliEnv(moto.url), 'apply', '--target', 'aws'));
  expect(first.code, first.combined).toBe(0);
  const org = client(OrganizationsClient, BASE);
  memberAccounts = ((await org.send(new ListAccountsCommand({}))).Accounts ?? []).flatMap((a) => (a.Id === undefined || a.Id === MANAGEMENT_ACCOUNT ? [] : [a.Id]));
  org.destroy();
  // moto attaches no policy to the role CreateAccount creates; AWS attaches AdministratorAccess.
  for (const id of memberAccounts) {
    const member = await iamAs(moto.url, `arn:aws:iam::${id}:role/OrganizationAccountAccessRole`);
    const admin = { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] };
    await member.send(new PutRolePolicyCommand({ RoleName: 'OrganizationAccountAccessRole', PolicyName: 'AdministratorAccess', PolicyDocument: JSON.stringify(admin) }));
    member.destroy();
  }
  const ciIam = client(IAMClient, BASE);
  plan = await ciPrincipal(ciIam, 'aws-access-as-code-plan', printed.planRole.permissions);
  apply = await ciPrincipal(ciIam, 'aws-access-as-code-apply', printed.applyRole.permissions);
  ciIam.destroy();
  await moto.enforceIam();
  timings['set-up'] = Math.round(performance.now() - start);
}, 120_000);

afterAll(async () => {
  await moto?.stop();
  await removeRepo(repo);
  process.stderr.write(`iam-enforced timings (ms): ${JSON.stringify(timings)}\n`);
});

describe('with IAM enforced, each job succeeds with exactly its printed policy', () => {
  it('moto is enforcing: credentials it does not know are refused', async () => {
    const result = await runCommand(repo, cliEnv(moto.url), 'plan', '--target', 'aws');
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/InvalidClientTokenId|not valid|security token/i);
  });

  it('plan (the pull request plan and the drift check) and the access review succeed with the plan role', async () => {
    const planned = await timed('plan', () => runCommand(repo, envOf(plan), 'plan', '--target', 'aws'));
    expect(planned.code, planned.stderr).toBe(0);
    expect(planned.stdout).toContain('No changes.');
    const review = await timed('report', () => runCommand(repo, envOf(plan), 'report', '--target', 'aws', '--format', 'json'));
    expect(review.code, review.stderr).toBe(0);
    expect(JSON.parse(review.stdout)).toMatchObject({ version: 1 });
  });

  it('apply (a new user, given a bootstrap role) and the lifecycle run succeed with the apply role', async () => {
    await writeFile(
      `${repo}/users/${NEW_USER}.yaml`,
      `# yaml-language-server: $schema=../schema/user.schema.json\nemail: ${NEW_USER}\nname: Zoe Smith\nteam: govuk-platform\nrequested_by: ${NEW_USER}\n`,
    );
    await editFile(repo, 'accounts/notify-staging.yaml', (text) => replaceOnce(text, /^( {4}- )(felix\.kowalski@softwire\.com)\n/m, `$1$2\n$1${NEW_USER}\n`));
    const applied = await timed('apply', () => runCommand(repo, envOf(apply), 'apply', '--target', 'aws'));
    expect(applied.code, applied.combined).toBe(0);
    expect(applied.stdout).toMatch(/\b0 failed/);
    expect(applied.stderr).toContain(`create user ${NEW_USER}`);
    const lifecycle = await timed('lifecycle', () => runCommand(repo, envOf(apply), 'apply', '--target', 'aws', '--only', 'lifecycle'));
    expect(lifecycle.code, lifecycle.combined).toBe(0);
    const after = await runCommand(repo, envOf(plan), 'plan', '--target', 'aws');
    expect(after.code, after.stderr).toBe(0);
    expect(after.stdout).toContain('No changes.');
  }, 60_000);
});

describe('with IAM enforced, the read-only credentials are refused every write', () => {
  it('the plan role: no Organizations change, no write role', async () => {
    const org = client(OrganizationsClient, plan);
    const sts = client(STSClient, plan);
    const account = memberAccounts[0] ?? '';
    const organizations = [
      await refusal(org.send(new CreateAccountCommand({ AccountName: 'x', Email: 'x@example.gov.uk' }))),
      await refusal(org.send(new TagResourceCommand({ ResourceId: account, Tags: [{ Key: 'managed-by', Value: 'aws-access-as-code' }] }))),
      await refusal(org.send(new MoveAccountCommand({ AccountId: account, SourceParentId: 'r-x', DestinationParentId: 'ou-x' }))),
      await refusal(org.send(new CloseAccountCommand({ AccountId: account }))),
    ];
    // Organizations' JSON protocol names it AccessDeniedException (the test proxy gives moto's refusal that shape).
    expect(organizations).toEqual(Array(organizations.length).fill('AccessDeniedException'));
    const refused = [
      await refusal(sts.send(new AssumeRoleCommand({ RoleArn: RECONCILER_ROLE, RoleSessionName: 'x' }))),
      await refusal(sts.send(new AssumeRoleCommand({ RoleArn: `arn:aws:iam::${account}:role/OrganizationAccountAccessRole`, RoleSessionName: 'x' }))),
      await refusal(client(IAMClient, plan).send(new CreateUserCommand({ UserName: 'x' }))),
    ];
    expect(refused).toEqual(Array(refused.length).fill('AccessDenied'));
    org.destroy();
    sts.destroy();
  });

  it('the users read role and a member reader role: no IAM write at all', async () => {
    const usersRead = client(IAMClient, await assume(plan, USERS_READER));
    const reader = client(IAMClient, await assume(plan, `arn:aws:iam::${memberAccounts[0] ?? ''}:role/aws-access-as-code-reader`));
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const refused = [
      await refusal(usersRead.send(new CreateUserCommand({ UserName: 'x' }))),
      await refusal(usersRead.send(new TagUserCommand({ UserName: 'amara.okafor@digital.cabinet-office.gov.uk', Tags: [{ Key: 'k', Value: 'v' }] }))),
      await refusal(usersRead.send(new PutGroupPolicyCommand({ GroupName: GROUP, PolicyName: 'x', PolicyDocument: document }))),
      await refusal(usersRead.send(new AttachGroupPolicyCommand({ GroupName: GROUP, PolicyArn: printed.groupPolicies[0]?.arn ?? '' }))),
      await refusal(usersRead.send(new CreatePolicyCommand({ PolicyName: 'x', PolicyDocument: document }))),
      await refusal(reader.send(new CreateRoleCommand({ RoleName: 'x', AssumeRolePolicyDocument: document }))),
      await refusal(reader.send(new PutRolePolicyCommand({ RoleName: 'aws-access-as-code-reader', PolicyName: 'x', PolicyDocument: document }))),
    ];
    expect(refused).toEqual(Array(refused.length).fill('AccessDenied'));
  });
});

describe('with IAM enforced, the denies of the printed policies hold', () => {
  it('no role in the management account, the users account or a protected account can be assumed, though member roles can', async () => {
    const sts = client(STSClient, apply);
    const assumeRole = (arn: string) => sts.send(new AssumeRoleCommand({ RoleArn: arn, RoleSessionName: 'x' }));
    const refused = [
      await refusal(assumeRole(`arn:aws:iam::${MANAGEMENT_ACCOUNT}:role/OrganizationAccountAccessRole`)),
      await refusal(assumeRole(`arn:aws:iam::${USERS_ACCOUNT}:role/OrganizationAccountAccessRole`)),
      await refusal(assumeRole(`arn:aws:iam::${USERS_ACCOUNT}:role/aws-access-as-code-reader`)),
      await refusal(assumeRole(`arn:aws:iam::${PROTECTED_ACCOUNT}:role/OrganizationAccountAccessRole`)),
      await refusal(assumeRole(`arn:aws:iam::${PROTECTED_ACCOUNT}:role/anything`)),
    ];
    expect(refused).toEqual(Array(refused.length).fill('AccessDenied'));
    // The same call on a member account and on the configured users role is allowed: the refusals are the Deny's.
    await expect(assumeRole(`arn:aws:iam::${memberAccounts[0] ?? ''}:role/OrganizationAccountAccessRole`)).resolves.toBeDefined();
    await expect(assumeRole(RECONCILER_ROLE)).resolves.toBeDefined();
    sts.destroy();
  });

  it('the role that writes IAM cannot write a group policy or change the group\'s documents', async () => {
    const writer = client(IAMClient, await assume(apply, RECONCILER_ROLE));
    const document = JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] });
    const refused = [
      await refusal(writer.send(new PutGroupPolicyCommand({ GroupName: GROUP, PolicyName: 'wider', PolicyDocument: document }))),
      await refusal(writer.send(new CreatePolicyVersionCommand({ PolicyArn: printed.groupPolicies[0]?.arn ?? '', PolicyDocument: document, SetAsDefault: true }))),
    ];
    expect(refused).toEqual(Array(refused.length).fill('AccessDenied'));
  });
});
