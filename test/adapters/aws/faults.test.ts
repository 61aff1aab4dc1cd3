/**
 * The AWS adapters through the fault-injecting proxy (test/support/faults.ts) in front of moto: each
 * fault AWS documents and moto lacks, injected, counted, and absorbed the way an operator wants.
 */
import {
  AttachUserPolicyCommand,
  CreateAccessKeyCommand,
  CreateGroupCommand,
  CreatePolicyCommand,
  CreateUserCommand,
  GetUserCommand,
  IAMClient,
  ListUsersCommand,
  PutUserPolicyCommand,
  AddUserToGroupCommand,
} from '@aws-sdk/client-iam';
import { CreateAccountCommand, OrganizationsClient } from '@aws-sdk/client-organizations';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { describe, expect, it } from 'vitest';
import { createAwsUsersAccount } from '../../../src/adapters/aws/iam-users-account.ts';
import { createAwsOrganization } from '../../../src/adapters/aws/organization.ts';
import { createSesMailer } from '../../../src/adapters/aws/ses-mailer.ts';
import { isAppError } from '../../../src/core/errors.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE } from '../../../src/core/model.ts';
import { startBenchProxy } from '../../support/aws-proxy.ts';
import { awsSettings, createMotoOrganization, motoClient, MOTO_ACCOUNT_ID, useMoto } from '../../support/aws.ts';
import { motoEnv } from '../../support/moto.ts';

const moto = useMoto({ reset: true });
const MANAGED = { [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
const settings = awsSettings({ organization: { management_account_id: MOTO_ACCOUNT_ID } });
const noSleep = async (): Promise<void> => undefined;

async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('every IAM list paged to the end', () => {
  it('reads every user through GetAccountAuthorizationDetails in pages of 2, and deletes a user whose lists all page', async () => {
    const proxy = await startBenchProxy(moto.url, { faults: { pageSize: 2 } });
    const iam = motoClient(IAMClient, moto.url);
    try {
      const port = createAwsUsersAccount(settings, motoEnv(proxy.url), { sleep: noSleep });
      const names = Array.from({ length: 5 }, (_, i) => `paged.${i}@example.gov.uk`);
      for (const name of names) await port.createUser(name, MANAGED);
      await port.createGroup('CrossAccountAccess');

      const live = await port.readUsersAccount('CrossAccountAccess');
      expect(live.users.map((u) => u.userName).sort()).toEqual(names);
      expect(proxy.faults?.injected.get('paging:GetAccountAuthorizationDetails')).toBeGreaterThanOrEqual(3);

      // One user with more of everything than a page holds.
      const leaver = names[0] ?? '';
      for (const i of [1, 2, 3]) {
        await iam.send(new CreateGroupCommand({ GroupName: `g${i}` }));
        await iam.send(new AddUserToGroupCommand({ GroupName: `g${i}`, UserName: leaver }));
        await iam.send(new PutUserPolicyCommand({ UserName: leaver, PolicyName: `p${i}`, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] }) }));
        const policy = await iam.send(new CreatePolicyCommand({ PolicyName: `m${i}`, PolicyDocument: JSON.stringify({ Version: '2012-10-17', Statement: [{ Effect: 'Deny', Action: 's3:*', Resource: '*' }] }) }));
        await iam.send(new AttachUserPolicyCommand({ UserName: leaver, PolicyArn: policy.Policy?.Arn }));
      }
      await iam.send(new CreateAccessKeyCommand({ UserName: leaver }));
      await iam.send(new CreateAccessKeyCommand({ UserName: leaver }));

      await port.deleteUser(leaver);
      expect((await rejectionOf(iam.send(new GetUserCommand({ UserName: leaver })))) as Error).toHaveProperty('name', 'NoSuchEntityException');
      for (const list of ['ListUserPolicies', 'ListAttachedUserPolicies', 'ListGroupsForUser']) {
        expect(proxy.faults?.injected.get(`paging:${list}`), list).toBeGreaterThanOrEqual(1);
      }
      const left = ((await iam.send(new ListUsersCommand({}))).Users ?? []).map((u) => u.UserName);
      expect(left).not.toContain(leaver);
    } finally {
      iam.destroy();
      await proxy.close();
    }
  });
});

describe('every Organizations list paged to the end', () => {
  it('reads every OU and account, in pages of 1', async () => {
    await createMotoOrganization(moto.url, ['/Workloads/Production', '/Workloads/Non-production', '/Sandbox']);
    const org = motoClient(OrganizationsClient, moto.url);
    for (const name of ['one', 'two', 'three']) {
      await org.send(new CreateAccountCommand({ AccountName: name, Email: `aws-root+${name}@example.gov.uk` }));
    }
    org.destroy();
    const proxy = await startBenchProxy(moto.url, { faults: { pageSize: 1 } });
    try {
      const port = createAwsOrganization(settings, motoEnv(proxy.url), { sleep: noSleep });
      const live = await port.readOrganization();
      expect(live.ouPaths).toEqual(['/', '/Sandbox', '/Workloads', '/Workloads/Non-production', '/Workloads/Production']);
      expect(live.accounts.map((a) => a.name).filter((n) => ['one', 'two', 'three'].includes(n)).sort()).toEqual(['one', 'three', 'two']);
      // moto also lists the creation of its management account ("master").
      expect(live.creations.map((c) => c.accountName).filter((n) => n !== 'master').sort()).toEqual(['one', 'three', 'two']);
      for (const list of ['ListOrganizationalUnitsForParent', 'ListAccountsForParent', 'ListCreateAccountStatus']) {
        expect(proxy.faults?.injected.get(`paging:${list}`), list).toBeGreaterThanOrEqual(1);
      }
    } finally {
      await proxy.close();
    }
  });
});

describe('a connection reset after the request was processed', () => {
  it('CreateUser: the SDK retry finds the user this request made, so it is created once and no failure is reported', async () => {
    const proxy = await startBenchProxy(moto.url, { faults: { resetAfter: { actions: ['CreateUser'], probability: 1 } } });
    const iam = motoClient(IAMClient, moto.url);
    try {
      const port = createAwsUsersAccount(settings, motoEnv(proxy.url), { sleep: noSleep });
      await port.createUser('reset@example.gov.uk', { ...MANAGED, team: 'platform' });
      expect(proxy.faults?.injected.get('reset:CreateUser')).toBe(1);
      expect(proxy.counts.get('CreateUser')).toBe(2);
      expect(((await iam.send(new ListUsersCommand({}))).Users ?? []).map((u) => u.UserName)).toEqual(['reset@example.gov.uk']);
    } finally {
      iam.destroy();
      await proxy.close();
    }
  });

  it('CreateUser for a name someone else holds (other tags) is still refused', async () => {
    const iam = motoClient(IAMClient, moto.url);
    const proxy = await startBenchProxy(moto.url, { faults: {} });
    try {
      await iam.send(new CreateUserCommand({ UserName: 'taken@example.gov.uk' }));
      const port = createAwsUsersAccount(settings, motoEnv(proxy.url), { sleep: noSleep });
      const error = await rejectionOf(port.createUser('taken@example.gov.uk', MANAGED));
      expect(isAppError(error) && error.code).toBe('user-exists');
    } finally {
      iam.destroy();
      await proxy.close();
    }
  });

  it('SendEmail: not sent again by the SDK (it may have gone out); reported so the notice stays owed', async () => {
    await motoClient(SESClient, moto.url, { region: 'eu-west-2' }).send(new VerifyEmailIdentityCommand({ EmailAddress: settings.email.sender }));
    const proxy = await startBenchProxy(moto.url, { faults: { resetAfter: { actions: ['SendEmail'], probability: 1 } } });
    try {
      const mailer = createSesMailer(settings, motoEnv(proxy.url), { sleep: noSleep });
      const error = await rejectionOf(mailer.send({ to: ['ada@example.gov.uk'], subject: 'Hello', body: 'once' }));
      expect(isAppError(error) && error.code).toBe('aws-unreachable');
      expect(proxy.faults?.injected.get('reset:SendEmail')).toBe(1);
      expect((await moto.sentEmails()).filter((m) => m.subject === 'Hello')).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });
});

describe('SES', () => {
  it('MessageRejected for an unverified recipient: email-rejected, with AWS reason and what to do', async () => {
    await motoClient(SESClient, moto.url, { region: 'eu-west-2' }).send(new VerifyEmailIdentityCommand({ EmailAddress: settings.email.sender }));
    const proxy = await startBenchProxy(moto.url, { faults: { sesRejected: ['ben@example.gov.uk'] } });
    try {
      const mailer = createSesMailer(settings, motoEnv(proxy.url), { sleep: noSleep });
      const error = await rejectionOf(mailer.send({ to: ['ben@example.gov.uk'], subject: 'Hi', body: 'x' }));
      expect(isAppError(error) && error.code).toBe('email-rejected');
      expect(String((error as Error).message)).toContain('Email address is not verified. The following identities failed the check in region EU-WEST-2: ben@example.gov.uk');
      expect(isAppError(error) && error.hint).toContain('sandbox');
      await mailer.send({ to: ['ada@example.gov.uk'], subject: 'Hi', body: 'x' });
      expect(proxy.faults?.injected.get('ses:MessageRejected')).toBe(1);
    } finally {
      await proxy.close();
    }
  });

  it('Throttling above the send rate: retried with back-off, each mail sent once', async () => {
    await motoClient(SESClient, moto.url, { region: 'eu-west-2' }).send(new VerifyEmailIdentityCommand({ EmailAddress: settings.email.sender }));
    const proxy = await startBenchProxy(moto.url, { throttling: { ses: { burst: 1, perSecond: 20 } }, faults: {} });
    try {
      const mailer = createSesMailer(settings, motoEnv(proxy.url), { sleep: (ms) => new Promise((r) => setTimeout(r, Math.min(ms, 60))) });
      await Promise.all(Array.from({ length: 5 }, (_, i) => mailer.send({ to: [`u${i}@example.gov.uk`], subject: `rate ${i}`, body: 'x' })));
      expect(proxy.buckets.refused.get('ses:SendEmail')).toBeGreaterThan(0);
      const sent = (await moto.sentEmails()).filter((m) => m.subject.startsWith('rate '));
      expect(sent.map((m) => m.subject).sort()).toEqual(['rate 0', 'rate 1', 'rate 2', 'rate 3', 'rate 4']);
    } finally {
      await proxy.close();
    }
  });
});

describe('Organizations: CreateAccount', () => {
  it('refused while too many creations are in progress (TooManyRequestsException) or in conflict: asked again after a wait, one account each', async () => {
    await createMotoOrganization(moto.url, []);
    const proxy = await startBenchProxy(moto.url, {
      faults: { seed: 7, organizations: { concurrentCreations: 1, inProgressPolls: 1, concurrentModificationRate: 0.3 } },
    });
    try {
      const waits: number[] = [];
      let port: ReturnType<typeof createAwsOrganization> | undefined;
      // While it waits, the first request is polled to completion, as apply's executor does.
      const sleep = async (ms: number): Promise<void> => {
        waits.push(ms);
        for (const creation of await port!.readOrganization().then((o) => o.creations)) {
          if (creation.state === 'IN_PROGRESS') await port!.describeAccountCreation(creation.requestId);
        }
      };
      port = createAwsOrganization(settings, motoEnv(proxy.url), { sleep });
      const input = (name: string) => ({ accountName: name, email: `aws-root+${name}@example.gov.uk`, tags: {}, accessRoleName: 'OrganizationAccountAccessRole' });
      const first = await port.startAccountCreation(input('first'));
      const second = await port.startAccountCreation(input('second'));
      expect(first).not.toBe(second);
      expect(proxy.faults?.injected.get('organizations:TooManyRequestsException:CreateAccount')).toBeGreaterThanOrEqual(1);
      expect(waits.length).toBeGreaterThanOrEqual(1);
      expect((await port.describeAccountCreation(second)).state).toBe('SUCCEEDED');
      const names = (await port.readOrganization()).accounts.map((a) => a.name);
      expect(names.filter((n) => n === 'first')).toHaveLength(1);
      expect(names.filter((n) => n === 'second')).toHaveLength(1);
    } finally {
      await proxy.close();
    }
  });

  it('ends FAILED with the reason AWS gives (INTERNAL_FAILURE): describeAccountCreation reports it', async () => {
    await createMotoOrganization(moto.url, []);
    const proxy = await startBenchProxy(moto.url, { faults: { createAccountFailures: { doomed: { reason: 'INTERNAL_FAILURE' } } } });
    try {
      const port = createAwsOrganization(settings, motoEnv(proxy.url), { sleep: noSleep });
      const id = await port.startAccountCreation({ accountName: 'doomed', email: 'aws-root+doomed@example.gov.uk', tags: {}, accessRoleName: 'OrganizationAccountAccessRole' });
      expect(await port.describeAccountCreation(id)).toMatchObject({ state: 'FAILED', failureReason: 'INTERNAL_FAILURE' });
      expect(proxy.faults?.injected.get('organizations:FAILED:INTERNAL_FAILURE')).toBe(1);
    } finally {
      await proxy.close();
    }
  });
});
