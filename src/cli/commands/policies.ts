/**
 * `policies`: prints the IAM policies for the GitHub OIDC roles, computed from settings.yaml, so the
 * platform engineer pipes them into `aws iam create-role` instead of copying them by hand. The
 * repository holding settings.yaml is loaded and validated as `validate` does: no policy is printed
 * from files that do not validate (the problems go to stderr, exit 1).
 */
import { readFile } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, relative } from 'node:path';
import {
  RATIONALE,
  SetupInputError,
  buildGroupPolicies,
  buildApplyRolePermissions,
  buildApplyRoleTrust,
  buildOrganizationReadRolePermissions,
  buildOrganizationReadRoleTrust,
  buildOrganizationRolePermissions,
  buildOrganizationRoleTrust,
  buildPlanRolePermissions,
  buildPlanRoleTrust,
  buildSetupPolicies,
  buildUsersReadRolePermissions,
  buildUsersReadRoleTrust,
  buildUsersRolePermissions,
  buildUsersRoleTrust,
  type SetupInput,
} from '../../adapters/github/aws-setup-policies.ts';
import { fsSource } from '../../config/fs-source.ts';
import { loadDesiredState } from '../../config/load.ts';
import { AppError } from '../../core/errors.ts';
import { hasErrors } from '../../core/problems.ts';
import { isColorWanted } from '../../render/color.ts';
import { renderProblems } from '../../render/problems.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../context.ts';
import { userPath } from '../paths.ts';

const BUILDERS = {
  'plan-role-trust': buildPlanRoleTrust,
  'plan-role-permissions': buildPlanRolePermissions,
  'apply-role-trust': buildApplyRoleTrust,
  'apply-role-permissions': buildApplyRolePermissions,
  'users-role-trust': buildUsersRoleTrust,
  'users-role-permissions': buildUsersRolePermissions,
  'users-read-role-trust': buildUsersReadRoleTrust,
  'users-read-role-permissions': buildUsersReadRolePermissions,
  'organization-role-trust': buildOrganizationRoleTrust,
  'organization-role-permissions': buildOrganizationRolePermissions,
  'organization-read-role-trust': buildOrganizationReadRoleTrust,
  'organization-read-role-permissions': buildOrganizationReadRolePermissions,
  'group-policies': buildGroupPolicies,
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
  --organization-read-role-name, --users-read-role-name   names suggested for the read roles plans
                    assume, when settings.yaml names no read_role_to_assume
  --settings        path to settings.yaml (default: settings.yaml); the folder holding it is
                    validated as the repository (users/, accounts/ beside it), as by validate
  --compare FILE    a previous \`policies all\` output: also print, on stderr, which statements
                    were added, removed or changed since, each with why it is there
The files with adopt: true are read too: only their accounts and users may be marked managed.
`;

function isWhich(value: string): value is Which {
  return Object.hasOwn(BUILDERS, value);
}

function displayPath(cwd: string, path: string): string {
  const fromCwd = relative(cwd, path);
  return fromCwd === '' || fromCwd.startsWith('..') || isAbsolute(fromCwd) ? path : fromCwd;
}

function usageError(message: string): AppError {
  return new AppError('usage', message, { fault: 'user', hint: USAGE.split('\n')[0] ?? '' });
}

export const policies: Command = async (ctx) => {
  const parsed = parseCommandArgs(
    ctx,
    {
      repo: { type: 'string' },
      environment: { type: 'string', default: 'production' },
      'default-branch': { type: 'string', default: 'main' },
      'subject-prefix': { type: 'string' },
      account: { type: 'string' },
      'plan-role-name': { type: 'string' },
      'apply-role-name': { type: 'string' },
      'organization-role-name': { type: 'string' },
      'organization-read-role-name': { type: 'string' },
      'users-read-role-name': { type: 'string' },
      settings: { type: 'string', default: 'settings.yaml' },
      compare: { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    USAGE,
    true,
  );
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

  // The default is the repository's own; a path typed is relative to where the command was run.
  const settingsPath = values.settings === 'settings.yaml' ? join(ctx.cwd, 'settings.yaml') : userPath(ctx, values.settings);
  if (basename(settingsPath) !== 'settings.yaml') {
    throw usageError(`--settings must name a file called settings.yaml, not "${values.settings}"`);
  }
  const root = dirname(settingsPath);
  const { desired, problems } = await loadDesiredState(fsSource(root), { today: ctx.today });
  if (problems.length > 0) {
    // Paths the user can open from where they ran the command: relative below it, else absolute.
    const located = problems.map((p) => ({ ...p, file: displayPath(ctx.invokedFrom ?? ctx.cwd, join(root, p.file)) }));
    ctx.stderr.write(renderProblems(located, 'text', { color: isColorWanted(ctx.stderr, ctx.env) }));
  }
  if (desired === undefined || hasErrors(problems)) {
    ctx.stderr.write('policies: the files are not valid, so no policy is printed. Fix the errors above (npm run validate).\n');
    return 1;
  }
  const adoptions = {
    accountIds: [...desired.accounts.values()].flatMap((a) => (a.data.adopt === true && a.data.id !== undefined ? [a.data.id] : [])).sort(),
    userNames: [...desired.users.values()].flatMap((u) => (u.data.adopt === true ? [u.userName] : [])).sort(),
  };
  const input: SetupInput = {
    settings: desired.settings,
    repository,
    adoptions,
    environment: values.environment,
    defaultBranch: values['default-branch'],
    ...(values['subject-prefix'] !== undefined ? { subjectPrefix: values['subject-prefix'] } : {}),
    ...(values.account !== undefined ? { account: values.account } : {}),
    ...(values['plan-role-name'] !== undefined ? { planRoleName: values['plan-role-name'] } : {}),
    ...(values['apply-role-name'] !== undefined ? { applyRoleName: values['apply-role-name'] } : {}),
    ...(values['organization-role-name'] !== undefined ? { organizationRoleName: values['organization-role-name'] } : {}),
    ...(values['organization-read-role-name'] !== undefined
      ? { organizationReadRoleName: values['organization-read-role-name'] }
      : {}),
    ...(values['users-read-role-name'] !== undefined ? { usersReadRoleName: values['users-read-role-name'] } : {}),
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
  if (values.compare !== undefined) {
    const file = userPath(ctx, values.compare);
    let previous: unknown;
    try {
      previous = JSON.parse(await readFile(file, 'utf8'));
    } catch (error) {
      throw new AppError('read-failed', `--compare: cannot read ${values.compare} as the JSON of an earlier \`policies all\``, { fault: 'user', cause: error });
    }
    ctx.stderr.write(renderPolicyChanges(previous, buildSetupPolicies(input)));
  }
  return 0;
};

type Statements = Map<string, string>;

/** Every statement of every document in a `policies all` output, by "document Sid", as canonical JSON. */
function statementsOf(all: unknown): Statements {
  const out: Statements = new Map();
  if (typeof all !== 'object' || all === null) return out;
  for (const [role, value] of Object.entries(all)) {
    if (typeof value !== 'object' || value === null) continue;
    for (const kind of ['trust', 'permissions'] as const) {
      const statements = (value as Record<string, { Statement?: { Sid?: string }[] } | undefined>)[kind]?.Statement ?? [];
      for (const statement of statements) out.set(`${role}.${kind} ${statement.Sid ?? '?'}`, JSON.stringify(statement));
    }
  }
  return out;
}

/** What changed between two `policies all` outputs, statement by statement, with the reason for each. */
export function renderPolicyChanges(previous: unknown, current: unknown): string {
  const before = statementsOf(previous);
  const after = statementsOf(current);
  const why = (key: string) => RATIONALE[key.split(' ')[1] ?? ''] ?? '';
  const lines: string[] = [];
  for (const [key, text] of after) {
    if (!before.has(key)) lines.push(`+ ${key}: ${why(key)}`);
    else if (before.get(key) !== text) lines.push(`~ ${key}: ${why(key)}`);
  }
  for (const key of before.keys()) if (!after.has(key)) lines.push(`- ${key}`);
  return lines.length === 0 ? 'policies: no statement changed since the compared file\n' : `policies: changed since the compared file:\n${lines.join('\n')}\n`;
}
