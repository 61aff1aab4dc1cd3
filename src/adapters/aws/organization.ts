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
  ListAWSServiceAccessForOrganizationCommand,
  MoveAccountCommand,
  OrganizationsClient,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListAccounts,
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
  UpdateRoleCommand,
  paginateGetAccountAuthorizationDetails,
  paginateListAttachedRolePolicies,
  paginateListInstanceProfilesForRole,
  paginateListRolePolicies,
  type Role,
  type RoleDetail,
} from '@aws-sdk/client-iam';
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
  type LiveFacets,
  type LiveOrganization,
  type LiveRole,
  type LiveRoles,
  type PolicyDocument,
  type SettingsFile,
  type Tags,
} from '../../core/model.ts';
import { isSamePolicy } from '../../core/policy-compare.ts';
import type { RoleSpec } from '../../core/roles.ts';
import { FACET_FAMILIES, facetSource, isFacetFamily, type FacetFamily } from '../../core/facet-sources.ts';
import { facetId, parseFacetId, type FacetValue } from '../../core/facets.ts';
import { AWS_FACET_FAMILIES, type AwsFacetFamily } from './account-facets.ts';
import { protectedAccounts, refuseProtectedAccount } from '../../core/protected-accounts.ts';
import type { CreateAccountInput, FoundAccount, OrganizationPort } from '../../ports/organization.ts';
import { awsClientConfig, roleToAssume, type AwsAccess, type AwsClientConfig, type AwsService, type Env } from './clients.ts';
import { isAwsError, translateAwsError, withEndpointInErrors } from './errors.ts';
import { pacerFor, withPacing } from './pacing.ts';
import { errorName, translateOrganizationsError } from './organization-errors.ts';
import { decodePolicyDocument } from './policy-document.ts';

/** The Organizations API lives in us-east-1 (https://docs.aws.amazon.com/general/latest/gr/ao.html); IAM is global. */
const REGION = 'us-east-1';
/** Per-account reads (tags) in flight at once: Organizations allows few requests per second. */
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
/** After a failed CreateAccount: further looks for the request it may have made (see recoverCreation). */
const RECOVERY_WAITS_MS = [2000, 5000] as const;

export interface AwsOrganizationOptions {
  /** A ready client (tests); otherwise built from `env` and settings. */
  organizations?: OrganizationsClient;
  /**
   * The client CreateAccount is sent with (tests); otherwise one like `organizations` but with no
   * SDK retries (see startAccountCreation). Defaults to `organizations` when that is given.
   */
  createAccountClient?: OrganizationsClient;
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
  // Facet families (account-facets.ts) act from the management account, as Organizations does.
  const facetFamilies = new Map<FacetFamily, AwsFacetFamily>();
  const facetFamily = (family: FacetFamily): AwsFacetFamily => {
    let built = facetFamilies.get(family);
    if (built === undefined) {
      const make: (deps: { clientConfig: (service: AwsService) => AwsClientConfig }) => AwsFacetFamily = AWS_FACET_FAMILIES[family];
      built = make({
        clientConfig: (service) => awsClientConfig(service, { region: REGION, roleArn: roleToAssume(settings.organization, access), env }),
      });
      facetFamilies.set(family, built);
    }
    return built;
  };
  const ouIds = new Map<string, string>();
  // The project's own accounts: refused here too, whatever asks (defence in depth behind the planner).
  const protectedIds = protectedAccounts(settings);
  // CreateAccount is not idempotent: an SDK retry after a reset connection (the request processed,
  // the answer lost) would create a second account. This client makes one attempt only; whatever
  // goes wrong is followed by a look for the request (startAccountCreation).
  const createAccountClient =
    options.createAccountClient ??
    options.organizations ??
    withEndpointInErrors(new OrganizationsClient({ ...orgConfig, maxAttempts: 1 }));

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
   * (a brand-new account answers AccessDenied for a few minutes, https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html) is told apart from an
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

  /**
   * Every role of the account in one paginated GetAccountAuthorizationDetails with the Role filter:
   * trust policy, inline policies, attached policies and tags come in the same answer, so the cost
   * does not grow with the number of roles (moto never truncates; AWS may, hence the paginator).
   */
  async function rolesIn(iam: IAMClient, accountId: string): Promise<LiveRole[]> {
    const roles: LiveRole[] = [];
    for await (const page of paginateGetAccountAuthorizationDetails({ client: iam, pageSize: 1000 }, { Filter: ['Role'] })) {
      for (const detail of page.RoleDetailList ?? []) roles.push(toLiveRole(detail, accountId));
    }
    return roles.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** One account: its place, tags and state (its roles are read by readRoles). */
  async function readAccount(
    account: Account,
    ouPath: string,
  ): Promise<{ live: LiveAccount; closing: boolean; closureRequested?: string }> {
    const id = account.Id ?? '';
    const allTags = await call(`reading the tags of account ${id}`, () => listTags(id));
    const { [CLOSURE_REQUESTED_TAG]: closureRequested, ...tags } = allTags;
    const state = accountState(account);
    const status = toLiveStatus(state);
    const live: LiveAccount = { id, name: account.Name ?? '', email: account.Email ?? '', status, ouPath, tags };
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

  async function findAccounts(query: { name: string; email: string }): Promise<FoundAccount[]> {
    const found: FoundAccount[] = [];
    await call('listing the accounts of the Organization', async () => {
      for await (const page of paginateListAccounts({ client: org }, {})) {
        for (const account of page.Accounts ?? []) {
          if (account.Name !== query.name && (account.Email ?? '').toLowerCase() !== query.email.toLowerCase()) continue;
          found.push({ id: account.Id ?? '', name: account.Name ?? '', email: account.Email ?? '', state: accountState(account) ?? 'UNKNOWN', managed: false });
        }
      }
    });
    for (const account of found) account.managed = isManaged(await call(`reading the tags of account ${account.id}`, () => listTags(account.id)));
    return found;
  }

  /**
   * After CreateAccount failed or its answer was lost: the request AWS may have accepted anyway
   * (in progress or succeeded, same name), else an account with that name or root email. Looked for
   * a few times, since a fresh request can take a moment to be listed. Never asks again itself.
   */
  async function recoverCreation(input: CreateAccountInput, failure: AppError): Promise<string> {
    for (const wait of [0, ...RECOVERY_WAITS_MS]) {
      if (wait > 0) await sleep(wait);
      let creations: LiveAccountCreation[];
      let accounts: FoundAccount[];
      try {
        creations = await call('listing account creation requests', listCreations);
        accounts = await findAccounts({ name: input.accountName, email: input.email });
      } catch {
        continue; // AWS unreachable for now: look again, then report the original failure
      }
      const request = creations.find((c) => c.accountName === input.accountName && c.state !== 'FAILED');
      if (request !== undefined) return request.requestId;
      const existing = accounts.find((a) => a.state === 'ACTIVE');
      if (existing !== undefined) {
        throw new AppError(
          'account-exists',
          `${failure.message} The Organization already has account ${existing.id} (${existing.name}, ${existing.email}), so CreateAccount was not asked again.`,
          { fault: 'user', hint: 'Run plan again: it shows how that account pairs with the file (or why it cannot).', cause: failure.cause ?? failure },
        );
      }
    }
    throw new AppError(failure.code, `${failure.message} No creation request or account named "${input.accountName}" (root email ${input.email}) was found afterwards, so it was not asked again in this run.`, {
      fault: failure.fault,
      hint: failure.hint ?? 'Run apply again: the next plan looks for the request or the account before asking for a new one.',
      cause: failure.cause ?? failure,
    });
  }

  /**
   * The services with trusted access, when a facet family needs one (else not asked). Undefined when
   * the role may not list them (organizations:ListAWSServiceAccessForOrganization): then the plan
   * does not say what is missing, and a family's own calls report it.
   */
  async function listTrustedServices(): Promise<string[] | undefined> {
    if (!FACET_FAMILIES.some((family) => facetSource(family).trustedService !== undefined)) return undefined;
    const services: string[] = [];
    try {
      let token: string | undefined;
      do {
        const page = await call('listing the services with trusted access', () =>
          org.send(new ListAWSServiceAccessForOrganizationCommand(token === undefined ? {} : { NextToken: token })),
        );
        for (const service of page?.EnabledServicePrincipals ?? []) if (service.ServicePrincipal) services.push(service.ServicePrincipal);
        token = page?.NextToken;
      } while (token !== undefined);
    } catch (error) {
      if (isAppError(error) && error.code === 'access-denied') return undefined;
      throw error;
    }
    return services.sort();
  }

  return {
    async readOrganization(): Promise<LiveOrganization> {
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

      const [read, creations, trustedServices] = await Promise.all([
        Promise.all(
          placed.map(({ account, ouPath }) =>
            limit(() => readAccount(account, ouPath)),
          ),
        ),
        call('listing account creation requests', listCreations),
        listTrustedServices(),
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
        ...(trustedServices === undefined ? {} : { trustedServices }),
      };
    },

    async startAccountCreation(input: CreateAccountInput): Promise<string> {
      const context = `creating account "${input.accountName}"`;
      let id: string | undefined;
      let failure: AppError | undefined;
      try {
        // Sent once, never through call(): not even ConcurrentModificationException is retried blindly.
        const response = await createAccountClient.send(
          new CreateAccountCommand({
            Email: input.email,
            AccountName: input.accountName,
            RoleName: input.accessRoleName,
            IamUserAccessToBilling: 'ALLOW',
            Tags: toOrgTags(withManagedBy(input.tags)),
          }),
        );
        id = response.CreateAccountStatus?.Id;
        if (id === undefined) failure = new AppError('aws-error', `${context}: AWS returned no request id.`);
      } catch (error) {
        failure = translateOrganizationsError(error, context);
      }
      if (failure === undefined && id !== undefined) return id;
      // The request may have been made (a reset connection, a timeout): look before anyone asks again.
      return recoverCreation(input, failure ?? new AppError('aws-error', `${context} failed.`));
    },

    findAccounts,

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
      refuseProtectedAccount(protectedIds, accountId, 'move');
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
      refuseProtectedAccount(protectedIds, accountId, 'tag');
      if (Object.keys(tags).length === 0) return;
      await call(`tagging account ${accountId}`, () =>
        org.send(new TagResourceCommand({ ResourceId: accountId, Tags: toOrgTags(tags) })),
      );
    },

    async untagAccount(accountId: string, keys: readonly string[]): Promise<void> {
      refuseProtectedAccount(protectedIds, accountId, 'untag');
      if (keys.length === 0) return;
      await call(`untagging account ${accountId}`, () =>
        org.send(new UntagResourceCommand({ ResourceId: accountId, TagKeys: [...keys] })),
      );
    },

    async closeAccount(accountId: string): Promise<void> {
      refuseProtectedAccount(protectedIds, accountId, 'close');
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

    async readFacets(accountId: string, ids: readonly string[]): Promise<LiveFacets> {
      const byFamily = new Map<FacetFamily, string[]>();
      for (const id of ids) {
        const parsed = parseFacetId(id);
        if (parsed === undefined || !isFacetFamily(parsed.family)) continue;
        byFamily.set(parsed.family, [...(byFamily.get(parsed.family) ?? []), parsed.key]);
      }
      const out: Record<string, FacetValue> = {};
      try {
        for (const [family, keys] of byFamily) {
          const values = await facetFamily(family).read(accountId, keys);
          for (const [key, value] of Object.entries(values)) out[facetId(family, key)] = value;
        }
      } catch (error) {
        // The account cannot be looked into (yet): say so rather than fail the whole read.
        if (isAppError(error) && (error.code === 'account-not-ready' || error.code === 'access-denied')) return 'unknown';
        throw error;
      }
      return out;
    },

    async putFacet(accountId: string, family: FacetFamily, key: string, value: FacetValue): Promise<void> {
      refuseProtectedAccount(protectedIds, accountId, `set ${family} ${key} of`);
      await facetFamily(family).put(accountId, key, value);
    },

    async deleteFacet(accountId: string, family: FacetFamily, key: string): Promise<void> {
      refuseProtectedAccount(protectedIds, accountId, `remove ${family} ${key} of`);
      await facetFamily(family).delete(accountId, key);
    },

    async readRoles(accountId: string, readerRoleName?: string): Promise<LiveRoles> {
      // Plans read through the reader role when settings name one; apply reads with the role it writes with.
      const through = access === 'read' && readerRoleName !== undefined ? readerRoleName : accessRoleName;
      const refused: LiveRoles = through === accessRoleName ? 'unknown' : 'denied';
      try {
        return await withMemberIam(
          accountId,
          async (iam) => {
            try {
              return await rolesIn(iam, accountId);
            } catch (error) {
              throw translateAwsError(error, `reading the roles of account ${accountId} as ${through}`);
            }
          },
          through,
        );
      } catch (error) {
        // The account cannot be looked into: say so rather than fail the whole read.
        if (isAppError(error) && (error.code === 'account-not-ready' || error.code === 'access-denied')) return refused;
        throw error;
      }
    },

    async putRole(accountId: string, spec: RoleSpec): Promise<void> {
      refuseProtectedAccount(protectedIds, accountId, `put role ${spec.name} in`);
      const roleName = spec.name;
      const context = `putting role ${roleName} in account ${accountId}`;
      const where = `role ${roleName} in account ${accountId}`;
      const trust = JSON.stringify(spec.trustPolicy);
      // Written with the access role: a reader role may not change anything, itself included.
      await withMemberIam(accountId, async (iam) => {
        try {
          const role = await getRole(iam, roleName, context);
          if (role === undefined) {
            await createManagedRole(iam, spec, trust);
          } else {
            const tags = roleTags(role);
            if (!isManaged(tags)) throw notManaged(roleName, accountId);
            // Write only what differs, so a re-run changes nothing (and leaves nothing in CloudTrail).
            const current = decodePolicyDocument(role.AssumeRolePolicyDocument ?? '{}', `trust policy of ${where}`);
            if (!isSamePolicy(current, spec.trustPolicy)) {
              await iam.send(new UpdateAssumeRolePolicyCommand({ RoleName: roleName, PolicyDocument: trust }));
            }
            if ((role.Description ?? '') !== spec.description) {
              await iam.send(new UpdateRoleCommand({ RoleName: roleName, Description: spec.description }));
            }
            await tagRoleWhereDifferent(iam, roleName, tags, spec.tags);
          }
          const written = new Set<string>();
          if (role !== undefined) {
            for await (const page of paginateListRolePolicies({ client: iam }, { RoleName: roleName })) {
              for (const name of page.PolicyNames ?? []) {
                const wanted = spec.inlinePolicies[name];
                if (wanted === undefined) {
                  await iam.send(new DeleteRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
                  continue;
                }
                const got = await iam.send(new GetRolePolicyCommand({ RoleName: roleName, PolicyName: name }));
                if (isSamePolicy(decodePolicyDocument(got.PolicyDocument ?? '{}', `policy ${name} of ${where}`), wanted)) written.add(name);
              }
            }
          }
          for (const [name, document] of Object.entries(spec.inlinePolicies)) {
            if (written.has(name)) continue;
            await iam.send(new PutRolePolicyCommand({ RoleName: roleName, PolicyName: name, PolicyDocument: JSON.stringify(document) }));
          }
          const attached = role === undefined ? [] : await attachedPolicyArns(iam, roleName);
          for (const arn of attached) {
            if (!spec.attachedPolicyArns.includes(arn)) await iam.send(new DetachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
          }
          // A run stopped between CreateRole and here leaves the role without them: attached on the next put.
          for (const arn of spec.attachedPolicyArns) {
            if (!attached.includes(arn)) await iam.send(new AttachRolePolicyCommand({ RoleName: roleName, PolicyArn: arn }));
          }
        } catch (error) {
          if (isAppError(error)) throw error;
          throw translateAwsError(error, context);
        }
      });
    },

    async deleteRole(accountId: string, roleName: string): Promise<void> {
      refuseProtectedAccount(protectedIds, accountId, `delete role ${roleName} in`);
      const context = `deleting role ${roleName} in account ${accountId}`;
      await withMemberIam(accountId, async (iam) => {
        try {
          const role = await getRole(iam, roleName, context);
          if (role === undefined) return;
          if (!isManaged(roleTags(role))) throw notManaged(roleName, accountId);
          // DeleteRole fails with DeleteConflict while anything below remains attached
          // (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_manage_delete.html).
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
          if (isAppError(error)) throw error;
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
    // Kept raw: AWS keeps adding reasons (https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccountStatus.html); the apply engine turns known ones into advice.
    ...(status.FailureReason ? { failureReason: status.FailureReason } : {}),
  };
}

/** IAM role tags as the core's Tags, for `isManaged` (which compares keys ignoring case, as IAM does). */
function roleTags(role: Role): Tags {
  const tags: Record<string, string> = {};
  for (const tag of role.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return tags;
}

function notManaged(roleName: string, accountId: string): AppError {
  return new AppError(
    'not-managed',
    `Role ${roleName} in account ${accountId} exists but was not created by this tool (no ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} tag); it is left untouched.`,
    {
      fault: 'user',
      hint: `If the tool should own it, tag it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} in that account; otherwise give the role another name in the settings or the account file.`,
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

/**
 * A role tagged managed-by, with a one-hour session limit: role chaining caps sessions at one hour
 * anyway (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_roles_use.html#id_roles_use_view-role-max-session).
 */
async function createManagedRole(iam: IAMClient, spec: RoleSpec, trustPolicy: string): Promise<void> {
  await iam.send(
    new CreateRoleCommand({
      RoleName: spec.name,
      Path: spec.path,
      AssumeRolePolicyDocument: trustPolicy,
      MaxSessionDuration: 3600,
      Description: spec.description,
      Tags: toIamTags(withManagedBy(spec.tags)),
    }),
  );
}

/** A role as GetAccountAuthorizationDetails returns it, its URL-encoded documents decoded. */
function toLiveRole(detail: RoleDetail, accountId: string): LiveRole {
  const name = detail.RoleName ?? '';
  const where = `role ${name} in account ${accountId}`;
  const inlinePolicies: Record<string, PolicyDocument> = {};
  for (const policy of detail.RolePolicyList ?? []) {
    if (policy.PolicyName === undefined) continue;
    inlinePolicies[policy.PolicyName] = decodePolicyDocument(policy.PolicyDocument ?? '{}', `policy ${policy.PolicyName} of ${where}`);
  }
  const tags: Record<string, string> = {};
  for (const tag of detail.Tags ?? []) if (tag.Key !== undefined) tags[tag.Key] = tag.Value ?? '';
  return {
    name,
    path: detail.Path ?? '/',
    trustPolicy: decodePolicyDocument(detail.AssumeRolePolicyDocument ?? '{}', `trust policy of ${where}`),
    inlinePolicies,
    attachedPolicyArns: (detail.AttachedManagedPolicies ?? []).flatMap((p) => (p.PolicyArn === undefined ? [] : [p.PolicyArn])).sort(),
    tags,
    ...(detail.CreateDate === undefined ? {} : { createdAt: detail.CreateDate.toISOString() }),
  };
}

/** Writes only the tags whose value differs (keys compared ignoring case, as IAM does for roles). */
async function tagRoleWhereDifferent(iam: IAMClient, roleName: string, current: Tags, wanted: Tags): Promise<void> {
  const changed = Object.fromEntries(Object.entries(wanted).filter(([key, value]) => findTag(current, key)?.value !== value));
  if (Object.keys(changed).length > 0) await iam.send(new TagRoleCommand({ RoleName: roleName, Tags: toIamTags(changed) }));
}
