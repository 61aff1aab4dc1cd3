/**
 * The AWS target: only used when chosen explicitly (the sandbox is the default). Credentials and
 * endpoints come from `env` (the CLI passes process.env), so tests can point it at moto in-process.
 */
import type { SettingsFile } from '../../core/model.ts';
import type { Target } from '../../ports/target.ts';
import type { AwsAccess, Env } from './clients.ts';
import { createAwsUsersAccount } from './iam-users-account.ts';
import { verifyIdentities } from './identity.ts';
import { createAwsOrganization } from './organization.ts';
import { createPacers } from './pacing.ts';
import { createSesMailer } from './ses-mailer.ts';

export interface AwsTargetOptions {
  /**
   * `read` for plan (the pull-request and drift jobs): assumes each section's read_role_to_assume when
   * settings name one (else role_to_assume, as apply does), reaches member accounts from it, and
   * sends no email. `write` for apply: assumes role_to_assume.
   */
  access: AwsAccess;
  /**
   * apply with an approval record: the STS SourceIdentity (`pr-1234`) of every role assumed, so
   * CloudTrail ties each call to the pull request (core/approval.ts).
   */
  sourceIdentity?: string | undefined;
}

export function createAwsTarget(settings: SettingsFile, env: Env, { access, sourceIdentity }: AwsTargetOptions): Target {
  const pacers = createPacers();
  return {
    baseline: {
      kind: 'aws',
      usersAccountId: settings.users_account.id,
      managementAccountId: settings.organization.management_account_id,
    },
    usersAccount: createAwsUsersAccount(settings, env, { access, pacers, sourceIdentity }),
    organization: createAwsOrganization(settings, env, { access, pacers, sourceIdentity }),
    mailer: createSesMailer(settings, env, { access }),
  };
}

/**
 * The AWS target, after STS has confirmed that each principal belongs to the account settings.yaml
 * names (see identity.ts); throws `wrong-account` before anything is read otherwise. The baseline
 * then carries the verified account ids and principal ARNs, which plan and apply headers show.
 */
export async function connectAwsTarget(settings: SettingsFile, env: Env, options: AwsTargetOptions): Promise<Target> {
  const verified = await verifyIdentities(settings, env, options.access, options.sourceIdentity);
  return {
    ...createAwsTarget(settings, env, options),
    baseline: {
      kind: 'aws',
      usersAccountId: verified.usersAccount.accountId,
      managementAccountId: verified.management.accountId,
      usersPrincipalArn: verified.usersAccount.arn,
      managementPrincipalArn: verified.management.arn,
    },
  };
}
