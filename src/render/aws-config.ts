/**
 * A person's profiles as the text they paste into ~/.aws/config, in the shape each tool expects:
 * - `config`: the AWS CLI's own (the base profile's keys come from `aws configure`);
 *   https://docs.aws.amazon.com/cli/latest/userguide/cli-configure-role.html
 * - `aws-vault`: keys stored by `aws-vault add`, roles inherit the MFA device with include_profile;
 *   https://github.com/99designs/aws-vault/blob/master/USAGE.md#config
 * - `granted`: keys stored by `granted credentials add`, handed out through credential_process;
 *   https://docs.commonfate.io/granted/usage/assuming-roles
 * Never a secret: only names, account ids and ARNs.
 */
import type { ProfileSet } from '../core/profiles.ts';

export type ProfileFormat = 'config' | 'aws-vault' | 'granted';

export const PROFILE_FORMATS: readonly ProfileFormat[] = ['config', 'aws-vault', 'granted'];

const HOW_TO_USE: Readonly<Record<ProfileFormat, (set: ProfileSet) => string[]>> = {
  config: (set) => [
    `# Store your access key for ${set.baseProfile} once: aws configure --profile ${set.baseProfile}`,
    `# Then: aws sts get-caller-identity --profile ${set.roles[0]?.name ?? '<profile>'}`,
  ],
  'aws-vault': (set) => [
    `# Store your access key for ${set.baseProfile} once: aws-vault add ${set.baseProfile}`,
    `# Then: aws-vault exec ${set.roles[0]?.name ?? '<profile>'} -- aws sts get-caller-identity`,
  ],
  granted: (set) => [
    `# Store your access key for ${set.baseProfile} once: granted credentials add ${set.baseProfile}`,
    `# Then: assume ${set.roles[0]?.name ?? '<profile>'}`,
  ],
};

function baseProfile(set: ProfileSet, format: ProfileFormat): string[] {
  const lines = [`[profile ${set.baseProfile}]`, `region = ${set.region}`, `mfa_serial = ${set.mfaSerial}`];
  if (format === 'granted') lines.push(`credential_process = granted credential-process --profile ${set.baseProfile}`);
  return lines;
}

/** The config text for `set` in `format`, ending with a newline. */
export function renderAwsConfig(set: ProfileSet, format: ProfileFormat): string {
  const blocks: string[][] = [
    [
      `# AWS profiles for ${set.userName}: ${set.roles.length} role${set.roles.length === 1 ? '' : 's'} you can assume, with MFA.`,
      ...HOW_TO_USE[format](set),
      `# mfa_serial is your MFA device named exactly your user name (${set.userName}): name your first device so.`,
    ],
    baseProfile(set, format),
  ];
  if (set.pending.length > 0) {
    blocks.push([
      "# No profile yet for these roles: their account's id is not known yet (a new account's id comes by email).",
      ...set.pending.map((role) => `#   ${role.roleName} in ${role.accountName}`),
    ]);
  }
  for (const role of set.roles) {
    const lines = [`# ${role.roleName} in ${role.accountName} (${role.accountId})`, `[profile ${role.name}]`, `source_profile = ${set.baseProfile}`, `role_arn = ${role.roleArn}`];
    if (format === 'aws-vault') lines.push(`include_profile = ${set.baseProfile}`);
    else lines.push(`mfa_serial = ${set.mfaSerial}`, `region = ${set.region}`);
    blocks.push(lines);
  }
  return `${blocks.map((block) => block.join('\n')).join('\n\n')}\n`;
}
