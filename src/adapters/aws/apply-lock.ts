/**
 * The apply lock on AWS: an IAM user in the users account, which needs no new infrastructure.
 * CreateUser is atomic and answers EntityAlreadyExists when the name is taken
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreateUser.html), so creating the user is
 * taking the lock. The holder is recorded in its tags (GetUser returns them), the lease is renewed
 * with TagUser, and DeleteUser releases it.
 *
 * The user is the project's own (tagged managed-by, and `purpose: apply-lock`), has no password, keys
 * or permissions, lives under its own path, and is left out of the users the planner sees
 * (iam-users-account.ts), so it is never mistaken for a person to manage. The apply role may do
 * exactly CreateUser, GetUser, TagUser and DeleteUser on it (aws-setup-policies.ts, `ApplyLock`).
 */
import { CreateUserCommand, DeleteUserCommand, GetUserCommand, IAMClient, TagUserCommand } from '@aws-sdk/client-iam';
import { AppError } from '../../core/errors.ts';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type SettingsFile } from '../../core/model.ts';
import type { ApplyLockStore, LockRecord } from '../../ports/apply-lock.ts';
import { awsClientConfig, roleToAssume, type Env } from './clients.ts';
import { isAwsError, translateAwsError } from './errors.ts';

export const APPLY_LOCK_USER_NAME = 'aws-access-as-code-apply-lock';
export const APPLY_LOCK_USER_PATH = '/aws-access-as-code/';

/** The lock user's ARN in the users account (the apply role's `ApplyLock` statement names it). */
export function applyLockUserArn(usersAccountId: string): string {
  return `arn:aws:iam::${usersAccountId}:user${APPLY_LOCK_USER_PATH}${APPLY_LOCK_USER_NAME}`;
}

/** Whether an IAM user is the apply lock (name and path), not a person. */
export function isApplyLockUser(userName: string | undefined, path: string | undefined): boolean {
  return userName === APPLY_LOCK_USER_NAME && path === APPLY_LOCK_USER_PATH;
}

const TAG = {
  id: 'lock-id',
  host: 'holder-host',
  pid: 'holder-pid',
  run: 'holder-run',
  since: 'since',
  expires: 'expires',
} as const;

/** IAM tag values allow letters, digits, spaces and `_.:/=+-@` (API_Tag); anything else becomes `_`. */
function tagValue(value: string): string {
  return value.replace(/[^\p{L}\p{Z}\p{N}_.:/=+\-@]/gu, '_').slice(0, 256);
}

function toTags(record: LockRecord): { Key: string; Value: string }[] {
  return [
    { Key: MANAGED_BY_TAG, Value: MANAGED_BY_VALUE },
    { Key: 'purpose', Value: 'apply-lock' },
    { Key: TAG.id, Value: record.id },
    { Key: TAG.host, Value: tagValue(record.host) },
    { Key: TAG.pid, Value: String(record.pid) },
    ...(record.run === undefined ? [] : [{ Key: TAG.run, Value: tagValue(record.run) }]),
    { Key: TAG.since, Value: record.since },
    { Key: TAG.expires, Value: record.expires },
  ];
}

export interface AwsLockOptions {
  /** A ready client (tests); otherwise the users account's, with the apply (write) role. */
  client?: IAMClient;
}

export function awsLockStore(settings: SettingsFile, env: Env, options: AwsLockOptions = {}): ApplyLockStore {
  const client =
    options.client ??
    new IAMClient(awsClientConfig('IAM', { region: settings.users_account.region, roleArn: roleToAssume(settings.users_account, 'write'), env }));
  const where = `the IAM user ${APPLY_LOCK_USER_PATH}${APPLY_LOCK_USER_NAME} in the users account ${settings.users_account.id}`;
  const context = (what: string): string => `IAM ${what} (the apply lock)`;

  return {
    where,

    async create(record) {
      try {
        await client.send(new CreateUserCommand({ UserName: APPLY_LOCK_USER_NAME, Path: APPLY_LOCK_USER_PATH, Tags: toTags(record) }));
        return true;
      } catch (error) {
        if (isAwsError(error, 'EntityAlreadyExists')) return false;
        throw translateAwsError(error, context('CreateUser'));
      }
    },

    async read() {
      let tags: Record<string, string>;
      try {
        const user = (await client.send(new GetUserCommand({ UserName: APPLY_LOCK_USER_NAME }))).User;
        tags = Object.fromEntries((user?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
        // A user by that name that is not the lock (another path, no lock tags): an old lock with no
        // lease counts as expired, so it is taken over only if it is ours; otherwise refuse loudly.
        if (!isApplyLockUser(user?.UserName, user?.Path)) {
          throw new AppError('lock-name-taken', `An IAM user named ${APPLY_LOCK_USER_NAME} exists at path ${user?.Path ?? '?'} in the users account, and it is not this tool's apply lock.`, {
            fault: 'user',
            hint: `Rename or delete that user: the name is reserved for the apply lock (${APPLY_LOCK_USER_PATH}).`,
          });
        }
      } catch (error) {
        if (isAwsError(error, 'NoSuchEntity')) return undefined;
        throw translateAwsError(error, context('GetUser'));
      }
      const pid = Number(tags[TAG.pid]);
      return {
        id: tags[TAG.id] ?? '(none)',
        host: tags[TAG.host] ?? '(unknown)',
        pid: Number.isInteger(pid) ? pid : -1,
        ...(tags[TAG.run] === undefined ? {} : { run: tags[TAG.run] }),
        since: tags[TAG.since] ?? '(unknown)',
        // No recorded lease: expired, so a lock left without tags never blocks for ever.
        expires: tags[TAG.expires] ?? new Date(0).toISOString(),
      };
    },

    async renew(record) {
      try {
        await client.send(new TagUserCommand({ UserName: APPLY_LOCK_USER_NAME, Tags: [{ Key: TAG.expires, Value: record.expires }] }));
      } catch (error) {
        throw translateAwsError(error, context('TagUser'));
      }
    },

    async remove() {
      try {
        await client.send(new DeleteUserCommand({ UserName: APPLY_LOCK_USER_NAME }));
      } catch (error) {
        if (isAwsError(error, 'NoSuchEntity')) return;
        throw translateAwsError(error, context('DeleteUser'));
      }
    },
  };
}
