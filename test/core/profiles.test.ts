import { describe, expect, it } from 'vitest';
import type { AccountFile } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { mfaSerialOf, profilesFor, profilesFromGrants, roleGrantsOf } from '../../src/core/profiles.ts';
import { usersTrustPolicy } from '../../src/core/trust-policy.ts';
import { renderAwsConfig } from '../../src/render/aws-config.ts';
import { aDesiredState, aLiveAccount, aLiveBootstrapRole, anAccount, anAppliedLiveState, aUser, someSettings } from '../support/builders.ts';

const settings = someSettings();
const ADA = 'ada@example.gov.uk';
const BOB = 'bob@example.gov.uk';

describe('profilesFor', () => {
  it('lists every role, managed or not, whose trust names the user; never a suspended account or a wildcard', () => {
    const accounts = [
      aLiveAccount('one', { roles: [aLiveBootstrapRole([ADA, 'bob@example.gov.uk'])] }),
      aLiveAccount('two', {
        roles: [
          { ...aLiveBootstrapRole([ADA], { managed: false }), name: 'terraform-admin', path: '/people/' },
          { ...aLiveBootstrapRole(['bob@example.gov.uk']), name: 'bob-only' },
          { ...aLiveBootstrapRole([ADA]), name: 'anyone', trustPolicy: { Statement: [{ Effect: 'Allow', Principal: '*', Action: 'sts:AssumeRole' }] } },
        ],
      }),
      aLiveAccount('gone', { status: 'SUSPENDED', roles: [aLiveBootstrapRole([ADA])] }),
      aLiveAccount('unread', { roles: 'unknown' }),
    ];
    const set = profilesFor(settings, ADA, accounts);
    expect(set.roles.map((r) => [r.name, r.roleArn])).toEqual([
      ['one-bootstrap', `arn:aws:iam::${accounts[0]!.id}:role/bootstrap`],
      ['two-terraform-admin', `arn:aws:iam::${accounts[1]!.id}:role/people/terraform-admin`],
    ]);
    expect(set).toMatchObject({ baseProfile: 'test-users', region: 'eu-west-2', mfaSerial: `arn:aws:iam::${settings.users_account.id}:mfa/${ADA}` });
  });

  it('renders a config with no secret: only names, ids and ARNs', () => {
    const trust = usersTrustPolicy(settings.users_account.id, [ADA]);
    const set = profilesFor(settings, ADA, [aLiveAccount('one', { roles: [{ ...aLiveBootstrapRole([ADA]), trustPolicy: trust }] })]);
    const text = renderAwsConfig(set, 'config');
    expect(text).toContain('[profile test-users]\nregion = eu-west-2\nmfa_serial = ');
    expect(text).toContain('[profile one-bootstrap]\nsource_profile = test-users\nrole_arn = ');
    expect(text).not.toMatch(/aws_secret_access_key|aws_access_key_id/);
  });

  it('from the files: every role the account files give the person (bootstrap and team roles, active accounts), with the ids the files record; the rest pending', () => {
    const accounts = [
      anAccount('pay-dev', { id: '222233334444', bootstrap: { users: [BOB] }, roles: [{ name: 'pay-admin', kind: 'admin', users: [ADA] }] }),
      anAccount('notify-staging', { roles: [{ name: 'notify-read-only', kind: 'read-only', users: [ADA.toUpperCase()] }] }),
      anAccount('old', { id: '999988887777', state: 'closed', bootstrap: { users: [ADA] } }),
    ];
    const grants = roleGrantsOf(settings, accounts, ADA, (account) => account.data.id);
    expect(grants).toEqual([
      { accountName: 'notify-staging', roleName: 'bootstrap', path: '/' },
      { accountName: 'notify-staging', roleName: 'notify-read-only', path: '/' },
      { accountName: 'pay-dev', roleName: 'pay-admin', path: '/', accountId: '222233334444' },
    ]);
    const set = profilesFromGrants(settings, ADA, grants);
    expect(set.roles.map((r) => [r.name, r.roleArn])).toEqual([['pay-dev-pay-admin', 'arn:aws:iam::222233334444:role/pay-admin']]);
    expect(set.pending).toEqual([
      { accountName: 'notify-staging', roleName: 'bootstrap' },
      { accountName: 'notify-staging', roleName: 'notify-read-only' },
    ]);
    expect(set.mfaSerial).toBe(mfaSerialOf(settings.users_account.id, ADA));
    expect(renderAwsConfig(set, 'config')).toContain('#   notify-read-only in notify-staging');
  });

  it('what a notice carries is what the files give once they record the ids: the email and npm run profiles print the same config', () => {
    type Roles = NonNullable<AccountFile['roles']>;
    const files = (twoRoles: Roles, ids: Record<string, string> = {}) =>
      aDesiredState({
        users: [aUser(ADA), aUser(BOB)],
        accounts: [
          anAccount('one', { bootstrap: { users: [BOB] }, roles: [{ name: 'one-admin', kind: 'admin', users: [ADA] }], ...(ids['one'] ? { id: ids['one'] } : {}) }),
          anAccount('two', { bootstrap: { users: [BOB] }, roles: twoRoles, ...(ids['two'] ? { id: ids['two'] } : {}) }),
        ],
      });
    const live = anAppliedLiveState(files([]));
    const plan = computePlan(files([{ name: 'two-read-only', kind: 'read-only', users: [ADA] }]), live);
    const notice = plan.changes.find((c) => c.change.kind === 'notify-bootstrap-users')?.change;
    if (notice?.kind !== 'notify-bootstrap-users') throw new Error('expected a notice');
    const emailed = renderAwsConfig(profilesFromGrants(settings, ADA, notice.profiles?.[0]?.roles ?? []), 'config');
    const ids = Object.fromEntries(live.organization.accounts.map((a) => [a.name, a.id]));
    const recorded = files([{ name: 'two-read-only', kind: 'read-only', users: [ADA] }], ids);
    const printed = renderAwsConfig(profilesFromGrants(settings, ADA, roleGrantsOf(settings, recorded.accounts.values(), ADA, (a) => a.data.id)), 'config');
    expect(emailed).toBe(printed);
    expect(printed).toContain(`role_arn = arn:aws:iam::${ids['one']}:role/one-admin`);
    expect(printed).toContain(`role_arn = arn:aws:iam::${ids['two']}:role/two-read-only`);
  });
});
