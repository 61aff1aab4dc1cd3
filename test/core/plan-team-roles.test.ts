/** Team roles (accounts/<name>.yaml `roles:`) in the planner: create, change trust, change kind, delete, leave unmanaged roles alone. */
import { describe, expect, it } from 'vitest';
import type { Change, Plan } from '../../src/core/changes.ts';
import type { AccountFile, DesiredState, LiveRole, LiveState } from '../../src/core/model.ts';
import { computePlan } from '../../src/core/plan.ts';
import { TEAM_ROLE_KINDS, teamRoleNameProblem, teamRoles } from '../../src/core/team-roles.ts';
import { renderPlanJson } from '../../src/render/plan-json.ts';
import { renderPlanMarkdown } from '../../src/render/plan-markdown.ts';
import { renderPlanText } from '../../src/render/plan-text.ts';
import { aDesiredState, anAccount, anAppliedLiveState, anEmptyLiveState, aUser, someSettings, summaryOf, withLiveAccount } from '../support/builders.ts';

const ADA = 'ada@example.gov.uk';
const BOB = 'bob@example.gov.uk';
const settings = someSettings({ role_conditions: { 'office-ip': { IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] as [string] } } } });
type Roles = NonNullable<AccountFile['roles']>;

function desiredWith(roles: Roles): DesiredState {
  return aDesiredState({ settings, users: [aUser(ADA), aUser(BOB)], accounts: [anAccount('svc', { roles }, settings)] });
}

function roleChanges(plan: Plan): Change[] {
  return plan.changes.map(({ change }) => change).filter((change) => change.kind === 'put-role' || change.kind === 'delete-role');
}

function withRoles(live: LiveState, extra: (roles: LiveRole[]) => LiveRole[]): LiveState {
  return withLiveAccount(live, 'svc', (account) => ({ ...account, roles: extra(Array.isArray(account.roles) ? [...account.roles] : []) }));
}

describe('team roles', () => {
  const admin = { name: 'platform-admin', kind: 'admin' as const, users: [ADA] as [string] };

  it('a settled state plans nothing', () => {
    const desired = desiredWith([admin, { name: 'read-only', kind: 'read-only', users: [ADA, BOB], conditions: ['office-ip'] }]);
    expect(computePlan(desired, anAppliedLiveState(desired)).changes).toEqual([]);
  });

  it('a new team role is created, trusting its users with MFA and the named conditions', () => {
    const before = desiredWith([]);
    const after = desiredWith([{ name: 'read-only', kind: 'read-only', users: [BOB], conditions: ['office-ip'] }]);
    const plan = computePlan(after, anAppliedLiveState(before));
    const [change] = roleChanges(plan);
    expect(plan.changes.map((c) => `${c.impact} ${c.change.kind}`)).toEqual(['access put-role', 'routine notify-bootstrap-users']);
    if (change?.kind !== 'put-role') throw new Error('expected a put-role');
    expect(change.after.attachedPolicyArns).toEqual(['arn:aws:iam::aws:policy/ReadOnlyAccess']);
    expect(Object.keys(change.after.inlinePolicies)).toEqual(['deny-secrets']);
    expect(JSON.stringify(change.after.inlinePolicies)).toContain('ssm:DescribeParameters');
    expect(change.after.trustPolicy).toMatchObject({
      Statement: [{ Condition: { Bool: { 'aws:MultiFactorAuthPresent': 'true' }, IpAddress: { 'aws:SourceIp': ['203.0.113.0/24'] } } }],
    });
    expect(change.after.tags).toEqual({ 'managed-by': 'aws-access-as-code', 'team-role': 'read-only' });
    expect(summaryOf(plan.changes[0])).toMatch(/^create team role read-only \(read-only\) in svc \(\d{12}\), trusting bob@example.gov.uk with MFA; arn:aws:iam::aws:policy\/ReadOnlyAccess, deny-secrets$/);
  });

  it('changing whom it trusts is an access change naming who comes and goes', () => {
    const before = desiredWith([admin]);
    const after = desiredWith([{ ...admin, users: [BOB] }]);
    const plan = computePlan(after, anAppliedLiveState(before));
    expect(plan.changes.map((c) => c.impact)).toEqual(['access', 'routine']);
    expect(summaryOf(plan.changes[0])).toMatch(/: trust bob@example.gov.uk; stop trusting ada@example.gov.uk$/);
  });

  it('a weaker condition (one dropped) is an access change', () => {
    const before = desiredWith([{ ...admin, conditions: ['office-ip'] }]);
    const plan = computePlan(desiredWith([admin]), anAppliedLiveState(before));
    expect(summaryOf(plan.changes[0])).toMatch(/: loosen its trust conditions$/);
    expect(plan.changes[0]?.impact).toBe('access');
  });

  it('changing the kind attaches and detaches the managed policies and writes the denials', () => {
    const before = desiredWith([{ name: 'platform-admin', kind: 'admin', users: [ADA] }]);
    const after = desiredWith([{ name: 'platform-admin', kind: 'custom', users: [ADA], policies: ['arn:aws:iam::aws:policy/job-function/ViewOnlyAccess'] }]);
    const plan = computePlan(after, anAppliedLiveState(before));
    expect(plan.changes.map((c) => c.impact)).toEqual(['access']);
    expect(summaryOf(plan.changes[0])).toBe(
      `update team role platform-admin (custom) in svc (${plan.changes[0]?.change.kind === 'put-role' ? plan.changes[0].change.accountId : ''}): attach arn:aws:iam::aws:policy/job-function/ViewOnlyAccess; detach arn:aws:iam::aws:policy/AdministratorAccess; set tags team-role`,
    );
  });

  it('a team role removed from the file is deleted (destructive) and counts against the deletion limit', () => {
    const before = desiredWith([admin]);
    const plan = computePlan(desiredWith([]), anAppliedLiveState(before));
    expect(plan.changes.map((c) => `${c.impact} ${c.change.kind}`)).toEqual(['destructive delete-role', 'routine notify-bootstrap-users']);
    expect(summaryOf(plan.changes[0])).toMatch(/^delete team role platform-admin \(admin\) in svc/);
    const strict = { ...desiredWith([]), settings: { ...settings, limits: { ...settings.limits, max_deletions_per_run: 0 } } };
    expect(computePlan(strict, anAppliedLiveState(before)).notes.join('\n')).toMatch(/deletes 1 users and roles/);
  });

  it("a team's own roles (no managed-by tag) are listed, never changed, even when they share a wanted name", () => {
    const desired = desiredWith([admin]);
    const live = withRoles(anAppliedLiveState(desired), (roles) =>
      roles.map((role) => (role.name === 'platform-admin' ? { ...role, tags: {} } : role)).concat({ ...roles[0]!, name: 'terraform-admin', tags: {} }),
    );
    const plan = computePlan(desired, live);
    expect(plan.changes).toEqual([]);
    expect(plan.notes.join('\n')).toMatch(/a role named platform-admin exists but is not managed by this project; it is left alone/);
    expect(plan.notes.join('\n')).toMatch(/left alone: terraform-admin\./);
  });

  it('a new account lists every role it gets (kind, policies, who may assume it) in text, Markdown and JSON, worded and ranked as in an existing account', () => {
    const roles: Roles = [admin, { name: 'read-only', kind: 'read-only', users: [ADA, BOB] }];
    const plan = computePlan(desiredWith(roles), anEmptyLiveState());
    const create = plan.changes.find((c) => c.change.kind === 'create-account');
    expect(create?.impact).toBe('access');
    const bootstrapLine = 'create the bootstrap role in svc, trusting ada@example.gov.uk with MFA; arn:aws:iam::aws:policy/AdministratorAccess';
    const adminLine = 'create team role platform-admin (admin) in svc, trusting ada@example.gov.uk with MFA; arn:aws:iam::aws:policy/AdministratorAccess';
    const readLine = 'create team role read-only (read-only) in svc, trusting ada@example.gov.uk, bob@example.gov.uk with MFA; arn:aws:iam::aws:policy/ReadOnlyAccess, deny-secrets';
    expect(summaryOf(create)).toMatch(/^create account svc in \/Workloads\/Production \(root email .*; roles bootstrap, platform-admin, read-only\)$/);

    const text = renderPlanText(plan, { color: false });
    for (const line of [bootstrapLine, adminLine, readLine]) expect(text).toContain(`      + ${line}\n`);
    const markdown = renderPlanMarkdown(plan);
    for (const line of [bootstrapLine, adminLine, readLine]) expect(markdown).toContain(`  - \`+\` \`${line}\``);
    const json = JSON.parse(renderPlanJson(plan)) as { changes: { change: { kind: string }; parts?: { impact: string; access: string; summary: string; change: { kind: string; accountIdKnown?: boolean } }[] }[] };
    const parts = json.changes.find((c) => c.change.kind === 'create-account')?.parts ?? [];
    expect(parts.map((part) => [part.change.kind, part.impact, part.access, part.summary])).toEqual([
      ['put-role', 'access', 'grants', bootstrapLine],
      ['put-role', 'access', 'grants', adminLine],
      ['put-role', 'access', 'grants', readLine],
    ]);
    expect(parts[0]?.change.accountIdKnown).toBe(false);

    // The same role added to an existing account: the same words, with its id, and the same rank.
    const existing = computePlan(desiredWith(roles), anAppliedLiveState(desiredWith([])));
    const puts = existing.changes.filter((c) => c.change.kind === 'put-role');
    expect(puts.map((c) => summaryOf(c)?.replace(/ \(\d{12}\)/, ''))).toEqual([adminLine, readLine]);
    expect(puts.map((c) => c.impact)).toEqual(['access', 'access']);
  });

  it('everyone a new account\'s roles trust is told, per role, with every role the files give them', () => {
    const plan = computePlan(desiredWith([admin, { name: 'read-only', kind: 'read-only', users: [ADA, BOB] }]), anEmptyLiveState());
    const notices = plan.changes.flatMap(({ change }) => (change.kind === 'notify-bootstrap-users' ? [change] : []));
    expect(notices.map((n) => [n.roleName, n.accountId, n.added])).toEqual([
      ['bootstrap', '', [ADA]],
      ['platform-admin', '', [ADA]],
      ['read-only', '', [ADA, BOB]],
    ]);
    const bob = notices[2]?.profiles?.find((p) => p.userName === BOB);
    expect(bob?.roles).toEqual([{ accountName: 'svc', roleName: 'read-only', path: '/' }]);
    const create = plan.changes.find((c) => c.change.kind === 'create-account')?.change;
    expect(create?.kind === 'create-account' ? create.roles.map((r) => r.notice?.added) : []).toEqual([[ADA], [ADA], [ADA, BOB]]);
    // The welcome emails carry the roles too (no id yet: the account is created after them).
    const welcome = plan.changes.find((c) => c.change.kind === 'create-user' && c.change.userName === ADA)?.change;
    expect(welcome?.kind === 'create-user' ? welcome.roles?.map((r) => r.roleName) : []).toEqual(['bootstrap', 'platform-admin', 'read-only']);
  });

  it('someone added to a team role of an existing account is told, with the switch-role account id and all their roles', () => {
    const before = desiredWith([admin]);
    const after = desiredWith([{ ...admin, users: [ADA, BOB] }]);
    const live = anAppliedLiveState(before);
    const plan = computePlan(after, live);
    const id = live.organization.accounts.find((a) => a.name === 'svc')?.id;
    expect(plan.changes.map((c) => c.change.kind)).toEqual(['put-role', 'notify-bootstrap-users']);
    const notice = plan.changes[1]?.change;
    if (notice?.kind !== 'notify-bootstrap-users') throw new Error('expected a notice');
    expect(notice).toMatchObject({ accountName: 'svc', accountId: id, roleName: 'platform-admin', added: [BOB], removed: [] });
    expect(notice.description).toMatch(/^Admin: can do everything/);
    expect(notice.profiles).toEqual([{ userName: BOB, roles: [{ accountName: 'svc', roleName: 'platform-admin', path: '/', accountId: id }] }]);
    expect(summaryOf(plan.changes[1])).toBe(`tell ${BOB} they may now assume the platform-admin role in svc (${id}), with the switch-role link and their ~/.aws/config`);
    const put = plan.changes[0]?.change;
    expect(put?.kind === 'put-role' ? put.notice : undefined).toEqual({ added: [BOB], removed: [] });
  });

  it('every kind has a definition, and names follow the page', () => {
    expect(Object.keys(TEAM_ROLE_KINDS).sort()).toEqual(['admin', 'custom', 'read-only', 'trusted-user']);
    expect(teamRoleNameProblem({ name: 'admin', kind: 'admin' })).toBeUndefined();
    expect(teamRoleNameProblem({ name: 'notify-trusted-user', kind: 'trusted-user' })).toBeUndefined();
    expect(teamRoleNameProblem({ name: 'notify-admin', kind: 'read-only' })).toMatch(/ends with "-read-only"/);
    expect(teamRoleNameProblem({ name: 'deployer-admin', kind: 'custom' })).toMatch(/may not be named like a admin role/);
    expect(teamRoles.ownsUnwanted({ name: 'x', path: '/', trustPolicy: {}, inlinePolicies: {}, attachedPolicyArns: [], tags: { 'managed-by': 'aws-access-as-code' } }, { settings, account: anAccount('svc') })).toBeUndefined();
  });
});
