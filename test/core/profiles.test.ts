import { describe, expect, it } from 'vitest';
import { profilesFor } from '../../src/core/profiles.ts';
import { usersTrustPolicy } from '../../src/core/trust-policy.ts';
import { renderAwsConfig } from '../../src/render/aws-config.ts';
import { aLiveAccount, aLiveBootstrapRole, someSettings } from '../support/builders.ts';

const settings = someSettings();
const ADA = 'ada@example.gov.uk';

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
});
