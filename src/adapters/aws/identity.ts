/**
 * "It knows where it is": before the first read, each AWS principal the target will use (the users
 * account's, after assuming its role, and the management account's, after assuming its role) is
 * asked who it is with STS GetCallerIdentity, which needs no permission
 * (https://docs.aws.amazon.com/STS/latest/APIReference/API_GetCallerIdentity.html). A principal in
 * another account than settings.yaml names is refused before anything is read or changed, so
 * credentials for the wrong account can never create users there.
 */
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { AppError } from '../../core/errors.ts';
import type { SettingsFile } from '../../core/model.ts';
import { awsClientConfig, roleToAssume, type AwsAccess, type Env } from './clients.ts';
import { translateAwsError } from './errors.ts';

export interface VerifiedPrincipal {
  accountId: string;
  /** The caller's ARN: for an assumed role `arn:aws:sts::<account>:assumed-role/<role>/<session>`. */
  arn: string;
}

export interface VerifiedIdentities {
  usersAccount: VerifiedPrincipal;
  management: VerifiedPrincipal;
}

/** A principal settings.yaml expects: which account, reached through which role. */
export interface ExpectedPrincipal {
  /** What the principal is for, as the error names it. */
  what: string;
  /** The settings field that names the account. */
  setting: string;
  accountId: string;
  region: string;
  roleArn: string | undefined;
  /** The settings field that names the role, when one is assumed. */
  roleSetting: string;
}

/** Asks STS who the credentials (after the role, if any) are; refuses another account. */
async function verifyPrincipal(expected: ExpectedPrincipal, env: Env, sourceIdentity: string | undefined): Promise<VerifiedPrincipal> {
  const sts = new STSClient(awsClientConfig('STS', { region: expected.region, roleArn: expected.roleArn, env, sourceIdentity }));
  const through = expected.roleArn === undefined ? '' : ` (assuming ${expected.roleArn}, ${expected.roleSetting})`;
  try {
    let answer;
    try {
      answer = await sts.send(new GetCallerIdentityCommand({}));
    } catch (error) {
      throw translateAwsError(error, `STS GetCallerIdentity for the ${expected.what}${through}`);
    }
    const accountId = answer.Account ?? '';
    const arn = answer.Arn ?? '';
    if (accountId !== expected.accountId) {
      throw new AppError(
        'wrong-account',
        `The credentials for the ${expected.what}${through} belong to account ${accountId || '(none given)'} (principal ${arn || 'unknown'}), but settings.yaml says ${expected.setting} is ${expected.accountId}. Nothing was read or changed.`,
        {
          fault: 'user',
          hint: `Use credentials for account ${expected.accountId}${expected.roleArn === undefined ? '' : ` (or fix ${expected.roleSetting})`}, or correct ${expected.setting} in settings.yaml if the account really changed.`,
        },
      );
    }
    return { accountId, arn };
  } finally {
    sts.destroy();
  }
}

/**
 * Verifies both principals (concurrently). `access` picks the roles as the target does:
 * read_role_to_assume for plans when named, role_to_assume otherwise.
 */
export async function verifyIdentities(settings: SettingsFile, env: Env, access: AwsAccess, sourceIdentity?: string): Promise<VerifiedIdentities> {
  const [usersAccount, management] = await Promise.all([
    verifyPrincipal(
      {
        what: 'users account',
        setting: 'users_account.id',
        accountId: settings.users_account.id,
        region: settings.users_account.region,
        roleArn: roleToAssume(settings.users_account, access),
        roleSetting: access === 'read' && settings.users_account.read_role_to_assume ? 'users_account.read_role_to_assume' : 'users_account.role_to_assume',
      },
      env,
      sourceIdentity,
    ),
    verifyPrincipal(
      {
        what: 'management account',
        setting: 'organization.management_account_id',
        accountId: settings.organization.management_account_id,
        // Organizations lives in us-east-1; the organization adapter uses the same region.
        region: 'us-east-1',
        roleArn: roleToAssume(settings.organization, access),
        roleSetting: access === 'read' && settings.organization.read_role_to_assume ? 'organization.read_role_to_assume' : 'organization.role_to_assume',
      },
      env,
      sourceIdentity,
    ),
  ]);
  return { usersAccount, management };
}
