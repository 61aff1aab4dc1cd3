/**
 * End-to-end helpers: a copy of the repository's data in a temporary folder, set up for moto; the
 * CLI run in-process with a fake context (env = moto only, nothing from the real AWS environment);
 * the Organization and SES sender a platform engineer would have set up; SDK clients that look at
 * moto independently of the product's own client code; and a local server that counts any request
 * sent its way.
 */
import { GetRoleCommand, IAMClient, ListUsersCommand } from '@aws-sdk/client-iam';
import {
  CreateOrganizationCommand,
  CreateOrganizationalUnitCommand,
  DescribeOrganizationalUnitCommand,
  ListAccountsCommand,
  ListParentsCommand,
  ListRootsCommand,
  OrganizationsClient,
  type Account,
} from '@aws-sdk/client-organizations';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { AssumeRoleCommand, STSClient } from '@aws-sdk/client-sts';
import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/main.ts';
import type { CliContext } from '../../src/cli/context.ts';
import { motoEnv, startMoto, type MotoServer } from '../support/moto.ts';

const ROOT = join(import.meta.dirname, '..', '..');

/** The users account, reached by assuming this role: moto then lands every IAM call in it. */
export const USERS_ACCOUNT = '111111111111';
export const RECONCILER_ROLE = `arn:aws:iam::${USERS_ACCOUNT}:role/reconciler`;
/** moto's default account: it creates the Organization, so it is the management account. */
export const MANAGEMENT_ACCOUNT = '123456789012';
export const SENDER = 'aws-access@digital.cabinet-office.gov.uk';
export const EMAIL_REGION = 'eu-west-2';
export const USERS_REGION = 'eu-west-2';
export const SIGN_IN_URL = 'https://gds-users.signin.aws.amazon.com/console';
export const TODAY = '2026-11-28';

const CREDENTIALS = { accessKeyId: 'testing', secretAccessKey: 'testing' };

/** Copies what validate needs into a temporary folder and points settings.yaml at moto's accounts. */
export async function prepareRepo(): Promise<string> {
  const repo = await mkdtemp(join(tmpdir(), 'aac-e2e-'));
  for (const entry of ['settings.yaml', 'users', 'accounts', 'schema', 'CODEOWNERS']) {
    await cp(join(ROOT, entry), join(repo, entry), { recursive: true });
  }
  // The repository's organization roles point at real accounts; here the reconciler works in moto's
  // default account directly (read-role.test.ts adds its own read and write roles).
  const withoutOrganizationRoles = (text: string) =>
    replaceOnce(text, /^ {2}# Apply writes through role_to_assume[\s\S]*?reader_trusted_role_arns:\n(?: {4}- .*\n)+/m, '');
  await editFile(repo, 'settings.yaml', (text) =>
    replaceOnce(
      replaceOnce(withoutOrganizationRoles(text), /^  id: "\d{12}"\n/m, `  id: "${USERS_ACCOUNT}"\n  role_to_assume: ${RECONCILER_ROLE}\n`),
      /^  management_account_id: "\d{12}"$/m,
      `  management_account_id: "${MANAGEMENT_ACCOUNT}"`,
    ),
  );
  return repo;
}

export async function removeRepo(repo: string | undefined): Promise<void> {
  if (repo !== undefined) await rm(repo, { recursive: true, force: true });
}

/** Replaces exactly one match, so a changed fixture fails loudly instead of silently not editing. */
export function replaceOnce(text: string, pattern: RegExp, replacement: string): string {
  const matches = text.match(new RegExp(pattern.source, `${pattern.flags.replace('g', '')}g`));
  if (matches?.length !== 1) throw new Error(`expected one match of ${pattern} in:\n${text}`);
  return text.replace(pattern, replacement);
}

export async function editFile(repo: string, path: string, edit: (text: string) => string): Promise<void> {
  const file = join(repo, path);
  await writeFile(file, edit(await readFile(file, 'utf8')));
}

export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout and stderr interleaved in the order they were written. */
  combined: string;
}

/** Runs one CLI command in-process against `env` only (never the real process environment). */
export async function runCommand(
  repo: string,
  env: Readonly<Record<string, string | undefined>>,
  command: string,
  ...args: string[]
): Promise<RunResult> {
  return runCommandOn(TODAY, repo, env, command, ...args);
}

/** runCommand on another day than TODAY. */
export async function runCommandOn(
  today: string,
  repo: string,
  env: Readonly<Record<string, string | undefined>>,
  command: string,
  ...args: string[]
): Promise<RunResult> {
  let stdout = '';
  let stderr = '';
  let combined = '';
  const ctx: CliContext = {
    args,
    cwd: repo,
    env,
    stdout: { write: (t) => void ((stdout += t), (combined += t)), isTTY: false },
    stderr: { write: (t) => void ((stderr += t), (combined += t)), isTTY: false },
    today,
  };
  const code = await runCli(command, ctx);
  return { code, stdout, stderr, combined };
}

/**
 * A moto server for one test file. The bootstrap role gets AdministratorAccess attached, and moto
 * has AWS managed policies only when asked.
 */
export async function startE2eMoto(): Promise<MotoServer> {
  return startMoto({ managedPolicies: true });
}

/** What the platform engineer sets up once (docs): the Organization, its OUs, the SES sender. */
export async function setUpAws(url: string): Promise<void> {
  const org = new OrganizationsClient({ region: 'us-east-1', endpoint: url, credentials: CREDENTIALS });
  await org.send(new CreateOrganizationCommand({ FeatureSet: 'ALL' }));
  const rootId = (await org.send(new ListRootsCommand({}))).Roots?.[0]?.Id ?? '';
  const ou = async (parentId: string, name: string): Promise<string> =>
    (await org.send(new CreateOrganizationalUnitCommand({ ParentId: parentId, Name: name }))).OrganizationalUnit?.Id ?? '';
  const workloads = await ou(rootId, 'Workloads');
  await ou(workloads, 'Production');
  await ou(workloads, 'Non-production');
  await ou(rootId, 'Sandbox');
  org.destroy();
  const ses = new SESClient({ region: EMAIL_REGION, endpoint: url, credentials: CREDENTIALS });
  await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: SENDER }));
  ses.destroy();
}

export function organizationsClient(url: string): OrganizationsClient {
  return new OrganizationsClient({ region: 'us-east-1', endpoint: url, credentials: CREDENTIALS });
}

/** IAM in `accountId`, through STS AssumeRole on `roleArn` (moto lands the calls in that account). */
export async function iamAs(url: string, roleArn: string): Promise<IAMClient> {
  const sts = new STSClient({ region: 'us-east-1', endpoint: url, credentials: CREDENTIALS });
  const assumed = await sts.send(new AssumeRoleCommand({ RoleArn: roleArn, RoleSessionName: 'e2e-test' }));
  sts.destroy();
  const c = assumed.Credentials;
  if (!c?.AccessKeyId || !c.SecretAccessKey) throw new Error(`AssumeRole ${roleArn} returned no credentials`);
  return new IAMClient({
    region: 'us-east-1',
    endpoint: url,
    credentials: { accessKeyId: c.AccessKeyId, secretAccessKey: c.SecretAccessKey, ...(c.SessionToken ? { sessionToken: c.SessionToken } : {}) },
  });
}

/** IAM in the users account, as the reconciler role. */
export function usersAccountIam(url: string): Promise<IAMClient> {
  return iamAs(url, RECONCILER_ROLE);
}

/** IAM in a member account, through the access role Organizations created there. */
export function memberAccountIam(url: string, accountId: string): Promise<IAMClient> {
  return iamAs(url, `arn:aws:iam::${accountId}:role/OrganizationAccountAccessRole`);
}

export function cliEnv(url: string, extra: Record<string, string> = {}): Record<string, string> {
  return { ...motoEnv(url), ...extra };
}

export interface RequestCounter {
  url: string;
  requests: string[];
  stop(): Promise<void>;
}

/**
 * An HTTP server that records every request and answers 500: point AWS_ENDPOINT_URL at it to prove
 * that a command made no AWS request at all (and would fail loudly, not silently, if it tried).
 */
export async function startRequestCounter(): Promise<RequestCounter> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    requests.push(`${req.method ?? '?'} ${req.url ?? ''} ${req.headers['x-amz-target'] ?? ''}`);
    res.statusCode = 500;
    res.end('counted');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    stop: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

/** One planned change as `plan --format json` prints it. */
export interface JsonChange {
  change: { kind: string; userName?: string; accountName?: string; [key: string]: unknown };
  impact: string;
  summary: string;
}

export interface JsonPlan {
  version: number;
  baseline: Record<string, string>;
  changes: JsonChange[];
  notes: string[];
  unmanagedUsers: string[];
}

export function parsePlan(stdout: string): JsonPlan {
  return JSON.parse(stdout) as JsonPlan;
}

/** `[kind, user or account name]` per change, in plan order. */
export function changeList(plan: JsonPlan): [string, string | undefined][] {
  return plan.changes.map(({ change }) => [change.kind, change.userName ?? change.accountName]);
}

/** The temporary password in a welcome or password-reset email body; undefined when there is none. */
export function passwordIn(body: string): string | undefined {
  return /^Temporary password:\s+(\S+)$/m.exec(body)?.[1];
}

/** The path of the OU an account sits in (`/Workloads/Production`), walking ListParents up to the root. */
export async function ouPathOf(org: OrganizationsClient, accountId: string): Promise<string> {
  const names: string[] = [];
  let childId = accountId;
  for (;;) {
    const parent = (await org.send(new ListParentsCommand({ ChildId: childId }))).Parents?.[0];
    if (parent?.Id === undefined || parent.Type === 'ROOT') break;
    const ou = await org.send(new DescribeOrganizationalUnitCommand({ OrganizationalUnitId: parent.Id }));
    names.unshift(ou.OrganizationalUnit?.Name ?? '?');
    childId = parent.Id;
  }
  return `/${names.join('/')}`;
}

/** The bootstrap role's trust policy as IAM stores it (URL-encoded JSON, decoded here). */
export async function trustPolicyOf(iam: IAMClient, roleName: string): Promise<TrustPolicy> {
  const role = await iam.send(new GetRoleCommand({ RoleName: roleName }));
  return JSON.parse(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '')) as TrustPolicy;
}

export interface TrustPolicy {
  Version: string;
  Statement: {
    Effect: string;
    Principal: { AWS: string | string[] };
    Action: string | string[];
    Condition?: Record<string, Record<string, string | string[]>>;
  }[];
}

/** Every principal ARN the policy trusts, sorted. */
export function trustedArns(policy: TrustPolicy): string[] {
  return policy.Statement.flatMap((s) => (Array.isArray(s.Principal.AWS) ? s.Principal.AWS : [s.Principal.AWS])).sort();
}

export const userArn = (name: string): string => `arn:aws:iam::${USERS_ACCOUNT}:user/${name}`;

export async function listUserNames(iam: IAMClient): Promise<string[]> {
  return ((await iam.send(new ListUsersCommand({}))).Users ?? []).map((u) => u.UserName ?? '').sort();
}

export async function accountsByName(org: OrganizationsClient): Promise<Map<string, Account>> {
  const accounts = (await org.send(new ListAccountsCommand({}))).Accounts ?? [];
  return new Map(accounts.map((a) => [a.Name ?? '', a]));
}
