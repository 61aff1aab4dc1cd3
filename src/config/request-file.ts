/**
 * Validation of one requested data file with the organisation's settings and nothing else: the
 * checks the request form runs in the browser as a person types (src/form/ bundles this module),
 * the same code `validate` runs on the repository. Rules that need the rest of the repository
 * (other users and accounts, CODEOWNERS) are left to the pull request check; the two lists below
 * say which is which, and a test fails when a rule is in neither.
 */
import { anError, sortProblems, START_OF_FILE, type Problem } from '../core/problems.ts';
import { classifyDataPath } from './file-source.ts';
import { parseYamlFile } from './parse-yaml.ts';
import {
  accountFileNameEqualsAccountName,
  accountFilesAvoidProtectedAccounts,
  accountNamesAreUniqueAndWellFormed,
  accountTagsAvoidProjectKeys,
  activeBootstrapNeedsUsers,
  type CheckedFile,
  contractorUsersHaveExpires,
  dataDirectoriesHoldOnlyYamlFiles,
  emailDomainIsAllowed,
  everyBootstrapUserExists,
  everyDataFileHasACodeOwner,
  customRolePoliciesAreAwsManagedOrTheAccountsOwn,
  everyRoleConditionIsDefined,
  everyTeamRoleUserExists,
  expiredUsersAreReported,
  expiresIsWithinTheHorizon,
  fileNameEqualsLowerCaseEmail,
  fileStartsWithSchemaComment,
  type LoadedFile,
  notifiedAddressesAreOnAllowedDomains,
  organizationalUnitIsListed,
  passwordResetIsNotInTheFuture,
  protectedUsersHaveNoUserFile,
  readOnlyPlanningIsConfiguredWhole,
  readRolesDifferFromWriteRoles,
  rootEmailsAreAtMost64Characters,
  rootEmailsAreOnAllowedDomains,
  rootEmailsAreUnique,
  type Rule,
  type RuleInput,
  teamRoleNamesAreUniqueAndFollowTheirKind,
  userNamesAreAtMost64Characters,
  userNamesAreUniqueIgnoringCase,
} from './rules.ts';
import type { AccountFile, SettingsFile, UserFile } from './schema-types.ts';
import { validateAgainstSchema } from './schemas.ts';

/** Cross-file rules that judge one user or account file with settings alone. */
export const SINGLE_FILE_RULES: readonly Rule[] = [
  dataDirectoriesHoldOnlyYamlFiles,
  fileNameEqualsLowerCaseEmail,
  emailDomainIsAllowed,
  notifiedAddressesAreOnAllowedDomains,
  contractorUsersHaveExpires,
  userNamesAreAtMost64Characters,
  expiredUsersAreReported,
  protectedUsersHaveNoUserFile,
  accountFileNameEqualsAccountName,
  // Its uniqueness half needs the other accounts; its well-formed half does not.
  accountNamesAreUniqueAndWellFormed,
  rootEmailsAreAtMost64Characters,
  organizationalUnitIsListed,
  activeBootstrapNeedsUsers,
  accountTagsAvoidProjectKeys,
  accountFilesAvoidProtectedAccounts,
  rootEmailsAreOnAllowedDomains,
  everyRoleConditionIsDefined,
  customRolePoliciesAreAwsManagedOrTheAccountsOwn,
  // Unique within the one account file, and never a role name settings.yaml uses.
  teamRoleNamesAreUniqueAndFollowTheirKind,
  expiresIsWithinTheHorizon,
  passwordResetIsNotInTheFuture,
];

/** Rules that need the repository (other files, CODEOWNERS) or are about settings.yaml itself. */
export const REPOSITORY_RULES: readonly Rule[] = [
  userNamesAreUniqueIgnoringCase,
  rootEmailsAreUnique,
  everyBootstrapUserExists,
  everyTeamRoleUserExists,
  everyDataFileHasACodeOwner,
  readRolesDifferFromWriteRoles,
  readOnlyPlanningIsConfiguredWhole,
];

/** settings.yaml's text, parsed and checked against its schema; problems when it is not valid. */
export function parseSettings(text: string): { settings?: LoadedFile<SettingsFile>; problems: Problem[] } {
  const file = 'settings.yaml';
  const { parsed, problems } = parseYamlFile(file, new TextEncoder().encode(text));
  if (parsed === undefined) return { problems };
  const checked = validateAgainstSchema('settings', parsed);
  if (checked.value === undefined) return { problems: [...problems, ...checked.problems] };
  return { settings: { file, data: checked.value, parsed }, problems };
}

/**
 * The problems with one requested file (`users/<email>.yaml` or `accounts/<name>.yaml`), as
 * `validate` would report them, minus what needs the rest of the repository. Sorted by position.
 */
export function validateRequestFile(settings: LoadedFile<SettingsFile>, path: string, text: string, today: string): Problem[] {
  const kind = classifyDataPath(path);
  if (kind !== 'user' && kind !== 'account') {
    return [anError('requestIsAUserOrAccountFile', path, START_OF_FILE, `${path} is not a user or account file; requests add users/<email>.yaml or accounts/<name>.yaml`)];
  }
  const { parsed, problems } = parseYamlFile(path, new TextEncoder().encode(text));
  problems.push(...fileStartsWithSchemaComment(path, kind, text));
  // As in `validate`: the rules check the fields the schema accepted, in the same run.
  const users: CheckedFile<UserFile>[] = [];
  const accounts: CheckedFile<AccountFile>[] = [];
  if (parsed !== undefined) {
    if (kind === 'user') {
      const checked = validateAgainstSchema('user', parsed);
      problems.push(...checked.problems);
      if (checked.value !== undefined) users.push({ file: path, data: checked.value, parsed });
      else if (checked.usable !== undefined) users.push({ file: path, parsed, ...checked.usable });
    } else {
      const checked = validateAgainstSchema('account', parsed);
      problems.push(...checked.problems);
      if (checked.value !== undefined) accounts.push({ file: path, data: checked.value, parsed });
      else if (checked.usable !== undefined) accounts.push({ file: path, parsed, ...checked.usable });
    }
  }
  const input: RuleInput = { today, settings, users, accounts, files: [path], codeowners: undefined };
  for (const rule of SINGLE_FILE_RULES) problems.push(...rule(input));
  return sortProblems(problems.filter((problem) => problem.file === path));
}
