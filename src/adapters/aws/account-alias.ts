/**
 * The users account's alias in IAM: ListAccountAliases and CreateAccountAlias. An account has at
 * most one alias, and CreateAccountAlias replaces the old one
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/console-account-alias.html), so no delete is
 * needed to change it. Alias names are unique across AWS: one another account holds is refused
 * with EntityAlreadyExists.
 */
import { CreateAccountAliasCommand, ListAccountAliasesCommand, type IAMClient } from '@aws-sdk/client-iam';
import { AppError } from '../../core/errors.ts';
import { isAwsError, translateAwsError } from './errors.ts';

export async function readAccountAliases(client: IAMClient): Promise<string[]> {
  try {
    // An account has one alias at most, but the list pages like any other IAM list.
    const aliases: string[] = [];
    let marker: string | undefined;
    for (;;) {
      const page = await client.send(new ListAccountAliasesCommand(marker === undefined ? {} : { Marker: marker }));
      aliases.push(...(page.AccountAliases ?? []));
      if (!page.IsTruncated || page.Marker === undefined) return aliases;
      marker = page.Marker;
    }
  } catch (error) {
    throw translateAwsError(error, 'IAM ListAccountAliases');
  }
}

export async function createAccountAlias(client: IAMClient, alias: string): Promise<void> {
  try {
    await client.send(new CreateAccountAliasCommand({ AccountAlias: alias }));
  } catch (error) {
    if (isAwsError(error, 'EntityAlreadyExists')) {
      throw new AppError('alias-taken', `The account alias ${alias} belongs to another AWS account.`, {
        fault: 'user',
        hint: 'Choose another users_account.alias in settings.yaml (aliases are unique across AWS).',
        cause: error,
      });
    }
    throw translateAwsError(error, `IAM CreateAccountAlias ${alias}`);
  }
}
