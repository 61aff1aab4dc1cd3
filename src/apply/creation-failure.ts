/**
 * What a failed CreateAccount request means, by the FailureReason AWS reports
 * (https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccountStatus.html):
 * the sandbox reports the same reasons, so the advice lives here, beside the executor that waits.
 */
import type { CreateAccount } from '../core/changes.ts';
import { AppError } from '../core/errors.ts';

export function creationFailure(change: CreateAccount, requestId: string, reason: string | undefined, emailOwner?: string): AppError {
  const what = `AWS could not create account ${change.accountName} (request ${requestId}, ${reason ?? 'no reason given'})`;
  const file = `accounts/${change.accountName}.yaml`;
  switch (reason) {
    case 'EMAIL_ALREADY_EXISTS':
      return new AppError('account-email-taken', `${what}: the root email ${change.email} already belongs to another AWS account. ${emailOwner ?? ''}`.trimEnd(), {
        fault: 'user',
        hint:
          `Give the account another root_email in ${file}. If that account is the one you meant: in this Organization, put its id in ${file} ` +
          'with adopt: true; outside it, invite it into the Organization first.',
      });
    case 'INVALID_EMAIL':
      return new AppError('account-email-invalid', `${what}: AWS does not accept the root email ${change.email}.`, {
        fault: 'user',
        hint: `Fix root_email in ${file} (or organization.root_email_template): 6-64 ASCII characters, one @, a dot in the domain.`,
      });
    case 'ACCOUNT_LIMIT_EXCEEDED':
      return new AppError('account-limit', `${what}: the Organization has reached its maximum number of accounts.`, {
        hint: 'Ask for a higher "Default maximum number of accounts" in Service Quotas (AWS Organizations); closed accounts count for 90 days.',
      });
    case 'CONCURRENT_ACCOUNT_MODIFICATION':
      return new AppError('account-creation-conflict', `${what}: a request with the same details is already being processed.`, {
        hint: 'Run apply again in a few minutes: the next plan finds the request in progress and carries on with it.',
      });
    case 'INTERNAL_FAILURE':
      return new AppError('account-creation-failed', `${what}: an internal AWS failure.`, { hint: 'Run apply again later.' });
    default:
      return new AppError('account-creation-failed', `${what}.`, {
        hint: 'Look the reason up under CreateAccountStatus FailureReason in the AWS Organizations API reference, fix it, and run apply again.',
      });
  }
}
