/**
 * The bootstrap role: full administrator access in a new account, assumable with MFA by the users
 * its file lists, until the team removes it (`bootstrap.state: removed`). Its name and path are
 * those roles already have in live accounts (IAM role paths cannot be changed).
 */
import { MANAGED_BY_TAG, MANAGED_BY_VALUE, type DesiredAccount } from './model.ts';
import type { RoleSource } from './roles.ts';
import { bootstrapTrustPolicy } from './trust-policy.ts';

export const ADMINISTRATOR_ACCESS = 'arn:aws:iam::aws:policy/AdministratorAccess';

/** The users the file wants the bootstrap role to trust (lower case, sorted); undefined when it wants no role. */
export function wantedBootstrapUsers(account: DesiredAccount): readonly string[] | undefined {
  const bootstrap = account.data.bootstrap;
  // No bootstrap block means the same as `state: removed`: the file declares no role.
  if (bootstrap === undefined || (bootstrap.state ?? 'present') === 'removed') return undefined;
  return [...new Set(bootstrap.users.map((user) => user.toLowerCase()))].sort();
}

export const bootstrapRole: RoleSource = {
  rolesFor({ settings, account }) {
    const users = wantedBootstrapUsers(account);
    if (users === undefined) return { wanted: [], notes: [] };
    if (users.length === 0) {
      // AWS refuses a trust policy without principals; validation should catch this first.
      return {
        wanted: [],
        notes: [`${account.name}: bootstrap.users is empty, so no bootstrap role can be created or updated; list users or set bootstrap.state: removed.`],
      };
    }
    return {
      wanted: [
        {
          label: 'the bootstrap role',
          unmanagedNote: `${account.name}: a role with the bootstrap role's name exists but is not managed by this project; it is left alone (tag it ${MANAGED_BY_TAG}=${MANAGED_BY_VALUE} to adopt it).`,
          spec: {
            name: settings.organization.bootstrap_role_name,
            path: '/',
            description: 'Administrator role for the account bootstrap users (aws-access-as-code).',
            trustPolicy: bootstrapTrustPolicy(settings.users_account.id, users),
            inlinePolicies: {},
            attachedPolicyArns: [ADMINISTRATOR_ACCESS],
            tags: { [MANAGED_BY_TAG]: MANAGED_BY_VALUE },
          },
        },
      ],
      notes: [],
    };
  },

  ownsUnwanted(role, { settings, account }) {
    if (role.name.toLowerCase() !== settings.organization.bootstrap_role_name.toLowerCase()) return undefined;
    // A present bootstrap block with no users is a mistake the note above names: nothing is deleted.
    if (wantedBootstrapUsers(account) !== undefined) return undefined;
    return account.data.bootstrap?.state === 'removed'
      ? { label: 'the bootstrap role', unmanagedNote: `${account.name}: a bootstrap role exists but is not managed by this project; it is left alone.` }
      : { label: 'the bootstrap role' };
  },
};
