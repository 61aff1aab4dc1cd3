/**
 * `profiles --user <email>`: prints the ~/.aws/config profiles of one person: a base profile for
 * the users account and one per role they can assume, in the shape the AWS CLI, aws-vault or
 * granted expect. By default from the files alone (the roles the account files give them, with the
 * ids the files record), so anyone with a clone gets the text their emails carry, with no AWS
 * access; with --target, every role the live accounts have whose trust names them.
 */
import { AppError } from '../../core/errors.ts';
import { parseCommandArgs } from '../args.ts';
import { profilesFor, profilesFromGrants, roleGrantsOf } from '../../core/profiles.ts';
import { readLiveState } from '../../apply/read-live-state.ts';
import { PROFILE_FORMATS, renderAwsConfig, type ProfileFormat } from '../../render/aws-config.ts';
import type { Command } from '../context.ts';
import { loadValidated, makeTarget } from './plan.ts';

const HELP = `usage: npm run profiles -- --user <email> [options]

Prints ~/.aws/config profiles for one person: a base profile for the users account and one profile
per role they can assume (bootstrap and team roles), with source_profile, role_arn, mfa_serial and
region: the same text as in their emails. Read from the files: an account whose file has no id yet
is named on stderr, with no profile, until its id is recorded (id: "<12 digits>" in its file).

options:
  --user <email>                 whose profiles (their users/<email>.yaml must exist)
  --target sandbox|aws           read the live roles instead (every role whose trust names them,
                                 managed or not; aws assumes settings.yaml's read roles)
  --format config|aws-vault|granted
                                 config (default: the AWS CLI's own), aws-vault (keys in aws-vault,
                                 include_profile), granted (keys in granted, credential_process)
  --sandbox-dir <dir>            sandbox state folder (default .sandbox at the repository root; absolute, or relative to the current folder)
`;

const OPTIONS = {
  user: { type: 'string' },
  target: { type: 'string' },
  format: { type: 'string' },
  'sandbox-dir': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

function usageError(message: string): AppError {
  return new AppError('usage', message, { fault: 'user', hint: HELP.split('\n')[0] ?? '' });
}

export const profiles: Command = async (ctx) => {
  const values = parseCommandArgs(ctx, OPTIONS, HELP).values;
  if (values.help) {
    ctx.stdout.write(HELP);
    return 0;
  }
  if (values.user === undefined) throw usageError('--user <email> is required');
  const format = (values.format ?? 'config') as ProfileFormat;
  if (!PROFILE_FORMATS.includes(format)) throw usageError(`--format must be ${PROFILE_FORMATS.join(', ')}, not "${values.format ?? ''}"`);
  const target = values.target;
  if (target !== undefined && target !== 'sandbox' && target !== 'aws') throw usageError(`--target must be sandbox or aws, not "${target}"`);

  const desired = (await loadValidated(ctx))?.desired;
  if (!desired) return 1;
  const userName = values.user.toLowerCase();
  if (!desired.users.has(userName)) {
    ctx.stderr.write(`No user ${values.user}: there is no users/${userName}.yaml. Check the email, or add the user first.\n`);
    return 1;
  }
  const set =
    target === undefined
      ? profilesFromGrants(desired.settings, userName, roleGrantsOf(desired.settings, desired.accounts.values(), userName, (account) => account.data.id))
      : profilesFor(desired.settings, userName, (await readLiveState(await makeTarget(target, desired, ctx, values['sandbox-dir'], 'read'), desired.settings)).organization.accounts);
  for (const role of set.pending) {
    ctx.stderr.write(
      `${role.accountName}: no profile for ${role.roleName}, because accounts/${role.accountName}.yaml records no id yet. Its id is in the account email; add id: "<id>" to the file by pull request.\n`,
    );
  }
  if (set.roles.length + set.pending.length === 0) ctx.stderr.write(`${userName} cannot assume any role in a member account yet.\n`);
  ctx.stdout.write(renderAwsConfig(set, format));
  return 0;
};
