import { describe, expect, it } from 'vitest';
import {
  accountClosedEmail,
  accountCreatedEmail,
  passwordResetEmail,
  requesterNoticeEmail,
  switchRoleUrl,
  welcomeEmail,
} from '../../src/apply/emails.ts';
import { someSettings } from '../support/builders.ts';

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
    expect(mail.body).toContain('must start with your user name (ada@example.gov.uk)');
    expect(mail.body).toContain('up to 8 MFA devices');
    expect(mail.body).toContain('aws configure --profile test-users');
    expect(mail.body).toContain('mfa_serial = arn:aws:iam::111111111111:mfa/ada@example.gov.uk-<device>');
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
    expect(mail.body).toContain('role_arn = arn:aws:iam::123456789012:role/bootstrap');
    expect(mail.body).toContain('source_profile = test-users');
    expect(mail.body).toContain('mfa_serial = arn:aws:iam::111111111111:mfa/');
    expect(mail.body).toContain('"bootstrap: state: removed"');
    const without = accountCreatedEmail({ settings, accountName: 'x', accountId: '1', recipients: ['a@b.c'], hasBootstrapRole: false });
    expect(without.body).not.toContain('switchrole');
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
