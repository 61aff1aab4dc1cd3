/**
 * `doctor --target aws`: before the first apply, checks what AWS can tell without changing anything
 * (identities, roles, SES, the Organization, the alias, and the permissions apply needs where IAM
 * lets them be simulated). Each finding says what to do; exit 1 when apply would fail.
 */
import { buildOrganizationRolePermissions, buildUsersRolePermissions, type PolicyDocument } from '../../adapters/github/aws-setup-policies.ts';
import { doctorExitCode } from '../../core/doctor.ts';
import { AppError } from '../../core/errors.ts';
import type { SettingsFile } from '../../core/model.ts';
import { renderFindings } from '../../render/doctor-text.ts';
import { parseCommandArgs } from '../args.ts';
import type { Command } from '../context.ts';
import { loadValidated } from './plan.ts';

const HELP = `usage: npm run doctor -- --target aws [options]

Checks, before the first apply, what AWS can tell without changing anything: which account each
set of credentials (and role_to_assume) belongs to, that the roles exist, the SES sender's
verification, sending status and quota (sandbox), the Organization (all features, its management
account, the access role in member accounts), the users account alias, and, where IAM allows
iam:SimulatePrincipalPolicy, the permissions apply needs. Exit 0 when apply should work, 1 when it
would fail. Reads only.

options:
  --target aws   the only target doctor checks (the sandbox needs no set-up)
  --json         the findings as JSON
`;

const OPTIONS = {
  target: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** The concrete actions of a policy's Allow statements (wildcards cannot be simulated). */
function allowedActions(document: PolicyDocument | undefined): string[] {
  const actions = (document?.Statement ?? [])
    .filter((s) => s.Effect === 'Allow')
    .flatMap((s) => (typeof s.Action === 'string' ? [s.Action] : s.Action))
    .filter((a) => !a.includes('*'));
  return [...new Set(actions)].sort();
}

/** The roles apply assumes, with the actions `npm run policies` grants them. */
function requiredActions(settings: SettingsFile): { roleArn: string; actions: string[] }[] {
  // Actions do not depend on the repository or environment (only the trust policies do).
  const input = { settings, repository: 'owner/name', environment: 'production', defaultBranch: 'main' };
  const out: { roleArn: string; actions: string[] }[] = [];
  const usersRole = settings.users_account.role_to_assume;
  if (usersRole !== undefined) out.push({ roleArn: usersRole, actions: allowedActions(buildUsersRolePermissions(input)) });
  const orgRole = settings.organization.role_to_assume;
  if (orgRole !== undefined) out.push({ roleArn: orgRole, actions: allowedActions(buildOrganizationRolePermissions(input)) });
  return out.filter((r) => r.actions.length > 0);
}

export const doctor: Command = async (ctx) => {
  const values = parseCommandArgs(ctx, OPTIONS, HELP).values;
  if (values.help) {
    ctx.stdout.write(HELP);
    return 0;
  }
  if (values.target !== 'aws') {
    throw new AppError('usage', `doctor checks AWS only: run it with --target aws${values.target === undefined ? '' : ` (not "${values.target}")`}`, { fault: 'user', hint: HELP.split('\n')[0] ?? '' });
  }
  const loaded = await loadValidated(ctx);
  if (!loaded) return 1;
  const { settings } = loaded.desired;
  const { diagnoseAws } = await import('../../adapters/aws/doctor.ts');
  const findings = await diagnoseAws(settings, ctx.env, { requiredActions: requiredActions(settings) });
  ctx.stdout.write(values.json === true ? `${JSON.stringify({ version: 1, findings }, null, 2)}\n` : renderFindings(findings));
  return doctorExitCode(findings);
};
