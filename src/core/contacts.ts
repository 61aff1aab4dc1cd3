/**
 * Alternate contacts (AWS Account Management): who AWS tells about an account's security,
 * operations and billing matters. The first account facet (facets.ts). An account file's
 * `contacts` name them; settings.yaml `account_defaults.contacts` names them for every account, and
 * the file replaces a default one by one. A contact named in neither is left alone.
 */
import type { Impact } from './changes.ts';
import type { FacetSource, FacetValue } from './facets.ts';

type ContactKey = 'security' | 'operations' | 'billing';

const LABELS: Readonly<Record<ContactKey, string>> = {
  security: 'the security contact',
  operations: 'the operations contact',
  billing: 'the billing contact',
};

const KEYS = Object.keys(LABELS) as ContactKey[];

export const alternateContacts: FacetSource = {
  keys: LABELS,
  fieldLabels: { name: 'name', title: 'title', email: 'email', phone: 'phone' },
  // GetAlternateContact and friends with AccountId need it (https://docs.aws.amazon.com/accounts/latest/reference/using-orgs-trusted-access.html).
  trustedService: 'account.amazonaws.com',

  wantedFor({ settings, account }) {
    const defaults = settings.account_defaults?.contacts ?? {};
    const own = account.data.contacts ?? {};
    const out: Record<string, FacetValue> = {};
    for (const key of KEYS) {
      const contact = own[key] ?? defaults[key];
      if (contact !== undefined) out[key] = { name: contact.name, title: contact.title, email: contact.email, phone: contact.phone };
    }
    return out;
  },

  /**
   * Where AWS sends security notifications is for a reviewer's eyes early: removing the security
   * contact, or pointing it at another address, ranks `access`. Everything else is bookkeeping.
   */
  impact(key, before, after): Impact {
    if (key !== 'security' || before === undefined) return 'routine';
    return after === undefined || after['email'] !== before['email'] ? 'access' : 'routine';
  },
};
