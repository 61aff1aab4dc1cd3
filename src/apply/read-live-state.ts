/**
 * Reading a target's live state for the planner: everything computePlan compares the files
 * against, through the target's ports. Running code, so it lives beside the run, not in ports/.
 */
import pLimit from 'p-limit';
import { facetSource, isFacetFamily } from '../core/facet-sources.ts';
import { parseFacetId, recordedFacetIds } from '../core/facets.ts';
import type { LiveAccount, LiveState, SettingsFile } from '../core/model.ts';
import type { Target } from '../ports/target.ts';

/** Member accounts whose roles are read at once: each read is a few IAM requests in that account. */
const ROLE_READS_IN_FLIGHT = 5;

export interface ReadLiveStateOptions {
  /**
   * The facet ids (core/facets.ts) to read in an active member account, from the files and settings
   * (core/facet-sources.ts, facetIdsToRead); those its record says the project set are read as well.
   * None by default.
   */
  facetIds?: (account: LiveAccount) => readonly string[];
}

/** The facets to read in an account: those named, those recorded, of families the Organization lets us reach. */
function facetIdsFor(account: LiveAccount, named: readonly string[], trustedServices: readonly string[] | undefined): string[] {
  const ids = new Set([...named, ...recordedFacetIds(account.tags)]);
  return [...ids]
    .filter((id) => {
      const family = parseFacetId(id)?.family;
      if (family === undefined || !isFacetFamily(family)) return false;
      const service = facetSource(family).trustedService;
      return service === undefined || trustedServices === undefined || trustedServices.includes(service);
    })
    .sort();
}

/**
 * Reads everything the planner compares the files against: the users account, the Organization,
 * and the roles and named facets of every active member account (the management account is never
 * looked into).
 */
export async function readLiveState(target: Target, settings: SettingsFile, options: ReadLiveStateOptions = {}): Promise<LiveState> {
  const [usersAccount, read] = await Promise.all([
    target.usersAccount.readUsersAccount(settings.users_account.group),
    target.organization.readOrganization(),
  ]);
  const limit = pLimit(ROLE_READS_IN_FLIGHT);
  const reader = settings.organization.reader_role_name;
  const named = options.facetIds ?? ((): readonly string[] => []);
  const accounts = await Promise.all(
    read.accounts.map((account): LiveAccount | Promise<LiveAccount> => {
      if (account.status !== 'ACTIVE' || account.id === settings.organization.management_account_id) {
        return { ...account, roles: 'unknown', facets: 'unknown' };
      }
      const facetIds = facetIdsFor(account, named(account), read.trustedServices);
      return limit(async () => {
        const [roles, facets] = await Promise.all([
          target.organization.readRoles(account.id, reader),
          facetIds.length === 0 ? {} : target.organization.readFacets(account.id, facetIds),
        ]);
        return { ...account, roles, facets };
      });
    }),
  );
  return { baseline: target.baseline, usersAccount, organization: { ...read, accounts } };
}
