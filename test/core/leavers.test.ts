/**
 * The leaver check: a user deleted or suspended is listed with every role in a managed member
 * account that still trusts it, from the roles already read; roles this plan fixes are not listed.
 */
import { describe, expect, it } from 'vitest';
import type { LiveRole } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { userArn } from '../../src/core/trust-policy.ts';
import { renderPlanText } from '../../src/render/plan-text.ts';
import { aDesiredState, anAccount, anAppliedLiveState, aUser, someSettings, summaryOf, withLiveAccount } from '../support/builders.ts';

const settings = someSettings();
const ADA = 'ada@example.gov.uk';
const BEN = 'ben@contractor.example.com';

function adminRoleTrusting(...users: string[]): LiveRole {
  return {
    name: 'admin',
    path: '/',
    trustPolicy: {
      Version: '2012-10-17',
      Statement: [{ Effect: 'Allow', Principal: { AWS: users.map((u) => userArn(settings.users_account.id, u)) }, Action: 'sts:AssumeRole' }],
    },
    inlinePolicies: {},
    attachedPolicyArns: ['arn:aws:iam::aws:policy/AdministratorAccess'],
    tags: {},
  };
}

const before = aDesiredState({
  settings,
  users: [aUser(ADA), aUser(BEN, { expires: '2026-04-01' })],
  accounts: [anAccount('notify-staging', { bootstrap: { users: [ADA] } }, settings), anAccount('notify-prod', { bootstrap: { users: [ADA] } }, settings)],
});

function liveWithAdminRoles() {
  let live = anAppliedLiveState(before);
  for (const name of ['notify-staging', 'notify-prod']) {
    live = withLiveAccount(live, name, (account) => ({
      ...account,
      roles: [...(Array.isArray(account.roles) ? account.roles : []), adminRoleTrusting(ADA, BEN)],
    }));
  }
  return live;
}

describe('leaver check', () => {
  it('lists the roles that still trust a user being suspended or deleted', () => {
    const after = aDesiredState({ settings, users: [aUser(ADA), aUser(BEN, { expires: '2026-04-01' })], accounts: [...before.accounts.values()] });
    const plan = computePlan(after, liveWithAdminRoles(), { today: '2026-04-01' });
    const suspend = plan.changes.find((c) => c.change.kind === 'suspend-user');
    expect(summaryOf(suspend)).toBe(
      `suspend user ${BEN} (expires 2026-04-01, today): remove its console password, deactivate its access keys, remove from group ${settings.users_account.group}; still trusted by \`admin\` in notify-prod, \`admin\` in notify-staging; tell ${BEN}, lead@example.gov.uk`,
    );
    expect(renderPlanText(plan, { color: false })).toContain('still trusted by `admin` in notify-prod');
  });

  it('lists a deleted user too, but not a role this plan takes the user out of', () => {
    // Ben's file goes; nothing rewrites the admin roles (they are not the project's), so both are listed.
    const withoutBen = aDesiredState({ settings, users: [aUser(ADA)], accounts: [...before.accounts.values()] });
    const deleted = computePlan(withoutBen, liveWithAdminRoles(), { today: '2026-03-01' }).changes.find((c) => c.change.kind === 'delete-user');
    expect(deleted?.change).toMatchObject({
      kind: 'delete-user',
      userName: BEN,
      stillTrustedBy: [
        { accountName: 'notify-prod', roleName: 'admin' },
        { accountName: 'notify-staging', roleName: 'admin' },
      ],
    });
    // A managed bootstrap role that the same plan rewrites without the user is not "still trusting".
    const live = withLiveAccount(liveWithAdminRoles(), 'notify-prod', (account) => ({
      ...account,
      roles: (Array.isArray(account.roles) ? account.roles : []).map((role) =>
        role.name === settings.organization.bootstrap_role_name
          ? { ...role, trustPolicy: adminRoleTrusting(ADA, BEN).trustPolicy }
          : role,
      ),
    }));
    const plan = computePlan(withoutBen, live, { today: '2026-03-01' });
    const names = plan.changes.flatMap((c) => (c.change.kind === 'delete-user' ? (c.change.stillTrustedBy ?? []).map((r) => `${r.roleName} ${r.accountName}`) : []));
    expect(names).toEqual(['admin notify-prod', 'admin notify-staging']);
    expect(plan.changes.some((c) => c.change.kind === 'put-role' && c.change.accountName === 'notify-prod')).toBe(true);
  });

  it('says nothing when no role trusts the user', () => {
    const withoutBen = aDesiredState({ settings, users: [aUser(ADA)], accounts: [...before.accounts.values()] });
    const deleted = computePlan(withoutBen, anAppliedLiveState(before)).changes.find((c) => c.change.kind === 'delete-user');
    expect(deleted?.change).toEqual({ kind: 'delete-user', userName: BEN, tell: [BEN, 'lead@example.gov.uk'] });
  });
});
