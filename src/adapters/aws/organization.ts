/**
 * OrganizationPort on AWS: AWS Organizations (in the management account, us-east-1) and the
 * bootstrap role inside each member account (IAM, through the access role Organizations creates).
 * Every SDK exception leaves this file as an AppError.
 */
import {
  CloseAccountCommand,
  CreateAccountCommand,
  DescribeCreateAccountStatusCommand,
  DescribeOrganizationCommand,
  MoveAccountCommand,
  OrganizationsClient,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListAccountsForParent,
  paginateListCreateAccountStatus,
  paginateListOrganizationalUnitsForParent,
  paginateListParents,
  paginateListRoots,
  paginateListTagsForResource,
  type Account,
  type CreateAccountStatus,
  type Tag as OrgTag,
} from '@aws-sdk/client-organizations';
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  DeleteRolePolicyCommand,
  DetachRolePolicyCommand,
  GetRoleCommand,
  GetRolePolicyCommand,
  IAMClient,
  PutRolePolicyCommand,
  RemoveRoleFromInstanceProfileCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  paginateListAttachedRolePolicies,
  paginateListInstanceProfilesForRole,
  paginateListRolePolicies,
  type Role,
} from '@aws-sdk/client-iam';
import { isDeepStrictEqual } from 'node:util';
import pLimit from 'p-limit';
import { AppError, isAppError } from '../../core/errors.ts';
import {
  CLOSURE_REQUESTED_TAG,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  findTag,
  isManaged,
  type LiveAccount,
  type LiveAccountCreation,
  type LiveAccountStatus,
  type LiveBootstrapRole,
  type LiveOrganization,
  type LiveReaderRole,
  type PolicyDocument,
  type SettingsFile,
  type Tags,
} from '../../core/model.ts';
import { isSamePolicy } from '../../core/plan.ts';
import type { BootstrapRoleInput, CreateAccountInput, OrganizationPort, ReaderRoleInput } from '../../ports/organization.ts';
import { awsClientConfig, roleToAssume, type AwsAccess, type Env } from './clients.ts';
import { isAwsError, translateAwsError, withEndpointInErrors } from './errors.ts';
import { pacerFor, withPacing } from './pacing.ts';
import { errorName, translateOrganizationsError } from './organization-errors.ts';
import { readTrustPolicy } from './organization-trust.ts';
import { decodePolicyDocument } from './policy-document.ts';

/** The Organizations API lives in us-east-1 (aws-facts §2); IAM is global. */
const REGION = 'us-east-1';
const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';
/** Per-account reads (tags, bootstrap role) in flight at once: Organizations allows few requests per second. */
const CONCURRENCY = 5;
// CLOSURE_REQUESTED_TAG (core) is written on an account just before CloseAccount, with the date
// (YYYY-MM-DD). AWS records no closure date, and a closed account stays listed for 90 days, so
// without it every closed account would count against the 30-day closure quota. This adapter hides
// it from LiveAccount.tags so the planner never sees it as drift.
/** How long finished (SUCCEEDED/FAILED) creation requests are reported; IN_PROGRESS ones always are. */
const RECENT_CREATIONS_MS = 7 * 24 * 60 * 60 * 1000;
const CLOSURE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
/** ConcurrentModificationException is not retried by the SDK; these are our own waits before retrying. */
const CONCURRENT_MODIFICATION_BACKOFF_MS = [1000, 2000, 4000] as const;

export interface AwsOrganizationOptions {
  /** A ready client (tests); otherwise built from `env` and settings. */
  organizations?: OrganizationsClient;
  /**
   * IAM client acting in a member account as `roleName` (tests); otherwise assumes that role there:
   * the access role to write, the reader role (when settings name one) to read.
   */
  iamForAccount?: (accountId: string, roleName: string) => IAMClient;
  sleep?: (ms: number) => Promise<void>;
  /**
   * Which management-account role the built clients assume: `read` (plan) assumes
   * organization.read_role_to_assume when set, and reaches member accounts from it; `write` (apply,
   * the default) assumes organization.role_to_assume.
   */
  access?: AwsAccess;
}

/**
 * Credentials: from `env` when it holds access keys (so tests pass env explicitly), else the SDK's
 * standard chain; then the role `options.access` picks (`read_role_to_assume` for reads when set, else
 * `role_to_assume`) when settings name one. Member accounts are reached
 * by assuming a role there with those credentials: `access_role_name` to write; to read,
 * `reader_role_name` when settings name one (then the access role is never assumed for reading,
 * so the plan stage needs no administrator role in member accounts), else the access role.
 */
export function createAwsOrganization(
  settings: SettingsFile,
  env: Env,
  options: AwsOrganizationOptions = {},
): OrganizationPort {
  const orgConfig = awsClientConfig('ORGANIZATIONS', {
    region: REGION,
    roleArn: roleToAssume(settings.organization, options.access ?? 'write'),
    env,
  });
  const org = options.organizations ?? withEndpointInErrors(new OrganizationsClient(orgConfig));
  const accessRoleName = settings.organization.access_role_name;
  const access = options.access ?? 'write';
  const ownsIamClients = options.iamForAccount === undefined;
  const iamForAccount =
    options.iamForAccount ??
    ((accountId: string, roleName: string) =>
      withPacing(
        withEndpointInErrors(
          new IAMClient(
            awsClientConfig('IAM', {
              region: REGION,
              roleArn: `arn:aws:iam::${accountId}:role/${roleName}`,
              env,
              masterCredentials: orgConfig.credentials,
            }),
          ),
        ),
        pacerFor(accountId),
      ));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const usersAccountId = settings.users_account.id;
  const ouIds = new Map<string, string>();

  /** One Organizations call, retried on ConcurrentModificationException, translated on failure. */
  async function call<T>(context: string, fn: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await fn();
      } catch (error) {
        const wait = CONCURRENT_MODIFICATION_BACKOFF_MS[attempt];
        if (errorName(error) === 'ConcurrentModificationException' && wait !== undefined) {
          await sleep(wait);
          continue;
        }
        throw translateOrganizationsError(error, context);
      }
    }
  }

  /**
   * Runs `fn` with IAM in the member account. Credentials are resolved first, so a failed AssumeRole
   * (a brand-new account answers AccessDenied for a few minutes, aws-facts §3) is told apart from an
   * IAM error and becomes `account-not-ready`, which the apply engine retries with back-off.
   */
  async function withMemberIam<T>(
    accountId: string,
    fn: (iam: IAMClient) => Promise<T>,
    roleName: string = accessRoleName,
  ): Promise<T> {
    const iam = iamForAccount(accountId, roleName);
    try {
      try {
        await iam.config.credentials();
      } catch (cause) {
        if (!isAwsError(cause, 'AccessDenied')) {
          throw translateAwsError(cause, `STS AssumeRole ${roleName} in account ${accountId}`);
        }
        throw new AppError(
          'account-not-ready',
          `Cannot act in account ${accountId}: STS refused AssumeRole on ${roleName} there (AccessDenied).`,
          {
            cause,
            hint:
              'A new account refuses AssumeRole for a few minutes after it is created; run again shortly. ' +
              `If it persists, check that ${roleName} exists in the account and trusts ${roleName === accessRoleName ? 'the management account' : 'organization.reader_trusted_role_arns'}.`,
          },
        );
      }
      return await fn(iam);
    } finally {
      if (ownsIamClients) iam.destroy();
    }
  }

  async function rootId(): Promise<string> {
    const cached = ouIds.get('/');
    if (cached !== undefined) return cached;
    for await (const page of paginateListRoots({ client: org }, {})) {
      const id = page.Roots?.[0]?.Id;
      if (id !== undefined) {
        ouIds.set('/', id);
        return id;
      }
    }
    throw new AppError('organization-not-found', 'The Organization has no root.', {
      hint: 'Check that the credentials belong to the management account.',
    });
  }

  async function listChildOus(parentId: string): Promise<{ id: string; name: string }[]> {
    const out: { id: string; name: string }[] = [];
    for await (const page of paginateListOrganizationalUnitsForParent({ client: org }, { ParentId: parentId })) {
      for (const ou of page.OrganizationalUnits ?? []) {
        if (ou.Id !== undefined && ou.Name !== undefined) out.push({ id: ou.Id, name: ou.Name });
      }
    }
    return out;
  }

  async function listAccountsIn(parentId: string): Promise<Account[]> {
    const out: Account[] = [];
    for await (const page of paginateListAccountsForParent({ client: org }, { ParentId: parentId })) {
      out.push(...(page.Accounts ?? []));
    }
    return out;
  }

  async function listTags(accountId: string): Promise<Record<string, string>> {
    const tags: Record<string, string> = {};
    for await (const page of paginateListTagsForResource({ client: org }, { ResourceId: accountId })) {
      for (const tag of page.Tags ?? []) {
        if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
      }
    }
    return tags;
  }

  async function resolveOuPath(ouPath: string): Promise<string> {
    const segments = ouPath.split('/').filter((s) => s !== '');
    let path = '';
    let id = await call('reading the Organization root', rootId);
    for (const segment of segments) {
      path = `${path}/${segment}`;
      const cached = ouIds.get(path);
      if (cached !== undefined) {
        id = cached;
        continue;
      }
      const parentId = id;
      const children = await call(`listing the OUs under ${path.slice(0, -segment.length - 1) || '/'}`, () =>
        listChildOus(parentId),
      );
      const child = children.find((c) => c.name === segment);
      if (child === undefined) {
        throw new AppError('ou-not-found', `Organizational unit ${ouPath} does not exist (no "${segment}" at ${path}).`, {
          fault: 'user',
          hint: `Create the OU ${path} in AWS Organizations first, or fix organizational_unit in the account file.`,
        });
      }
      ouIds.set(path, child.id);
      id = child.id;
    }
    return id;
  }

  async function getRole(iam: IAMClient, roleName: string, context: string): Promise<Role | undefined> {
    try {
      return (await iam.send(new GetRoleCommand({ RoleName: roleName }))).Role;
    } catch (error) {
      if (isAwsError(error, 'NoSuchEntity')) return undefined;
      throw translateAwsError(error, context);
    }
  }

  async function attachedPolicyArns(iam: IAMClient, roleName: string): Promise<string[]> {
    const arns: string[] = [];
    for await (const page of paginateListAttachedRolePolicies({ client: iam }, { RoleName: roleName })) {
      for (const policy of page.AttachedPolicies ?? []) if (policy.PolicyArn) arns.push(policy.PolicyArn);
    }
    return arns;
  }

  async function readBootstrapRole(
    accountId: string,
    roleName: string,
  ): Promise<LiveBootstrapRole | 'unknown' | undefined> {
    try {
      return await withMemberIam(accountId, (iam) => bootstrapRoleIn(iam, accountId, roleName));
    } catch (error) {
      // The account cannot be looked into: report it as such rather than fail the whole read.
      if (isAppError(error) && (error.code === 'account-not-ready' || error.code === 'access-denied')) return 'unknown';
      throw error;
    }
  }

  /**
   * The reader role itself, then the bootstrap role. Plans (read access) go through the reader role:
   * one that cannot be assumed (missing, or not trusting us: AWS answers AccessDenied either way) is
   * reported absent, so the plan puts it, and the bootstrap role unknown; the access role is not the
   * fallback. Apply (write access) reads both through the access role it writes with anyway, so a
   * missing or broken reader role never hides a bootstrap change (a user to stop trusting).
   */
  async function readThroughReader(
    accountId: string,
    readerRoleName: string,
    bootstrapRoleName: string,
  ): Promise<{ reader?: LiveReaderRole; bootstrap?: LiveBootstrapRole | 'unknown' }> {
    try {
      return await withMemberIam(
        accountId,
        async (iam) => {
          const reader = await readerRoleIn(iam, accountId, readerRoleName);
          let bootstrap: LiveBootstrapRole | 'unknown' | undefined;
          try {
            bootstrap = await bootstrapRoleIn(iam, accountId, bootstrapRoleName);
          } catch (error) {
            if (!(isAppError(error) && error.code === 'access-denied')) throw error;
            bootstrap = 'unknown';
          }
          return { ...(reader === undefined ? {} : { reader }), ...(bootstrap === undefined ? {} : { bootstrap }) };
        },
        access === 'read' ? readerRoleName : accessRoleName,
      );
    } catch (error) {
      if (isAppError(error) && (error.code === 'account-not-ready' || error.code === 'access-denied')) return { bootstrap: 'unknown' };
      throw error;
    }
  }

  /**
   * The reader role as it is. One it may not read itself (permissions changed by hand) is reported
   * absent: the plan then puts it, which rewrites it (and refuses an unmanaged one).
   */
  async function readerRoleIn(iam: IAMClient, accountId: string, roleName: string): Promise<LiveReaderRole | undefined> {
    const context = `reading role ${roleName} in account ${accountId}`;
    try {
      const role = await getRole(iam, roleName, context);
      if (role === undefined) return undefined;
      const policies: Record<string, PolicyDocument> = {};
      for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName })) {
        for (const name of page.PolicyNames ?? []) {
          const got = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
          policies[name] = decodePolicyDocument(got.PolicyDocument ?? '{}', `policy ${name} of role ${roleName} in account ${accountId}`);
        }
      }
      return {
        managed: isManaged(roleTags(role)),
        trustPolicy: decodePolicyDocument(role.AssumeRolePolicyDocument ?? '{}', `trust policy of role ${roleName} in account ${accountId}`),
        policies,
        attachedPolicyArns: await attachedPolicyArns(iam, roleName),
      };
    } catch (error) {
      if (isAwsError(error, 'AccessDenied') || (isAppError(error) && error.code === 'access-denied')) return undefined;
      if (isAppError(error)) throw error;
      throw translateAwsError(error, context);
    }
  }

  async function bootstrapRoleIn(iam: IAMClient, accountId: string, roleName: string): Promise<LiveBootstrapRole | undefined> {
    const context = `reading role ${roleName} in account ${accountId}`;
    // GetRole returns the role's tags (at most 50, all of them), so no ListRoleTags call.
    const role = await getRole(iam, roleName, context);
    if (role === undefined) return undefined;
    const trust = readTrustPolicy(role.AssumeRolePolicyDocument ?? '{}', usersAccountId);
    let arns: string[];
    try {
      arns = await attachedPolicyArns(iam, roleName);
    } catch (error) {
      throw translateAwsError(error, context);
    }
    return {
      managed: isManaged(roleTags(role)),
      trustedUsers: trust.trusted,
      requiresMfa: trust.requiresMfa,
      hasAdministratorAccess: arns.includes(ADMINISTRATOR_ACCESS),
    };
  }

  /** One member account, or the management account (whose bootstrap role is not read). */
  async function readAccount(
    account: Account,
    ouPath: string,
    managementIds: ReadonlySet<string>,
    bootstrapRoleName: string,
    readerRoleName: string | undefined,
  ): Promise<{ live: LiveAccount; closing: boolean; closureRequested?: string }> {
    const id = account.Id ?? '';
    const allTags = await call(`reading the tags of account ${id}`, () => listTags(id));
    const { [CLOSURE_REQUESTED_TAG]: closureRequested, ...tags } = allTags;
    const state = accountState(account);
    const status = toLiveStatus(state);
    const live: LiveAccount = { id, name: account.Name ?? '', email: account.Email ?? '', status, ouPath, tags };
    if (!managementIds.has(id)) {
      if (status !== 'ACTIVE') {
        live.bootstrap = 'unknown';
        if (readerRoleName !== undefined) live.reader = 'unknown';
      } else if (readerRoleName === undefined) {
        const bootstrap = await readBootstrapRole(id, bootstrapRoleName);
        if (bootstrap !== undefined) live.bootstrap = bootstrap;
      } else {
        const { reader, bootstrap } = await readThroughReader(id, readerRoleName, bootstrapRoleName);
        if (reader !== undefined) live.reader = reader;
        if (bootstrap !== undefined) live.bootstrap = bootstrap;
      }
    } else if (readerRoleName !== undefined) {
      // The management account gets no reader role; its roles are not read.
      live.reader = 'unknown';
    }
    // A closed (or closing) account, or one this adapter asked to close whatever state AWS now reports.
    const closing = CLOSURE_STATES.has(state ?? '') || (status !== 'ACTIVE' && closureRequested !== undefined);
    return closureRequested === undefined ? { live, closing } : { live, closing, closureRequested };
  }

  async function listCreations(): Promise<LiveAccountCreation[]> {
    const since = Date.now() - RECENT_CREATIONS_MS;
    const out: { creation: LiveAccountCreation; requested: number }[] = [];
    for await (const page of paginateListCreateAccountStatus({ client: org }, {})) {
      for (const status of page.CreateAccountStatuses ?? []) {
        const requested = status.RequestedTimestamp?.getTime() ?? Date.now();
        if (status.State !== 'IN_PROGRESS' && requested < since) continue;
        out.push({ creation: toCreation(status), requested });
      }
    }
    // Newest first, so the latest request for a name comes before older ones.
    return out.sort((a, b) => b.requested - a.requested).map((c) => c.creation);
  }

  return {
    async readOrganization(bootstrapRoleName: string, readerRoleName?: string): Promise<LiveOrganization> {
      const limit = pLimit(CONCURRENCY);
      const description = await call('reading the Organization', () =>
        org.send(new DescribeOrganizationCommand({})),
      );
      const managementIds = new Set([settings.organization.management_account_id]);
      const master = description.Organization?.MasterAccountId;
      if (master !== undefined) managementIds.add(master);

      const root = await call('reading the Organization root', rootId);
      const ouPaths: string[] = ['/'];
      const placed: { account: Account; ouPath: string }[] = [];
      // Walk the OU tree; ListAccountsForParent per parent also gives each account's OU path, so no
      // ListAccounts + ListParents per account.
      const visit = async (parentId: string, path: string): Promise<void> => {
        const [children, accounts] = await Promise.all([
          limit(() => call(`listing the OUs under ${path}`, () => listChildOus(parentId))),
          limit(() => call(`listing the accounts in ${path}`, () => listAccountsIn(parentId))),
        ]);
        for (const account of accounts) placed.push({ account, ouPath: path });
        await Promise.all(
          children.map((child) => {
            const childPath = path === '/' ? `/${child.name}` : `${path}/${child.name}`;
            ouIds.set(childPath, child.id);
            ouPaths.push(childPath);
            return visit(child.id, childPath);
          }),
        );
      };
      await visit(root, '/');

      const [read, creations] = await Promise.all([
        Promise.all(
          placed.map(({ account, ouPath }) =>
            limit(() => readAccount(account, ouPath, managementIds, bootstrapRoleName, readerRoleName)),
          ),
        ),
        call('listing account creation requests', listCreations),
      ]);

      const windowStart = Date.now() - CLOSURE_WINDOW_MS;
      const members = read.filter(({ live }) => !managementIds.has(live.id));
      return {
        accounts: read.map(({ live }) => live).sort((a, b) => a.name.localeCompare(b.name)),
        ouPaths: ouPaths.sort(),
        creations,
        closedInLast30Days: members.filter(
          ({ closing, closureRequested }) => closing && isWithinWindow(closureRequested, windowStart),
        ).length,
        // Closed accounts stay members (SUSPENDED) until AWS removes them after 90 days, as in the sandbox.
        memberAccountCount: members.length,
      };
    },

    async startAccountCreation(input: CreateAccountInput): Promise<string> {
      const response = await call(`creating account "${input.accountName}"`, () =>
        org.send(
          new CreateAccountCommand({
            Email: input.email,
            AccountName: input.accountName,
            RoleName: input.accessRoleName,
            IamUserAccessToBilling: 'ALLOW',
            Tags: toOrgTags(withManagedBy(input.tags)),
          }),
        ),
      );
      const id = response.CreateAccountStatus?.Id;
      if (id === undefined) {
        throw new AppError('aws-error', `creating account "${input.accountName}": AWS returned no request id.`, {
          hint: 'Run again: the next run finds the request among the in-progress creations if it was made.',
        });
      }
      return id;
    },

    async describeAccountCreation(requestId: string): Promise<LiveAccountCreation> {
      const response = await call(`reading account creation request ${requestId}`, () =>
        org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: requestId })),
      );
      if (response.CreateAccountStatus === undefined) {
        throw new AppError('aws-error', `reading account creation request ${requestId}: AWS returned no status.`);
      }
      return toCreation(response.CreateAccountStatus);
    },

    async moveAccount(accountId: string, ouPath: string): Promise<void> {
      const destination = await resolveOuPath(ouPath);
      const source = await call(`finding the current OU of account ${accountId}`, async () => {
        for await (const page of paginateListParents({ client: org }, { ChildId: accountId })) {
          const id = page.Parents?.[0]?.Id;
          if (id !== undefined) return id;
        }
        return undefined;
      });
      if (source === undefined) {
        throw new AppError('not-found', `Account ${accountId} has no parent in the Organization.`, {
          hint: 'Check the account id; it may have left the Organization.',
        });
      }
      if (source === destination) return;
      try {
        await call(`moving account ${accountId} to ${ouPath}`, () =>
          org.send(
            new MoveAccountCommand({ AccountId: accountId, SourceParentId: source, DestinationParentId: destination }),
          ),
        );
      } catch (error) {
        // DuplicateAccountException: the account is already in the destination.
        if (isAppError(error) && errorName(error.cause) === 'DuplicateAccountException') return;
        throw error;
      }
    },

    async tagAccount(accountId: string, tags: Tags): Promise<void> {
      if (Object.keys(tags).length === 0) return;
      await call(`tagging account ${accountId}`, () =>
        org.send(new TagResourceCommand({ ResourceId: accountId, Tags: toOrgTags(tags) })),
      );
    },

    async untagAccount(accountId: string, keys: readonly string[]): Promise<void> {
      if (keys.length === 0) return;
      await call(`untagging account ${accountId}`, () =>
        org.send(new UntagResourceCommand({ ResourceId: accountId, TagKeys: [...keys] })),
      );
    },

    async closeAccount(accountId: string): Promise<void> {
      // Only what the project owns, as for bootstrap roles: the planner never asks to close an
      // unmanaged account, and this keeps it so whoever calls the port (the apply role's
      // CloseOnlyManagedAccounts statement says the same to AWS).
      const current = await call(`reading the tags of account ${accountId}`, () => listTags(accountId));
      if (!isManaged(current)) {
        throw new AppError(
          'not-managed',
          `Account ${accountId} has no ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} tag: it was not created or adopted by this tool, so it is not closed.`,
          { fault: 'user', hint: 'Close it by hand, or set state: active in its file first so the project adopts (tags) it.' },
        );
      }
      // Tag first: if the run stops between the two calls the account is still ACTIVE and a stale tag
      // on an ACTIVE account counts for nothing; the next attempt rewrites it.
      await call(`recording the closure date of account ${accountId}`, () =>
        org.send(
          new TagResourceCommand({
            ResourceId: accountId,
            Tags: [{ Key: CLOSURE_REQUESTED_TAG, Value: new Date().toISOString().slice(0, 10) }],
          }),
        ),
      );
      try {
        await call(`closing account ${accountId}`, () => org.send(new CloseAccountCommand({ AccountId: accountId })));
      } catch (error) {
        if (isAppError(error) && errorName(error.cause) === 'AccountAlreadyClosedException') return;
        throw error;
      }
    },

    async putBootstrapRole(input: BootstrapRoleInput): Promise<void> {
      const { accountId, roleName } = input;
      const context = `putting role ${roleName} in account ${accountId}`;
      const document = JSON.stringify(input.trustPolicy);
      await withMemberIam(accountId, async (iam) => {
        try {
          const role = await getRole(iam, roleName, context);
          if (role === undefined) {
            await createManagedRole(iam, roleName, document, input.tags, 'Administrator role for the account bootstrap users (aws-access-as-code).');
            await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: ADMINISTRATOR_ACCESS }));
            return;
          }
          const tags = roleTags(role);
          if (!isManaged(tags)) throw notManaged(roleName, accountId);
          // Write only what differs, so a re-run changes nothing (and leaves nothing in CloudTrail).
          const current = role.AssumeRolePolicyDocument === undefined ? undefined : decodePolicyDocument(role.AssumeRolePolicyDocument, `trust policy of role ${roleName} in account ${accountId}`);
          if (!isDeepStrictEqual(current, input.trustPolicy)) {
            await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: document }));
          }
          await tagRoleWhereDifferent(iam, roleName, tags, input.tags);
          // A run stopped between CreateRole and AttachRolePolicy leaves the role without it.
          if (!(await attachedPolicyArns(iam, roleName)).includes(ADMINISTRATOR_ACCESS)) {
            await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: ADMINISTRATOR_ACCESS }));
          }
        } catch (error) {
          throw translateAwsError(error, context);
        }
      });
    },

    async putReaderRole(input: ReaderRoleInput): Promise<void> {
      const { accountId, roleName } = input;
      const context = `putting role ${roleName} in account ${accountId}`;
      const trust = JSON.stringify(input.trustPolicy);
      const policy = JSON.stringify(input.policy);
      // Written with the access role: the reader role may not change anything, itself included.
      await withMemberIam(accountId, async (iam) => {
        try {
          const role = await getRole(iam, roleName, context);
          if (role === undefined) {
            await createManagedRole(iam, roleName, trust, input.tags, 'Read-only: lets aws-access-as-code plans read the bootstrap role.');
            await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: input.policyName, PolicyDocument: policy }));
            return;
          }
          const tags = roleTags(role);
          if (!isManaged(tags)) throw notManaged(roleName, accountId, 'reader_role_name');
          // Write only what differs, so a re-run changes nothing.
          const where = `role ${roleName} in account ${accountId}`;
          const current = decodePolicyDocument(role.AssumeRolePolicyDocument ?? '{}', `trust policy of ${where}`);
          if (!isSamePolicy(current, input.trustPolicy)) {
            await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trust }));
          }
          await tagRoleWhereDifferent(iam, roleName, tags, input.tags);
          let hasPolicy = false;
          for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName })) {
            for (const name of page.PolicyNames ?? []) {
              if (name !== input.policyName) {
                await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
                continue;
              }
              const got = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
              hasPolicy = isSamePolicy(decodePolicyDocument(got.PolicyDocument ?? '{}', `policy ${name} of ${where}`), input.policy);
            }
          }
          if (!hasPolicy) {
            await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: input.policyName, PolicyDocument: policy }));
          }
          for (const arn of await attachedPolicyArns(iam, roleName)) {
            await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
          }
        } catch (error) {
          if (isAppError(error)) throw error;
          throw translateAwsError(error, context);
        }
      });
    },

    async deleteBootstrapRole(accountId: string, roleName: string): Promise<void> {
      const context = `deleting role ${roleName} in account ${accountId}`;
      await withMemberIam(accountId, async (iam) => {
        try {
          const role = await getRole(iam, roleName, context);
          if (role === undefined) return;
          if (!isManaged(roleTags(role))) throw notManaged(roleName, accountId);
          // DeleteRole fails with DeleteConflict while anything below remains attached.
          for (const arn of await attachedPolicyArns(iam, roleName)) {
            await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
          }
          for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName })) {
            for (const name of page.PolicyNames ?? []) {
              await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
            }
          }
          for await (const page of paginateListInstanceProfilesForRole({ client: iam }, { RoleName: roleName })) {
            for (const profile of page.InstanceProfiles ?? []) {
              if (profile.InstanceProfileName === undefined) continue;
              await iam.send(
                new RemoveRoleFromInstanceProfileCommand({
                  RoleName: roleName,
                  InstanceProfileName: profile.InstanceProfileName,
                }),
              );
            }
          }
          await iam.send(new DeleteRoleCommand({ RoleName: roleName }));
        } catch (error) {
          // Deleted by someone else meanwhile: the goal is reached.
          if (isAwsError(error, 'NoSuchEntity')) return;
          throw translateAwsError(error, context);
        }
      });
    },
  };
}

/** The states in which an account is closed or closing (counted against the closure quota). */
const CLOSURE_STATES: ReadonlySet<string> = new Set(['PENDING_CLOSURE', 'SUSPENDED', 'CLOSED']);

/**
 * The account's state as AWS reports it. `State` (ACTIVE | PENDING_ACTIVATION | PENDING_CLOSURE |
 * SUSPENDED | CLOSED) replaces `Status` (ACTIVE | PENDING_CLOSURE | SUSPENDED), which AWS retires on
 * 9 September 2026; Status is only the fallback. Kept as a plain string: AWS adds values.
 */
function accountState(account: Account): string | undefined {
  return account.State ?? account.Status;
}

/**
 * Only an ACTIVE account is ACTIVE. A state this adapter does not know (PENDING_ACTIVATION: sign-up
 * never completed and the account is unusable, per the Organizations guide "Monitor the state of
 * your AWS accounts"; or any state AWS adds later) is reported as SUSPENDED, because the planner
 * leaves every non-ACTIVE account alone: no tags, moves, bootstrap role, email or closure, and its
 * role is not read ('unknown'). Calling it ACTIVE would have the planner write to an account that
 * may not be usable; SUSPENDED (AWS's word for "unusable, and not through this tool") is the
 * closest of the core's three values. It does not count against the closure quota unless this
 * adapter asked for its closure (see `closing` in readAccount).
 */
function toLiveStatus(state: string | undefined): LiveAccountStatus {
  switch (state) {
    case 'ACTIVE':
      return 'ACTIVE';
    case 'PENDING_CLOSURE':
      return 'PENDING_CLOSURE';
    default:
      return 'SUSPENDED';
  }
}

/** A closed account without the tag (closed by hand, or the tag was lost) counts: the safe side. */
function isWithinWindow(closureRequested: string | undefined, windowStart: number): boolean {
  if (closureRequested === undefined) return true;
  const at = Date.parse(closureRequested);
  return Number.isNaN(at) || at >= windowStart;
}

function toCreation(status: CreateAccountStatus): LiveAccountCreation {
  const state = status.State === 'SUCCEEDED' || status.State === 'FAILED' ? status.State : 'IN_PROGRESS';
  return {
    requestId: status.Id ?? '',
    accountName: status.AccountName ?? '',
    state,
    ...(status.AccountId ? { accountId: status.AccountId } : {}),
    // Kept raw: AWS keeps adding reasons (aws-facts §2); the apply engine turns known ones into advice.
    ...(status.FailureReason ? { failureReason: status.FailureReason } : {}),
  };
}

/** IAM role tags as the core's Tags, for `isManaged` (which compares keys ignoring case, as IAM does). */
function roleTags(role: Role): Tags {
  const tags: Record<string, string> = {};
  for (const tag of role.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return tags;
}

function notManaged(roleName: string, accountId: string, setting = 'bootstrap_role_name'): AppError {
  return new AppError(
    'not-managed',
    `Role ${roleName} in account ${accountId} exists but was not created by this tool (no ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} tag); it is left untouched.`,
    {
      fault: 'user',
      hint: `If the tool should own it, tag it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} in that account; otherwise choose another ${setting}.`,
    },
  );
}

function withManagedBy(tags: Tags): Tags {
  return { ...tags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
}

function toOrgTags(tags: Tags): OrgTag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

function toIamTags(tags: Tags): { Key: string; Value: string }[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

/** A role tagged managed-by, with a one-hour session limit (role chaining caps sessions at one hour). */
async function createManagedRole(iam: IAMClient, roleName: string, trustPolicy: string, tags: Tags, description: string): Promise<void> {
  await iam.send(
    new CreateRoleCommand({
      RoleName: roleName,
      AssumeRolePolicyDocument: trustPolicy,
      MaxSessionDuration: 3600,
      Description: description,
      Tags: toIamTags(withManagedBy(tags)),
    }),
  );
}

/** Writes only the tags whose value differs (keys compared ignoring case, as IAM does for roles). */
async function tagRoleWhereDifferent(iam: IAMClient, roleName: string, current: Tags, wanted: Tags): Promise<void> {
  const changed = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => findTag(current, key)?.value !== value));
  if (Object.keys(changed).length > 0) await iam.send(new TagRoleCommand({ RoleName: roleName, Tags: toIamTags(changed) }));
}
