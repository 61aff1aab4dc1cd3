/**
 * Creating member accounts on AWS Organizations, exactly once: CreateAccount is sent with one
 * attempt, and any failure is followed by a look for the request or account it may have made
 * before anyone asks again. One API family of the OrganizationPort.
 */
import {
  CreateAccountCommand,
  DescribeCreateAccountStatusCommand,
  OrganizationsClient,
  paginateListAccounts,
  paginateListCreateAccountStatus,
  type CreateAccountStatus,
} from '@aws-sdk/client-organizations';
import { AppError } from '../../core/errors.ts';
import { isManaged, type LiveAccountCreation } from '../../core/model.ts';
import type { CreateAccountInput, FoundAccount, OrganizationPort } from '../../ports/organization.ts';
import { errorName, translateOrganizationsError } from './organization-errors.ts';
import { accountState, toOrgTags, withManagedBy, type OrganizationsCalls } from './organizations-calls.ts';

/** How long finished (SUCCEEDED/FAILED) creation requests are reported; IN_PROGRESS ones always are. */
const RECENT_CREATIONS_MS = 7 * 24 * 60 * 60 * 1000;
/** After a failed CreateAccount: further looks for the request it may have made (see recoverCreation). */
const RECOVERY_WAITS_MS = [2000, 5000] as const;
/**
 * CreateAccount refused with an answer that says it was not processed: throttled
 * (TooManyRequestsException, also the answer while too many creations are in progress) or in
 * conflict with another change (ConcurrentModificationException). Asked again after these waits.
 */
const REFUSED = new Set(['TooManyRequestsException', 'ConcurrentModificationException']);
const REFUSED_BACKOFF_MS = [1000, 2000, 4000, 8000, 16_000] as const;

export function createAwsAccountCreation(
  ctx: OrganizationsCalls,
  createAccountClient: OrganizationsClient,
): Pick<OrganizationPort, 'startAccountCreation' | 'describeAccountCreation' | 'findAccounts'> & { listCreations(): Promise<LiveAccountCreation[]> } {
  const { org, call, sleep, listTags } = ctx;

  async function listCreations(): Promise<LiveAccountCreation[]> {
    const since = Date.now() - RECENT_CREATIONS_MS;
    const out: { creation: LiveAccountCreation; requested: number }[] = [];
    for await (const page of paginateListCreateAccountStatus({ client: org }, {})) {
      for (const status of page.CreateAccountStatuses ?? []) {
        const requested = status.RequestedTimestamp?.getTime() ?? Date.now();
        if (status.State !== 'IN_PROGRESS' && requested < since) continue;
        out.push({ creation: toCreation(status), requested });
      }
    }
    // Newest first, so the latest request for a name comes before older ones.
    return out.sort((a, b) => b.requested - a.requested).map((c) => c.creation);
  }

  async function findAccounts(query: { name: string; email: string }): Promise<FoundAccount[]> {
    const found: FoundAccount[] = [];
    await call('listing the accounts of the Organization', async () => {
      for await (const page of paginateListAccounts({ client: org }, {})) {
        for (const account of page.Accounts ?? []) {
          if (account.Name !== query.name && (account.Email ?? '').toLowerCase() !== query.email.toLowerCase()) continue;
          found.push({ id: account.Id ?? '', name: account.Name ?? '', email: account.Email ?? '', state: accountState(account) ?? 'UNKNOWN', managed: false });
        }
      }
    });
    for (const account of found) account.managed = isManaged(await call(`reading the tags of account ${account.id}`, () => listTags(account.id)));
    return found;
  }

  /**
   * After CreateAccount failed or its answer was lost: the request AWS may have accepted anyway
   * (in progress or succeeded, same name), else an account with that name or root email. Looked for
   * a few times, since a fresh request can take a moment to be listed. Never asks again itself.
   */
  /**
   * One look for what an earlier CreateAccount may have made: its request id when a request of that
   * name is in progress or succeeded; account-exists when an active account has the name or root
   * email; undefined when nothing is there (or AWS could not be asked).
   */
  async function lookForCreation(input: CreateAccountInput, failure: AppError): Promise<string | undefined> {
    let creations: LiveAccountCreation[];
    let accounts: FoundAccount[];
    try {
      creations = await call('listing account creation requests', listCreations);
      accounts = await findAccounts({ name: input.accountName, email: input.email });
    } catch {
      return undefined; // AWS unreachable for now: the caller looks again or reports the failure
    }
    const request = creations.find((c) => c.accountName === input.accountName && c.state !== 'FAILED');
    if (request !== undefined) return request.requestId;
    const existing = accounts.find((a) => a.state === 'ACTIVE');
    if (existing !== undefined) {
      throw new AppError(
        'account-exists',
        `${failure.message} The Organization already has account ${existing.id} (${existing.name}, ${existing.email}), so CreateAccount was not asked again.`,
        { fault: 'user', hint: 'Run plan again: it shows how that account pairs with the file (or why it cannot).', cause: failure.cause ?? failure },
      );
    }
    return undefined;
  }

  async function recoverCreation(input: CreateAccountInput, failure: AppError): Promise<string> {
    for (const wait of [0, ...RECOVERY_WAITS_MS]) {
      if (wait > 0) await sleep(wait);
      const found = await lookForCreation(input, failure);
      if (found !== undefined) return found;
    }
    throw new AppError(failure.code, `${failure.message} No creation request or account named "${input.accountName}" (root email ${input.email}) was found afterwards, so it was not asked again in this run.`, {
      fault: failure.fault,
      hint: failure.hint ?? 'Run apply again: the next plan looks for the request or the account before asking for a new one.',
      cause: failure.cause ?? failure,
    });
  }

  return {
    listCreations,

    async startAccountCreation(input: CreateAccountInput): Promise<string> {
      const context = `creating account "${input.accountName}"`;
      let id: string | undefined;
      let failure: AppError | undefined;
      for (let attempt = 0; ; attempt++) {
        try {
          // Never through call() nor the SDK's retries: only an answer that says the request was
          // refused (REFUSED), and a look that finds nothing, is followed by asking again; anything
          // else by looks for it, and never by asking again in this run.
          const response = await createAccountClient.send(
            new CreateAccountCommand({
              Email: input.email,
              AccountName: input.accountName,
              RoleName: input.accessRoleName,
              IamUserAccessToBilling: 'ALLOW',
              Tags: toOrgTags(withManagedBy(input.tags)),
            }),
          );
          id = response.CreateAccountStatus?.Id;
          if (id === undefined) failure = new AppError('aws-error', `${context}: AWS returned no request id.`);
        } catch (error) {
          const wait = REFUSED_BACKOFF_MS[attempt];
          if (REFUSED.has(errorName(error) ?? '') && wait !== undefined) {
            // Refused, so not made by this request; but look for one made otherwise first.
            const found = await lookForCreation(input, translateOrganizationsError(error, context));
            if (found !== undefined) return found;
            await sleep(wait);
            continue;
          }
          failure = translateOrganizationsError(error, context);
        }
        break;
      }
      if (failure === undefined && id !== undefined) return id;
      // The request may have been made (a reset connection, a timeout): look before anyone asks again.
      return recoverCreation(input, failure ?? new AppError('aws-error', `${context} failed.`));
    },

    findAccounts,

    async describeAccountCreation(requestId: string): Promise<LiveAccountCreation> {
      const response = await call(`reading account creation request ${requestId}`, () =>
        org.send(new DescribeCreateAccountStatusCommand({ CreateAccountRequestId: requestId })),
      );
      if (response.CreateAccountStatus === undefined) {
        throw new AppError('aws-error', `reading account creation request ${requestId}: AWS returned no status.`);
      }
      return toCreation(response.CreateAccountStatus);
    },
  };
}

function toCreation(status: CreateAccountStatus): LiveAccountCreation {
  const state = status.State === 'SUCCEEDED' || status.State === 'FAILED' ? status.State : 'IN_PROGRESS';
  return {
    requestId: status.Id ?? '',
    accountName: status.AccountName ?? '',
    state,
    ...(status.AccountId ? { accountId: status.AccountId } : {}),
    // Kept raw: AWS keeps adding reasons (https://docs.aws.amazon.com/organizations/latest/APIReference/API_CreateAccountStatus.html); the apply engine turns known ones into advice.
    ...(status.FailureReason ? { failureReason: status.FailureReason } : {}),
  };
}
