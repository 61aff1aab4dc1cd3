/**
 * Every email the tool sends, as pure functions of the settings and the change. Only the welcome
 * and password-reset emails carry a temporary password, and only to the user themselves.
 */
import type { SettingsFile } from '../core/model.ts';
import type { EmailMessage } from '../ports/mailer.ts';

/** How many MFA devices IAM lets one user register. */
export const MAX_MFA_DEVICES = 8;

export function signInUrl(settings: SettingsFile): string {
  return `https://${settings.users_account.alias}.signin.aws.amazon.com/console`;
}

export function switchRoleUrl(roleName: string, accountId: string, displayName: string): string {
  const query = new URLSearchParams({ roleName, account: accountId, displayName });
  return `https://signin.aws.amazon.com/switchrole?${query.toString()}`;
}

export function footer(settings: SettingsFile): string {
  return [
    '',
    `Questions, or something not working? Write to ${settings.email.support_mailbox}.`,
    '',
    'This email was sent automatically by aws-access-as-code.',
  ].join('\n');
}

function mfaRules(settings: SettingsFile, userName: string): string {
  return [
    'Multi-factor authentication (MFA)',
    '',
    `- Add an MFA device before anything else: without MFA you cannot assume roles in other AWS accounts.`,
    `- The device name must start with your user name (${userName}), for example ${userName}-phone;`,
    '  any other name gives a permissions error.',
    `- You may register up to ${MAX_MFA_DEVICES} MFA devices (an authenticator app, or a security key).`,
    `- Add one under your user name (top right) > Security credentials > Assign MFA device, then sign out`,
    `  and back in to ${signInUrl(settings)} to check you are asked for a code.`,
  ].join('\n');
}

function commandLine(settings: SettingsFile, userName: string): string {
  const alias = settings.users_account.alias;
  return [
    'Using the command line',
    '',
    '1. Once your MFA device works, sign in with MFA and create an access key under Security credentials.',
    `2. Store it for the AWS CLI: aws configure --profile ${alias}`,
    `3. For each account you may use, add a profile to ~/.aws/config that assumes a role with your MFA device:`,
    '',
    '   [profile <account name>]',
    '   role_arn = arn:aws:iam::<account id>:role/<role name>',
    `   source_profile = ${alias}`,
    `   mfa_serial = arn:aws:iam::${settings.users_account.id}:mfa/${userName}-<device>`,
    `   region = ${settings.users_account.region}`,
    '',
    '   Then run, for example: aws sts get-caller-identity --profile <account name>',
    '   (mfa_serial is the ARN of your MFA device, shown under Security credentials).',
    '',
    'Rather than writing those profiles by hand, print every role you can assume, ready to paste, from',
    `the repository that manages AWS access: npm run profiles -- --user ${userName} --target aws`,
    '(add --format aws-vault or --format granted for those tools). If you use gds-cli, as the GDS Way',
    'recommends, run gds aws to list the roles it knows and gds aws <role> to use one.',
  ].join('\n');
}

/** The account password policy in words (settings.users_account.password_policy), for the reset email. */
export function passwordRules(settings: SettingsFile): string {
  const policy = settings.users_account.password_policy;
  const needs = [
    policy.require_uppercase ? 'an upper-case letter' : undefined,
    policy.require_lowercase ? 'a lower-case letter' : undefined,
    policy.require_numbers ? 'a number' : undefined,
    policy.require_symbols ? 'a symbol' : undefined,
  ].filter((item): item is string => item !== undefined);
  return [
    `Your new password must be at least ${policy.minimum_length} characters long${needs.length > 0 ? ` and contain ${needs.join(', ')}` : ''};`,
    'a password that breaks these rules fails with a permissions error.',
    ...(policy.reuse_prevention === undefined ? [] : [`You cannot reuse any of your last ${policy.reuse_prevention} passwords.`]),
    ...(policy.max_age_days === undefined ? [] : [`Passwords expire after ${policy.max_age_days} days.`]),
  ].join('\n');
}

export interface WelcomeEmailInput {
  settings: SettingsFile;
  userName: string;
  fullName: string;
  temporaryPassword: string;
}

/** To the new user: where to sign in, as whom, the temporary password, and the MFA rules. */
export function welcomeEmail({ settings, userName, fullName, temporaryPassword }: WelcomeEmailInput): EmailMessage {
  const alias = settings.users_account.alias;
  return {
    to: [userName],
    subject: `Your AWS user in ${alias}`,
    body: [
      `Hello ${fullName},`,
      '',
      `You now have an AWS user in ${alias}, the account everyone signs in to before assuming roles in`,
      'team accounts.',
      '',
      `Sign-in URL:         ${signInUrl(settings)}`,
      `User name:           ${userName}`,
      `Temporary password:  ${temporaryPassword}`,
      '',
      'You must change this password the first time you sign in. Your new password must be at least',
      `${settings.users_account.password_policy.minimum_length} characters long; a shorter one fails with a permissions error.`,
      'Do not forward this email.',
      '',
      mfaRules(settings, userName),
      '',
      commandLine(settings, userName),
      '',
      'Access to team accounts is granted by each team: ask yours which roles you may assume.',
      footer(settings),
    ].join('\n'),
  };
}

/** To the user, when a new temporary password was asked for (`password_reset` changed). */
export function passwordResetEmail({ settings, userName, fullName, temporaryPassword }: WelcomeEmailInput): EmailMessage {
  const alias = settings.users_account.alias;
  return {
    to: [userName],
    subject: `Your new temporary AWS password for ${alias}`,
    body: [
      `Hello ${fullName},`,
      '',
      `A new temporary password was set for your AWS user in ${alias}, as requested. Your old password`,
      'no longer works.',
      '',
      `Sign-in URL:         ${signInUrl(settings)}`,
      `User name:           ${userName}`,
      `Temporary password:  ${temporaryPassword}`,
      '',
      'You must change this password when you sign in.',
      passwordRules(settings),
      'Your MFA devices and access keys are unchanged.',
      `MFA device names must start with ${userName}; you may register up to ${MAX_MFA_DEVICES} devices.`,
      'Do not forward this email.',
      footer(settings),
    ].join('\n'),
  };
}

export interface RequesterNoticeInput {
  settings: SettingsFile;
  requestedBy: string;
  userName: string;
  fullName: string;
}

/** To whoever asked for the user: it is done. Never the password. */
export function requesterNoticeEmail({ settings, requestedBy, userName, fullName }: RequesterNoticeInput): EmailMessage {
  const alias = settings.users_account.alias;
  return {
    to: [requestedBy],
    subject: `AWS user created for ${fullName}`,
    body: [
      'Hello,',
      '',
      `The AWS user you asked for, ${userName} (${fullName}), now exists in ${alias}.`,
      'They have been emailed their sign-in details directly; the password is sent to nobody else.',
      '',
      `They sign in at ${signInUrl(settings)} and must add an MFA device before they can assume roles.`,
      'Grant them access to your team accounts in the usual way.',
      footer(settings),
    ].join('\n'),
  };
}

export interface AccountEmailInput {
  settings: SettingsFile;
  accountName: string;
  accountId: string;
  recipients: readonly string[];
  /** False when the account has no bootstrap role (the file says `bootstrap: state: removed`). */
  hasBootstrapRole: boolean;
}

/** To the team: the new account's id and how to get in with the bootstrap role. */
export function accountCreatedEmail(input: AccountEmailInput): EmailMessage {
  const { settings, accountName, accountId, recipients, hasBootstrapRole } = input;
  const role = settings.organization.bootstrap_role_name;
  const alias = settings.users_account.alias;
  const access = hasBootstrapRole
    ? [
        `The account has a "${role}" role with full administrator rights. The users listed under`,
        `bootstrap.users in accounts/${accountName}.yaml may assume it from ${alias}, with MFA.`,
        '',
        'In the console: sign in to',
        `  ${signInUrl(settings)}`,
        'then open this link to switch role:',
        `  ${switchRoleUrl(role, accountId, accountName)}`,
        '',
        'On the command line, add to ~/.aws/config (see your welcome email for the source profile):',
        '',
        `  [profile ${accountName}]`,
        `  role_arn = arn:aws:iam::${accountId}:role/${role}`,
        `  source_profile = ${alias}`,
        `  mfa_serial = arn:aws:iam::${settings.users_account.id}:mfa/<your user name>-<device>`,
        '',
        'Or print every profile you can use, ready to paste, from the repository that manages AWS access:',
        '  npm run profiles -- --user <your email> --target aws   (--format aws-vault or granted for those tools)',
        'If you use gds-cli, as the GDS Way recommends: gds aws lists the roles, gds aws <role> uses one.',
        '',
        `Use the ${role} role to set the account up the way your team works (for example with`,
        'Terraform), including an admin role with the permissions your people need. Then remove the',
        `bootstrap role: set "bootstrap: state: removed" in accounts/${accountName}.yaml and open a`,
        'pull request.',
      ]
    : [
        'The account has no bootstrap role (its file says bootstrap: state: removed): access is up to',
        'the roles your team creates in it.',
      ];
  return {
    to: [...recipients],
    subject: `AWS account ${accountName} is ready (${accountId})`,
    body: [
      'Hello,',
      '',
      `The AWS account ${accountName} now exists.`,
      '',
      `Account name:  ${accountName}`,
      `Account ID:    ${accountId}`,
      '',
      ...access,
      footer(settings),
    ].join('\n'),
  };
}

export interface BootstrapEmailInput {
  settings: SettingsFile;
  accountName: string;
  accountId: string;
  roleName: string;
  recipients: readonly string[];
}

/** To people just added to an account's bootstrap.users: how to get in, with the switch-role link. */
export function bootstrapAddedEmail({ settings, accountName, accountId, roleName, recipients }: BootstrapEmailInput): EmailMessage {
  const alias = settings.users_account.alias;
  return {
    to: [...recipients],
    subject: `You may now use the ${roleName} role in AWS account ${accountName} (${accountId})`,
    body: [
      'Hello,',
      '',
      `You were added to bootstrap.users in accounts/${accountName}.yaml, so you may now assume the`,
      `"${roleName}" role in the AWS account ${accountName} (${accountId}) from ${alias}, with MFA.`,
      'It has full administrator rights: use it to set the account up, then remove it once your team',
      'has its own admin role.',
      '',
      'In the console: sign in to',
      `  ${signInUrl(settings)}`,
      'then open this link to switch role:',
      `  ${switchRoleUrl(roleName, accountId, accountName)}`,
      '',
      'On the command line, add to ~/.aws/config (see your welcome email for the source profile):',
      '',
      `  [profile ${accountName}]`,
      `  role_arn = arn:aws:iam::${accountId}:role/${roleName}`,
      `  source_profile = ${alias}`,
      `  mfa_serial = arn:aws:iam::${settings.users_account.id}:mfa/<your user name>-<device>`,
      footer(settings),
    ].join('\n'),
  };
}

/** To people taken out of an account's bootstrap.users (or whose bootstrap role was removed). */
export function bootstrapRemovedEmail({ settings, accountName, accountId, roleName, recipients }: BootstrapEmailInput): EmailMessage {
  return {
    to: [...recipients],
    subject: `You may no longer use the ${roleName} role in AWS account ${accountName} (${accountId})`,
    body: [
      'Hello,',
      '',
      `The "${roleName}" role in the AWS account ${accountName} (${accountId}) no longer trusts you: you were`,
      `removed from bootstrap.users in accounts/${accountName}.yaml, or the role was removed. Other roles`,
      'you may assume in that account are not affected.',
      footer(settings),
    ].join('\n'),
  };
}

export interface AccountClosedEmailInput {
  settings: SettingsFile;
  accountName: string;
  accountId: string;
  recipients: readonly string[];
}

/** To the team: the account is closed, and what that means. */
export function accountClosedEmail({ settings, accountName, accountId, recipients }: AccountClosedEmailInput): EmailMessage {
  return {
    to: [...recipients],
    subject: `AWS account ${accountName} has been closed (${accountId})`,
    body: [
      'Hello,',
      '',
      `The AWS account ${accountName} (${accountId}) has been closed, as accounts/${accountName}.yaml asks.`,
      '',
      'AWS suspends a closed account for 90 days: nobody can sign in to it and its resources stop,',
      'but charges for some of them may still arrive. Within those 90 days AWS Support can reopen it;',
      `after that it is gone for good. If this was a mistake, write to ${settings.email.support_mailbox}`,
      'straight away.',
      footer(settings),
    ].join('\n'),
  };
}

/**
 * To the team contact and requester of an account that existed before its file: from now on its
 * file manages it. Short on purpose: nothing about the account changed for the people using it.
 */
export function accountAdoptedEmail({ settings, accountName, accountId, recipients }: AccountClosedEmailInput): EmailMessage {
  return {
    to: [...recipients],
    subject: `AWS account ${accountName} is now managed from its file (${accountId})`,
    body: [
      'Hello,',
      '',
      `The AWS account ${accountName} (${accountId}) existed before, and from now on accounts/${accountName}.yaml`,
      'manages it: its organizational unit and tags follow the file, and changes to who may use it are',
      'made by pull request. Nothing about how you sign in or which roles you use has changed.',
      '',
      `Sign-in URL for the users account: ${signInUrl(settings)}`,
      footer(settings),
    ].join('\n'),
  };
}
