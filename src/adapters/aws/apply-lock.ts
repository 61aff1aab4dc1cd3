/**
 * The apply lock on AWS: a customer managed IAM policy in the users account, which needs no new
 * infrastructure. CreatePolicy is atomic and answers EntityAlreadyExists when the name is taken
 * (https://docs.aws.amazon.com/IAM/latest/APIReference/API_CreatePolicy.html), so creating the
 * policy is taking the lock. The holder is recorded in its tags (GetPolicy returns them), the lease
 * is renewed with TagPolicy, and DeletePolicy releases it.
 *
 * A policy rather than a user: it is never attached, grants nothing (its one statement denies
 * creating itself again through a principal it is attached to, which never happens), and IAM users
 * are what the project manages, so a lock among them could be mistaken for a person. It is the
 * project's own (tagged managed-by and `purpose: apply-lock`, under its own path). The apply role
 * may do exactly CreatePolicy, GetPolicy, TagPolicy and DeletePolicy on it (aws-setup-policies.ts,
 * `ApplyLock`).
 */
import { CreatePolicyCommand, DeletePolicyCommand, GetPolicyCommand, IAMClient, TagPolicyCommand } from '@aws-sdk/client-iam';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type SettingsFile } from '../../core/model.ts';
import { APPLY_LOCK_NAME, APPLY_LOCK_PATH, applyLockArn, type ApplyLockStore, type LockRecord } from '../../ports/apply-lock.ts';
import { awsClientConfig, roleToAssume, type Env } from './clients.ts';
import { isAwsError, translateAwsError } from './errors.ts';


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

/** Grants nothing even if someone attached it: it only denies what the lock itself is. */
function lockDocument(arn: string): string {
  return JSON.stringify({
    Version: '2012-10-17',
    Statement: [{ Sid: 'ApplyLockGrantsNothing', Effect: 'Deny', Action: 'iam:CreatePolicy', Resource: arn }],
  });
}

function partitionOf(region: string): string {
  if (region.startsWith('cn-')) return 'aws-cn';
  if (region.startsWith('us-gov-')) return 'aws-us-gov';
  return 'aws';
}

export interface AwsLockOptions {
  /** A ready client (tests); otherwise the users account's, with the apply (write) role. */
  client?: IAMClient;
  /** The STS SourceIdentity of the role assumed (apply with an approval record). */
  sourceIdentity?: string | undefined;
}

export function awsLockStore(settings: SettingsFile, env: Env, options: AwsLockOptions = {}): ApplyLockStore {
  const { region, id: accountId } = settings.users_account;
  const client =
    options.client ?? new IAMClient(awsClientConfig('IAM', { region, roleArn: roleToAssume(settings.users_account, 'write'), env, sourceIdentity: options.sourceIdentity }));
  const arn = applyLockArn(accountId, partitionOf(region));
  const context = (what: string): string => `IAM ${what} (the apply lock ${arn})`;

  return {
    where: `the IAM policy ${APPLY_LOCK_PATH}${APPLY_LOCK_NAME} in the users account ${accountId}`,

    async create(record) {
      try {
        await client.send(
          new CreatePolicyCommand({
            PolicyName: APPLY_LOCK_NAME,
            Path: APPLY_LOCK_PATH,
            PolicyDocument: lockDocument(arn),
            Description: 'aws-access-as-code: one apply at a time. Held while this exists; see its tags for the holder.',
            Tags: toTags(record),
          }),
        );
        return true;
      } catch (error) {
        if (isAwsError(error, 'EntityAlreadyExists')) return false;
        throw translateAwsError(error, context('CreatePolicy'));
      }
    },

    async read() {
      let tags: Record<string, string>;
      try {
        const policy = (await client.send(new GetPolicyCommand({ PolicyArn: arn }))).Policy;
        tags = Object.fromEntries((policy?.Tags ?? []).map((t) => [t.Key ?? '', t.Value ?? '']));
      } catch (error) {
        if (isAwsError(error, 'NoSuchEntity')) return undefined;
        throw translateAwsError(error, context('GetPolicy'));
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
        await client.send(new TagPolicyCommand({ PolicyArn: arn, Tags: [{ Key: TAG.expires, Value: record.expires }] }));
      } catch (error) {
        throw translateAwsError(error, context('TagPolicy'));
      }
    },

    async remove() {
      try {
        await client.send(new DeletePolicyCommand({ PolicyArn: arn }));
      } catch (error) {
        if (isAwsError(error, 'NoSuchEntity')) return;
        throw translateAwsError(error, context('DeletePolicy'));
      }
    },
  };
}
