/**
 * What each change kind means to the core, in one table: its rank among changes of the same
 * impact, its impact, the name it is about, whether it creates, changes or deletes, and the user of
 * the users account it concerns. Typed over every kind, so a new kind fails to compile until it
 * says all of them (the apply and render layers have tables of their own).
 */
import type { Change, ChangeKind, CreateAccount, Impact, PlannedChange, PutRole } from './changes.ts';
import { IMPACT_ORDER } from './changes.ts';
import { facetSource } from './facet-sources.ts';
import { compareText } from './plan-helpers.ts';
import { roleChangeImpact } from './roles.ts';

export type ChangeAction = 'create' | 'change' | 'delete';

type Of<K extends ChangeKind> = Extract<Change, { kind: K }>;

export interface KindMeaning<K extends ChangeKind> {
  /** Within one impact, changes are listed by rank (then by subject). */
  rank: number;
  /**
   * How much a change matters to a reviewer (changes.ts, Impact). Destructive: cannot simply be put
   * back. Access: grants, widens or otherwise changes access. Routine: bookkeeping.
   */
  impact: Impact | ((change: Of<K>) => Impact);
  /** The name it is about (user, account, group), for sorting and display. */
  subject: (change: Of<K>) => string;
  /** Whether it creates, changes or removes something: the plan's last line counts these. */
  action: ChangeAction | ((change: Of<K>) => ChangeAction);
  /** The user of the users account it concerns (protected users are never touched); none for the rest. */
  user: (change: Of<K>) => string | undefined;
  /** What it counts for against settings.limits (blast-radius.ts): a deletion, a closure, or nothing. */
  counts: 'deletion' | 'closure' | 'nothing';
  /** Whether `apply --only lifecycle` runs it: it falls due with a date, not with a merge (expiry.ts). */
  lifecycle: boolean;
  /**
   * The changes it is made of, each as it would be on its own (a new account's roles, as the
   * put-role that creates each in an existing account): renderers list them under it, with the
   * same words, and the worst of their impacts ranks it. None when absent.
   */
  parts?: (change: Of<K>) => Change[];
}

const byUser = (change: { userName: string }): string => change.userName;
const byAccount = (change: { accountName: string }): string => change.accountName;
const noUser = (): undefined => undefined;

export const CHANGE_KINDS: { readonly [K in ChangeKind]: KindMeaning<K> } = {
  'close-account': { rank: 0, impact: 'destructive', subject: byAccount, action: 'delete', user: noUser, counts: 'closure', lifecycle: false },
  'delete-user': { rank: 1, impact: 'destructive', subject: byUser, action: 'delete', user: byUser, counts: 'deletion', lifecycle: false },
  'delete-role': { rank: 2, impact: 'destructive', subject: byAccount, action: 'delete', user: noUser, counts: 'deletion', lifecycle: false },
  'suspend-user': { rank: 3, impact: 'access', subject: byUser, action: 'change', user: byUser, counts: 'nothing', lifecycle: true },
  'update-password-policy': { rank: 3, impact: 'access', subject: () => 'password policy', action: 'change', user: noUser, counts: 'nothing', lifecycle: false },
  'update-group': { rank: 4, impact: 'access', subject: (c) => c.group, action: (c) => (c.create ? 'create' : 'change'), user: noUser, counts: 'nothing', lifecycle: false },
  'set-account-alias': {
    rank: 5,
    // Replacing an alias breaks everyone's sign-in URL: a reviewer should see it early.
    impact: (c) => (c.from === undefined ? 'routine' : 'access'),
    subject: () => 'account alias',
    action: 'change',
    user: noUser,
    counts: 'nothing',
    lifecycle: false,
  },
  'create-user': { rank: 6, impact: 'access', subject: byUser, action: 'create', user: byUser, counts: 'nothing', lifecycle: false },
  'reset-password': { rank: 7, impact: 'access', subject: byUser, action: 'change', user: byUser, counts: 'nothing', lifecycle: false },
  'adopt-user': { rank: 8, impact: 'access', subject: byUser, action: 'change', user: byUser, counts: 'nothing', lifecycle: false },
  'create-account': {
    rank: 9,
    impact: (c) => worstImpact(['access', ...newAccountRoles(c).map(impactOf)]),
    subject: byAccount,
    action: 'create',
    user: noUser,
    counts: 'nothing',
    lifecycle: false,
    parts: (c) => newAccountRoles(c),
  },
  'put-role': {
    rank: 10,
    impact: (c) => roleChangeImpact(c.before, c.after),
    subject: byAccount,
    action: (c) => (c.before === undefined ? 'create' : 'change'),
    user: noUser,
    counts: 'nothing',
    lifecycle: false,
  },
  'update-user': {
    rank: 11,
    // Joining the group widens access (it grants sts:AssumeRole with MFA); leaving other groups and
    // losing the user's own policies removes access someone granted by hand. Both are for a
    // reviewer's eyes early, among the access changes; tags alone are routine.
    impact: (c) => (c.addGroups.length + c.removeGroups.length + c.detachPolicies.length + c.deletePolicies.length > 0 ? 'access' : 'routine'),
    subject: byUser,
    action: 'change',
    user: byUser,
    counts: 'nothing',
    lifecycle: false,
  },
  'update-account': {
    rank: 12,
    // Taking over an account someone else made: the project will own it (and may put an
    // administrator role in it), so a reviewer must see it among the access changes. Moving an
    // account to another OU changes which service control policies apply to it.
    impact: (c) => (c.adopt === undefined && c.move === undefined ? 'routine' : 'access'),
    subject: byAccount,
    action: 'change',
    user: noUser,
    counts: 'nothing',
    lifecycle: false,
  },
  'delete-account-facet': {
    rank: 13,
    impact: (c) => facetSource(c.family).impact(c.key, c.before, undefined),
    subject: byAccount,
    action: 'delete',
    user: noUser,
    counts: 'nothing',
    lifecycle: false,
  },
  'put-account-facet': {
    rank: 14,
    impact: (c) => facetSource(c.family).impact(c.key, c.before, c.after),
    subject: byAccount,
    action: (c) => (c.before === undefined ? 'create' : 'change'),
    user: noUser,
    counts: 'nothing',
    lifecycle: false,
  },
  'send-account-email': { rank: 15, impact: 'routine', subject: byAccount, action: 'change', user: noUser, counts: 'nothing', lifecycle: false },
  'notify-requester': { rank: 16, impact: 'routine', subject: byUser, action: 'change', user: byUser, counts: 'nothing', lifecycle: false },
  'notify-bootstrap-users': { rank: 17, impact: 'routine', subject: byAccount, action: 'change', user: noUser, counts: 'nothing', lifecycle: false },
  // A notification: the access it warns about changes with suspend-user, on the day.
  'warn-expiry': { rank: 18, impact: 'routine', subject: byUser, action: 'change', user: byUser, counts: 'nothing', lifecycle: true },
};

/**
 * A new account's roles as the put-role changes that would create them in an existing account
 * (no account id yet): one wording and one ranking for a role, wherever it is created.
 */
export function newAccountRoles(change: CreateAccount): PutRole[] {
  return change.roles.map((role) => ({
    kind: 'put-role',
    accountName: change.accountName,
    accountId: '',
    label: role.label,
    after: role.spec,
    ...(role.notice === undefined ? {} : { notice: role.notice }),
  }));
}

function worstImpact(impacts: readonly Impact[]): Impact {
  return IMPACT_ORDER.find((impact) => impacts.includes(impact)) ?? 'routine';
}

/** The changes a change is made of (KindMeaning.parts), possibly none. */
export function partsOf(change: Change): Change[] {
  const parts = meaningOf(change).parts as ((c: Change) => Change[]) | undefined;
  return parts === undefined ? [] : parts(change);
}

/** The row of a change's kind, its functions taking that change (the one place the union is narrowed by the table). */
function meaningOf(change: Change): KindMeaning<ChangeKind> {
  return CHANGE_KINDS[change.kind] as unknown as KindMeaning<ChangeKind>;
}

type Resolvable<T> = T | ((change: Change) => T);

function resolve<T extends string>(value: Resolvable<T>, change: Change): T {
  return typeof value === 'function' ? value(change) : value;
}

export const KIND_ORDER: readonly ChangeKind[] = (Object.keys(CHANGE_KINDS) as ChangeKind[]).sort((a, b) => CHANGE_KINDS[a].rank - CHANGE_KINDS[b].rank);

export function impactOf(change: Change): Impact {
  return resolve(meaningOf(change).impact as Resolvable<Impact>, change);
}

export function subjectOf(change: Change): string {
  return (meaningOf(change).subject as (c: Change) => string)(change);
}

export function actionOf(change: Change): ChangeAction {
  return resolve(meaningOf(change).action as Resolvable<ChangeAction>, change);
}

/** What a change counts for against settings.limits. */
export function countsOf(change: Change): KindMeaning<ChangeKind>['counts'] {
  return CHANGE_KINDS[change.kind].counts;
}

/** Whether a change falls due with a date (expiry warnings, suspensions) rather than with a merge. */
export function isLifecycleChange(change: Change): boolean {
  return CHANGE_KINDS[change.kind].lifecycle;
}

/** The user of the users account a change concerns, if any. */
export function userOf(change: Change): string | undefined {
  return (meaningOf(change).user as (c: Change) => string | undefined)(change);
}

/** Destructive first, then access, then routine; within one impact by KIND_ORDER, then by name. */
export function comparePlannedChanges(a: PlannedChange, b: PlannedChange): number {
  return (
    IMPACT_ORDER.indexOf(a.impact) - IMPACT_ORDER.indexOf(b.impact) ||
    KIND_ORDER.indexOf(a.change.kind) - KIND_ORDER.indexOf(b.change.kind) ||
    compareText(subjectOf(a.change), subjectOf(b.change)) ||
    compareText(JSON.stringify(a.change), JSON.stringify(b.change))
  );
}

export function toPlannedChange(change: Change): PlannedChange {
  return { change, impact: impactOf(change) };
}
