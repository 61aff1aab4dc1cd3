/**
 * Alternate contacts of member accounts (core/contacts.ts) through the AWS Account Management API,
 * called from the management account with AccountId
 * (https://docs.aws.amazon.com/accounts/latest/reference/API_PutAlternateContact.html). That needs
 * trusted access for account.amazonaws.com in the Organization; without it AWS answers
 * AccessDeniedException.
 */
import {
  AccountClient,
  DeleteAlternateContactCommand,
  GetAlternateContactCommand,
  PutAlternateContactCommand,
  type AlternateContactType,
} from '@aws-sdk/client-account';
import { AppError } from '../../core/errors.ts';
import type { FacetValue } from '../../core/facets.ts';
import type { AwsFacetDeps, AwsFacetFamily } from './account-facets.ts';
import { isAwsError, translateAwsError, withEndpointInErrors } from './errors.ts';

const TYPES: Readonly<Record<string, AlternateContactType>> = { security: 'SECURITY', operations: 'OPERATIONS', billing: 'BILLING' };

function typeOf(key: string): AlternateContactType {
  const type = TYPES[key];
  if (type === undefined) throw new AppError('invalid-input', `There is no alternate contact "${key}"; AWS knows security, operations and billing.`);
  return type;
}

function translate(error: unknown, context: string): AppError {
  const translated = translateAwsError(error, context);
  if (translated.code !== 'access-denied') return translated;
  return new AppError(translated.code, translated.message, {
    fault: 'user',
    hint:
      'The Organization must give trusted access to account.amazonaws.com (aws organizations enable-aws-service-access ' +
      '--service-principal account.amazonaws.com, from the management account), and the role must be allowed ' +
      'account:GetAlternateContact, account:PutAlternateContact and account:DeleteAlternateContact.',
    cause: error,
  });
}

export function createAwsContacts(deps: AwsFacetDeps): AwsFacetFamily {
  const client = withEndpointInErrors(new AccountClient(deps.clientConfig('ACCOUNT')));
  return {
    async read(accountId, keys) {
      const out: Record<string, FacetValue> = {};
      for (const key of keys) {
        try {
          const got = await client.send(new GetAlternateContactCommand({ AccountId: accountId, AlternateContactType: typeOf(key) }));
          const contact = got.AlternateContact;
          if (contact === undefined) continue;
          out[key] = { name: contact.Name ?? '', title: contact.Title ?? '', email: contact.EmailAddress ?? '', phone: contact.PhoneNumber ?? '' };
        } catch (error) {
          // No contact of that type: not set.
          if (isAwsError(error, 'ResourceNotFound')) continue;
          throw translate(error, `reading the ${key} contact of account ${accountId}`);
        }
      }
      return out;
    },

    async put(accountId, key, value) {
      try {
        await client.send(
          new PutAlternateContactCommand({
            AccountId: accountId,
            AlternateContactType: typeOf(key),
            Name: value['name'] ?? '',
            Title: value['title'] ?? '',
            EmailAddress: value['email'] ?? '',
            PhoneNumber: value['phone'] ?? '',
          }),
        );
      } catch (error) {
        throw translate(error, `setting the ${key} contact of account ${accountId}`);
      }
    },

    async delete(accountId, key) {
      try {
        await client.send(new DeleteAlternateContactCommand({ AccountId: accountId, AlternateContactType: typeOf(key) }));
      } catch (error) {
        // Gone already (a re-run, or removed by hand): the goal is reached.
        if (isAwsError(error, 'ResourceNotFound')) return;
        throw translate(error, `removing the ${key} contact of account ${accountId}`);
      }
    },

    destroy() {
      client.destroy();
    },
  };
}
