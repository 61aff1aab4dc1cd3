/**
 * What each change kind means to apply, in one table: its phase, its executor, whether its email
 * carries the sign-in URL, why it waits for a later run given what failed before it, and what its
 * own failure holds back. Typed over every kind, so a new kind fails to compile until it says all
 * of them.
 */
import type { Change, ChangeKind } from '../core/changes.ts';
import type { LiveRole } from '../core/model.ts';
import type { Executors } from './executors.ts';

type Of<K extends ChangeKind> = Extract<Change, { kind: K }>;

/**
 * Baseline (1), then users (2), then accounts, which trust users (3), then the emails that describe
 * those accounts' roles and the users' notices (4), then user deletions (5), then closures (6).
 */
export type Phase = 1 | 2 | 3 | 4 | 5 | 6;
export const PHASES: readonly Phase[] = [1, 2, 3, 4, 5, 6];

/** What failed (or waits) earlier in the run. Names are lower case. */
export interface Failures {
  users: ReadonlySet<string>;
  accounts: ReadonlySet<string>;
  /** Users still named by a role whose change failed, with that role's account. */
  stillTrusted: ReadonlyMap<string, string>;
  /** The alias change failed: the sign-in URL in emails would not work. */
  alias: boolean;
}

/** What a change's failure holds back: the account's later emails, who its roles trust, the alias. */
export interface HeldBack {
  account?: string;
  /** Roles whose trusted users must not be deleted in this run. */
  roles?: readonly LiveRole[];
  alias?: true;
}

export interface ApplyMeaning<K extends ChangeKind> {
  phase: Phase;
  execute(run: Executors, change: Of<K>, warnings: string[]): Promise<void>;
  /** Its email carries the sign-in URL, which works only once the alias is set. */
  sendsSignInUrl: boolean;
  /** Why it must wait for a later run, given what failed before it; undefined: it runs. */
  waitsFor(change: Of<K>, failed: Failures): string | undefined;
  /** What its failure holds back besides its user (core/change-kinds.ts, userOf), whose later changes always wait. */
  holdsBack(change: Of<K>): HeldBack;
}

const never = (): undefined => undefined;
const nothing = (): HeldBack => ({});
const itsAccount = (change: { accountName: string }): HeldBack => ({ account: change.accountName });
const userFailed = (what: string) => (change: { userName: string }, failed: Failures): string | undefined =>
  failed.users.has(change.userName.toLowerCase()) ? `a change to ${change.userName} ${what}` : undefined;

export const APPLY_KINDS: { readonly [K in ChangeKind]: ApplyMeaning<K> } = {
  'update-password-policy': {
    phase: 1,
    execute: (run, c) => run.updatePasswordPolicy(c),
    sendsSignInUrl: false,
    waitsFor: never,
    holdsBack: nothing,
  },
  'update-group': { phase: 1, execute: (run, c) => run.updateGroup(c), sendsSignInUrl: false, waitsFor: never, holdsBack: nothing },
  // Before any email: the sign-in URL they carry works only once the alias is set.
  'set-account-alias': {
    phase: 1,
    execute: (run, c) => run.setAccountAlias(c),
    sendsSignInUrl: false,
    waitsFor: never,
    holdsBack: () => ({ alias: true }),
  },
  'create-user': { phase: 2, execute: (run, c, w) => run.createUser(c, w), sendsSignInUrl: true, waitsFor: never, holdsBack: nothing },
  'update-user': { phase: 2, execute: (run, c) => run.updateUser(c), sendsSignInUrl: false, waitsFor: never, holdsBack: nothing },
  'reset-password': { phase: 2, execute: (run, c) => run.resetPassword(c), sendsSignInUrl: true, waitsFor: never, holdsBack: nothing },
  'adopt-user': { phase: 2, execute: (run, c) => run.adoptUser(c), sendsSignInUrl: false, waitsFor: never, holdsBack: nothing },
  'suspend-user': { phase: 2, execute: (run, c) => run.suspendUser(c), sendsSignInUrl: false, waitsFor: never, holdsBack: nothing },
  'create-account': {
    phase: 3,
    execute: (run, c, w) => run.createAccountLimited(c, w),
    sendsSignInUrl: true,
    waitsFor: never,
    holdsBack: (c) => ({ account: c.accountName, roles: c.roles.map((role) => role.spec) }),
  },
  'update-account': { phase: 3, execute: (run, c) => run.updateAccount(c), sendsSignInUrl: false, waitsFor: never, holdsBack: itsAccount },
  'put-role': {
    phase: 3,
    execute: (run, c, warnings) => run.putRole(c, warnings),
    sendsSignInUrl: false,
    waitsFor: never,
    holdsBack: (c) => ({ account: c.accountName, roles: [c.after, ...(c.before === undefined ? [] : [c.before])] }),
  },
  'delete-role': {
    phase: 3,
    execute: (run, c, warnings) => run.deleteRole(c, warnings),
    sendsSignInUrl: false,
    waitsFor: never,
    holdsBack: itsAccount,
  },
  // A setting that failed (a contact) says nothing about the account's roles or its email.
  'put-account-facet': {
    phase: 3,
    execute: (run, c) => run.whenAccountReady(c.accountName, () => run.putFacet(c.accountId, c.recorded, c, c.after)),
    sendsSignInUrl: false,
    waitsFor: never,
    holdsBack: nothing,
  },
  'delete-account-facet': {
    phase: 3,
    execute: (run, c) => run.whenAccountReady(c.accountName, () => run.deleteFacet(c.accountId, c.recorded, c)),
    sendsSignInUrl: false,
    waitsFor: never,
    holdsBack: nothing,
  },
  'send-account-email': {
    phase: 4,
    execute: (run, c) => run.sendAccountEmailChange(c),
    sendsSignInUrl: true,
    waitsFor: (c, failed) =>
      failed.accounts.has(c.accountName)
        ? `a change to ${c.accountName} failed, so its email would describe a role that may not be there; it is sent on a later run`
        : undefined,
    holdsBack: itsAccount,
  },
  'notify-requester': {
    phase: 4,
    execute: (run, c) => run.notifyRequester(c.userName, c.fullName, c.requestedBy),
    sendsSignInUrl: false,
    waitsFor: userFailed('failed, so the notice would announce credentials that may not have been sent; it is sent on a later run'),
    holdsBack: nothing,
  },
  // After the role's trust change (phase 3), before any deletion (phase 5).
  'notify-bootstrap-users': {
    phase: 4,
    execute: (run, c) => run.notifyBootstrapUsers(c),
    sendsSignInUrl: true,
    waitsFor: (c, failed) => {
      if (failed.accounts.has(c.accountName)) {
        return `a change to ${c.accountName} failed, so the email would describe a trust that may not be in place; it is sent on a later run`;
      }
      const user = [...c.added, ...c.removed].find((name) => failed.users.has(name.toLowerCase()));
      return user === undefined ? undefined : `a change to ${user} failed; the email is sent on a later run`;
    },
    holdsBack: itsAccount,
  },
  // After the user exists and its welcome email went out (phase 2).
  'warn-expiry': {
    phase: 4,
    execute: (run, c) => run.warnExpiry(c),
    sendsSignInUrl: false,
    waitsFor: userFailed('failed or waits; the warning is sent on a later run'),
    holdsBack: nothing,
  },
  'delete-user': {
    phase: 5,
    execute: (run, c) => run.deleteUser(c),
    sendsSignInUrl: false,
    waitsFor: (c, failed) => {
      const because = failed.stillTrusted.get(c.userName.toLowerCase());
      return because === undefined ? undefined : `still named in a role of ${because}, whose update failed; deleting waits for a run where that succeeds`;
    },
    holdsBack: nothing,
  },
  'close-account': { phase: 6, execute: (run, c, w) => run.closeAccount(c, w), sendsSignInUrl: false, waitsFor: never, holdsBack: itsAccount },
};

/** The row of a change's kind, its functions taking that change (the one place the union is narrowed by the table). */
export function applyMeaningOf(change: Change): ApplyMeaning<ChangeKind> {
  return APPLY_KINDS[change.kind] as unknown as ApplyMeaning<ChangeKind>;
}

export function phaseOf(kind: ChangeKind): Phase {
  return APPLY_KINDS[kind].phase;
}
