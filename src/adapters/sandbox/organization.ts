/**
 * The Organization and its member accounts in the sandbox. Account creation is asynchronous as in
 * AWS (a request that completes when first described), account ids come from a counter, and the
 * rules that shape the apply engine are enforced: 5 creations in flight, unique root emails,
 * existing OUs, no closing the management account, the closure quota, only managed roles changed.
 */
import { AppError } from '../../core/errors.ts';
import {
  MANAGED_BY_TAG,
  isManaged,
  MANAGED_BY_VALUE,
  type LiveAccount,
  type LiveAccountCreation,
  type LiveFacets,
  type LiveOrganization,
  type LiveRoles,
  type Tags,
} from '../../core/model.ts';
import { refuseProtectedAccount } from '../../core/protected-accounts.ts';
import { grantsOf } from '../../core/policy-compare.ts';
import { closureQuota } from '../../core/quota.ts';
import type { RoleSpec } from '../../core/roles.ts';
import { FACET_FAMILIES, facetSource, isFacetFamily, type FacetFamily } from '../../core/facet-sources.ts';
import { facetId, parseFacetId, type FacetValue } from '../../core/facets.ts';
import type { CreateAccountInput, FoundAccount, OrganizationPort } from '../../ports/organization.ts';
import { assertIamName, invalidInput, mergeTags, noSuchEntity, removeTags } from './rules.ts';
import type { SandboxAccount, SandboxCreation, SandboxState, SandboxStore } from './state.ts';

export const ADMINISTRATOR_ACCESS_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess';
const MAX_CREATIONS_IN_FLIGHT = 5;
const DAY_MS = 24 * 60 * 60 * 1000;
// Organizations' CreateAccount email rules (https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccount.html): 6-64 ASCII characters, one @, a dot in the domain.
const ACCOUNT_EMAIL = /^[^@\s.][^@\s]*@[^@\s]+\.[^@\s]+$/;


function findAccount(state: SandboxState, accountId: string): SandboxAccount {
  const account = state.organization.accounts.find((candidate) => candidate.id === accountId);
  if (account === undefined) throw new AppError('not-found', `Account ${accountId} is not in the organization.`);
  return account;
}

function toLiveCreation(creation: SandboxCreation): LiveAccountCreation {
  return {
    requestId: creation.requestId,
    accountName: creation.accountName,
    state: creation.state,
    ...(creation.accountId === undefined ? {} : { accountId: creation.accountId }),
    ...(creation.failureReason === undefined ? {} : { failureReason: creation.failureReason }),
  };
}

export class SandboxOrganization implements OrganizationPort {
  private readonly store: SandboxStore;
  private readonly usersAccountId: string;
  private readonly now: () => Date;
  /** The project's own accounts (core/protected-accounts.ts): never changed, whoever asks. */
  private readonly protectedIds: ReadonlyMap<string, string>;

  constructor(store: SandboxStore, usersAccountId: string, now: () => Date, protectedIds: ReadonlyMap<string, string>) {
    this.store = store;
    this.usersAccountId = usersAccountId;
    this.now = now;
    this.protectedIds = protectedIds;
  }

  async readOrganization(): Promise<LiveOrganization> {
    const now = this.now();
    return this.store.update((state) => {
      const org = state.organization;
      // A closure goes PENDING_CLOSURE -> SUSPENDED; the sandbox finishes it on the next look.
      for (const account of org.accounts) if (account.status === 'PENDING_CLOSURE') account.status = 'SUSPENDED';
      const accounts: LiveAccount[] = org.accounts.map((account) => ({
        id: account.id,
        name: account.name,
        email: account.email,
        status: account.status,
        ouPath: account.ouPath,
        tags: { ...account.tags },
      }));
      const since = now.getTime() - 30 * DAY_MS;
      return {
        accounts,
        ouPaths: [...org.ouPaths].sort(),
        creations: org.creations.map(toLiveCreation),
        closedInLast30Days: org.closures.filter((closure) => Date.parse(closure.closedAt) >= since).length,
        // Closed accounts keep counting until they are permanently closed (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_reference_limits.html).
        memberAccountCount: org.accounts.filter((account) => account.id !== org.managementAccountId).length,
        trustedServices: trustedServicesOf(state),
      };
    });
  }

  async startAccountCreation(input: CreateAccountInput): Promise<string> {
    if (input.accountName.length < 1 || input.accountName.length > 50 || !/^[\x20-\x7e]+$/.test(input.accountName)) {
      throw invalidInput(`Account name "${input.accountName}" must be 1-50 printable ASCII characters.`);
    }
    assertIamName('Role', input.accessRoleName, 64);
    const tags = mergeTags({}, input.tags, false);
    const now = this.now().toISOString();
    return this.store.update((state) => {
      const inFlight = state.organization.creations.filter((creation) => creation.state === 'IN_PROGRESS').length;
      if (inFlight >= MAX_CREATIONS_IN_FLIGHT) {
        throw new AppError(
          'too-many-creations',
          `Only ${MAX_CREATIONS_IN_FLIGHT} account creations can be in progress at once; ${inFlight} are.`,
        );
      }
      state.counters.request += 1;
      const requestId = `car-sandbox${String(state.counters.request).padStart(8, '0')}`;
      state.organization.creations.push({
        requestId,
        accountName: input.accountName,
        email: input.email,
        tags,
        accessRoleName: input.accessRoleName,
        state: 'IN_PROGRESS',
        requestedAt: now,
      });
      return requestId;
    });
  }

  async findAccounts(query: { name: string; email: string }): Promise<FoundAccount[]> {
    const state = await this.store.read();
    return state.organization.accounts
      .filter((account) => account.name === query.name || account.email.toLowerCase() === query.email.toLowerCase())
      .map((account) => ({ id: account.id, name: account.name, email: account.email, state: account.status, managed: isManaged(account.tags) }));
  }

  async describeAccountCreation(requestId: string): Promise<LiveAccountCreation> {
    const now = this.now().toISOString();
    return this.store.update((state) => {
      const creation = state.organization.creations.find((candidate) => candidate.requestId === requestId);
      if (creation === undefined) throw new AppError('not-found', `No account creation request ${requestId}.`);
      if (creation.state === 'IN_PROGRESS') this.complete(state, creation, now);
      return toLiveCreation(creation);
    });
  }

  /** What AWS decides asynchronously: a bad or taken email fails the request, not the call. */
  private complete(state: SandboxState, creation: SandboxCreation, now: string): void {
    creation.completedAt = now;
    const email = creation.email;
    if (email.length < 6 || email.length > 64 || !/^[\x21-\x7e]+$/.test(email) || !ACCOUNT_EMAIL.test(email)) {
      creation.state = 'FAILED';
      creation.failureReason = 'INVALID_EMAIL';
      return;
    }
    if (state.organization.accounts.some((account) => account.email.toLowerCase() === email.toLowerCase())) {
      creation.state = 'FAILED';
      creation.failureReason = 'EMAIL_ALREADY_EXISTS';
      return;
    }
    const id = this.nextAccountId(state);
    state.organization.accounts.push({
      id,
      name: creation.accountName,
      email,
      status: 'ACTIVE',
      ouPath: '/',
      tags: { ...creation.tags },
      roles: [
        {
          // Organizations' access role: administrator, trusting the management account (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_accounts_access.html).
          name: creation.accessRoleName,
          trustPolicy: {
            Version: '2012-10-17',
            Statement: [
              {
                Effect: 'Allow',
                Principal: { AWS: `arn:aws:iam::${state.organization.managementAccountId}:root` },
                Action: 'sts:AssumeRole',
              },
            ],
          },
          tags: {},
          attachedPolicies: [ADMINISTRATOR_ACCESS_ARN],
          createdAt: now,
        },
      ],
    });
    creation.state = 'SUCCEEDED';
    creation.accountId = id;
  }

  /** Deterministic ids, 12 digits, never one already in use. */
  private nextAccountId(state: SandboxState): string {
    const taken = new Set([...state.organization.accounts.map((account) => account.id), state.usersAccount.accountId]);
    let id: string;
    do {
      state.counters.account += 1;
      id = String(100_000_000_000 + state.counters.account * 1_111);
    } while (taken.has(id));
    return id;
  }

  async moveAccount(accountId: string, ouPath: string): Promise<void> {
    refuseProtectedAccount(this.protectedIds, accountId, 'move');
    await this.store.update((state) => {
      const account = findAccount(state, accountId);
      if (!state.organization.ouPaths.includes(ouPath)) {
        throw new AppError('ou-not-found', `Organizational unit ${ouPath} does not exist.`, {
          fault: 'user',
          hint: 'Create the OU in AWS Organizations first (the tool does not create OUs), or fix organizational_unit.',
        });
      }
      account.ouPath = ouPath;
    });
  }

  async tagAccount(accountId: string, tags: Tags): Promise<void> {
    refuseProtectedAccount(this.protectedIds, accountId, 'tag');
    await this.store.update((state) => {
      const account = findAccount(state, accountId);
      account.tags = mergeTags(account.tags, tags, false);
    });
  }

  async untagAccount(accountId: string, keys: readonly string[]): Promise<void> {
    refuseProtectedAccount(this.protectedIds, accountId, 'untag');
    await this.store.update((state) => {
      const account = findAccount(state, accountId);
      account.tags = removeTags(account.tags, keys, false);
    });
  }

  async closeAccount(accountId: string): Promise<void> {
    refuseProtectedAccount(this.protectedIds, accountId, 'close');
    const now = this.now();
    await this.store.update((state) => {
      const org = state.organization;
      const account = findAccount(state, accountId);
      if (account.id === org.managementAccountId) {
        throw new AppError('management-account', 'The management account cannot be closed.', { fault: 'user' });
      }
      // As the AWS adapter: an account already closing or closed (a re-run) is done.
      if (account.status !== 'ACTIVE') return;
      if (!isManaged(account.tags)) {
        throw new AppError('not-managed', `Account ${account.name} (${account.id}) has no ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} tag: it is not ours to close.`, { fault: 'user' });
      }
      const since = now.getTime() - 30 * DAY_MS;
      const recent = org.closures.filter((closure) => Date.parse(closure.closedAt) >= since).length;
      const members = org.accounts.filter((candidate) => candidate.id !== org.managementAccountId).length;
      if (recent >= closureQuota(members)) {
        throw new AppError(
          'closure-quota',
          `AWS allows ${closureQuota(members)} account closures in 30 days here and ${recent} were closed already.`,
        );
      }
      account.status = 'PENDING_CLOSURE';
      org.closures.push({ accountId: account.id, closedAt: now.toISOString() });
    });
  }

  async readRoles(accountId: string, readerRoleName?: string): Promise<LiveRoles> {
    const state = await this.store.read();
    const account = state.organization.accounts.find((candidate) => candidate.id === accountId);
    // A suspended account cannot be signed in to, and one not there yet cannot be reached.
    if (account === undefined || account.status !== 'ACTIVE' || account.id === state.organization.managementAccountId) return 'unknown';
    if (readerRoleName !== undefined) {
      // As on AWS: the reader role must exist and be allowed GetAccountAuthorizationDetails.
      const reader = account.roles.find((candidate) => candidate.name.toLowerCase() === readerRoleName.toLowerCase());
      const grants = Object.values(reader?.policies ?? {}).flatMap((document) => grantsOf(document));
      const mayRead = grants.some((g) => g.effect === 'Allow' && ['iam:GetAccountAuthorizationDetails', 'iam:*', '*'].includes(g.action));
      if (!mayRead) return 'denied';
    }
    return account.roles.map((role) => ({
      name: role.name,
      path: role.path ?? '/',
      trustPolicy: structuredClone(role.trustPolicy),
      inlinePolicies: structuredClone(role.policies ?? {}),
      attachedPolicyArns: [...role.attachedPolicies].sort(),
      tags: { ...role.tags },
      ...(role.createdAt === undefined ? {} : { createdAt: role.createdAt }),
    }));
  }

  async putRole(accountId: string, spec: RoleSpec): Promise<void> {
    refuseProtectedAccount(this.protectedIds, accountId, `put role ${spec.name} in`);
    assertIamName('Role', spec.name, 64);
    const roleTags = mergeTags({}, spec.tags, true);
    await this.store.update((state) => {
      const account = this.activeAccount(state, accountId);
      const users = state.usersAccount.users;
      // IAM rejects a trust policy naming a user that does not exist ("Invalid principal in policy").
      for (const principal of principalsOf(spec.trustPolicy)) {
        const prefix = `arn:aws:iam::${this.usersAccountId}:user/`;
        if (principal.startsWith(prefix)) {
          const name = principal.slice(prefix.length);
          if (!users.some((user) => user.userName.toLowerCase() === name.toLowerCase())) {
            throw new AppError('malformed-policy', `Invalid principal in policy: user ${name} does not exist.`);
          }
        }
      }
      const trustPolicy = structuredClone(spec.trustPolicy) as Record<string, unknown>;
      const policies = structuredClone(spec.inlinePolicies) as Record<string, Record<string, unknown>>;
      const role = account.roles.find((candidate) => candidate.name.toLowerCase() === spec.name.toLowerCase());
      if (role === undefined) {
        account.roles.push({
          name: spec.name,
          path: spec.path,
          description: spec.description,
          trustPolicy,
          tags: roleTags,
          attachedPolicies: [...spec.attachedPolicyArns],
          policies,
          createdAt: this.now().toISOString(),
        });
        return;
      }
      if (!isManaged(role.tags)) throw unmanagedRole(account, role.name);
      role.trustPolicy = trustPolicy;
      role.description = spec.description;
      role.tags = mergeTags(role.tags, spec.tags, true);
      role.attachedPolicies = [...spec.attachedPolicyArns];
      role.policies = policies;
    });
  }

  async deleteRole(accountId: string, roleName: string): Promise<void> {
    refuseProtectedAccount(this.protectedIds, accountId, `delete role ${roleName} in`);
    await this.store.update((state) => {
      const account = this.activeAccount(state, accountId);
      const role = account.roles.find((candidate) => candidate.name.toLowerCase() === roleName.toLowerCase());
      // As the AWS adapter: a role already gone (a re-run after a crash) is fine.
      if (role === undefined) return;
      if (!isManaged(role.tags)) throw unmanagedRole(account, role.name);
      account.roles = account.roles.filter((candidate) => candidate !== role);
    });
  }

  async readFacets(accountId: string, ids: readonly string[]): Promise<LiveFacets> {
    const state = await this.store.read();
    const account = state.organization.accounts.find((candidate) => candidate.id === accountId);
    if (account === undefined || account.status !== 'ACTIVE' || account.id === state.organization.managementAccountId) return 'unknown';
    const out: Record<string, FacetValue> = {};
    for (const id of ids) {
      const family = parseFacetId(id)?.family;
      // As the AWS adapter: a family the Organization does not let us reach cannot be looked into.
      if (family !== undefined && !mayReach(state, family)) return 'unknown';
      const value = account.facets?.[id];
      if (value !== undefined) out[id] = { ...value };
    }
    return out;
  }

  async putFacet(accountId: string, family: FacetFamily, key: string, value: FacetValue): Promise<void> {
    refuseProtectedAccount(this.protectedIds, accountId, `set ${family} ${key} of`);
    await this.store.update((state) => {
      refuseWithoutTrustedAccess(state, family, 'write');
      const account = this.memberAccount(state, accountId);
      account.facets = { ...account.facets, [facetId(family, key)]: { ...value } };
    });
  }

  async deleteFacet(accountId: string, family: FacetFamily, key: string): Promise<void> {
    refuseProtectedAccount(this.protectedIds, accountId, `remove ${family} ${key} of`);
    await this.store.update((state) => {
      refuseWithoutTrustedAccess(state, family, 'write');
      const account = this.memberAccount(state, accountId);
      if (account.facets === undefined) return;
      const { [facetId(family, key)]: _gone, ...rest } = account.facets;
      account.facets = rest;
    });
  }

  /** An active member account: AWS's account APIs refuse the management account's own id as AccountId. */
  private memberAccount(state: SandboxState, accountId: string): SandboxAccount {
    if (accountId === state.organization.managementAccountId) {
      throw new AppError('management-account', 'The management account is never changed through an account file.', { fault: 'user' });
    }
    return this.activeAccount(state, accountId);
  }

  private activeAccount(state: SandboxState, accountId: string): SandboxAccount {
    const account = state.organization.accounts.find((candidate) => candidate.id === accountId);
    if (account === undefined) {
      // Right after creation AWS may not let us in yet; the same code covers an id not known yet.
      throw new AppError('account-not-ready', `Account ${accountId} cannot be reached yet.`);
    }
    if (account.status !== 'ACTIVE') {
      throw new AppError('account-suspended', `Account ${account.name} (${account.id}) is closed: its roles cannot be changed.`);
    }
    return account;
  }
}

/** The sandbox's trusted services: as its state says, else every service a facet family needs. */
function trustedServicesOf(state: SandboxState): string[] {
  const all = FACET_FAMILIES.flatMap((family) => {
    const service = facetSource(family).trustedService;
    return service === undefined ? [] : [service];
  });
  return [...new Set(state.organization.trustedServices ?? all)].sort();
}

function mayReach(state: SandboxState, family: string): boolean {
  const service = isFacetFamily(family) ? facetSource(family).trustedService : undefined;
  return service === undefined || trustedServicesOf(state).includes(service);
}

/** As AWS: a family whose service has no trusted access in the Organization cannot be reached. */
function refuseWithoutTrustedAccess(state: SandboxState, family: string, what: 'write'): void {
  if (mayReach(state, family)) return;
  const service = isFacetFamily(family) ? (facetSource(family).trustedService ?? '?') : '?';
  throw new AppError('access-denied', `Cannot ${what} ${family} of member accounts: trusted access for ${service} is not enabled in the Organization.`, {
    fault: 'user',
    hint: `Enable it from the management account: aws organizations enable-aws-service-access --service-principal ${service}.`,
  });
}

function unmanagedRole(account: SandboxAccount, roleName: string): AppError {
  return new AppError(
    'not-managed',
    `Role ${roleName} in account ${account.name} (${account.id}) has no ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} tag: it is not ours to change.`,
    { fault: 'user', hint: 'Give the role another name in settings.yaml or the account file, or tag the existing role if the project should own it.' },
  );
}

function principalsOf(document: Readonly<Record<string, unknown>>): string[] {
  const statements = document['Statement'];
  const list = Array.isArray(statements) ? statements : [statements];
  const out: string[] = [];
  for (const statement of list) {
    if (typeof statement !== 'object' || statement === null) continue;
    const principal = (statement as Record<string, unknown>)['Principal'];
    if (typeof principal !== 'object' || principal === null) continue;
    const aws = (principal as Record<string, unknown>)['AWS'];
    for (const entry of Array.isArray(aws) ? aws : [aws]) if (typeof entry === 'string') out.push(entry);
  }
  return out;
}
