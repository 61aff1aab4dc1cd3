/**
 * Every email the tool sends, as pure functions of the settings and the change. Only the welcome
 * and password-reset emails carry a temporary password, and only to the user themselves.
 */
import type { SettingsFile } from '../core/model.ts';
import { mfaSerialOf, profilesFromGrants, type ProfileSet, type RoleGrant } from '../core/profiles.ts';
import type { EmailMessage } from '../ports/mailer.ts';
import { renderAwsConfig } from '../render/aws-config.ts';

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

/** The lines around a person's ~/.aws/config in an email: a test (and a person) copies what is between them. */
export const CONFIG_START = '----- ~/.aws/config -----';
export const CONFIG_END = '----- end of ~/.aws/config -----';

/**
 * A person's ~/.aws/config, ready to paste (render/aws-config.ts, the text `npm run profiles`
 * prints), with the one MFA rule it relies on (profiles.ts, mfaSerialOf).
 */
export function configBlock(set: ProfileSet): string[] {
  return [
    `Your ~/.aws/config: a profile for ${set.baseProfile} and one for each role the account files give you`,
    `(${set.roles.length} with an account id so far). Paste it into ~/.aws/config, store your access key once`,
    `with aws configure --profile ${set.baseProfile}, then use --profile <name>. It expects your MFA`,
    `device to be named exactly ${set.userName} (mfa_serial = ${set.mfaSerial}).`,
    '',
    CONFIG_START,
    renderAwsConfig(set, 'config').trimEnd(),
    CONFIG_END,
  ];
}

/** The profiles of a person with these roles (absent: none known yet). */
export function profilesOfPerson(settings: SettingsFile, userName: string, roles: readonly RoleGrant[] = []): ProfileSet {
  return profilesFromGrants(settings, userName, roles);
}

function mfaRules(settings: SettingsFile, userName: string): string {
  return [
    'Multi-factor authentication (MFA)',
    '',
    `- Add an MFA device before anything else: without MFA you cannot assume roles in other AWS accounts.`,
    `- Name your first device exactly your user name, ${userName}: your ~/.aws/config below uses`,
    `  ${mfaSerialOf(settings.users_account.id, userName)}. Any other device's name must also start`,
    `  with your user name (for example ${userName}-yubikey); any other name gives a permissions error.`,
    `- You may register up to ${MAX_MFA_DEVICES} MFA devices (an authenticator app, or a security key).`,
    `- Add one under your user name (top right) > Security credentials > Assign MFA device, then sign out`,
    `  and back in to ${signInUrl(settings)} to check you are asked for a code.`,
  ].join('\n');
}

function commandLine(set: ProfileSet): string {
  return [
    'Using the command line',
    '',
    '1. Once your MFA device works, sign in with MFA and create an access key under Security credentials.',
    `2. Store it for the AWS CLI: aws configure --profile ${set.baseProfile}`,
    '3. Put the profiles below in ~/.aws/config; then, for example:',
    `   aws sts get-caller-identity --profile ${set.roles[0]?.name ?? '<profile>'}`,
    '',
    ...configBlock(set),
    '',
    'Each time you are given a role, you get an email with your whole ~/.aws/config again. With a clone',
    `of the repository that manages AWS access, npm run profiles -- --user ${set.userName} prints it from`,
    'the files (add --format aws-vault or --format granted for those tools). If you use gds-cli, as the',
    'GDS Way recommends, run gds aws to list the roles it knows and gds aws <role> to use one.',
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
  /** The roles the files give the user (profiles.ts, roleGrantsOf), for the ~/.aws/config in the welcome email. */
  roles?: readonly RoleGrant[];
}

/** To the new user: where to sign in, as whom, the temporary password, and the MFA rules. */
export function welcomeEmail({ settings, userName, fullName, temporaryPassword, roles }: WelcomeEmailInput): EmailMessage {
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
      commandLine(profilesOfPerson(settings, userName, roles)),
      '',
      'Access to team accounts is granted by each team in its account file: ask yours which roles you may assume.',
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
        'Everyone the account file names for a role (bootstrap.users, roles) gets an email of their own',
        'with the switch-role link and their ~/.aws/config, with this account id in it.',
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
      `Please record the id in its file: add id: "${accountId}" to accounts/${accountName}.yaml in a pull`,
      'request. npm run profiles reads account ids from the files, so until then it prints no profile for',
      'this account.',
      '',
      ...access,
      footer(settings),
    ].join('\n'),
  };
}

export interface RoleRemovedEmailInput {
  settings: SettingsFile;
  accountName: string;
  accountId: string;
  roleName: string;
  recipients: readonly string[];
}

export interface RoleAddedEmailInput {
  settings: SettingsFile;
  accountName: string;
  accountId: string;
  roleName: string;
  /** What the role may do, in words (the role's description); absent for a notice owed from an earlier run. */
  description?: string;
  userName: string;
  /** Every role the files give the person, account ids resolved (profiles.ts, roleGrantsOf). */
  roles: readonly RoleGrant[];
}

/**
 * To one person an account file now names for a role, whatever its kind (bootstrap, team role):
 * how to get in, with the switch-role link and their whole ~/.aws/config.
 */
export function roleAddedEmail({ settings, accountName, accountId, roleName, description, userName, roles }: RoleAddedEmailInput): EmailMessage {
  const alias = settings.users_account.alias;
  const set = profilesOfPerson(settings, userName, roles);
  return {
    to: [userName],
    subject: `You may now use the ${roleName} role in AWS account ${accountName} (${accountId})`,
    body: [
      'Hello,',
      '',
      `accounts/${accountName}.yaml now names you for the "${roleName}" role, so you may assume it in the`,
      `AWS account ${accountName} (${accountId}) from ${alias}, with MFA.`,
      ...(description === undefined ? [] : [`What it may do: ${description}`]),
      '',
      'In the console: sign in to',
      `  ${signInUrl(settings)}`,
      'then open this link to switch role:',
      `  ${switchRoleUrl(roleName, accountId, accountName)}`,
      '',
      'On the command line:',
      '',
      ...configBlock(set),
      footer(settings),
    ].join('\n'),
  };
}

/** To people a role no longer trusts: taken out of its list in the account file, or the role was removed. */
export function roleRemovedEmail({ settings, accountName, accountId, roleName, recipients }: RoleRemovedEmailInput): EmailMessage {
  return {
    to: [...recipients],
    subject: `You may no longer use the ${roleName} role in AWS account ${accountName} (${accountId})`,
    body: [
      'Hello,',
      '',
      `The "${roleName}" role in the AWS account ${accountName} (${accountId}) no longer trusts you: you were`,
      `removed from it in accounts/${accountName}.yaml, or the role was removed. Other roles`,
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
