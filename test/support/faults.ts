/**
 * What AWS does and moto does not, injected on demand by the tests' AWS proxy (aws-proxy.ts), each
 * answered with AWS's own error and counted in `injected`:
 *
 * - paging: every list answer cut into pages of `pageSize` items with opaque markers (IAM:
 *   IsTruncated + Marker; Organizations: NextToken), as AWS may page any list
 *   (https://docs.aws.amazon.com/IAM/latest/APIReference/API_GetAccountAuthorizationDetails.html).
 * - eventual consistency: for `consistencyMs` after a create, AssumeRole on the new role (CreateRole,
 *   or the access role of an account just created) is refused with AccessDenied, and GetRole/GetUser
 *   of the new name with NoSuchEntity
 *   (https://docs.aws.amazon.com/IAM/latest/UserGuide/troubleshoot_general.html#troubleshoot_general_eventual-consistency).
 * - Organizations: CreateAccount stays IN_PROGRESS for `inProgressPolls` DescribeCreateAccountStatus
 *   polls (hidden from the account lists meanwhile); more than `concurrentCreations` in progress
 *   refuses CreateAccount with TooManyRequestsException; writes refused with
 *   ConcurrentModificationException at `concurrentModificationRate`; CreateAccount for chosen
 *   names ending FAILED with the chosen reason (API_CreateAccountStatus FailureReason).
 * - SES: MessageRejected for chosen recipients (the sandbox's refusal of an unverified address).
 *   (The send rate is a token bucket: the proxy's `throttling.ses`.)
 * - a connection reset after the request was processed, for chosen actions, at a seeded rate, never
 *   twice for the same request body (so the SDK's retry of it goes through).
 *
 * Deterministic for a seed, except the consistency window, which is wall-clock time as in AWS.
 */
import { seededRandom } from './random.ts';
import type { AwsRequest } from './throttling.ts';

export interface FaultOptions {
  seed?: number;
  /** Items per page of every list (IAM and Organizations). */
  pageSize?: number;
  /** How long a new role (or a new account's access role) refuses AssumeRole and reads. */
  consistencyMs?: number;
  organizations?: {
    /** CreateAccount requests IN_PROGRESS at once before TooManyRequestsException (AWS: 5). */
    concurrentCreations?: number;
    /** DescribeCreateAccountStatus polls a creation stays IN_PROGRESS. */
    inProgressPolls?: number;
    /** Share of Organizations writes refused with ConcurrentModificationException. */
    concurrentModificationRate?: number;
  };
  /** Account name: the FailureReason its first `times` (default 1) CreateAccount requests end with. */
  createAccountFailures?: Readonly<Record<string, { reason: string; times?: number }>>;
  /** Recipients SES refuses (MessageRejected), lower-case. */
  sesRejected?: readonly string[];
  /** Actions answered by a reset connection after moto processed them, at `probability`. */
  resetAfter?: { actions: readonly string[]; probability: number };
}

/** What the proxy does with one request. */
export type FaultDecision =
  | { kind: 'answer'; status: number; headers: Record<string, string>; body: string }
  /** Forward `body` (maybe rewritten); `after` may rewrite the answer or ask for a reset. */
  | { kind: 'forward'; body: Buffer; after?: (answer: Answer) => Answer | 'reset' };

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

const IAM_LISTS: Readonly<Record<string, readonly string[]>> = {
  GetAccountAuthorizationDetails: ['UserDetailList', 'GroupDetailList', 'RoleDetailList', 'Policies'],
  ListUsers: ['Users'],
  ListRoles: ['Roles'],
  ListAccessKeys: ['AccessKeyMetadata'],
  ListMFADevices: ['MFADevices'],
  ListVirtualMFADevices: ['VirtualMFADevices'],
  ListGroupsForUser: ['Groups'],
  ListAttachedUserPolicies: ['AttachedPolicies'],
  ListUserPolicies: ['PolicyNames'],
  ListUserTags: ['Tags'],
  ListSigningCertificates: ['Certificates'],
  ListSSHPublicKeys: ['SSHPublicKeys'],
  ListAttachedRolePolicies: ['AttachedPolicies'],
  ListRolePolicies: ['PolicyNames'],
  ListInstanceProfilesForRole: ['InstanceProfiles'],
  ListAccountAliases: ['AccountAliases'],
};

const ORGANIZATIONS_LISTS: Readonly<Record<string, string>> = {
  ListAccounts: 'Accounts',
  ListAccountsForParent: 'Accounts',
  ListOrganizationalUnitsForParent: 'OrganizationalUnits',
  ListParents: 'Parents',
  ListRoots: 'Roots',
  ListChildren: 'Children',
  ListTagsForResource: 'Tags',
  ListCreateAccountStatus: 'CreateAccountStatuses',
  ListAWSServiceAccessForOrganization: 'EnabledServicePrincipals',
};

const ORGANIZATIONS_WRITES = new Set(['TagResource', 'UntagResource', 'MoveAccount', 'CloseAccount', 'CreateAccount']);

const MARKER_PREFIX = 'fault-page:';
const marker = (offset: number): string => Buffer.from(`${MARKER_PREFIX}${offset}`).toString('base64');
function offsetOf(token: string | null | undefined): number | undefined {
  if (!token) return undefined;
  const text = Buffer.from(token, 'base64').toString('utf8');
  return text.startsWith(MARKER_PREFIX) ? Number(text.slice(MARKER_PREFIX.length)) : undefined;
}

interface Creation {
  id: string;
  name: string;
  pollsLeft: number;
  requested: number;
  /** moto's account, once moto made it; absent for a creation that ends FAILED. */
  accountId?: string;
  failureReason?: string;
}

export class FaultInjector {
  /** What was injected, by fault (`paging:ListUsers`, `consistency:AssumeRole`, ...). */
  readonly injected = new Map<string, number>();
  private readonly random: () => number;
  private readonly options: FaultOptions;
  /** ARN (role) or name (user, role) -> when it was created. */
  private readonly createdAt = new Map<string, number>();
  private readonly creations = new Map<string, Creation>();
  private readonly failuresLeft = new Map<string, number>();
  private readonly resetBodies = new Set<string>();
  private nextCreation = 0;
  /** The recipients SES refuses now (a test verifies one by deleting it). */
  readonly rejectedRecipients: Set<string>;

  private readonly now: () => number;

  constructor(options: FaultOptions, now: () => number = () => Date.now()) {
    this.options = options;
    this.now = now;
    this.random = seededRandom(options.seed ?? 1);
    this.rejectedRecipients = new Set((options.sesRejected ?? []).map((r) => r.toLowerCase()));
    for (const [name, failure] of Object.entries(options.createAccountFailures ?? {})) this.failuresLeft.set(name, failure.times ?? 1);
  }

  get total(): number {
    return [...this.injected.values()].reduce((a, b) => a + b, 0);
  }

  private count(fault: string): void {
    this.injected.set(fault, (this.injected.get(fault) ?? 0) + 1);
  }

  decide(aws: AwsRequest, body: Buffer): FaultDecision {
    const text = body.toString('utf8');
    const isOrganizations = aws.service === 'organizations';
    const action = aws.action;
    const reset = this.resetFor(action, text);
    const withReset = (decision: FaultDecision): FaultDecision => {
      if (!reset || decision.kind !== 'forward') return decision;
      const after = decision.after;
      return {
        ...decision,
        after: (answer) => {
          const rewritten = after === undefined ? answer : after(answer);
          if (rewritten === 'reset' || rewritten.status !== 200) return rewritten;
          this.resetBodies.add(text);
          this.count(`reset:${action}`);
          return 'reset';
        },
      };
    };
    if (isOrganizations) return withReset(this.organizations(action, text, body));
    if (aws.service === 'ses' && action === 'SendEmail') return withReset(this.sendEmail(text, body));
    if (aws.service === 'sts' && action === 'AssumeRole') return this.assumeRole(text, body);
    if (aws.service === 'iam') return withReset(this.iam(action, text, body));
    return { kind: 'forward', body };
  }

  private resetFor(action: string, text: string): boolean {
    const rule = this.options.resetAfter;
    if (rule === undefined || !rule.actions.includes(action) || this.resetBodies.has(text)) return false;
    return this.random() < rule.probability;
  }

  private isFresh(key: string): boolean {
    const at = this.createdAt.get(key);
    return at !== undefined && this.now() - at < (this.options.consistencyMs ?? 0);
  }

  // ---- STS and IAM -------------------------------------------------------------------------

  private assumeRole(text: string, body: Buffer): FaultDecision {
    const roleArn = new URLSearchParams(text).get('RoleArn') ?? '';
    const account = /^arn:[^:]+:iam::(\d+):/.exec(roleArn)?.[1] ?? '';
    if (this.isFresh(roleArn) || this.isFresh(`account:${account}`)) {
      this.count('consistency:AssumeRole');
      return queryError(403, 'AccessDenied', `User: arn:aws:sts::123456789012:assumed-role/caller is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`, 'sts');
    }
    return { kind: 'forward', body };
  }

  private iam(action: string, text: string, body: Buffer): FaultDecision {
    const form = new URLSearchParams(text);
    if ((action === 'GetRole' || action === 'GetUser') && this.isFresh(`${action === 'GetRole' ? 'role' : 'user'}:${form.get('RoleName') ?? form.get('UserName')}`)) {
      this.count(`consistency:${action}`);
      const name = form.get('RoleName') ?? form.get('UserName') ?? '';
      return queryError(404, 'NoSuchEntity', `The ${action === 'GetRole' ? 'role' : 'user'} with name ${name} cannot be found.`, 'iam');
    }
    if (action === 'CreateRole' || action === 'CreateUser') {
      return {
        kind: 'forward',
        body,
        after: (answer) => {
          if (answer.status === 200) {
            const arn = /<Arn>([^<]+)<\/Arn>/.exec(answer.body.toString('utf8'))?.[1];
            if (arn !== undefined) this.createdAt.set(arn, this.now());
            const kind = action === 'CreateRole' ? 'role' : 'user';
            this.createdAt.set(`${kind}:${form.get(action === 'CreateRole' ? 'RoleName' : 'UserName')}`, this.now());
          }
          return answer;
        },
      };
    }
    const lists = IAM_LISTS[action];
    const pageSize = this.options.pageSize;
    if (lists === undefined || pageSize === undefined) return { kind: 'forward', body };
    const offset = offsetOf(form.get('Marker')) ?? 0;
    const maxItems = Number(form.get('MaxItems') ?? pageSize);
    const size = Math.max(1, Math.min(pageSize, Number.isFinite(maxItems) ? maxItems : pageSize));
    form.delete('Marker');
    form.delete('MaxItems');
    return {
      kind: 'forward',
      body: Buffer.from(form.toString()),
      after: (answer) => (answer.status === 200 ? { ...answer, body: Buffer.from(this.pageXml(action, answer.body.toString('utf8'), lists, offset, size)) } : answer),
    };
  }

  /** The page at `offset` of the items of `lists` (in that order), with IsTruncated and a Marker. */
  private pageXml(action: string, xml: string, lists: readonly string[], offset: number, size: number): string {
    const found = lists.map((name) => ({ name, members: membersOf(xml, name) }));
    const total = found.reduce((n, l) => n + (l.members?.length ?? 0), 0);
    let index = 0;
    let out = xml;
    for (const list of found) {
      if (list.members === undefined) continue;
      const kept = list.members.filter(() => {
        const i = index++;
        return i >= offset && i < offset + size;
      });
      out = replaceList(out, list.name, kept);
    }
    const truncated = offset + size < total;
    if (truncated || offset > 0) this.count(`paging:${action}`);
    out = out.replace(/<Marker>[^<]*<\/Marker>/, '').replace(/<IsTruncated>(true|false)<\/IsTruncated>/, '');
    const tail = `<IsTruncated>${truncated}</IsTruncated>${truncated ? `<Marker>${marker(offset + size)}</Marker>` : ''}`;
    return out.replace(/(<\/[A-Za-z]+Result>)/, `${tail}$1`);
  }

  // ---- SES ---------------------------------------------------------------------------------

  private sendEmail(text: string, body: Buffer): FaultDecision {
    const form = new URLSearchParams(text);
    const rejected = this.rejectedRecipients;
    const recipients = [...form.entries()].filter(([key]) => key.startsWith('Destination.')).map(([, value]) => value.toLowerCase());
    const refused = recipients.filter((r) => rejected.has(r));
    if (refused.length > 0) {
      this.count('ses:MessageRejected');
      return queryError(400, 'MessageRejected', `Email address is not verified. The following identities failed the check in region EU-WEST-2: ${refused.join(', ')}`, 'ses');
    }
    return { kind: 'forward', body };
  }

  // ---- Organizations -----------------------------------------------------------------------

  private organizations(action: string, text: string, body: Buffer): FaultDecision {
    const input = (text === '' ? {} : JSON.parse(text)) as Record<string, unknown>;
    const rate = this.options.organizations?.concurrentModificationRate ?? 0;
    if (ORGANIZATIONS_WRITES.has(action) && rate > 0 && this.random() < rate) {
      this.count(`organizations:ConcurrentModificationException:${action}`);
      return jsonError('ConcurrentModificationException', 'AWS Organizations can\'t complete your request because it conflicts with another attempt to modify the same entity. Try again later.');
    }
    if (action === 'CreateAccount') return this.createAccount(input, body);
    if (action === 'DescribeCreateAccountStatus') return this.describeCreation(String(input['CreateAccountRequestId'] ?? ''), body);
    const listKey = ORGANIZATIONS_LISTS[action];
    if (listKey === undefined) return { kind: 'forward', body };
    const pageSize = this.options.pageSize;
    const offset = offsetOf(typeof input['NextToken'] === 'string' ? input['NextToken'] : undefined) ?? 0;
    const { NextToken: _token, MaxResults: maxResults, ...forwarded } = input;
    const size = Math.max(1, Math.min(pageSize ?? Number.MAX_SAFE_INTEGER, typeof maxResults === 'number' ? maxResults : Number.MAX_SAFE_INTEGER));
    return {
      kind: 'forward',
      body: Buffer.from(JSON.stringify(forwarded)),
      after: (answer) => {
        if (answer.status !== 200) return answer;
        const output = JSON.parse(answer.body.toString('utf8')) as Record<string, unknown>;
        let items = Array.isArray(output[listKey]) ? (output[listKey] as Record<string, unknown>[]) : [];
        items = this.rewriteCreations(action, items, input);
        const page = pageSize === undefined ? items : items.slice(offset, offset + size);
        const truncated = pageSize !== undefined && offset + size < items.length;
        if (pageSize !== undefined && (truncated || offset > 0)) this.count(`paging:${action}`);
        const { NextToken: _next, ...rest } = output;
        return json({ ...rest, [listKey]: page, ...(truncated ? { NextToken: marker(offset + size) } : {}) });
      },
    };
  }

  private inProgress(): Creation[] {
    return [...this.creations.values()].filter((c) => c.pollsLeft > 0);
  }

  private createAccount(input: Record<string, unknown>, body: Buffer): FaultDecision {
    const name = String(input['AccountName'] ?? '');
    const limit = this.options.organizations?.concurrentCreations;
    if (limit !== undefined && this.inProgress().length >= limit) {
      this.count('organizations:TooManyRequestsException:CreateAccount');
      return jsonError('TooManyRequestsException', 'You have sent too many requests in too short a period of time. The quota helps protect against denial-of-service attacks. Try again later.');
    }
    const polls = this.options.organizations?.inProgressPolls ?? 0;
    const failuresLeft = this.failuresLeft.get(name) ?? 0;
    const failure = this.options.createAccountFailures?.[name];
    if (failure !== undefined && failuresLeft > 0) {
      this.failuresLeft.set(name, failuresLeft - 1);
      const id = `car-fault${String(++this.nextCreation).padStart(8, '0')}`;
      const creation: Creation = { id, name, pollsLeft: Math.max(1, polls), requested: this.now(), failureReason: failure.reason };
      this.creations.set(id, creation);
      this.count(`organizations:FAILED:${failure.reason}`);
      return { kind: 'answer', status: 200, headers: JSON_HEADERS, body: JSON.stringify({ CreateAccountStatus: statusOf(creation) }) };
    }
    return {
      kind: 'forward',
      body,
      after: (answer) => {
        if (answer.status !== 200) return answer;
        const output = JSON.parse(answer.body.toString('utf8')) as { CreateAccountStatus?: Record<string, unknown> };
        const status = output.CreateAccountStatus ?? {};
        const id = String(status['Id'] ?? '');
        if (polls === 0) {
          this.createdAt.set(`account:${String(status['AccountId'] ?? '')}`, this.now());
          return answer;
        }
        const creation: Creation = { id, name, pollsLeft: polls, requested: this.now(), accountId: String(status['AccountId'] ?? '') };
        this.creations.set(id, creation);
        this.count('organizations:IN_PROGRESS');
        return json({ CreateAccountStatus: statusOf(creation) });
      },
    };
  }

  private describeCreation(id: string, body: Buffer): FaultDecision {
    const creation = this.creations.get(id);
    if (creation === undefined) return { kind: 'forward', body };
    if (creation.pollsLeft > 0) creation.pollsLeft -= 1;
    if (creation.pollsLeft === 0 && creation.accountId !== undefined && !this.createdAt.has(`account:${creation.accountId}`)) {
      // Usable only a while after it is reported: AssumeRole into it is refused meanwhile.
      this.createdAt.set(`account:${creation.accountId}`, this.now());
    }
    return { kind: 'answer', status: 200, headers: JSON_HEADERS, body: JSON.stringify({ CreateAccountStatus: statusOf(creation) }) };
  }

  /** Creation statuses as the proxy reports them; accounts still being created left out of the lists. */
  private rewriteCreations(action: string, items: Record<string, unknown>[], input: Record<string, unknown>): Record<string, unknown>[] {
    if (action === 'ListCreateAccountStatus') {
      const ours = [...this.creations.values()];
      const known = new Set(ours.map((c) => c.id));
      const states = Array.isArray(input['States']) ? (input['States'] as string[]) : undefined;
      const all = [...items.filter((s) => !known.has(String(s['Id']))), ...ours.map(statusOf)];
      return states === undefined ? all : all.filter((s) => states.includes(String(s['State'])));
    }
    if (action === 'ListAccounts' || action === 'ListAccountsForParent') {
      const hidden = new Set(this.inProgress().flatMap((c) => (c.accountId === undefined ? [] : [c.accountId])));
      return items.filter((a) => !hidden.has(String(a['Id'])));
    }
    return items;
  }
}

function statusOf(creation: Creation): Record<string, unknown> {
  const base = { Id: creation.id, AccountName: creation.name, RequestedTimestamp: creation.requested / 1000 };
  if (creation.pollsLeft > 0) return { ...base, State: 'IN_PROGRESS' };
  if (creation.failureReason !== undefined) return { ...base, State: 'FAILED', FailureReason: creation.failureReason, CompletedTimestamp: creation.requested / 1000 };
  return { ...base, State: 'SUCCEEDED', AccountId: creation.accountId, CompletedTimestamp: creation.requested / 1000 };
}

const JSON_HEADERS = { 'content-type': 'application/x-amz-json-1.1' };

function json(output: unknown): Answer {
  return { status: 200, headers: JSON_HEADERS, body: Buffer.from(JSON.stringify(output)) };
}

let errorIds = 0;

function jsonError(type: string, message: string): FaultDecision {
  return { kind: 'answer', status: 400, headers: { ...JSON_HEADERS, 'x-amzn-requestid': `fault-${++errorIds}`, 'x-amzn-errortype': type }, body: JSON.stringify({ __type: type, Message: message }) };
}

function queryError(status: number, code: string, message: string, service: string): FaultDecision {
  const requestId = `fault-${++errorIds}`;
  return {
    kind: 'answer',
    status,
    headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
    body: `<ErrorResponse xmlns="https://${service}.amazonaws.com/doc/2010-05-08/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${message}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  };
}

/** The `<member>` items directly inside the first `<name>` element; undefined when there is none. */
function membersOf(xml: string, name: string): string[] | undefined {
  if (new RegExp(`<${name}\\s*/>`).test(xml) && !xml.includes(`<${name}>`)) return [];
  const start = xml.indexOf(`<${name}>`);
  if (start < 0) return undefined;
  const from = start + name.length + 2;
  const members: string[] = [];
  const tag = /<member>|<\/member>|<member\s*\/>/g;
  tag.lastIndex = from;
  let depth = 0;
  let begin = -1;
  for (let m = tag.exec(xml); m !== null; m = tag.exec(xml)) {
    // Stop at the list's own end tag when it comes before the next member.
    const end = xml.indexOf(`</${name}>`, from);
    if (depth === 0 && end >= 0 && end < m.index) break;
    if (m[0].startsWith('<member') && m[0].endsWith('/>')) {
      if (depth === 0) members.push(m[0]);
    } else if (m[0] === '<member>') {
      if (depth === 0) begin = m.index;
      depth++;
    } else {
      depth--;
      if (depth === 0) members.push(xml.slice(begin, m.index + m[0].length));
    }
  }
  return members;
}

function replaceList(xml: string, name: string, members: readonly string[]): string {
  const selfClosing = new RegExp(`<${name}\\s*/>`);
  const start = xml.indexOf(`<${name}>`);
  if (start < 0) return xml.replace(selfClosing, `<${name}>${members.join('')}</${name}>`);
  // The matching end tag: the first one after the last member's end (lists do not nest themselves).
  const contentStart = start + name.length + 2;
  let depth = 1;
  const tags = new RegExp(`<${name}>|</${name}>`, 'g');
  tags.lastIndex = contentStart;
  let end = -1;
  for (let m = tags.exec(xml); m !== null; m = tags.exec(xml)) {
    depth += m[0] === `<${name}>` ? 1 : -1;
    if (depth === 0) {
      end = m.index;
      break;
    }
  }
  if (end < 0) return xml;
  return `${xml.slice(0, contentStart)}${members.join('')}${xml.slice(end)}`;
}
