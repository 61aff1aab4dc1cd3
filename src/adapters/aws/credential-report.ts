/**
 * IAM's credential report, for import and the access review: one CSV row per user with its password,
 * MFA and access-key facts (https://docs.aws.amazon.com/IAM/latest/UserGuide/id_credentials_getting-report.html).
 * Chosen over per-user calls (GetLoginProfile, ListMFADevices, ListAccessKeys and
 * GetAccessKeyLastUsed: three or more requests per user against IAM's account-wide rate quota,
 * which cannot be raised): a few requests for the whole account, and it carries the last-use dates
 * that per-user calls would need even more requests for. GenerateCredentialReport writes no
 * resource; AWS builds at most one report every four hours and returns the existing one otherwise.
 */
import { GenerateCredentialReportCommand, GetCredentialReportCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AppError } from '../../core/errors.ts';
import type { AccessKeyFacts, LiveUserCredentials } from '../../core/model.ts';
import { isAwsError, translateAwsError, type Sleep } from './errors.ts';

/** Generation usually takes seconds: poll from half a second, doubling to 4 s, for at most a minute. */
const FIRST_DELAY_MS = 500;
const MAX_DELAY_MS = 4_000;
const MAX_WAIT_MS = 60_000;

export async function readCredentialReport(client: IAMClient, sleep: Sleep): Promise<LiveUserCredentials[]> {
  let delay = FIRST_DELAY_MS;
  let waited = 0;
  for (;;) {
    let state: string | undefined;
    try {
      state = (await client.send(new GenerateCredentialReportCommand({}))).State;
    } catch (error) {
      throw translateAwsError(error, 'IAM GenerateCredentialReport');
    }
    if (state === 'COMPLETE') break;
    if (waited >= MAX_WAIT_MS) {
      throw new AppError('credential-report-timeout', 'IAM is still generating the credential report.', { hint: 'Run the command again in a minute.' });
    }
    await sleep(delay);
    waited += delay;
    delay = Math.min(delay * 2, MAX_DELAY_MS);
  }
  let content: Uint8Array | undefined;
  try {
    content = (await client.send(new GetCredentialReportCommand({}))).Content;
  } catch (error) {
    // Generated a moment ago but not visible yet (IAM is eventually consistent): say so plainly.
    if (isAwsError(error, 'ReportNotPresent') || isAwsError(error, 'ReportInProgress')) {
      throw new AppError('credential-report-timeout', 'IAM has not finished the credential report yet.', { hint: 'Run the command again in a minute.', cause: error });
    }
    throw translateAwsError(error, 'IAM GetCredentialReport');
  }
  return parseCredentialReport(new TextDecoder().decode(content ?? new Uint8Array()));
}

/** A date column: AWS writes `N/A`, `no_information` or `not_supported` where there is none. */
function dateOf(value: string | undefined): string | undefined {
  return value !== undefined && /^\d{4}-\d{2}-\d{2}T/.test(value) ? value : undefined;
}

/**
 * The report's CSV (no quoted fields: user names, ARNs and dates hold no commas) into rows. The
 * `<root_account>` row is not an IAM user and is left out.
 */
export function parseCredentialReport(csv: string): LiveUserCredentials[] {
  const [header, ...lines] = csv.split(/\r?\n/).filter((line) => line.trim() !== '');
  if (header === undefined) return [];
  const columns = header.split(',');
  const rows: LiveUserCredentials[] = [];
  for (const line of lines) {
    const cells = line.split(',');
    const get = (name: string): string | undefined => {
      const index = columns.indexOf(name);
      return index < 0 ? undefined : cells[index];
    };
    const userName = get('user') ?? '';
    if (userName === '' || userName === '<root_account>') continue;
    const accessKeys: AccessKeyFacts[] = [];
    for (const slot of [1, 2] as const) {
      // An empty slot is `false` with `N/A` dates; an inactive key still has its creation date.
      const active = get(`access_key_${slot}_active`) === 'true';
      const createdAt = dateOf(get(`access_key_${slot}_last_rotated`));
      const lastUsed = dateOf(get(`access_key_${slot}_last_used_date`));
      if (!active && createdAt === undefined) continue;
      accessKeys.push({ slot, active, ...(createdAt === undefined ? {} : { createdAt }), ...(lastUsed === undefined ? {} : { lastUsed }) });
    }
    const row: LiveUserCredentials = {
      userName,
      createdAt: get('user_creation_time') ?? '',
      hasPassword: get('password_enabled') === 'true',
      mfaActive: get('mfa_active') === 'true',
      accessKeys,
    };
    const passwordLastUsed = dateOf(get('password_last_used'));
    const passwordLastChanged = dateOf(get('password_last_changed'));
    if (passwordLastUsed !== undefined) row.passwordLastUsed = passwordLastUsed;
    if (passwordLastChanged !== undefined) row.passwordLastChanged = passwordLastChanged;
    rows.push(row);
  }
  return rows;
}
