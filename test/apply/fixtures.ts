/** Builders shared by the sandbox and apply tests. */
import { mkdtemp, readdir, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSandboxTarget, type SandboxTarget } from '../../src/adapters/sandbox/sandbox-target.ts';
import type { Change, Impact, Plan, PlannedChange } from '../../src/core/changes.ts';
import { bootstrapRole } from '../../src/core/bootstrap-role.ts';
import type { SettingsFile } from '../../src/core/model.ts';
import type { RoleSpec } from '../../src/core/roles.ts';
import { anAccount, asLiveRole, someSettings } from '../support/builders.ts';

export function aSettings(overrides: Partial<SettingsFile> = {}): SettingsFile {
  return {
    users_account: {
      id: '622626885786',
      alias: 'gds-users',
      region: 'eu-west-2',
      group: 'CrossAccountAccess',
      password_policy: { minimum_length: 16 },
    },
    organization: {
      management_account_id: '988997429095',
      access_role_name: 'OrganizationAccountAccessRole',
      bootstrap_role_name: 'bootstrap',
      root_email_template: 'aws-root+{name}@digital.cabinet-office.gov.uk',
    },
    email: {
      sender: 'aws-access@digital.cabinet-office.gov.uk',
      region: 'eu-west-2',
      support_mailbox: 'gds-aws-account-management@digital.cabinet-office.gov.uk',
    },
    email_domains: { staff: ['digital.cabinet-office.gov.uk'], contractor: ['softwire.com'] },
    protected_users: ['break-glass-admin'],
    limits: { max_deletions_per_run: 5, max_closures_per_run: 1 },
    ...overrides,
  };
}

/** A clock that moves one second per reading, from a fixed date. */
export function aClock(start = '2025-03-01T09:00:00.000Z'): () => Date {
  let t = Date.parse(start);
  return () => {
    const now = new Date(t);
    t += 1000;
    return now;
  };
}

export interface TempSandbox {
  dir: string;
  target: SandboxTarget;
  settings: SettingsFile;
  cleanup(): Promise<void>;
  /** Every .eml in the outbox, sorted by name. */
  outbox(): Promise<{ name: string; text: string }[]>;
  stateText(): Promise<string>;
}

export async function aSandbox(
  options: { settings?: SettingsFile; ouPaths?: readonly string[]; now?: () => Date } = {},
): Promise<TempSandbox> {
  const dir = await mkdtemp(join(tmpdir(), 'sandbox-test-'));
  const settings = options.settings ?? aSettings();
  const target = createSandboxTarget({
    dir,
    settings,
    ouPaths: options.ouPaths ?? ['/Workloads/Production', '/Workloads/Non-production', '/Sandbox'],
    now: options.now ?? aClock(),
  });
  return {
    dir,
    target,
    settings,
    cleanup: () => rm(dir, { recursive: true, force: true }),
    async outbox() {
      let names: string[];
      try {
        names = (await readdir(target.outbox)).filter((name) => name.endsWith('.eml')).sort();
      } catch (error) {
        // No outbox yet means no mail, but only in a sandbox folder that exists: any other failure
        // (a wrong path, no permission) must not read as "nothing was sent".
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !(await stat(dir)).isDirectory()) throw error;
        return [];
      }
      return Promise.all(names.map(async (name) => ({ name, text: await readFile(join(target.outbox, name), 'utf8') })));
    },
    async stateText() {
      try {
        return await readFile(join(dir, 'state.json'), 'utf8');
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT' || !(await stat(dir)).isDirectory()) throw error;
        return '';
      }
    },
  };
}

const IMPACT: Record<Change['kind'], Impact> = {
  'create-user': 'access',
  'update-user': 'routine',
  'reset-password': 'access',
  'suspend-user': 'access',
  'notify-requester': 'routine',
  'warn-expiry': 'routine',
  'notify-bootstrap-users': 'routine',
  'adopt-user': 'access',
  'set-account-alias': 'routine',
  'delete-user': 'destructive',
  'update-password-policy': 'access',
  'update-group': 'access',
  'create-account': 'access',
  'update-account': 'routine',
  'put-role': 'access',
  'delete-role': 'destructive',
  'put-account-facet': 'routine',
  'delete-account-facet': 'routine',
  'send-account-email': 'routine',
  'close-account': 'destructive',
};

/** A put-role change for the bootstrap role trusting `users` (previously `before`, when given). */
export function putBootstrap(accountName: string, accountId: string, users: readonly string[], before?: readonly string[], settings = someSettings()): Change {
  const spec = { ...bootstrapSpec(users, settings) };
  return {
    kind: 'put-role',
    accountName,
    accountId,
    label: 'the bootstrap role',
    ...(before === undefined ? {} : { before: asLiveRole(bootstrapSpec(before, settings)) }),
    after: spec,
  };
}

/** The bootstrap role's spec for `users`. */
export function bootstrapSpec(users: readonly string[], settings = someSettings()): RoleSpec {
  const account = anAccount('any', { bootstrap: { users: [...users] } }, settings);
  const wanted = bootstrapRole.rolesFor({ settings, account }).wanted[0];
  if (wanted === undefined) throw new Error('no bootstrap spec');
  return wanted.spec;
}

/** A plan by hand, for tests that do not need the planner. */
export function aPlan(target: SandboxTarget, changes: readonly Change[]): Plan {
  const planned: PlannedChange[] = changes.map((change) => ({ change, impact: IMPACT[change.kind] }));
  return { version: 1, baseline: target.baseline, changes: planned, unmanagedUsers: [], notes: [] };
}

export const MANAGED = { 'managed-by': 'aws-access-as-code' } as const;
