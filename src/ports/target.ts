/**
 * A target is what a plan is computed against and applied to: the local sandbox (the default) or
 * AWS (only when chosen explicitly). Both implement the same ports.
 */
import type { Baseline } from '../core/model.ts';
import type { MailerPort } from './mailer.ts';
import type { OrganizationPort } from './organization.ts';
import type { UsersAccountPort } from './users-account.ts';

export interface Target {
  baseline: Baseline;
  usersAccount: UsersAccountPort;
  organization: OrganizationPort;
  mailer: MailerPort;
}
