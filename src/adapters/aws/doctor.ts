/**
 * `doctor --target aws`: what AWS can tell before the first apply, without changing anything. Every
 * call here is a read (STS GetCallerIdentity, IAM Get/List, Organizations Describe/List, SES Get),
 * made with the credentials and roles apply would use (`write` access), so what fails here would
 * fail apply. Each check becomes a finding with what to do.
 */
import { GetRoleCommand, IAMClient, SimulatePrincipalPolicyCommand } from '@aws-sdk/client-iam';
import { DescribeOrganizationCommand, OrganizationsClient, paginateListAccounts } from '@aws-sdk/client-organizations';
import {
  GetAccountSendingEnabledCommand,
  GetIdentityVerificationAttributesCommand,
  GetSendQuotaCommand,
  SESClient,
} from '@aws-sdk/client-ses';
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import pLimit from 'p-limit';
import type { Finding } from '../../core/doctor.ts';
import { isAppError } from '../../core/errors.ts';
import type { SettingsFile } from '../../core/model.ts';
import { readAccountAliases } from './account-alias.ts';
import { awsClientConfig, type Env } from './clients.ts';
import { awsErrorName, translateAwsError } from './errors.ts';
import type { ExpectedPrincipal } from './identity.ts';

/** The Organizations API lives in us-east-1. */
const ORGANIZATIONS_REGION = 'us-east-1';
/** SES's sandbox quota (https://docs.aws.amazon.com/ses/latest/dg/request-production-access.html). */
const SANDBOX_MAX_24H = 200;
/** Member accounts whose access role is tried at once. */
const MEMBER_CHECKS_IN_FLIGHT = 5;
/** A diagnosis reports a failing call rather than waiting out the SDK's six attempts. */
const ATTEMPTS = 2;

export interface DoctorOptions {
  /**
   * Actions apply needs, by the role that needs them (from the setup policies): simulated with
   * iam:SimulatePrincipalPolicy where the caller may, so a missing permission shows before apply.
   */
  requiredActions?: readonly { roleArn: string; actions: readonly string[] }[];
}

function messageOf(error: unknown, context: string): { detail: string; hint?: string } {
  const translated = isAppError(error) ? error : translateAwsError(error, context);
  return { detail: translated.message, ...(translated.hint === undefined ? {} : { hint: translated.hint }) };
}

/** Runs every check; never throws for an AWS answer (each becomes a finding). */
export async function diagnoseAws(settings: SettingsFile, env: Env, options: DoctorOptions = {}): Promise<Finding[]> {
  const findings: Finding[] = [];
  const users = await checkPrincipal(findings, env, {
    what: 'users account',
    setting: 'users_account.id',
    accountId: settings.users_account.id,
    region: settings.users_account.region,
    roleArn: settings.users_account.role_to_assume,
    roleSetting: 'users_account.role_to_assume',
  });
  const management = await checkPrincipal(findings, env, {
    what: 'management account',
    setting: 'organization.management_account_id',
    accountId: settings.organization.management_account_id,
    region: ORGANIZATIONS_REGION,
    roleArn: settings.organization.role_to_assume,
    roleSetting: 'organization.role_to_assume',
  });
  // The read roles serve plan (pull requests, drift), not apply: broken, they are warnings.
  for (const [section, what, accountId, region] of [
    ['users_account', 'users account', settings.users_account.id, settings.users_account.region],
    ['organization', 'management account', settings.organization.management_account_id, ORGANIZATIONS_REGION],
  ] as const) {
    const roleArn = settings[section].read_role_to_assume;
    if (roleArn === undefined) continue;
    await checkPrincipal(findings, env, {
      what: `${what} (plans)`,
      setting: section === 'users_account' ? 'users_account.id' : 'organization.management_account_id',
      accountId,
      region,
      roleArn,
      roleSetting: `${section}.read_role_to_assume`,
      severity: 'warning',
    });
  }
  await checkSes(findings, settings, env);
  if (users) await checkAlias(findings, settings, env);
  if (management) await checkOrganization(findings, settings, env);
  for (const { roleArn, actions } of options.requiredActions ?? []) await checkPermissions(findings, settings, env, roleArn, actions);
  return findings;
}

interface Principal extends ExpectedPrincipal {
  /** How bad a failure is: `problem` for what apply uses (the default). */
  severity?: 'problem' | 'warning';
}

/**
 * The principal apply would use: STS says which account it is in (GetCallerIdentity needs no
 * permission), and an assumed role must exist and be readable there (iam:GetRole on itself, which
 * apply's IAM reads imply).
 */
async function checkPrincipal(findings: Finding[], env: Env, p: Principal): Promise<boolean> {
  const through = p.roleArn === undefined ? 'the base credentials' : `${p.roleArn} (${p.roleSetting})`;
  const bad = p.severity ?? 'problem';
  const check = `${p.what} credentials, as ${through}`;
  const config = awsClientConfig('STS', { region: p.region, roleArn: p.roleArn, env });
  const sts = new STSClient(config);
  let account: string;
  let arn: string;
  try {
    const answer = await sts.send(new GetCallerIdentityCommand({}));
    account = answer.Account ?? '';
    arn = answer.Arn ?? '';
  } catch (error) {
    const { detail, hint } = messageOf(error, `STS GetCallerIdentity as ${through}`);
    findings.push({ check, status: bad, detail, todo: hint ?? 'Fix the credentials or the role, then run doctor again.' });
    return false;
  } finally {
    sts.destroy();
  }
  if (account !== p.accountId) {
    findings.push({
      check,
      status: bad,
      detail: `they belong to account ${account} (${arn}), but settings.yaml says ${p.setting} is ${p.accountId}: apply refuses to run.`,
      todo: `Use credentials for account ${p.accountId}${p.roleArn === undefined ? '' : ` (or fix ${p.roleSetting})`}, or correct ${p.setting} if the account really changed.`,
    });
    return false;
  }
  if (p.roleArn !== undefined) {
    const roleName = p.roleArn.split('/').pop() ?? '';
    const iam = new IAMClient(awsClientConfig('IAM', { region: p.region, roleArn: p.roleArn, env }));
    try {
      await iam.send(new GetRoleCommand({ RoleName: roleName }));
    } catch (error) {
      if (awsErrorName(error) === 'NoSuchEntity') {
        findings.push({
          check,
          status: bad,
          detail: `role ${roleName} does not exist in account ${account}.`,
          todo: `Create it from \`npm run policies\` (see docs/setup.md), or fix ${p.roleSetting}.`,
        });
        return false;
      }
      const { detail } = messageOf(error, `IAM GetRole ${roleName}`);
      findings.push({ check, status: 'warning', detail: `${arn} in account ${account}; but reading the role itself failed: ${detail}`, todo: 'Check the role has the permissions `npm run policies` prints.' });
      return true;
    } finally {
      iam.destroy();
    }
  }
  findings.push({ check, status: 'ok', detail: `${arn} in account ${account}, as settings.yaml says.` });
  return true;
}

/** The sender verified, sending enabled, and the quota (a sandbox account sends only to verified addresses). */
async function checkSes(findings: Finding[], settings: SettingsFile, env: Env): Promise<void> {
  const { sender, region } = settings.email;
  const domain = sender.split('@')[1] ?? '';
  const ses = new SESClient({ ...awsClientConfig('SES', { region, env }), maxAttempts: ATTEMPTS });
  try {
    const check = `SES sender ${sender} (${region})`;
    try {
      const attributes = (await ses.send(new GetIdentityVerificationAttributesCommand({ Identities: [sender, domain] }))).VerificationAttributes ?? {};
      const verified = [sender, domain].find((identity) => attributes[identity]?.VerificationStatus === 'Success');
      if (verified !== undefined) findings.push({ check, status: 'ok', detail: `verified (as ${verified === sender ? 'the address' : `the domain ${domain}`}).` });
      else {
        const status = attributes[sender]?.VerificationStatus ?? attributes[domain]?.VerificationStatus ?? 'not requested';
        findings.push({
          check,
          status: 'problem',
          detail: `neither the address nor ${domain} is verified in ${region} (${status}): every email apply sends would be refused (MessageRejected).`,
          todo: `Verify the address (aws ses verify-email-identity --email-address ${sender} --region ${region}) or its domain, in the Region settings.email.region names.`,
        });
      }
    } catch (error) {
      findings.push({ check, status: 'not-checked', detail: messageOf(error, 'SES GetIdentityVerificationAttributes').detail, todo: 'Allow ses:GetIdentityVerificationAttributes to check it, or check it in the SES console.' });
    }
    try {
      const enabled = (await ses.send(new GetAccountSendingEnabledCommand({}))).Enabled;
      if (enabled === false) {
        findings.push({ check: `SES sending in ${region}`, status: 'problem', detail: 'sending is disabled for the account in this Region.', todo: 'Find out why in the SES console (reputation dashboard) and re-enable it (aws ses update-account-sending-enabled --enabled).' });
      }
    } catch (error) {
      findings.push({ check: `SES sending in ${region}`, status: 'not-checked', detail: messageOf(error, 'SES GetAccountSendingEnabled').detail });
    }
    try {
      const quota = await ses.send(new GetSendQuotaCommand({}));
      const max = quota.Max24HourSend ?? 0;
      const figures = `${quota.SentLast24Hours ?? 0} of ${max} messages sent in the last 24 hours, at most ${quota.MaxSendRate ?? 0} per second`;
      if (max <= SANDBOX_MAX_24H) {
        findings.push({
          check: `SES quota in ${region}`,
          status: 'warning',
          detail: `${figures}: the sandbox quota, so the account is most likely in the SES sandbox, where email to an unverified recipient is refused.`,
          todo: `Request production access for SES in ${region}, or verify every recipient; until then the welcome emails of unverified people fail (apply keeps them owed and sends them on a later run).`,
        });
      } else if (max - (quota.SentLast24Hours ?? 0) < 50) {
        findings.push({ check: `SES quota in ${region}`, status: 'warning', detail: `${figures}: little left today.`, todo: 'Large applies may have to wait for tomorrow, or ask AWS for a higher quota.' });
      } else findings.push({ check: `SES quota in ${region}`, status: 'ok', detail: figures });
    } catch (error) {
      findings.push({ check: `SES quota in ${region}`, status: 'not-checked', detail: messageOf(error, 'SES GetSendQuota').detail });
    }
  } finally {
    ses.destroy();
  }
}

/** The users account's alias: apply sets it, but one taken by another account cannot be. */
async function checkAlias(findings: Finding[], settings: SettingsFile, env: Env): Promise<void> {
  const wanted = settings.users_account.alias;
  const check = `users account alias`;
  const iam = new IAMClient(awsClientConfig('IAM', { region: settings.users_account.region, roleArn: settings.users_account.role_to_assume, env }));
  try {
    const aliases = await readAccountAliases(iam);
    if (aliases.includes(wanted)) findings.push({ check, status: 'ok', detail: `${wanted}, as settings.yaml says.` });
    else if (aliases.length === 0) findings.push({ check, status: 'warning', detail: `none yet; apply sets ${wanted} before any email carries the sign-in URL.`, todo: 'If apply then reports the alias taken, choose another users_account.alias (aliases are unique across AWS).' });
    else findings.push({ check, status: 'warning', detail: `${aliases.join(', ')}; apply replaces it with ${wanted}, and the old sign-in URL stops working.`, todo: 'Tell the users, or set users_account.alias to the current one.' });
  } catch (error) {
    findings.push({ check, status: 'not-checked', detail: messageOf(error, 'IAM ListAccountAliases').detail });
  } finally {
    iam.destroy();
  }
}

/** All features on, the management account as settings say, and the access role assumable in each member account. */
async function checkOrganization(findings: Finding[], settings: SettingsFile, env: Env): Promise<void> {
  const config = awsClientConfig('ORGANIZATIONS', { region: ORGANIZATIONS_REGION, roleArn: settings.organization.role_to_assume, env });
  const org = new OrganizationsClient(config);
  try {
    const description = (await org.send(new DescribeOrganizationCommand({}))).Organization;
    const check = 'Organization';
    if (description?.FeatureSet !== 'ALL') {
      findings.push({ check, status: 'problem', detail: `feature set ${description?.FeatureSet ?? 'unknown'}: closing accounts, tag policies and trusted access need all features.`, todo: 'Enable all features in AWS Organizations (every member account must approve).' });
    } else if (description.MasterAccountId !== settings.organization.management_account_id) {
      findings.push({ check, status: 'problem', detail: `its management account is ${description.MasterAccountId ?? 'unknown'}, not ${settings.organization.management_account_id}.`, todo: 'Fix organization.management_account_id, or use credentials of that Organization.' });
    } else findings.push({ check, status: 'ok', detail: `${description.Id ?? ''}, all features, managed from ${description.MasterAccountId}.` });

    const members: { id: string; name: string }[] = [];
    for await (const page of paginateListAccounts({ client: org }, {})) {
      for (const account of page.Accounts ?? []) {
        const state = account.State ?? account.Status;
        if (account.Id !== undefined && account.Id !== settings.organization.management_account_id && state === 'ACTIVE') members.push({ id: account.Id, name: account.Name ?? '' });
      }
    }
    const limit = pLimit(MEMBER_CHECKS_IN_FLIGHT);
    const role = settings.organization.access_role_name;
    const refused = (
      await Promise.all(
        members.map((m) =>
          limit(async () => {
            const sts = new STSClient(awsClientConfig('STS', { region: ORGANIZATIONS_REGION, roleArn: `arn:aws:iam::${m.id}:role/${role}`, env, ...(config.credentials ? { masterCredentials: config.credentials } : {}) }));
            try {
              await sts.send(new GetCallerIdentityCommand({}));
              return undefined;
            } catch (error) {
              return `${m.name} (${m.id}): ${awsErrorName(error) ?? 'error'}`;
            } finally {
              sts.destroy();
            }
          }),
        ),
      )
    ).filter((r): r is string => r !== undefined);
    if (refused.length > 0) {
      findings.push({
        check: `${role} in member accounts`,
        status: 'warning',
        detail: `cannot be assumed in ${refused.length} of ${members.length} active accounts: ${refused.join('; ')}. Apply cannot change roles there.`,
        todo: `Accounts invited rather than created have no ${role}: create it there (trusting the management account), or leave those accounts out of accounts/.`,
      });
    } else findings.push({ check: `${role} in member accounts`, status: 'ok', detail: `assumable in all ${members.length} active member accounts.` });
  } catch (error) {
    const { detail, hint } = messageOf(error, 'Organizations DescribeOrganization');
    findings.push({ check: 'Organization', status: 'problem', detail, todo: hint ?? 'Use credentials of the management account.' });
  } finally {
    org.destroy();
  }
}

/**
 * iam:SimulatePrincipalPolicy on the role apply runs as, for the actions apply needs. It evaluates
 * the role's identity policies only (not SCPs, resource conditions or permission boundaries the
 * request context does not give), so a denial is a warning, and an error (the caller may not
 * simulate) says the check was skipped.
 */
async function checkPermissions(findings: Finding[], settings: SettingsFile, env: Env, roleArn: string, actions: readonly string[]): Promise<void> {
  const check = `permissions of ${roleArn}`;
  const iam = new IAMClient({ ...awsClientConfig('IAM', { region: settings.users_account.region, env }), maxAttempts: ATTEMPTS });
  try {
    const denied: string[] = [];
    let marker: string | undefined;
    do {
      const page = await iam.send(new SimulatePrincipalPolicyCommand({ PolicySourceArn: roleArn, ActionNames: [...actions], ...(marker === undefined ? {} : { Marker: marker }) }));
      for (const result of page.EvaluationResults ?? []) if (result.EvalDecision !== 'allowed' && result.EvalActionName) denied.push(result.EvalActionName);
      marker = page.IsTruncated ? page.Marker : undefined;
    } while (marker !== undefined);
    if (denied.length === 0) findings.push({ check, status: 'ok', detail: `all ${actions.length} actions apply needs are allowed (simulated).` });
    else findings.push({ check, status: 'warning', detail: `not allowed when simulated: ${denied.join(', ')}.`, todo: 'Compare the role with `npm run policies` and update it.' });
  } catch (error) {
    findings.push({ check, status: 'not-checked', detail: messageOf(error, 'IAM SimulatePrincipalPolicy').detail, todo: 'Allow iam:SimulatePrincipalPolicy on the role to have doctor check its permissions.' });
  } finally {
    iam.destroy();
  }
}
