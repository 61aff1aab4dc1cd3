/**
 * The AWS target: only used when chosen explicitly (the sandbox is the default). Credentials and
 * endpoints come from `env` (the CLI passes process.env), so tests can point it at moto in-process.
 */
import type { SettingsFile } from '../../core/model.ts';
import type { Target } from '../../ports/target.ts';
import type { Env } from './clients.ts';
import { createAwsUsersAccount } from './iam-users-account.ts';
import { createAwsOrganization } from './organization.ts';
import { createSesMailer } from './ses-mailer.ts';

export function createAwsTarget(settings: SettingsFile, env: Env): Target {
  return {
    baseline: {
      kind: 'aws',
      usersAccountId: settings.users_account.id,
      managementAccountId: settings.organization.management_account_id,
    },
    usersAccount: createAwsUsersAccount(settings, env),
    organization: createAwsOrganization(settings, env),
    mailer: createSesMailer(settings, env),
  };
}
