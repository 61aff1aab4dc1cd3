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
import { isLifecycleChange } from './change-kinds.ts';
import type { ExpiringUser, Plan, SuspendUser, WarnExpiry } from './changes.ts';
import type { DesiredState, DesiredUser, LiveUser } from './model.ts';

/** The credentials-sent value of a suspended user: it has no password any more. */
export const SUSPENDED_CREDENTIALS = 'suspended';

/** The tag that carries the file's `expires` date on the IAM user. */
export const EXPIRES_TAG = 'expires';

/** How far ahead `expires` may be when settings.yaml does not say (users_account.expiry_horizon_months). */
export const DEFAULT_EXPIRY_HORIZON_MONTHS = 12;

/**
 * The days before `expires` on which the person and the requester are warned. A run that first
 * sees a user closer to the date than a warning (a missed day, a file merged late) sends only the
 * closest warning due, never several at once.
 */
export const EXPIRY_WARNING_DAYS: readonly number[] = [14, 3];

/**
 * Set on a user after a warning email went out, with `<days>:<expires>` (e.g. `14:2027-03-31`): the
 * warning and the date it was sent for, so a later `expires` re-arms every warning. Digits, `:` and
 * `-` only: well within IAM's tag alphabet and 256 characters.
 */
export const EXPIRY_WARNING_TAG = 'expiry-warning-sent';

/** The warning due on `today`: the smallest of EXPIRY_WARNING_DAYS at or above the days left; none once the date has come. */
export function dueExpiryWarning(expires: string | undefined, today: string): number | undefined {
  if (expires === undefined) return undefined;
  const left = daysBetween(today, expires);
  if (left <= 0) return undefined;
  const due = EXPIRY_WARNING_DAYS.filter((days) => left <= days);
  return due.length === 0 ? undefined : Math.min(...due);
}

export function expiryWarningTagValue(warning: number, expires: string): string {
  return `${warning}:${expires}`;
}

/** Whether the tag says this warning, or a closer one, was sent for this very date. */
function isWarned(tagValue: string | undefined, warning: number, expires: string): boolean {
  const match = /^(\d+):(\d{4}-\d{2}-\d{2})$/.exec(tagValue ?? '');
  return match !== null && match[2] === expires && Number(match[1]) <= warning;
}

/**
 * The warn-expiry change due for a user on `today` (`userName` as it is, or will be, in IAM), given
 * its expiry-warning-sent tag; undefined when nothing is due or it was sent already.
 */
export function planExpiryWarning(user: DesiredUser, userName: string, sentTag: string | undefined, today: string): WarnExpiry | undefined {
  const expires = user.data.expires;
  const warning = dueExpiryWarning(expires, today);
  if (expires === undefined || warning === undefined || isWarned(sentTag, warning, expires)) return undefined;
  const tell = personAndRequester(user);
  return { kind: 'warn-expiry', userName, expires, warning, expiry: describeExpiry(expires, today), tell };
}

/**
 * The same plan with only its lifecycle changes: those the daily scheduled run applies (`apply
 * --only lifecycle`), expiry warnings and suspensions, which fall due with the date rather than with
 * a merge (core/change-kinds.ts says which kinds). Everything else waits for the apply after a
 * merge, and drift stays for a person to review. A warning to a user this plan would create is left
 * for the full apply: without its create-user the user does not exist, so the email would go out and
 * the tag that records it would fail, sending it again every day.
 */
export function lifecycleOnly(plan: Plan): Plan {
  const created = new Set(plan.changes.flatMap(({ change }) => (change.kind === 'create-user' ? [change.userName.toLowerCase()] : [])));
  return {
    ...plan,
    changes: plan.changes.filter(
      ({ change }) => isLifecycleChange(change) && !(change.kind === 'warn-expiry' && created.has(change.userName.toLowerCase())),
    ),
  };
}

/** Who hears about a user's end date: the person and whoever asked for the user (once each). */
function personAndRequester(user: DesiredUser): string[] {
  return [...new Set([user.userName, user.data.requested_by].map((email) => email.toLowerCase()))];
}

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
  const tell = personAndRequester(user);
  return { kind: 'suspend-user', userName: liveUser.userName, expires, expiry: describeExpiry(expires, today), leaveGroups, tell };
}

/** How far ahead the drift issue looks for users about to expire. */
export const EXPIRING_SOON_DAYS = 30;

/** Users whose `expires` is today or within EXPIRING_SOON_DAYS, soonest first (then by name). */
export function expiringUsers(desired: DesiredState, today: string): ExpiringUser[] {
  const out: ExpiringUser[] = [];
  const protectedNames = new Set(desired.settings.protected_users.map((name) => name.toLowerCase()));
  for (const user of desired.users.values()) {
    const expires = user.data.expires;
    if (expires === undefined || protectedNames.has(user.userName.toLowerCase())) continue;
    const days = daysBetween(today, expires);
    if (days >= 0 && days <= EXPIRING_SOON_DAYS) out.push({ userName: user.userName, expires, days, requestedBy: user.data.requested_by });
  }
  return out.sort((a, b) => a.days - b.days || (a.userName < b.userName ? -1 : a.userName > b.userName ? 1 : 0));
}
