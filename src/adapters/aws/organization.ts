/**
 * OrganizationPort on AWS, one file per API family: accounts, OUs, tags and closure (here, AWS
 * Organizations in the management account, us-east-1); account creation and its recovery
 * (account-creation.ts); the roles in member accounts (member-roles.ts, IAM through a role there);
 * account settings such as alternate contacts (account-facets.ts and its families). Every SDK
 * exception leaves these files as an AppError.
 */
import {
  CloseAccountCommand,
  DescribeOrganizationCommand,
  ListAWSServiceAccessForOrganizationCommand,
  MoveAccountCommand,
  OrganizationsClient,
  TagResourceCommand,
  UntagResourceCommand,
  paginateListAccountsForParent,
  paginateListOrganizationalUnitsForParent,
  paginateListParents,
  paginateListRoots,
  paginateListTagsForResource,
  type Account,
} from '@aws-sdk/client-organizations';
import { IAMClient } from '@aws-sdk/client-iam';
import pLimit from 'p-limit';
import { AppError, isAppError } from '../../core/errors.ts';
import { FACET_FAMILIES, facetSource } from '../../core/facet-sources.ts';
import {
  CLOSURE_REQUESTED_TAG,
  MANAGED_BY_TAG,
  MANAGED_BY_VALUE,
  isManaged,
  type LiveAccount,
  type LiveAccountStatus,
  type LiveOrganization,
  type SettingsFile,
  type Tags,
} from '../../core/model.ts';
import { protectedAccounts, refuseProtectedAccount } from '../../core/protected-accounts.ts';
import type { OrganizationPort } from '../../ports/organization.ts';
import { createAwsAccountCreation } from './account-creation.ts';
import { createAwsAccountFacets } from './account-facets.ts';
import { awsClientConfig, roleSessionName, roleToAssume, type AwsAccess, type Env } from './clients.ts';
import { withEndpointInErrors } from './errors.ts';
import { createAwsMemberRoles } from './member-roles.ts';
import { errorName, translateOrganizationsError } from './organization-errors.ts';
import { accountState, toOrgTags } from './organizations-calls.ts';
import { createPacers, withPacing, type Pacers } from './pacing.ts';

/** The Organizations API lives in us-east-1 (https://docs.aws.amazon.com/general/latest/gr/ao.html); IAM is global. */
const REGION = 'us-east-1';
/** Per-account reads (tags) in flight at once: Organizations allows few requests per second. */
const CONCURRENCY = 5;
// CLOSURE_REQUESTED_TAG (core) is written on an account just before CloseAccount, with the date
// (YYYY-MM-DD). AWS records no closure date, and a closed account stays listed for 90 days, so
// without it every closed account would count against the 30-day closure quota. This adapter hides
// it from LiveAccount.tags so the planner never sees it as drift.
const CLOSURE_WINDOW_MS = 30 * 24 * 60 * 60 * 1000;
/** ConcurrentModificationException is not retried by the SDK; these are our own waits before retrying. */
const CONCURRENT_MODIFICATION_BACKOFF_MS = [1000, 2000, 4000] as const;

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
  /** The target's pacers, shared with its other adapters (a fresh set by default). */
  pacers?: Pacers;
  /** STS SourceIdentity for every role the built clients assume (apply with an approval record). */
  sourceIdentity?: string | undefined;
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
    sourceIdentity: options.sourceIdentity,
  });
  // A session that carries a SourceIdentity can assume only roles whose trust allows
  // sts:SetSourceIdentity (IAM User Guide, "Monitor and control actions taken with assumed roles"),
  // and the access role Organizations creates in every new account allows sts:AssumeRole alone. So
  // member accounts are reached from a session of the same role without one, named after the pull
  // request: CloudTrail still ties each call in a member account to it by the session name.
  const memberHops =
    options.sourceIdentity === undefined
      ? orgConfig.credentials
      : awsClientConfig('ORGANIZATIONS', {
          region: REGION,
          roleArn: roleToAssume(settings.organization, options.access ?? 'write'),
          env,
          sessionName: roleSessionName(options.sourceIdentity),
        }).credentials;
  const pacers = options.pacers ?? createPacers();
  // Organizations throttles the whole Organization (TooManyRequestsException): its calls share the
  // management account's pacer, like IAM's per-account one.
  const managementPacer = pacers(settings.organization.management_account_id);
  const org = options.organizations ?? withPacing(withEndpointInErrors(new OrganizationsClient(orgConfig)), managementPacer);
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
              masterCredentials: memberHops,
              sessionName: roleSessionName(options.sourceIdentity),
            }),
          ),
        ),
        pacers(accountId),
      ));
  const sleep = options.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const ouIds = new Map<string, string>();
  // The project's own accounts: refused here too, whatever asks (defence in depth behind the planner).
  const protectedIds = protectedAccounts(settings);
  // CreateAccount is not idempotent: an SDK retry after a reset connection (the request processed,
  // the answer lost) would create a second account. This client makes one attempt only; whatever
  // goes wrong is followed by a look for the request (startAccountCreation).
  const createAccountClient =
    options.createAccountClient ??
    options.organizations ??
    withPacing(withEndpointInErrors(new OrganizationsClient({ ...orgConfig, maxAttempts: 1 })), managementPacer);

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

  const creation = createAwsAccountCreation({ org, call, sleep, listTags }, createAccountClient);
  const { listCreations } = creation;

  return {
    startAccountCreation: creation.startAccountCreation,
    describeAccountCreation: creation.describeAccountCreation,
    findAccounts: creation.findAccounts,
    ...createAwsMemberRoles({ iamForAccount, ownsIamClients, accessRoleName, access, protectedIds }),
    // Account settings (facets) act from the management account, as Organizations does.
    ...createAwsAccountFacets({
      clientConfig: (service) => awsClientConfig(service, { region: REGION, roleArn: roleToAssume(settings.organization, access), env, sourceIdentity: options.sourceIdentity }),
      protectedIds,
    }),

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

  };
}

/** The states in which an account is closed or closing (counted against the closure quota). */
const CLOSURE_STATES: ReadonlySet<string> = new Set(['PENDING_CLOSURE', 'SUSPENDED', 'CLOSED']);


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

