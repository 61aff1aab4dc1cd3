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
