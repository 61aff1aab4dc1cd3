/**
 * The strict AWS behaviours moto does not produce (http://docs.getmoto.org/en/latest/docs/services/organizations.html), faked at the client level with the
 * exact exceptions AWS returns: IN_PROGRESS then FAILED creations, Organizations quotas and
 * throttling, ConcurrentModificationException, DuplicateAccountException, AccessDenied from STS on
 * a brand-new account.
 */
import {
  AttachRolePolicyCommand,
  CreateRoleCommand,
  DeleteRoleCommand,
  GetAccountAuthorizationDetailsCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListInstanceProfilesForRoleCommand,
  ListRolePoliciesCommand,
  TagRoleCommand,
  UpdateAssumeRolePolicyCommand,
  UpdateRoleCommand,
} from '@aws-sdk/client-iam';
import {
  AccountAlreadyClosedException,
  CloseAccountCommand,
  ConcurrentModificationException,
  ConstraintViolationException,
  CreateAccountCommand,
  DescribeCreateAccountStatusCommand,
  DescribeOrganizationCommand,
  DuplicateAccountException,
  FinalizingOrganizationException,
  ListAccountsCommand,
  ListAccountsForParentCommand,
  ListCreateAccountStatusCommand,
  ListOrganizationalUnitsForParentCommand,
  ListParentsCommand,
  ListRootsCommand,
  ListTagsForResourceCommand,
  MoveAccountCommand,
  OrganizationsClient,
  TagResourceCommand,
  TooManyRequestsException,
  type ConstraintViolationExceptionReason,
} from '@aws-sdk/client-organizations';
import type { AwsClientStub } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { createAwsOrganization } from '../../../src/adapters/aws/organization.ts';
import { CLOSURE_REQUESTED_TAG, MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../../../src/core/model.ts';
import type { RoleSpec } from '../../../src/core/roles.ts';
import { awsSettings, fakeClient } from '../../support/aws.ts';
import { rejectionOf } from '../../support/errors.ts';

const MANAGEMENT = '111111111111';
const USERS_ACCOUNT = '222222222222';
const FRESH = '333333333333';
const READY = '444444444444';
const DAY = 24 * 60 * 60 * 1000;
const settings = awsSettings({ users_account: { id: USERS_ACCOUNT }, organization: { management_account_id: MANAGEMENT } });
const metadata = { $metadata: {} };
const constraint = (reason: ConstraintViolationExceptionReason): ConstraintViolationException =>
  new ConstraintViolationException({ ...metadata, message: `constraint: ${reason}`, Reason: reason });

/** What STS answers for AssumeRole into an account whose access role is not usable yet. */
function stsAccessDenied(): Error {
  return Object.assign(
    new Error(`User: arn:aws:sts::${MANAGEMENT}:assumed-role/reconciler is not authorized to perform: sts:AssumeRole`),
    { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } },
  );
}

/** An IAM client whose credentials (the AssumeRole into the member account) are refused. */
function deniedIam(): IAMClient {
  return new IAMClient({
    region: 'us-east-1',
    credentials: async () => {
      throw stsAccessDenied();
    },
  });
}

/** The trust policy the project writes for alice@example.gov.uk. */
const ALICE_TRUST = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Principal: { AWS: `arn:aws:iam::${USERS_ACCOUNT}:user/alice@example.gov.uk` },
      Action: 'sts:AssumeRole',
      Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    },
  ],
};

/** GetRole's answer for the bootstrap role in READY: managed unless `tags` say otherwise. */
const bootstrapRole = ({
  tags = [{ Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE }],
  trustPolicy,
}: { tags?: { Key: string; Value: string }[]; trustPolicy?: object } = {}) => ({
  Role: {
    RoleName: 'bootstrap',
    Path: '/',
    Arn: `arn:aws:iam::${READY}:role/bootstrap`,
    RoleId: 'AROA1',
    Description: 'Administrator role for the account bootstrap users (aws-access-as-code).',
    CreateDate: new Date(),
    // IAM returns policy documents URL-encoded.
    ...(trustPolicy === undefined ? {} : { AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(trustPolicy)) }),
    Tags: tags,
  },
});

const DESCRIPTION = 'Administrator role for the account bootstrap users (aws-access-as-code).';

/** The bootstrap role's spec with this trust policy and tags. */
const bootstrapSpec = (trustPolicy: Record<string, unknown>, tags: Record<string, string> = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE }): RoleSpec => ({
  name: 'bootstrap',
  path: '/',
  description: DESCRIPTION,
  trustPolicy,
  inlinePolicies: {},
  attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
  tags,
});

const ADMINISTRATOR_ACCESS_ATTACHED = {
  AttachedPolicies: [{ PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess', PolicyName: 'AdministratorAccess' }],
};

describe('AWS Organizations adapter (client-level fakes)', () => {
  let orgClient: OrganizationsClient;
  let org: AwsClientStub<OrganizationsClient>;
  let iamClient: IAMClient;
  let iam: AwsClientStub<IAMClient>;
  let sleeps: number[];

  const port = (iamForAccount: (id: string) => IAMClient = () => iamClient) =>
    createAwsOrganization(settings, {}, {
      organizations: orgClient,
      iamForAccount,
      sleep: async (ms) => {
        sleeps.push(ms);
      },
    });

  beforeEach(() => {
    ({ client: orgClient, fake: org } = fakeClient(OrganizationsClient));
    ({ client: iamClient, fake: iam } = fakeClient(IAMClient));
    sleeps = [];
  });

  describe('account creation', () => {
    it('reports IN_PROGRESS, then FAILED with the raw reason', async () => {
      org.on(CreateAccountCommand).resolves({ CreateAccountStatus: { Id: 'car-1', State: 'IN_PROGRESS' } });
      org
        .on(DescribeCreateAccountStatusCommand, { CreateAccountRequestId: 'car-1' })
        .resolvesOnce({ CreateAccountStatus: { Id: 'car-1', AccountName: 'team-a', State: 'IN_PROGRESS' } })
        .resolves({
          CreateAccountStatus: { Id: 'car-1', AccountName: 'team-a', State: 'FAILED', FailureReason: 'EMAIL_ALREADY_EXISTS' },
        });
      const aws = port();
      const requestId = await aws.startAccountCreation({
        accountName: 'team-a',
        email: 'aws-root+team-a@example.gov.uk',
        tags: { team: 'a' },
        accessRoleName: 'OrganizationAccountAccessRole',
      });
      expect(requestId).toBe('car-1');
      expect(org.commandCalls(CreateAccountCommand)[0]?.args[0].input).toEqual({
        Email: 'aws-root+team-a@example.gov.uk',
        AccountName: 'team-a',
        RoleName: 'OrganizationAccountAccessRole',
        IamUserAccessToBilling: 'ALLOW',
        Tags: [
          { Key: 'team', Value: 'a' },
          { Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE },
        ],
      });
      expect(await aws.describeAccountCreation('car-1')).toEqual({
        requestId: 'car-1',
        accountName: 'team-a',
        state: 'IN_PROGRESS',
      });
      expect(await aws.describeAccountCreation('car-1')).toEqual({
        requestId: 'car-1',
        accountName: 'team-a',
        state: 'FAILED',
        failureReason: 'EMAIL_ALREADY_EXISTS',
      });
    });

    it.each([
      ['ACCOUNT_NUMBER_LIMIT_EXCEEDED', constraint('ACCOUNT_NUMBER_LIMIT_EXCEEDED'), 'account-limit', /Service Quotas/],
      [
        'ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED',
        constraint('ACCOUNT_CREATION_RATE_LIMIT_EXCEEDED'),
        'account-creation-rate-limit',
        /tomorrow/,
      ],
      [
        'FinalizingOrganizationException',
        new FinalizingOrganizationException({ ...metadata, message: 'finalizing' }),
        'organization-finalizing',
        /up to an hour/,
      ],
      [
        'TooManyRequestsException',
        new TooManyRequestsException({ ...metadata, message: 'slow down' }),
        'throttled',
        /few minutes/,
      ],
    ])('maps %s to %s with a hint', async (_name, error, code, hint) => {
      org.on(CreateAccountCommand).rejects(error);
      const failure = await rejectionOf(
        port().startAccountCreation({
          accountName: 'team-a',
          email: 'aws-root+team-a@example.gov.uk',
          tags: {},
          accessRoleName: 'OrganizationAccountAccessRole',
        }),
      );
      expect(failure.code).toBe(code);
      expect(failure.message).toContain('creating account "team-a"');
      expect(failure.hint).toMatch(hint);
      expect(failure.cause).toBe(error);
    });
  });

  describe('account creation exactly once', () => {
    const input = { accountName: 'team-a', email: 'aws-root+team-a@example.gov.uk', tags: {}, accessRoleName: 'OrganizationAccountAccessRole' };
    const lost = (): Error => Object.assign(new Error('read ECONNRESET'), { name: 'TimeoutError', code: 'ECONNRESET' });

    it('after a lost answer, finds the request AWS accepted and returns it instead of asking again', async () => {
      org.on(CreateAccountCommand).rejects(lost());
      org.on(ListCreateAccountStatusCommand).resolves({
        CreateAccountStatuses: [{ Id: 'car-accepted', AccountName: 'team-a', State: 'IN_PROGRESS', RequestedTimestamp: new Date() }],
      });
      org.on(ListAccountsCommand).resolves({ Accounts: [] });
      expect(await port().startAccountCreation(input)).toBe('car-accepted');
      expect(org.commandCalls(CreateAccountCommand)).toHaveLength(1);
    });

    it('after an error, an account with that root email already there is reported, not asked for again', async () => {
      org.on(CreateAccountCommand).rejects(new ConcurrentModificationException({ ...metadata, message: 'busy' }));
      org.on(ListCreateAccountStatusCommand).resolves({ CreateAccountStatuses: [] });
      org.on(ListAccountsCommand).resolves({ Accounts: [{ Id: READY, Name: 'hand-made', Email: 'AWS-ROOT+team-a@example.gov.uk', State: 'ACTIVE' }] });
      org.on(ListTagsForResourceCommand).resolves({ Tags: [] });
      const failure = await rejectionOf(port().startAccountCreation(input));
      expect(failure.code).toBe('account-exists');
      expect(failure.message).toContain(`The Organization already has account ${READY} (hand-made, AWS-ROOT+team-a@example.gov.uk), so CreateAccount was not asked again.`);
      // A refused CreateAccount (ConcurrentModificationException) is asked again only when a look finds nothing.
      expect(org.commandCalls(CreateAccountCommand)).toHaveLength(1);
    });

    it('when nothing was made, reports the original error after looking a few times, and does not ask again', async () => {
      org.on(CreateAccountCommand).rejects(lost());
      org.on(ListCreateAccountStatusCommand).resolves({ CreateAccountStatuses: [] });
      org.on(ListAccountsCommand).resolves({ Accounts: [] });
      const failure = await rejectionOf(port().startAccountCreation(input));
      expect(failure.message).toContain('No creation request or account named "team-a" (root email aws-root+team-a@example.gov.uk) was found afterwards, so it was not asked again in this run.');
      expect(org.commandCalls(CreateAccountCommand)).toHaveLength(1);
      expect(sleeps).toEqual([2000, 5000]);
    });
  });

  describe('ConcurrentModificationException', () => {
    it('is retried after a wait', async () => {
      org
        .on(TagResourceCommand)
        .rejectsOnce(new ConcurrentModificationException({ ...metadata, message: 'busy' }))
        .resolves({});
      await port().tagAccount(READY, { team: 'a' });
      expect(sleeps).toEqual([1000]);
      expect(org.commandCalls(TagResourceCommand)).toHaveLength(2);
    });

    it('becomes concurrent-modification when it persists', async () => {
      org.on(TagResourceCommand).rejects(new ConcurrentModificationException({ ...metadata, message: 'busy' }));
      expect((await rejectionOf(port().tagAccount(READY, { team: 'a' }))).code).toBe('concurrent-modification');
      expect(sleeps).toEqual([1000, 2000, 4000]);
    });
  });

  describe('moveAccount', () => {
    it('treats DuplicateAccountException (already there) as done', async () => {
      org.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-1' }] });
      org.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [{ Id: 'ou-1', Name: 'Sandbox' }] });
      org.on(ListParentsCommand).resolves({ Parents: [{ Id: 'r-1', Type: 'ROOT' }] });
      org.on(MoveAccountCommand).rejects(new DuplicateAccountException({ ...metadata, message: 'already there' }));
      await port().moveAccount(READY, '/Sandbox');
      expect(org.commandCalls(MoveAccountCommand)[0]?.args[0].input).toEqual({
        AccountId: READY,
        SourceParentId: 'r-1',
        DestinationParentId: 'ou-1',
      });
    });
  });

  describe('closeAccount', () => {
    beforeEach(() => {
      org.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE }] });
    });

    it.each(['CLOSE_ACCOUNT_QUOTA_EXCEEDED', 'CLOSE_ACCOUNT_REQUESTS_LIMIT_EXCEEDED'] as const)(
      'maps %s to closure-quota',
      async (reason) => {
        org.on(TagResourceCommand).resolves({});
        org.on(CloseAccountCommand).rejects(constraint(reason));
        const failure = await rejectionOf(port().closeAccount(READY));
        expect(failure.code).toBe('closure-quota');
        expect(failure.hint).toMatch(/30-day/);
      },
    );

    it('treats AccountAlreadyClosedException as done, after recording the closure date', async () => {
      org.on(TagResourceCommand).resolves({});
      org.on(CloseAccountCommand).rejects(new AccountAlreadyClosedException({ ...metadata, message: 'closed' }));
      await port().closeAccount(READY);
      const tags = org.commandCalls(TagResourceCommand)[0]?.args[0].input.Tags;
      expect(tags?.[0]?.Key).toBe(CLOSURE_REQUESTED_TAG);
      expect(tags?.[0]?.Value).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    });

    it('refuses an account without the managed-by tag, before writing anything', async () => {
      org.on(ListTagsForResourceCommand).resolves({ Tags: [{ Key: 'team', Value: 'a' }] });
      const failure = await rejectionOf(port().closeAccount(READY));
      expect(failure).toMatchObject({ code: 'not-managed', fault: 'user' });
      expect(org.commandCalls(TagResourceCommand)).toHaveLength(0);
      expect(org.commandCalls(CloseAccountCommand)).toHaveLength(0);
    });
  });

  describe('the bootstrap role in a brand-new account', () => {
    it('answers account-not-ready when STS refuses AssumeRole', async () => {
      const failure = await rejectionOf(
        port(() => deniedIam()).putRole(FRESH, bootstrapSpec({ Version: '2012-10-17', Statement: [] })),
      );
      expect(failure.code).toBe('account-not-ready');
      expect(failure.message).toContain(FRESH);
      expect(failure.hint).toMatch(/few minutes/);
      expect(iam.calls()).toHaveLength(0);
    });

    it('does not call other credential failures account-not-ready', async () => {
      const expired = new IAMClient({
        region: 'us-east-1',
        credentials: async () => {
          throw Object.assign(new Error('The security token included in the request is expired'), {
            name: 'ExpiredToken',
          });
        },
      });
      const failure = await rejectionOf(port(() => expired).deleteRole(FRESH, 'bootstrap'));
      expect(failure.code).toBe('no-credentials');
    });

    it('creates the role with the managed tag and AdministratorAccess', async () => {
      iam.on(GetRoleCommand).rejects(Object.assign(new Error('no role'), { name: 'NoSuchEntityException' }));
      iam.on(CreateRoleCommand).resolves({});
      iam.on(AttachRolePolicyCommand).resolves({});
      const trustPolicy = { Version: '2012-10-17', Statement: [] };
      await port().putRole(READY, bootstrapSpec(trustPolicy, { team: 'a' }));
      expect(iam.commandCalls(CreateRoleCommand)[0]?.args[0].input).toMatchObject({
        RoleName: 'bootstrap',
        Path: '/',
        Description: DESCRIPTION,
        AssumeRolePolicyDocument: JSON.stringify(trustPolicy),
        MaxSessionDuration: 3600,
        Tags: [
          { Key: 'team', Value: 'a' },
          { Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE },
        ],
      });
      expect(iam.commandCalls(AttachRolePolicyCommand)[0]?.args[0].input).toEqual({
        RoleName: 'bootstrap',
        PolicyArn: 'arn:aws:iam::aws:policy/AdministratorAccess',
      });
    });

    it('re-attaches AdministratorAccess to a managed role a stopped run left without it', async () => {
      iam.on(GetRoleCommand).resolves(bootstrapRole());
      iam.on(UpdateAssumeRolePolicyCommand).resolves({});
      iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
      iam.on(AttachRolePolicyCommand).resolves({});
      iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
      await port().putRole(READY, bootstrapSpec({ Version: '2012-10-17', Statement: [] }));
      expect(iam.commandCalls(UpdateAssumeRolePolicyCommand)).toHaveLength(1);
      expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(1);
    });
  });

  describe('an existing bootstrap role', () => {
    it('is left alone when trust policy, tags and AdministratorAccess already match', async () => {
      iam.on(GetRoleCommand).resolves(bootstrapRole({ trustPolicy: ALICE_TRUST }));
      iam.on(ListAttachedRolePoliciesCommand).resolves(ADMINISTRATOR_ACCESS_ATTACHED);
      // Key order differs from what IAM returns: documents are compared as JSON, not as text.
      const reordered = { Statement: ALICE_TRUST.Statement, Version: '2012-10-17' };
      iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
      await port().putRole(READY, bootstrapSpec(reordered));
      expect(iam.commandCalls(UpdateAssumeRolePolicyCommand)).toHaveLength(0);
      expect(iam.commandCalls(UpdateRoleCommand)).toHaveLength(0);
      expect(iam.commandCalls(TagRoleCommand)).toHaveLength(0);
      expect(iam.commandCalls(AttachRolePolicyCommand)).toHaveLength(0);
    });

    it('rewrites only what differs', async () => {
      iam.on(GetRoleCommand).resolves(bootstrapRole({ trustPolicy: { Version: '2012-10-17', Statement: [] } }));
      iam.on(ListAttachedRolePoliciesCommand).resolves(ADMINISTRATOR_ACCESS_ATTACHED);
      iam.on(UpdateAssumeRolePolicyCommand).resolves({});
      iam.on(TagRoleCommand).resolves({});
      iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
      await port().putRole(READY, bootstrapSpec(ALICE_TRUST, { [MANAGED_BY_TAG]: MANAGED_BY_VALUE, team: 'a' }));
      expect(iam.commandCalls(UpdateAssumeRolePolicyCommand)[0]?.args[0].input).toEqual({
        RoleName: 'bootstrap',
        PolicyDocument: JSON.stringify(ALICE_TRUST),
      });
      expect(iam.commandCalls(TagRoleCommand)[0]?.args[0].input.Tags).toEqual([{ Key: 'team', Value: 'a' }]);
    });

    it('counts as managed whatever the case of the tag key (IAM role tag keys are case-insensitive)', async () => {
      iam.on(GetRoleCommand).resolves(bootstrapRole({ tags: [{ Key: 'Managed-By', Value: MANAGED_BY_VALUE }], trustPolicy: ALICE_TRUST }));
      iam.on(ListAttachedRolePoliciesCommand).resolves({ AttachedPolicies: [] });
      iam.on(ListRolePoliciesCommand).resolves({ PolicyNames: [] });
      iam.on(ListInstanceProfilesForRoleCommand).resolves({ InstanceProfiles: [] });
      iam.on(DeleteRoleCommand).resolves({});
      await port().deleteRole(READY, 'bootstrap');
      expect(iam.commandCalls(DeleteRoleCommand)).toHaveLength(1);
    });

    it('refuses a role whose managed-by tag has another value', async () => {
      iam.on(GetRoleCommand).resolves(bootstrapRole({ tags: [{ Key: MANAGED_BY_TAG, Value: 'someone-else' }], trustPolicy: ALICE_TRUST }));
      expect((await rejectionOf(port().deleteRole(READY, 'bootstrap'))).code).toBe('not-managed');
      expect(iam.commandCalls(DeleteRoleCommand)).toHaveLength(0);
    });
  });

  describe('readOrganization', () => {
    const now = Date.now();

    beforeEach(() => {
      org.on(DescribeOrganizationCommand).resolves({ Organization: { MasterAccountId: MANAGEMENT } });
      org.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-1' }] });
      org.on(ListOrganizationalUnitsForParentCommand, { ParentId: 'r-1' }).resolves({
        OrganizationalUnits: [{ Id: 'ou-w', Name: 'Workloads' }],
      });
      org.on(ListOrganizationalUnitsForParentCommand, { ParentId: 'ou-w' }).resolves({ OrganizationalUnits: [] });
      const account = (Id: string, Name: string, Status: 'ACTIVE' | 'SUSPENDED' | 'PENDING_CLOSURE') => ({
        Id,
        Name,
        Status,
        Email: `aws-root+${Name}@example.gov.uk`,
      });
      org.on(ListAccountsForParentCommand, { ParentId: 'r-1' }).resolves({
        Accounts: [account(MANAGEMENT, 'management', 'ACTIVE'), account('555555555555', 'closed-recently', 'SUSPENDED')],
      });
      org.on(ListAccountsForParentCommand, { ParentId: 'ou-w' }).resolves({
        Accounts: [
          account(FRESH, 'fresh', 'ACTIVE'),
          account(READY, 'ready', 'ACTIVE'),
          account('666666666666', 'closed-long-ago', 'SUSPENDED'),
          account('777777777777', 'closing-by-hand', 'PENDING_CLOSURE'),
        ],
      });
      const isoDay = (ms: number): string => new Date(ms).toISOString().slice(0, 10);
      org.on(ListTagsForResourceCommand).resolves({ Tags: [] });
      org.on(ListTagsForResourceCommand, { ResourceId: READY }).resolves({ Tags: [{ Key: 'team', Value: 'r' }] });
      org.on(ListTagsForResourceCommand, { ResourceId: '555555555555' }).resolves({
        Tags: [{ Key: CLOSURE_REQUESTED_TAG, Value: isoDay(now - 3 * DAY) }],
      });
      org.on(ListTagsForResourceCommand, { ResourceId: '666666666666' }).resolves({
        Tags: [{ Key: CLOSURE_REQUESTED_TAG, Value: isoDay(now - 45 * DAY) }],
      });
      org.on(ListCreateAccountStatusCommand).resolves({
        CreateAccountStatuses: [
          { Id: 'car-old', AccountName: 'ready', State: 'SUCCEEDED', AccountId: READY, RequestedTimestamp: new Date(now - 60 * DAY) },
          { Id: 'car-slow', AccountName: 'team-b', State: 'IN_PROGRESS', RequestedTimestamp: new Date(now - 2 * DAY) },
          {
            Id: 'car-failed',
            AccountName: 'team-c',
            State: 'FAILED',
            FailureReason: 'EMAIL_ALREADY_EXISTS',
            RequestedTimestamp: new Date(now - DAY),
          },
        ],
      });
      iam.on(GetAccountAuthorizationDetailsCommand).resolves({
        RoleDetailList: [
          {
            RoleName: 'bootstrap',
            Path: '/',
            AssumeRolePolicyDocument: encodeURIComponent(JSON.stringify(ALICE_TRUST)),
            AttachedManagedPolicies: ADMINISTRATOR_ACCESS_ATTACHED.AttachedPolicies,
            RolePolicyList: [{ PolicyName: 'own', PolicyDocument: encodeURIComponent(JSON.stringify({ Statement: [] })) }],
            Tags: [{ Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE }],
          },
        ],
        IsTruncated: false,
      });
    });

    it('reads creations, OU paths and accounts, never their roles', async () => {
      const live = await port().readOrganization();

      expect(live.ouPaths).toEqual(['/', '/Workloads']);
      expect(live.creations).toEqual([
        { requestId: 'car-failed', accountName: 'team-c', state: 'FAILED', failureReason: 'EMAIL_ALREADY_EXISTS' },
        { requestId: 'car-slow', accountName: 'team-b', state: 'IN_PROGRESS' },
      ]);
      const byName = new Map(live.accounts.map((a) => [a.name, a]));
      expect(byName.get('management')).toMatchObject({ ouPath: '/' });
      expect(byName.get('ready')).toEqual({
        id: READY,
        name: 'ready',
        email: 'aws-root+ready@example.gov.uk',
        status: 'ACTIVE',
        ouPath: '/Workloads',
        tags: { team: 'r' },
      });
      expect(byName.get('closed-recently')).toMatchObject({ status: 'SUSPENDED', tags: {} });
      // Closed 3 days ago (tag) and closed at an unknown date (no tag) count; 45 days ago does not.
      expect(live.closedInLast30Days).toBe(2);
      expect(live.memberAccountCount).toBe(5);
      expect(iam.calls()).toHaveLength(0);
    });

    it('reads every role of an account in one GetAccountAuthorizationDetails (Filter Role), documents decoded', async () => {
      expect(await port().readRoles(READY)).toEqual([
        {
          name: 'bootstrap',
          path: '/',
          trustPolicy: ALICE_TRUST,
          inlinePolicies: { own: { Statement: [] } },
          attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
          tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE },
        },
      ]);
      expect(iam.calls()).toHaveLength(1);
      expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand)[0]?.args[0].input).toMatchObject({ Filter: ['Role'] });
    });

    it('follows GetAccountAuthorizationDetails pages until IsTruncated is false', async () => {
      const page = (name: string) => ({ RoleName: name, Path: '/', AssumeRolePolicyDocument: encodeURIComponent('{}') });
      iam.on(GetAccountAuthorizationDetailsCommand).callsFake(async (input: { Marker?: string }) =>
        input.Marker === undefined ? { RoleDetailList: [page('a')], IsTruncated: true, Marker: 'm1' } : { RoleDetailList: [page('b')], IsTruncated: false },
      );
      const roles = await port().readRoles(READY);
      expect(Array.isArray(roles) && roles.map((role) => role.name)).toEqual(['a', 'b']);
      expect(iam.commandCalls(GetAccountAuthorizationDetailsCommand)).toHaveLength(2);
    });

    it('an account it cannot enter yet is unknown through the access role, denied through a reader role', async () => {
      expect(await port(() => deniedIam()).readRoles(FRESH)).toBe('unknown');
      const reading = createAwsOrganization(settings, {}, { organizations: orgClient, iamForAccount: () => deniedIam(), access: 'read' });
      expect(await reading.readRoles(FRESH, 'reader')).toBe('denied');
      iam.on(GetAccountAuthorizationDetailsCommand).rejects(Object.assign(new Error('not authorized'), { name: 'AccessDenied', $metadata: { httpStatusCode: 403 } }));
      const readingReady = createAwsOrganization(settings, {}, { organizations: orgClient, iamForAccount: () => iamClient, access: 'read' });
      expect(await readingReady.readRoles(READY, 'reader')).toBe('denied');
    });

    it('makes one Organizations call per account beyond a fixed few per OU', async () => {
      await port().readOrganization();
      const accounts = 6;
      const parents = 2; // root + one OU
      // DescribeOrganization + ListRoots + ListCreateAccountStatus + ListAWSServiceAccessForOrganization
      // (alternate contacts need trusted access), then per parent OUs + accounts, per account tags.
      expect(org.calls()).toHaveLength(4 + 2 * parents + accounts);
    });
  });

  describe('account states', () => {
    const read = async (accounts: { Id: string; Name: string; State?: string; Status?: string }[], tags: Record<string, string> = {}) => {
      org.on(DescribeOrganizationCommand).resolves({ Organization: { MasterAccountId: MANAGEMENT } });
      org.on(ListRootsCommand).resolves({ Roots: [{ Id: 'r-1' }] });
      org.on(ListOrganizationalUnitsForParentCommand).resolves({ OrganizationalUnits: [] });
      // The SDK types State and Status as closed unions; AWS adds values, which is what is tested here.
      org.on(ListAccountsForParentCommand).resolves({ Accounts: accounts as never });
      org.on(ListTagsForResourceCommand).resolves({ Tags: [] });
      for (const [id, day] of Object.entries(tags)) {
        org.on(ListTagsForResourceCommand, { ResourceId: id }).resolves({ Tags: [{ Key: CLOSURE_REQUESTED_TAG, Value: day }] });
      }
      org.on(ListCreateAccountStatusCommand).resolves({ CreateAccountStatuses: [] });
      const live = await port().readOrganization();
      return { live, byName: new Map(live.accounts.map((a) => [a.name, a])) };
    };

    it('reads State before the retiring Status field', async () => {
      const { live, byName } = await read([
        { Id: '100000000001', Name: 'closed', State: 'CLOSED', Status: 'SUSPENDED' },
        { Id: '100000000002', Name: 'closing', State: 'PENDING_CLOSURE' },
        { Id: '100000000003', Name: 'old-api', Status: 'ACTIVE' },
      ]);
      expect(byName.get('closed')).toMatchObject({ status: 'SUSPENDED' });
      expect(byName.get('closing')).toMatchObject({ status: 'PENDING_CLOSURE' });
      expect(byName.get('old-api')?.status).toBe('ACTIVE');
      expect(live.closedInLast30Days).toBe(2);
    });

    it('reports PENDING_ACTIVATION and states it does not know as not ACTIVE, not looked into, not closed', async () => {
      const recently = new Date(Date.now() - DAY).toISOString().slice(0, 10);
      const { live, byName } = await read(
        [
          { Id: '100000000001', Name: 'signing-up', State: 'PENDING_ACTIVATION', Status: 'ACTIVE' },
          { Id: '100000000002', Name: 'future', State: 'SOMETHING_AWS_ADDS_LATER' },
          { Id: '100000000003', Name: 'closed-by-us', State: 'SOMETHING_AWS_ADDS_LATER' },
          { Id: '100000000004', Name: 'no-state' },
        ],
        { '100000000003': recently },
      );
      for (const name of ['signing-up', 'future', 'closed-by-us', 'no-state']) {
        expect(byName.get(name)).toMatchObject({ status: 'SUSPENDED' });
      }
      // Only the account this adapter asked to close counts against the closure quota.
      expect(live.closedInLast30Days).toBe(1);
    });
  });
});
