/**
 * Fixture repositories built on the fly in a temp dir: a small valid repository, with files
 * replaced, added or removed (null) per test, so each test shows exactly the lines it is about.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fsSource } from '../../src/config/fs-source.ts';
import { loadDesiredState, type LoadResult } from '../../src/config/load.ts';
import type { Problem } from '../../src/core/problems.ts';

export const TODAY = '2026-06-01';

export const SETTINGS = `# yaml-language-server: $schema=schema/settings.schema.json
users_account:
  id: "111111111111"
  alias: test-users
  region: eu-west-2
  group: CrossAccountAccess
  password_policy:
    minimum_length: 16
organization:
  management_account_id: "222222222222"
  access_role_name: OrganizationAccountAccessRole
  bootstrap_role_name: bootstrap
  root_email_template: "aws-root+{name}@example.gov.uk"
email:
  sender: aws@example.gov.uk
  region: eu-west-2
  support_mailbox: help@example.gov.uk
email_domains:
  staff:
    - example.gov.uk
  contractor:
    - contractor.com
protected_users:
  - break-glass
limits:
  max_deletions_per_run: 5
  max_closures_per_run: 1
`;

export const CODEOWNERS = `* @org/platform
/users/ @org/reviewers
/accounts/ @org/reviewers
`;

export const USER_SCHEMA_LINE = '# yaml-language-server: $schema=../schema/user.schema.json';
export const ACCOUNT_SCHEMA_LINE = '# yaml-language-server: $schema=../schema/account.schema.json';

/** A valid user file; extra lines are appended. */
export function userYaml(email: string, ...extra: string[]): string {
  return [USER_SCHEMA_LINE, `email: ${email}`, 'name: Ann Example', 'team: platform', 'requested_by: ann@example.gov.uk', ...extra, ''].join('\n');
}

/** A valid account file (bootstrap lists ann); `lines` replace the default body when given. */
export function accountYaml(name: string, ...extra: string[]): string {
  return [
    ACCOUNT_SCHEMA_LINE,
    `name: ${name}`,
    'description: A test account.',
    'organizational_unit: /Workloads',
    'team:',
    '  name: Platform',
    '  email: platform@example.gov.uk',
    'requested_by: ann@example.gov.uk',
    'billing:',
    '  cost_centre: "1"',
    '  business_unit: Test',
    'state: active',
    ...extra,
    '',
  ].join('\n');
}

export const BASE_FILES: Readonly<Record<string, string>> = {
  'settings.yaml': SETTINGS,
  CODEOWNERS,
  'users/ann@example.gov.uk.yaml': userYaml('ann@example.gov.uk'),
  'accounts/team-dev.yaml': accountYaml('team-dev', 'bootstrap:', '  users:', '    - ann@example.gov.uk'),
};

const dirs: string[] = [];

/**
 * Removes the repositories makeRepo made. Run after every test file by test/support/per-file.ts:
 * test files share worker processes and this module, so a hook registered here would run only
 * after the first file that imports it.
 */
export async function removeFixtureRepos(): Promise<void> {
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
}

/** Writes BASE_FILES with overrides (null removes a base file) into a new temp dir. */
export async function makeRepo(overrides: Record<string, string | Buffer | null> = {}): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'aac-config-'));
  dirs.push(dir);
  const files: Record<string, string | Buffer | null> = { ...BASE_FILES, ...overrides };
  for (const [path, content] of Object.entries(files)) {
    if (content === null) continue;
    await mkdir(dirname(join(dir, path)), { recursive: true });
    await writeFile(join(dir, path), content);
  }
  return dir;
}

export async function load(overrides: Record<string, string | Buffer | null> = {}, today = TODAY): Promise<LoadResult> {
  return loadDesiredState(fsSource(await makeRepo(overrides)), { today });
}

/** The problems of a fixture repository, without the noise of fields tests do not assert. */
export async function problemsIn(overrides: Record<string, string | Buffer | null> = {}, today = TODAY): Promise<Problem[]> {
  return (await load(overrides, today)).problems;
}
