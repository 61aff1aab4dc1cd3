/**
 * Contractor expiry, enforced. A managed user whose `expires` is today or earlier is suspended: its
 * console password removed, its access keys deactivated, and it leaves every group (the configured
 * group is where all its access comes from). The user itself stays, so deleting still takes a
 * pull request that removes the file, and the deletion limit keeps meaning what it says.
 *
 * Suspension is recorded in the credentials-sent tag (value `suspended`): the password it stood for
 * is gone. Extending `expires` then plans the group back and a fresh temporary password (a
 * `reset-password` change, why `access-restored`), sent like every other credential: tagged
 * credentials-pending first, credentials-sent only after the email. Access keys stay inactive: the
 * person re-activates or replaces them with their own credentials once signed in.
 *
 * Dates are YYYY-MM-DD strings compared as text; `today` is always an explicit input.
 */
import type { SuspendUser } from './changes.ts';
import type { DesiredUser, LiveUser } from './model.ts';

/** The credentials-sent value of a suspended user: it has no password any more. */
export const SUSPENDED_CREDENTIALS = 'suspended';

/** The tag that carries the file's `expires` date on the IAM user. */
export const EXPIRES_TAG = 'expires';

/** How far ahead `expires` may be when settings.yaml does not say (users_account.expiry_horizon_months). */
export const DEFAULT_EXPIRY_HORIZON_MONTHS = 12;

/** Whether a user's access has ended: `expires` is today or earlier. */
export function hasExpired(expires: string | undefined, today: string): boolean {
  return expires !== undefined && expires <= today;
}

/** Whole days from `from` to `to` (both YYYY-MM-DD, UTC); negative when `to` is earlier. */
export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000);
}

/** `today` plus whole months, clamped to the month's last day (2026-01-31 + 1 month = 2026-02-28). */
export function addMonths(today: string, months: number): string {
  const [year, month, day] = today.split('-').map(Number) as [number, number, number];
  const index = year * 12 + (month - 1) + months;
  const targetYear = Math.floor(index / 12);
  const targetMonth = (index % 12) + 1;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth, 0)).getUTCDate();
  const pad = (n: number, width: number): string => String(n).padStart(width, '0');
  return `${pad(targetYear, 4)}-${pad(targetMonth, 2)}-${pad(Math.min(day, lastDay), 2)}`;
}

/** "expires 2027-03-31, in 12 days" / "expired 2026-01-02, 3 days ago" / "expires today". */
export function describeExpiry(expires: string, today: string): string {
  const days = daysBetween(today, expires);
  if (days === 0) return `expires ${expires}, today`;
  if (days > 0) return `expires ${expires}, in ${days} day${days === 1 ? '' : 's'}`;
  return `expired ${expires}, ${-days} day${days === -1 ? '' : 's'} ago`;
}

/**
 * The suspend-user change for a managed user whose access has ended, or undefined when it is
 * suspended already (tagged, and in no group).
 */
export function planSuspension(user: DesiredUser, liveUser: LiveUser, suspendedTag: boolean, today: string): SuspendUser | undefined {
  const expires = user.data.expires;
  if (expires === undefined) return undefined;
  const leaveGroups = [...liveUser.groups].sort();
  if (suspendedTag && leaveGroups.length === 0) return undefined;
  const tell = [...new Set([user.userName, user.data.requested_by].map((email) => email.toLowerCase()))];
  return { kind: 'suspend-user', userName: liveUser.userName, expires, expiry: describeExpiry(expires, today), leaveGroups, tell };
}
