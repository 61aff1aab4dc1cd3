/**
 * `policies`: prints the IAM policies for the GitHub OIDC roles, computed from settings.yaml, so the
 * platform engineer pipes them into `aws iam create-role` instead of copying them by hand.
 */
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { parseArgs } from 'node:util';
import { parse as parseYaml } from 'yaml';
import {
  SetupInputError,
  buildApplyRolePermissions,
  buildApplyRoleTrust,
  buildOrganizationRolePermissions,
  buildOrganizationRoleTrust,
  buildPlanRolePermissions,
  buildPlanRoleTrust,
  buildSetupPolicies,
  buildUsersRolePermissions,
  buildUsersRoleTrust,
  type SetupInput,
  type SetupSettings,
} from '../../adapters/github/aws-setup-policies.ts';
import { AppError } from '../../core/errors.ts';
import type { Command } from '../context.ts';

const BUILDERS = {
  'plan-role-trust': buildPlanRoleTrust,
  'plan-role-permissions': buildPlanRolePermissions,
  'apply-role-trust': buildApplyRoleTrust,
  'apply-role-permissions': buildApplyRolePermissions,
  'users-role-trust': buildUsersRoleTrust,
  'users-role-permissions': buildUsersRolePermissions,
  'organization-role-trust': buildOrganizationRoleTrust,
  'organization-role-permissions': buildOrganizationRolePermissions,
  all: buildSetupPolicies,
} as const satisfies Record<string, (input: SetupInput) => unknown>;

type Which = keyof typeof BUILDERS;

const USAGE = `usage: npm run --silent cli -- policies [${Object.keys(BUILDERS).join('|')}] --repo OWNER/NAME [options]

Prints IAM policy JSON for the GitHub OIDC roles, from settings.yaml (default: all, with notes).
  --repo            the repository whose workflows assume the roles (default: GITHUB_REPOSITORY)
  --environment     the apply job's environment (default: production)
  --default-branch  where the scheduled drift check runs (default: main)
  --subject-prefix  OIDC subject prefix for immutable subject claims (default: repo:OWNER/NAME)
  --account         account of the OIDC provider and roles (default: the users account)
  --plan-role-name, --apply-role-name, --organization-role-name   role names (ARNs in trust policies)
  --settings        path to settings.yaml (default: settings.yaml)
`;

function isWhich(value: string): value is Which {
  return Object.hasOwn(BUILDERS, value);
}

function usageError(message: string): AppError {
  return new AppError('usage', message, { fault: 'user', hint: USAGE.split('\n')[0] ?? '' });
}

/** Just what the policies need, checked by hand: the project's settings loader may not be wired in yet. */
function readSettings(text: string, file: string): SetupSettings {
  let data: unknown;
  try {
    data = parseYaml(text, { version: '1.2', schema: 'core', merge: false, uniqueKeys: true, maxAliasCount: 0 });
  } catch (error) {
    throw new AppError('invalid-settings', `${file}: ${(error as Error).message}`, { fault: 'user', cause: error });
  }
  const get = (path: string): unknown =>
    path.split('.').reduce<unknown>((node, key) => (typeof node === 'object' && node !== null ? (node as Record<string, unknown>)[key] : undefined), data);
  const required = [
    'users_account.id',
    'users_account.group',
    'organization.management_account_id',
    'organization.access_role_name',
    'email.sender',
    'email.region',
  ];
  for (const path of required) {
    if (typeof get(path) !== 'string') throw new AppError('invalid-settings', `${file}: ${path} must be a string`, { fault: 'user' });
  }
  for (const path of ['users_account.role_to_assume', 'organization.role_to_assume']) {
    const value = get(path);
    if (value !== undefined && typeof value !== 'string') {
      throw new AppError('invalid-settings', `${file}: ${path} must be a string`, { fault: 'user' });
    }
  }
  const protectedUsers = get('protected_users') ?? [];
  if (!Array.isArray(protectedUsers) || !protectedUsers.every((u) => typeof u === 'string')) {
    throw new AppError('invalid-settings', `${file}: protected_users must be a list of names`, { fault: 'user' });
  }
  return data as SetupSettings;
}

export const policies: Command = async (ctx) => {
  let parsed;
  try {
    parsed = parseArgs({
      args: [...ctx.args],
      options: {
        repo: { type: 'string' },
        environment: { type: 'string', default: 'production' },
        'default-branch': { type: 'string', default: 'main' },
        'subject-prefix': { type: 'string' },
        account: { type: 'string' },
        'plan-role-name': { type: 'string' },
        'apply-role-name': { type: 'string' },
        'organization-role-name': { type: 'string' },
        settings: { type: 'string', default: 'settings.yaml' },
        help: { type: 'boolean', short: 'h' },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (error) {
    throw usageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) {
    ctx.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length > 1) throw usageError(`one policy at a time, not "${positionals.join(' ')}"`);
  const which = positionals[0] ?? 'all';
  if (!isWhich(which)) throw usageError(`unknown policy "${which}"`);
  const repository = values.repo ?? ctx.env['GITHUB_REPOSITORY'];
  if (!repository) throw usageError('--repo OWNER/NAME is required');

  const file = values.settings;
  let text: string;
  try {
    text = await readFile(isAbsolute(file) ? file : join(ctx.cwd, file), 'utf8');
  } catch (error) {
    throw new AppError('invalid-settings', `cannot read ${file}: ${(error as Error).message}`, { fault: 'user', cause: error });
  }
  const input: SetupInput = {
    settings: readSettings(text, file),
    repository,
    environment: values.environment,
    defaultBranch: values['default-branch'],
    ...(values['subject-prefix'] !== undefined ? { subjectPrefix: values['subject-prefix'] } : {}),
    ...(values.account !== undefined ? { account: values.account } : {}),
    ...(values['plan-role-name'] !== undefined ? { planRoleName: values['plan-role-name'] } : {}),
    ...(values['apply-role-name'] !== undefined ? { applyRoleName: values['apply-role-name'] } : {}),
    ...(values['organization-role-name'] !== undefined ? { organizationRoleName: values['organization-role-name'] } : {}),
  };

  let document: unknown;
  try {
    document = BUILDERS[which](input);
  } catch (error) {
    if (error instanceof SetupInputError) throw usageError(error.message);
    throw error;
  }
  if (document === undefined) {
    throw new AppError('not-needed', `${which}: not needed with these settings (see \`policies all\`)`, { fault: 'user' });
  }
  ctx.stdout.write(`${JSON.stringify(document, null, 2)}\n`);
  return 0;
};
