/**
 * The email to the team contacts of the accounts whose roles still trust a user who is removed
 * (core/leavers.ts): the trust policy keeps naming a principal that no longer exists, and the
 * team should take it out. Names and ids only, never a secret.
 */
import type { StillTrusted } from '../core/changes.ts';
import type { SettingsFile } from '../core/model.ts';
import type { EmailMessage } from '../ports/mailer.ts';
import { footer } from './emails.ts';

export function leaverNoticeEmail(settings: SettingsFile, userName: string, recipients: readonly string[], roles: readonly StillTrusted[]): EmailMessage {
  return {
    to: [...recipients],
    subject: `AWS user ${userName} removed: roles in your accounts still trust it`,
    body: [
      'Hello,',
      '',
      `The AWS user ${userName} in ${settings.users_account.alias} has been removed.`,
      'These roles in your accounts still name it in their trust policy:',
      '',
      ...roles.map((role) => `  - ${role.roleName} in ${role.accountName} (${role.accountId})`),
      '',
      'Nobody can use that trust any more, but the policy now names a principal that no longer exists;',
      'please remove it from each trust policy (and check the person does not need access another way).',
      footer(settings),
    ].join('\n'),
  };
}

/** To the person and whoever asked for the user: the user is gone. */
export function removalEmail(settings: SettingsFile, userName: string, recipients: readonly string[]): EmailMessage {
  return {
    to: [...recipients],
    subject: `AWS user ${userName} removed`,
    body: [
      'Hello,',
      '',
      `The AWS user ${userName} in ${settings.users_account.alias} has been removed, because its file was deleted.`,
      'Its password, access keys and MFA devices no longer work. If access is still needed, ask for a new user.',
      footer(settings),
    ].join('\n'),
  };
}

/** To the person and whoever asked for the user: the end date has come, access is suspended. */
export function suspensionEmail(settings: SettingsFile, userName: string, expires: string, recipients: readonly string[]): EmailMessage {
  return {
    to: [...recipients],
    subject: `AWS access for ${userName} suspended (expired ${expires})`,
    body: [
      'Hello,',
      '',
      `The AWS user ${userName} in ${settings.users_account.alias} reached its end date (${expires}).`,
      'Its console password has been removed, its access keys deactivated, and it can no longer assume roles.',
      'If access is still needed, move the expires date in its file later: a fresh temporary password is then emailed.',
      'Otherwise, delete the file to remove the user.',
      footer(settings),
    ].join('\n'),
  };
}

/** To the person and whoever asked for the user: the end date is near (14 and 3 days before). */
export function expiryWarningEmail(settings: SettingsFile, userName: string, expiry: string, recipients: readonly string[]): EmailMessage {
  return {
    to: [...recipients],
    subject: `AWS access for ${userName} ends soon (${expiry})`,
    body: [
      'Hello,',
      '',
      `The AWS user ${userName} in ${settings.users_account.alias} has an end date: it ${expiry}.`,
      'On that day its console password is removed, its access keys are deactivated and it can no',
      'longer assume roles.',
      '',
      `If access is still needed, move the expires date later in users/${userName}.yaml with a pull`,
      'request before then. If not, nothing needs doing.',
      footer(settings),
    ].join('\n'),
  };
}
