/**
 * Lifecycle notices through the AWS adapters against moto (one server, in sequence): the expiry
 * warnings go out 14 and 3 days before, once each across runs, and are never lost across a crash
 * after the email and before the tag; the people added to and removed from bootstrap.users are
 * emailed after the trust change, the added with the switch-role link, and their tags are cleared.
 * No temporary password shows anywhere but in the welcome email.
 */
import { IAMClient, ListUserTagsCommand } from '@aws-sdk/client-iam';
import { SESClient, VerifyEmailIdentityCommand } from '@aws-sdk/client-ses';
import { beforeAll, describe, expect, it } from 'vitest';
import { createAwsOrganization } from '../../src/adapters/aws/organization.ts';
import { createAwsUsersAccount } from '../../src/adapters/aws/iam-users-account.ts';
import { createSesMailer } from '../../src/adapters/aws/ses-mailer.ts';
import { applyPlan, type ApplyReport } from '../../src/apply/apply-plan.ts';
import { AppError } from '../../src/core/errors.ts';
import { EXPIRY_WARNING_TAG } from '../../src/core/expiry.ts';
import type { DesiredState, SettingsFile } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { readLiveState } from '../../src/apply/read-live-state.ts';
import type { Target } from '../../src/ports/target.ts';
import type { UsersAccountPort } from '../../src/ports/users-account.ts';
import { renderPlanText } from '../../src/render/plan-text.ts';
import { awsSettings, createMotoOrganization, MOTO_ACCOUNT_ID, motoClient, useMoto } from '../support/aws.ts';
import { aDesiredState, anAccount, aUser, summaryOf } from '../support/builders.ts';
import { motoEnv } from '../support/moto.ts';

const ADA = 'ada@contractor.example.com';
const BOB = 'bob@example.gov.uk';

describe('lifecycle notices on moto (AWS adapters)', () => {
  const moto = useMoto({ managedPolicies: true });
  let settings: SettingsFile;
  let target: Target;
  const secrets: string[] = [];
  const outputs: string[] = [];

  const state = (expires: string, members: string[]): DesiredState =>
    aDesiredState({
      settings,
      users: [aUser(ADA, { expires, requested_by: BOB }), aUser(BOB)],
      accounts: [anAccount('svc', { bootstrap: { users: members } }, settings)],
    });
  const planOn = async (desired: DesiredState, today: string) => {
    const plan = computePlan(desired, await readLiveState(target, settings), { today });
    outputs.push(renderPlanText(plan, { color: false }));
    return plan;
  };
  const apply = async (desired: DesiredState, today: string, on: Target = target): Promise<ApplyReport> => {
    const report = await applyPlan(await planOn(desired, today), {
      target: on,
      settings,
      generatePassword: () => `Temporary-${secrets.length}-Password-16chars!`,
      onSecret: (secret) => secrets.push(secret),
      log: (line) => outputs.push(line),
      sleep: async () => {},
      now: () => new Date(`${today}T05:07:00Z`),
      allowMassDeletion: false,
    });
    outputs.push(JSON.stringify(report));
    return report;
  };
  const mails = async (subject: string) => (await moto.sentEmails()).filter((mail) => mail.subject.includes(subject));
  const userTags = async (userName: string): Promise<Record<string, string>> => {
    const iam = motoClient(IAMClient, moto.url);
    const tags = (await iam.send(new ListUserTagsCommand({ UserName: userName }))).Tags ?? [];
    iam.destroy();
    return Object.fromEntries(tags.map((tag) => [tag.Key ?? '', tag.Value ?? '']));
  };

  beforeAll(async () => {
    await createMotoOrganization(moto.url, ['/Workloads/Production']);
    settings = awsSettings({ organization: { management_account_id: MOTO_ACCOUNT_ID } });
    const ses = motoClient(SESClient, moto.url, { region: settings.email.region });
    await ses.send(new VerifyEmailIdentityCommand({ EmailAddress: settings.email.sender }));
    ses.destroy();
    const env = motoEnv(moto.url);
    target = {
      baseline: { kind: 'aws', usersAccountId: settings.users_account.id, managementAccountId: MOTO_ACCOUNT_ID },
      usersAccount: createAwsUsersAccount(settings, env),
      organization: createAwsOrganization(settings, env),
      mailer: createSesMailer(settings, env),
    };
  });

  it('warns 14 and 3 days before, once each, and resends a warning whose tag a crash kept from being written', async () => {
    const desired = state('2026-12-20', [ADA]);
    expect((await apply(desired, '2026-11-30')).results.every((r) => r.status === 'done')).toBe(true);
    expect(await mails('ends soon')).toEqual([]);

    await apply(desired, '2026-12-08');
    await apply(desired, '2026-12-09');
    const fourteen = await mails('ends soon');
    expect(fourteen.map((mail) => [mail.destinations.ToAddresses, mail.subject])).toEqual([
      [[ADA, BOB], `AWS access for ${ADA} ends soon (expires 2026-12-20, in 12 days)`],
    ]);
    expect((await userTags(ADA))[EXPIRY_WARNING_TAG]).toBe('14:2026-12-20');

    // The run dies after SES accepted the 3-day warning, before the tag: the next run sends it again, once.
    const usersAccount = target.usersAccount;
    const crashing: Target = {
      ...target,
      usersAccount: Object.assign(Object.create(usersAccount) as UsersAccountPort, {
        tagUser: async () => {
          throw new AppError('aws-unreachable', 'the run stopped here');
        },
      }),
    };
    expect((await apply(desired, '2026-12-18', crashing)).results.map((r) => [r.kind, r.status])).toEqual([['warn-expiry', 'failed']]);
    expect((await userTags(ADA))[EXPIRY_WARNING_TAG]).toBe('14:2026-12-20');
    await apply(desired, '2026-12-18');
    expect((await planOn(desired, '2026-12-19')).changes).toEqual([]);
    expect((await mails('ends soon')).map((mail) => mail.subject)).toEqual([
      `AWS access for ${ADA} ends soon (expires 2026-12-20, in 12 days)`,
      `AWS access for ${ADA} ends soon (expires 2026-12-20, in 2 days)`,
      `AWS access for ${ADA} ends soon (expires 2026-12-20, in 2 days)`,
    ]);
    expect((await userTags(ADA))[EXPIRY_WARNING_TAG]).toBe('3:2026-12-20');

    // Extended: the warnings are re-armed for the new date.
    const extended = state('2027-01-10', [ADA]);
    await apply(extended, '2026-12-19');
    expect((await planOn(extended, '2026-12-28')).changes.map((c) => summaryOf(c))).toEqual([
      `warn ${ADA}, ${BOB} that ${ADA}'s access ends (expires 2027-01-10, in 13 days; the 14-day warning)`,
    ]);
  });

  it('emails the people added to and removed from bootstrap.users after the trust change, the added with the switch-role link', async () => {
    const desired = state('2027-01-10', [BOB]);
    const plan = await planOn(desired, '2026-12-19');
    expect(plan.changes.map((c) => c.change.kind)).toEqual(['put-role', 'notify-bootstrap-users']);
    const accountId = plan.changes[0]?.change.kind === 'put-role' ? plan.changes[0].change.accountId : '';
    expect((await apply(desired, '2026-12-19')).results.map((r) => [r.kind, r.status])).toEqual([
      ['put-role', 'done'],
      ['notify-bootstrap-users', 'done'],
    ]);
    // Ada was told when the account was created; Bob now, in an email of his own.
    const toBob = (await mails('may now use the bootstrap role')).filter((mail) => mail.destinations.ToAddresses?.includes(BOB));
    expect(toBob.map((mail) => mail.destinations.ToAddresses)).toEqual([[BOB]]);
    const [added] = toBob;
    expect(added?.body).toContain(`role_arn = arn:aws:iam::${accountId}:role/bootstrap`);
    expect(added?.body).toContain(`https://signin.aws.amazon.com/switchrole?roleName=bootstrap&account=${accountId}&displayName=svc`);
    const [removed] = await mails('may no longer use the bootstrap role');
    expect(removed?.destinations.ToAddresses).toEqual([ADA]);
    for (const user of [ADA, BOB]) expect(Object.keys(await userTags(user)).filter((key) => key.startsWith('bootstrap-notice'))).toEqual([]);
    expect((await planOn(desired, '2026-12-19')).changes).toEqual([]);
  });

  it('no temporary password reaches a plan, a log line, a report, or any email but the welcome', async () => {
    expect(secrets.length).toBeGreaterThan(0);
    const notices = (await moto.sentEmails()).filter((mail) => !mail.subject.startsWith('Your AWS user'));
    const visible = [...outputs, ...notices.map((mail) => mail.body)].join('\n');
    for (const secret of secrets) expect(visible).not.toContain(secret);
  });
});
