/**
 * Where the one-apply-at-a-time lock lives: a managed IAM policy in the users account on AWS, a file in the
 * sandbox folder. A store only creates (atomically), reads, renews and removes the lock; the rules
 * (who holds it, when it is stale) are in src/apply/apply-lock.ts, the same for both. Throws AppError.
 */

/** Who holds the lock, and until when, as the store records it. */
export interface LockRecord {
  /** Random, per acquisition: tells this holder's lock from the next one's. */
  id: string;
  host: string;
  pid: number;
  /** The CI run (GitHub Actions: GITHUB_RUN_ID), when there is one. */
  run?: string;
  /** ISO times: when it was taken, and when its lease ends unless renewed. */
  since: string;
  expires: string;
}

export interface ApplyLockStore {
  /** Where the lock lives, for messages (`the IAM policy … in the users account …`, a file path). */
  readonly where: string;
  /** Creates the lock if none exists, atomically; false when one exists already. */
  create(record: LockRecord): Promise<boolean>;
  /** The lock as recorded; undefined when there is none. */
  read(): Promise<LockRecord | undefined>;
  /** Moves the lease end of the existing lock. */
  renew(record: LockRecord): Promise<void>;
  /** Removes the lock; no lock is not an error. */
  remove(): Promise<void>;
}

/** The AWS lock: a managed IAM policy of this name and path in the users account. */
export const APPLY_LOCK_NAME = 'aws-access-as-code-apply-lock';
export const APPLY_LOCK_PATH = '/aws-access-as-code/';

/** The lock policy's ARN in the users account (the apply role's `ApplyLock` statement names it). */
export function applyLockArn(usersAccountId: string, partition = 'aws'): string {
  return `arn:${partition}:iam::${usersAccountId}:policy${APPLY_LOCK_PATH}${APPLY_LOCK_NAME}`;
}
