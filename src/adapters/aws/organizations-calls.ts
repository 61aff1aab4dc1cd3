/**
 * What the Organizations API families of the AWS adapter share (organization.ts, account-creation.ts):
 * the client, calls retried and translated the same way, and how AWS spells an account's state and tags.
 */
import type { Account, OrganizationsClient, Tag as OrgTag } from '@aws-sdk/client-organizations';
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type Tags } from '../../core/model.ts';

export interface OrganizationsCalls {
  org: OrganizationsClient;
  /** One Organizations call, retried on ConcurrentModificationException, translated on failure. */
  call<T>(context: string, fn: () => Promise<T>): Promise<T>;
  sleep(ms: number): Promise<void>;
  listTags(accountId: string): Promise<Record<string, string>>;
}

/**
 * The account's state as AWS reports it. `State` (ACTIVE | PENDING_ACTIVATION | PENDING_CLOSURE |
 * SUSPENDED | CLOSED) replaces `Status` (ACTIVE | PENDING_CLOSURE | SUSPENDED), which AWS retires on
 * 9 September 2026; Status is only the fallback. Kept as a plain string: AWS adds values.
 */
export function accountState(account: Account): string | undefined {
  return account.State ?? account.Status;
}

export function toOrgTags(tags: Tags): OrgTag[] {
  return Object.entries(tags).map(([Key, Value]) => ({ Key, Value }));
}

export function withManagedBy(tags: Tags): Tags {
  return { ...tags, [MANAGED_BY_TAG]: MANAGED_BY_VALUE };
}
