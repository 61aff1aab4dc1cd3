/* Generated from schema/*.schema.json by `npm run gen:types`. Do not edit by hand. */
/**
 * One person's IAM user in the shared users account. The file lives at users/<email>.yaml, where <email> is the lower-case email; the IAM user name is that email.
 */
export interface UserFile {
  /**
   * The person's work email, lower case. It is also the IAM user name, so at most 64 characters of letters, digits and + = . @ _ - (what both IAM user names and email addresses accept: IAM also takes a comma, which is not valid in an email address), with dots only between other characters. The domain must be one of the staff or contractor domains in settings.yaml.
   */
  email: string;
  /**
   * The person's full name as they write it, used in the emails they and others receive and as a tag: letters (with their accents), spaces, apostrophes, hyphens and full stops only, with at least one letter. No digits, no web address, no ':', '/' or '@', and a full stop is not followed directly by two letters (write 'St. John', not 'St.John'), so nothing in it reads as a link.
   */
  name: string;
  /**
   * The team the person works in, for example 'govuk-platform'. Recorded as a tag.
   */
  team: string;
  /**
   * Email of whoever asked for this user (often the person themselves). They get a notice without the password when the user is created.
   */
  requested_by: string;
  /**
   * Why the person needs AWS access. Optional, shown to reviewers.
   */
  reason?: string;
  /**
   * Date (YYYY-MM-DD, quoted or not) on which the person loses access. Required for contractor email domains. On that day apply suspends the user (console password removed, access keys deactivated, out of the group; the user stays until its file is removed); moving the date later restores access with a fresh temporary password. A new user needs a date after today, and no date may be more than settings.yaml users_account.expiry_horizon_months (default 12) ahead. Written as the expires tag.
   */
  expires?: string;
  /**
   * Date (YYYY-MM-DD, not after today) of the last password reset asked for. A date newer than the last one applied issues a new temporary password, emailed to the user; nothing else about the user changes. Removing the line or going back to an earlier date never resets.
   */
  password_reset?: string;
  /**
   * The person's GitHub username. Optional, informational.
   */
  github?: string;
  /**
   * true when this file takes over an IAM user that exists already without the managed-by tag (npm run import writes it): the user is tagged and joins the group, keeping its password, access keys, MFA devices and creation date, and gets no email; access outside the group is removed in the same run. Without it an existing unmanaged user is never touched; with it, a user that does not exist is not created (a typo cannot create or adopt someone else). Ignored once the user is managed.
   */
  adopt?: boolean;
}

/**
 * One member account of the AWS Organization. The file lives at accounts/<name>.yaml. Accounts are never removed by deleting their file: set state to closed.
 */
export interface AccountFile {
  /**
   * The account name: lower-case words joined by '-', at most 50 characters (AWS's AccountName limit). Equals the file name.
   */
  name: string;
  /**
   * What the account is for, in one sentence.
   */
  description: string;
  /**
   * Path of the organizational unit the account lives in, from the root, for example '/Workloads/Production'. '/' is the root itself.
   */
  organizational_unit: string;
  /**
   * The 12-digit AWS account id, once known. Must be quoted, or YAML reads it as a number. An account this project created is found by its name even without it; an existing account it did not create is taken over only with adopt: true and this id. Never the management account, the users account or one in settings.yaml protected_accounts.
   */
  id?: string;
  /**
   * true to take over the existing account with this id, which this project did not create (it has no managed-by tag): apply tags it and creates the bootstrap role in it, an administrator role in an account someone else made. Requires id. Never implicit: an unmanaged account whose name or root email matches a file is refused, not adopted. npm run import writes it for the accounts it finds.
   */
  adopt?: boolean;
  /**
   * The account's root user email. Optional: by default it is generated from organization.root_email_template in settings.yaml. At most 64 characters (AWS limit), unique across AWS, and on one of organization.root_email_domains (by default the template's domain): whoever holds the root email owns the account.
   */
  root_email?: string;
  /**
   * The team that owns the account.
   */
  team: {
    /**
     * Team name.
     */
    name: string;
    /**
     * Team contact email: receives the account emails.
     */
    email: string;
  };
  /**
   * Email of whoever asked for the account. They receive the account emails too.
   */
  requested_by: string;
  /**
   * Billing fields, recorded as account tags.
   */
  billing: {
    /**
     * Cost centre code.
     */
    cost_centre: string;
    /**
     * Business unit paying for the account.
     */
    business_unit: string;
  };
  /**
   * Free-form account tags. Keys: 1-128 characters, not starting with 'aws:' in any case (AWS reserves it), not __proto__, and not one of the keys the project sets itself; values at most 256 characters of AWS's tag alphabet. With the project's own tags, at most 50 in all.
   */
  tags?: {
    [k: string]: string;
  };
  /**
   * The bootstrap role: full administrator access, assumable with MFA only by the listed users of the users account. Remove it (state: removed) once the team has a properly configured admin role.
   */
  bootstrap?: {
    /**
     * present (default) keeps the role; removed deletes it.
     */
    state?: 'present' | 'removed';
    /**
     * Emails of the users (each with a file in users/) who may assume the bootstrap role.
     *
     * @maxItems 50
     */
    users: string[];
  };
  /**
   * Optional team roles in this account, for the team's people: each trusts the listed users of the users account, with MFA always required, and optionally the named conditions from settings.yaml (role_conditions). Named and shaped as the GDS Way page 'Working with AWS accounts' describes (admin, trusted-user, read-only), or custom with the managed policies you name. Only roles this project created (managed-by tag) are ever changed; a role removed from this list is deleted; roles your team manages elsewhere (Terraform) are listed in the plan and left alone.
   *
   * @maxItems 50
   */
  roles?: {
    /**
     * The IAM role name: lower-case words joined by '-', ending with its kind (admin, platform-admin, notify-trusted-user, read-only); a custom role's name must not end with one of those kinds. Unique in the account.
     */
    name: string;
    /**
     * admin: can do everything including IAM administration (AdministratorAccess). trusted-user: most things excluding IAM administration (PowerUserAccess, IAM writes denied). read-only: reads with no side effects, and no parameters or secrets (ReadOnlyAccess, ssm:DescribeParameters and secret reads denied). custom: the managed policies listed under policies.
     */
    kind: 'admin' | 'trusted-user' | 'read-only' | 'custom';
    /**
     * Emails of the users (each with a file in users/) who may assume the role, always with MFA.
     *
     * @minItems 1
     * @maxItems 50
     */
    users: [string, ...string[]];
    /**
     * custom roles only: the managed policies attached, by full ARN in the aws partition: AWS managed (arn:aws:iam::aws:policy/ReadOnlyAccess) or this account's own (arn:aws:iam::<this file's id>:policy/<name>, so only once the file has its id); never another account's.
     *
     * @minItems 1
     *
     * Items: A managed policy by its full ARN in the aws partition: arn:aws:iam::aws:policy/<name> (AWS managed) or arn:aws:iam::<this file's id>:policy/<name> (this account's own).
     */
    policies?: [string, ...string[]];
    /**
     * Names of conditions defined in settings.yaml role_conditions (for example trusted source IP ranges), required on top of MFA.
     */
    conditions?: string[];
  }[];
  /**
   * Optional alternate contacts of the account (AWS Account Management): who AWS tells about security, operations and billing matters. Each one named here, or in account_defaults.contacts in settings.yaml, is set and kept as written; one named in neither is left alone, unless this project set it (then it is removed). Written from the management account; needs trusted access for account.amazonaws.com in the Organization.
   */
  contacts?: {
    security?: AlternateContact;
    operations?: AlternateContact1;
    billing?: AlternateContact2;
  };
  /**
   * active, or closed to close the account (AWS suspends it for 90 days, then it is gone). Closing is the only way to remove an account.
   */
  state: 'active' | 'closed';
}
/**
 * Who AWS tells about security matters in the account (abuse reports, security notifications).
 */
export interface AlternateContact {
  /**
   * The contact's name: a person or a team, 1-64 characters (AWS limit).
   */
  name: string;
  /**
   * The contact's title or role, 1-50 characters (AWS limit), for example Security operations.
   */
  title: string;
  /**
   * The contact's email address, in the form AWS accepts: letters, digits and + = . # | ! & - _ before the @, and a dotted domain (at most 254 characters).
   */
  email: string;
  /**
   * The contact's phone number: digits, spaces and ( ) + - only, 1-25 characters (AWS limit), for example +44 20 7946 0000.
   */
  phone: string;
}
/**
 * Who AWS tells about operational matters (service events, maintenance).
 */
export interface AlternateContact1 {
  /**
   * The contact's name: a person or a team, 1-64 characters (AWS limit).
   */
  name: string;
  /**
   * The contact's title or role, 1-50 characters (AWS limit), for example Security operations.
   */
  title: string;
  /**
   * The contact's email address, in the form AWS accepts: letters, digits and + = . # | ! & - _ before the @, and a dotted domain (at most 254 characters).
   */
  email: string;
  /**
   * The contact's phone number: digits, spaces and ( ) + - only, 1-25 characters (AWS limit), for example +44 20 7946 0000.
   */
  phone: string;
}
/**
 * Who AWS tells about billing matters.
 */
export interface AlternateContact2 {
  /**
   * The contact's name: a person or a team, 1-64 characters (AWS limit).
   */
  name: string;
  /**
   * The contact's title or role, 1-50 characters (AWS limit), for example Security operations.
   */
  title: string;
  /**
   * The contact's email address, in the form AWS accepts: letters, digits and + = . # | ! & - _ before the @, and a dotted domain (at most 254 characters).
   */
  email: string;
  /**
   * The contact's phone number: digits, spaces and ( ) + - only, 1-25 characters (AWS limit), for example +44 20 7946 0000.
   */
  phone: string;
}

/**
 * A 12-digit AWS account id, quoted.
 */
export type AccountId = string;
/**
 * An AWS region, for example eu-west-2.
 */
export type Region = string;
/**
 * ARN of an IAM role to assume.
 */
export type RoleArn = string;
export type Domain = string;

/**
 * Organisation-wide settings (settings.yaml at the repository root).
 */
export interface SettingsFile {
  /**
   * The shared account where every person has one IAM user.
   */
  users_account: {
    id: AccountId;
    /**
     * Account alias, used in the sign-in URL https://<alias>.signin.aws.amazon.com/console.
     */
    alias: string;
    region: Region;
    /**
     * Optional role in the users account that the reconciler assumes (through STS) before any IAM call: always for apply, and for plan unless read_role_to_assume is set.
     */
    role_to_assume?: string;
    /**
     * Optional read-only role in the users account that plan (pull requests and the drift check) assumes instead of role_to_assume; apply always assumes role_to_assume. Give it the IAM reads only, and let only the plan role assume it, so the plan stage cannot write IAM. Absent: plan assumes role_to_assume too. A role ARN, never an account root; requires role_to_assume and must differ from it.
     */
    read_role_to_assume?: string;
    /**
     * How far ahead a user's expires date may be, in months from today (default 12): a later date is an error, so contractors' access is reviewed at least this often.
     */
    expiry_horizon_months?: number;
    /**
     * The IAM group every user joins; its policies (assume roles only with MFA, manage your own credentials) are part of the baseline.
     */
    group: string;
    /**
     * The account password policy. Applied whole: AWS resets any field left out to its default.
     */
    password_policy: {
      /**
       * At least 16 characters (NCSC guidance, as the seed page says).
       */
      minimum_length: number;
      require_symbols?: boolean;
      require_numbers?: boolean;
      require_uppercase?: boolean;
      require_lowercase?: boolean;
      /**
       * Days before a password expires; omit for never.
       */
      max_age_days?: number;
      /**
       * How many previous passwords cannot be reused; omit for no rule.
       */
      reuse_prevention?: number;
    };
  };
  /**
   * The AWS Organization that holds the team accounts.
   */
  organization: {
    management_account_id: AccountId;
    /**
     * Optional role in the management account that the reconciler assumes before any Organizations call (and before assuming roles in member accounts): always for apply, and for plan unless read_role_to_assume is set.
     */
    role_to_assume?: string;
    /**
     * Optional read-only role in the management account that plan (pull requests and the drift check) assumes instead of role_to_assume, for Organizations reads and for reaching member accounts' reader roles (or their access roles when reader_role_name is not set); apply always assumes role_to_assume. Give it read-only Organizations access and sts:AssumeRole on the reader roles only, and let only the plan role assume it, so the plan stage cannot change the Organization. Absent: plan assumes role_to_assume too. A role ARN, never an account root; requires role_to_assume and must differ from it.
     */
    read_role_to_assume?: string;
    /**
     * The role Organizations creates in each new account (trusting the management account); the reconciler assumes it to create the bootstrap role.
     */
    access_role_name: string;
    /**
     * Name of the administrator role created in each new account for its bootstrap users.
     */
    bootstrap_role_name: string;
    /**
     * Optional read-only role the project creates in each managed active member account, next to the bootstrap role. It may only call iam:GetAccountAuthorizationDetails (which reads the account's roles, itself included, and changes nothing), and trusts exactly reader_trusted_role_arns. When set, plans read member accounts' roles through it instead of access_role_name, so the plan stage needs no administrator role in member accounts. Requires reader_trusted_role_arns.
     */
    reader_role_name?: string;
    /**
     * The only principals the reader role trusts: the role plans read member accounts with, that is organization.read_role_to_assume when set, otherwise the plan role itself. Apply reads through access_role_name, which it writes with anyway. Role ARNs only, never an account root. Requires reader_role_name.
     *
     * @minItems 1
     */
    reader_trusted_role_arns?: [RoleArn, ...RoleArn[]];
    /**
     * Root email of new accounts; '{name}' is replaced by the account name. The result must be at most 64 characters.
     */
    root_email_template: string;
    /**
     * Domains an account's root email may be on. Whoever receives the root email can take over the account, so a file may not send it elsewhere. Absent: the domain of root_email_template only. Exact domains: a subdomain is not included.
     *
     * @minItems 1
     */
    root_email_domains?: [Domain, ...Domain[]];
    /**
     * The organizational units accounts may be placed in, as paths from the root (for example '/Workloads/Production'; '/' is the root itself). Optional: when given, every account's organizational_unit must be one of them, and the request form offers exactly these.
     *
     * @minItems 1
     * @maxItems 1000
     */
    organizational_units?: [string, ...string[]];
  };
  /**
   * Settings every account file gets unless it names its own.
   */
  account_defaults?: {
    /**
     * Alternate contacts for every account (for example the organisation's security team as the security contact); an account file's contacts replace these one by one.
     */
    contacts?: {
      security?: DefaultContact;
      operations?: DefaultContact1;
      billing?: DefaultContact2;
    };
  };
  /**
   * How emails are sent (Amazon SES).
   */
  email: {
    /**
     * Verified SES identity used as From.
     */
    sender: string;
    region: Region;
    /**
     * Where people can ask for help; named in every email.
     */
    support_mailbox: string;
  };
  /**
   * Which email domains may have users.
   */
  email_domains: {
    /**
     * @minItems 1
     */
    staff: [Domain, ...Domain[]];
    /**
     * Users from these domains must have an expires date.
     */
    contractor: Domain[];
  };
  /**
   * IAM user names the reconciler never changes or deletes, even if tagged as managed (break-glass users, for example).
   */
  protected_users: string[];
  /**
   * Account ids that account files may never name or reach (adopt, tag, move, give a bootstrap role, close), in addition to the management account and the users account, which are always protected: for example a security, logging or billing account.
   */
  protected_accounts?: AccountId[];
  /**
   * Blast-radius limits for one run.
   */
  limits: {
    /**
     * The most existing IAM users one run may adopt (user files with adopt: true naming a user without the managed-by tag). Default 0: adoption is off. A plan with more refuses to apply. Raise it for a migration, in the pull request that adds the imported files (re-print the policies: the apply role may then tag unmanaged users), and set it back to 0 afterwards.
     */
    max_adoptions_per_run?: number;
    /**
     * The most users one run may delete. A plan with more refuses to apply unless the run is explicitly allowed (--allow-mass-deletion).
     */
    max_deletions_per_run: number;
    /**
     * The most accounts one run may close. AWS's own quota (10% of member accounts in a rolling 30 days) applies as well; a plan over either refuses before it starts.
     */
    max_closures_per_run: number;
  };
  /**
   * Optional named conditions that roles people assume can require on top of MFA, for example trusted source IP ranges. Each is an IAM condition block (operator, then condition key, then a value or values), added to the role's trust policy; account files name them (roles[].conditions). See https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition.html
   */
  role_conditions?: {
    [k: string]: {
      [k: string]: {
        [k: string]: string | [string, ...string[]];
      };
    };
  };
  /**
   * Thresholds of the access review (npm run report, and the scheduled Access review issue). Every field is optional; the defaults follow what IT Health Checks and the CIS AWS Foundations Benchmark flag.
   */
  access_review?: {
    /**
     * Days a new user has to add an MFA device and first use its password, and a new access key to be first used, before the review lists them (default 7).
     */
    grace_days?: number;
    /**
     * A console password or an active access key last used this many days ago or more is listed as unused (default 90).
     */
    unused_days?: number;
    /**
     * An active access key created more than this many days ago is listed for rotation (default 90).
     */
    access_key_max_age_days?: number;
    /**
     * Users whose expires date is this many days ahead or fewer are listed as expiring soon (default 30).
     */
    expiring_within_days?: number;
    /**
     * A bootstrap role (organization.bootstrap_role_name) created more than this many days ago is listed: the team should have its own admin role by then and remove the bootstrap role (default 90).
     */
    bootstrap_role_max_age_days?: number;
    /**
     * A person whose access was last approved more than this many days ago is listed for recertification (default 365). The last approval is the last merged commit, in git history, that changed their users/<email>.yaml or gave them a role in an account file (bootstrap.users, roles[].users): re-approving is an approved pull request that updates their file. Needs a clone with full history; skipped with a note otherwise.
     */
    recertify_after_days?: number;
  };
}
/**
 * Who AWS tells about security matters in the account (abuse reports, security notifications).
 */
export interface DefaultContact {
  /**
   * The contact's name: a person or a team, 1-64 characters (AWS limit).
   */
  name: string;
  /**
   * The contact's title or role, 1-50 characters (AWS limit), for example Security operations.
   */
  title: string;
  /**
   * The contact's email address, in the form AWS accepts: letters, digits and + = . # | ! & - _ before the @, and a dotted domain (at most 254 characters).
   */
  email: string;
  /**
   * The contact's phone number: digits, spaces and ( ) + - only, 1-25 characters (AWS limit), for example +44 20 7946 0000.
   */
  phone: string;
}
/**
 * Who AWS tells about operational matters (service events, maintenance).
 */
export interface DefaultContact1 {
  /**
   * The contact's name: a person or a team, 1-64 characters (AWS limit).
   */
  name: string;
  /**
   * The contact's title or role, 1-50 characters (AWS limit), for example Security operations.
   */
  title: string;
  /**
   * The contact's email address, in the form AWS accepts: letters, digits and + = . # | ! & - _ before the @, and a dotted domain (at most 254 characters).
   */
  email: string;
  /**
   * The contact's phone number: digits, spaces and ( ) + - only, 1-25 characters (AWS limit), for example +44 20 7946 0000.
   */
  phone: string;
}
/**
 * Who AWS tells about billing matters.
 */
export interface DefaultContact2 {
  /**
   * The contact's name: a person or a team, 1-64 characters (AWS limit).
   */
  name: string;
  /**
   * The contact's title or role, 1-50 characters (AWS limit), for example Security operations.
   */
  title: string;
  /**
   * The contact's email address, in the form AWS accepts: letters, digits and + = . # | ! & - _ before the @, and a dotted domain (at most 254 characters).
   */
  email: string;
  /**
   * The contact's phone number: digits, spaces and ( ) + - only, 1-25 characters (AWS limit), for example +44 20 7946 0000.
   */
  phone: string;
}
