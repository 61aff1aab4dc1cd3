import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  accountClosedEmail,
  accountCreatedEmail,
  CONFIG_END,
  CONFIG_START,
  passwordResetEmail,
  requesterNoticeEmail,
  roleAddedEmail,
  switchRoleUrl,
  welcomeEmail,
} from '../../src/apply/emails.ts';
import { profilesFromGrants, type RoleGrant } from '../../src/core/profiles.ts';
import { renderAwsConfig } from '../../src/render/aws-config.ts';
import { someSettings } from '../support/builders.ts';

/** The ~/.aws/config an email carries, between its marker lines. */
function configIn(body: string): string {
  const start = body.indexOf(CONFIG_START);
  const end = body.indexOf(CONFIG_END);
  if (start < 0 || end < start) throw new Error(`no ~/.aws/config in:\n${body}`);
  return body.slice(start + CONFIG_START.length + 1, end);
}

/** Python's configparser reading `text` as a file: each section with its keys (as the AWS CLI, which uses the same INI rules, would). */
function parseWithConfigparser(text: string): Record<string, Record<string, string>> {
  const dir = mkdtempSync(join(tmpdir(), 'aws-config-'));
  try {
    const file = join(dir, 'config');
    writeFileSync(file, text);
    const script = [
      'import configparser, json, sys',
      'parser = configparser.ConfigParser(interpolation=None)',
      'read = parser.read(sys.argv[1])',
      'assert read == [sys.argv[1]], read',
      'print(json.dumps({name: dict(parser[name]) for name in parser.sections()}))',
    ].join('\n');
    return JSON.parse(execFileSync('python3', ['-c', script, file], { encoding: 'utf8' })) as Record<string, Record<string, string>>;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const TWO_ROLES: RoleGrant[] = [
  { accountName: 'pay-dev', roleName: 'pay-admin', path: '/', accountId: '222233334444' },
  { accountName: 'notify-staging', roleName: 'notify-read-only', path: '/', accountId: '555566667777' },
];

const settings = someSettings();
const PASSWORD = 'Xy7!temporary-password-abc';

describe('emails', () => {
  it('welcome: sign-in URL, user name, temporary password, first-sign-in change, MFA rules, CLI, support', () => {
    const mail = welcomeEmail({ settings, userName: 'ada@example.gov.uk', fullName: 'Ada Lovelace', temporaryPassword: PASSWORD });
    expect(mail.to).toEqual(['ada@example.gov.uk']);
    expect(mail.body).toContain('https://test-users.signin.aws.amazon.com/console');
    expect(mail.body).toContain('User name:           ada@example.gov.uk');
    expect(mail.body).toContain(`Temporary password:  ${PASSWORD}`);
    expect(mail.body).toContain('change this password the first time you sign in');
    expect(mail.body).toContain('without MFA you cannot assume roles');
    expect(mail.body).toContain("Any other device's name must also start\n  with your user name (for example ada@example.gov.uk-yubikey)");
    expect(mail.body).toContain('up to 8 MFA devices');
    expect(mail.body).toContain('aws configure --profile test-users');
    expect(mail.body).toContain('Name your first device exactly your user name, ada@example.gov.uk');
    expect(configIn(mail.body)).toContain('[profile test-users]\nregion = eu-west-2\nmfa_serial = arn:aws:iam::111111111111:mfa/ada@example.gov.uk\n');
    expect(mail.body).toContain('npm run profiles -- --user ada@example.gov.uk');
    // --target aws needs the pipeline's read roles, which people do not have.
    expect(mail.body).not.toContain('--target');
    expect(mail.body).toContain(settings.email.support_mailbox);
    expect(mail.subject).not.toContain(PASSWORD);
  });

  it('reset: a new password for the user only', () => {
    const mail = passwordResetEmail({ settings, userName: 'ada@example.gov.uk', fullName: 'Ada', temporaryPassword: PASSWORD });
    expect(mail.to).toEqual(['ada@example.gov.uk']);
    expect(mail.body).toContain(PASSWORD);
  });

  it('reset: repeats the password rules from the settings', () => {
    const strict = { ...settings, users_account: { ...settings.users_account, password_policy: { minimum_length: 20, require_symbols: true, reuse_prevention: 5 } } };
    const mail = passwordResetEmail({ settings: strict, userName: 'ada@example.gov.uk', fullName: 'Ada', temporaryPassword: PASSWORD });
    expect(mail.body).toContain('Your new password must be at least 20 characters long and contain a symbol;');
    expect(mail.body).toContain('You cannot reuse any of your last 5 passwords.');
    const plain = passwordResetEmail({ settings, userName: 'ada@example.gov.uk', fullName: 'Ada', temporaryPassword: PASSWORD });
    expect(plain.body).toContain(`at least ${settings.users_account.password_policy.minimum_length} characters long;`);
  });

  it('requester notice: never the password', () => {
    const mail = requesterNoticeEmail({ settings, requestedBy: 'lead@example.gov.uk', userName: 'ada@example.gov.uk', fullName: 'Ada' });
    expect(mail.to).toEqual(['lead@example.gov.uk']);
    expect(mail.body).not.toMatch(/password:/i);
    expect(mail.body).toContain('ada@example.gov.uk');
  });

  it('account created: id, switch-role link, CLI profile, and how to remove the bootstrap role', () => {
    const mail = accountCreatedEmail({
      settings,
      accountName: 'team-production',
      accountId: '123456789012',
      recipients: ['team@example.gov.uk', 'ada@example.gov.uk'],
      hasBootstrapRole: true,
    });
    expect(mail.to).toEqual(['team@example.gov.uk', 'ada@example.gov.uk']);
    expect(mail.subject).toBe('AWS account team-production is ready (123456789012)');
    expect(mail.body).toContain('https://signin.aws.amazon.com/switchrole?roleName=bootstrap&account=123456789012&displayName=team-production');
    expect(mail.body).toContain('add id: "123456789012" to accounts/team-production.yaml');
    expect(mail.body).toContain('gets an email of their own');
    expect(mail.body).not.toContain('--target');
    expect(mail.body).toContain('"bootstrap: state: removed"');
    const without = accountCreatedEmail({ settings, accountName: 'x', accountId: '1', recipients: ['a@b.c'], hasBootstrapRole: false });
    expect(without.body).not.toContain('switchrole');
  });

  it('a person with two roles in two accounts gets a ~/.aws/config that configparser reads, with the real ids, the MFA device the email names, and what npm run profiles prints', () => {
    const ada = 'ada@example.gov.uk';
    const mail = roleAddedEmail({
      settings,
      accountName: 'pay-dev',
      accountId: '222233334444',
      roleName: 'pay-admin',
      description: 'Admin: can do everything in the account including IAM administration (aws-access-as-code).',
      userName: ada,
      roles: TWO_ROLES,
    });
    expect(mail.to).toEqual([ada]);
    expect(mail.body).toContain('https://signin.aws.amazon.com/switchrole?roleName=pay-admin&account=222233334444&displayName=pay-dev');
    expect(mail.body).toContain('What it may do: Admin: can do everything');
    const config = configIn(mail.body);
    const mfa = `arn:aws:iam::${settings.users_account.id}:mfa/${ada}`;
    expect(mail.body).toContain(`device to be named exactly ${ada} (mfa_serial = ${mfa})`);
    expect(parseWithConfigparser(config)).toEqual({
      'profile test-users': { region: 'eu-west-2', mfa_serial: mfa },
      'profile notify-staging-notify-read-only': {
        source_profile: 'test-users',
        role_arn: 'arn:aws:iam::555566667777:role/notify-read-only',
        mfa_serial: mfa,
        region: 'eu-west-2',
      },
      'profile pay-dev-pay-admin': { source_profile: 'test-users', role_arn: 'arn:aws:iam::222233334444:role/pay-admin', mfa_serial: mfa, region: 'eu-west-2' },
    });
    // The very text `npm run profiles` prints for the same roles (test/cli/profiles.test.ts runs the command).
    expect(config).toBe(renderAwsConfig(profilesFromGrants(settings, ada, TWO_ROLES), 'config'));
    expect(mail.body).not.toMatch(/password/i);
  });

  it('the welcome email names roles in accounts whose id is not known yet, without a profile', () => {
    const mail = welcomeEmail({
      settings,
      userName: 'ada@example.gov.uk',
      fullName: 'Ada',
      temporaryPassword: PASSWORD,
      roles: [TWO_ROLES[1]!, { accountName: 'pay-dev', roleName: 'pay-admin', path: '/' }],
    });
    const config = configIn(mail.body);
    expect(Object.keys(parseWithConfigparser(config))).toEqual(['profile test-users', 'profile notify-staging-notify-read-only']);
    expect(config).toContain('#   pay-admin in pay-dev');
    expect(config).not.toContain(PASSWORD);
  });

  it('switch-role links encode the display name', () => {
    expect(switchRoleUrl('bootstrap', '123456789012', 'a b&c')).toBe(
      'https://signin.aws.amazon.com/switchrole?roleName=bootstrap&account=123456789012&displayName=a+b%26c',
    );
  });

  it('account closed: what closing means and who to ask', () => {
    const mail = accountClosedEmail({ settings, accountName: 'old', accountId: '123456789012', recipients: ['team@example.gov.uk'] });
    expect(mail.body).toContain('90 days');
    expect(mail.body).toContain(settings.email.support_mailbox);
  });
});
