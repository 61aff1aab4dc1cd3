/**
 * Adoption: taking over what exists already, without resetting anything people rely on.
 *
 * A user file with `adopt: true` that names an IAM user without the managed-by tag is planned as
 * one `adopt-user` change: the user is tagged (the file's tags, managed-by, and credentials-sent
 * `adopted`, which stands for "has a password already": no reset, no email), joins the configured
 * group, and loses its access outside the group in the same run (listed in the plan, so reviewers
 * of the adopting pull request see exactly what goes). Its login profile, access keys, MFA devices
 * and creation date are never touched. Without `adopt: true` an existing unmanaged user is only
 * noted; with it, a user that does not exist is not created, so a typo in the file name can neither
 * create a stranger nor adopt one. Protected users are never adopted (the planner skips their
 * files before this). Adoptions have their own per-run limit (limits.max_adoptions_per_run).
 */
import { userTags } from './baseline.ts';
import type { AdoptUser, Change } from './changes.ts';
import {
  CREDENTIALS_SENT_TAG,
  credentialsToken,
  type DesiredUser,
  type LiveUser,
  type SettingsFile,
  type UserFile,
} from './model.ts';

/** The credentials-sent value of an adopted user: it had a password before the project knew it. */
export const ADOPTED_CREDENTIALS = 'adopted';

/**
 * How many users one run may adopt when settings.yaml does not say (limits.max_adoptions_per_run):
 * none. Adoption is a migration window that settings open explicitly, and close again.
 */
export const DEFAULT_MAX_ADOPTIONS_PER_RUN = 0;

export function maxAdoptionsPerRun(settings: SettingsFile): number {
  return settings.limits.max_adoptions_per_run ?? DEFAULT_MAX_ADOPTIONS_PER_RUN;
}

/**
 * Whether the user has the credentials its file asks for. `password_reset` means "a newer date than
 * the last one applied": a user whose credentials-sent tag holds a date on or after it (or any
 * other sent value when the file has no date) needs nothing, so removing the line or going back to
 * an earlier date never resets. No tag: the welcome email never went out.
 */
export function hasCurrentCredentials(user: UserFile, sentTag: string | undefined): boolean {
  if (sentTag === undefined) return false;
  const reset = user.password_reset;
  if (reset === undefined) return true;
  if (sentTag === credentialsToken(user)) return true;
  // `initial` and `adopted` predate every reset; a sent date is compared as text (YYYY-MM-DD).
  return /^\d{4}-\d{2}-\d{2}$/.test(sentTag) && sentTag >= reset;
}

const lower = (value: string): string => value.toLowerCase();
const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The adopt-user change for an unmanaged live user whose file says `adopt: true`. */
export function planAdoptUser(user: DesiredUser, liveUser: LiveUser, group: string): AdoptUser {
  const isConfiguredGroup = (name: string): boolean => lower(name) === lower(group);
  return {
    kind: 'adopt-user',
    userName: liveUser.userName,
    tags: { ...userTags(user), [CREDENTIALS_SENT_TAG]: ADOPTED_CREDENTIALS },
    addGroups: liveUser.groups.some(isConfiguredGroup) ? [] : [group],
    removeGroups: liveUser.groups.filter((name) => !isConfiguredGroup(name)).sort(byText),
    detachPolicies: [...liveUser.attachedPolicyArns].sort(byText),
    deletePolicies: [...liveUser.inlinePolicyNames].sort(byText),
  };
}

/** What the plan says about a file and a live user that exists without the managed-by tag, if not adopted. */
export function notAdoptedNote(user: DesiredUser, liveUser: LiveUser): string {
  return (
    `${liveUser.userName} exists in the users account without the managed-by tag, so ${user.source.file} does not change it. ` +
    'To take it over as it is (password, access keys and MFA kept, no email), add adopt: true to the file.'
  );
}

/** What the plan says about a file with `adopt: true` naming a user that does not exist. */
export function nothingToAdoptNote(user: DesiredUser): string {
  return (
    `${user.source.file} says adopt: true, but the users account has no user ${user.userName}: nothing is adopted or created. ` +
    'Check the name; remove adopt to create a new user instead.'
  );
}

/** The plan's note when it adopts more users than one run may. */
export function adoptionLimitNote(settings: SettingsFile, changes: readonly Change[]): string | undefined {
  const adoptions = changes.filter((change) => change.kind === 'adopt-user').length;
  const limit = maxAdoptionsPerRun(settings);
  if (adoptions <= limit) return undefined;
  return (
    `This plan adopts ${adoptions} existing users, more than settings.yaml allows in one run (limits.max_adoptions_per_run: ${limit}): ` +
    'apply refuses. Raise the limit for the migration in the same pull request, or adopt in smaller batches.'
  );
}
