/**
 * The shape of a sandbox state file, checked when it is read: a file edited by hand, truncated by
 * another tool or left by an incompatible version must say where it is wrong, not fail later as a
 * TypeError deep in an adapter. Extra fields are allowed (newer versions may add some); optional
 * fields may be absent (older versions wrote none).
 */
import { isRecord } from '../../core/plan-helpers.ts';
import { SANDBOX_STATE_VERSION, type SandboxState } from './state.ts';

/** A check returns where and how the value is wrong, or undefined when it is right. */
type Check = (value: unknown, path: string) => string | undefined;


const text: Check = (value, path) => (typeof value === 'string' ? undefined : `${path} is not a string`);
const flag: Check = (value, path) => (typeof value === 'boolean' ? undefined : `${path} is not true or false`);
const count: Check = (value, path) => (Number.isSafeInteger(value) && (value as number) >= 0 ? undefined : `${path} is not a whole number`);
const anObject: Check = (value, path) => (isRecord(value) ? undefined : `${path} is not an object`);
const oneOf =
  (...allowed: string[]): Check =>
  (value, path) =>
    typeof value === 'string' && allowed.includes(value) ? undefined : `${path} is not one of ${allowed.join(', ')}`;

function listOf(item: Check): Check {
  return (value, path) => {
    if (!Array.isArray(value)) return `${path} is not a list`;
    for (const [index, element] of value.entries()) {
      const problem = item(element, `${path}[${index}]`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

function mapOf(item: Check): Check {
  return (value, path) => {
    if (!isRecord(value)) return `${path} is not an object`;
    for (const [key, element] of Object.entries(value)) {
      const problem = item(element, `${path}.${key}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

/** Fields whose name ends in `?` may be absent. */
function shape(fields: Record<string, Check>): Check {
  return (value, path) => {
    if (!isRecord(value)) return `${path} is not an object`;
    for (const [name, check] of Object.entries(fields)) {
      const optional = name.endsWith('?');
      const key = optional ? name.slice(0, -1) : name;
      if (!Object.hasOwn(value, key)) {
        if (optional) continue;
        return `${path}.${key} is missing`;
      }
      const problem = check(value[key], `${path}.${key}`);
      if (problem !== undefined) return problem;
    }
    return undefined;
  };
}

const tags = mapOf(text);
const texts = listOf(text);
const policies = mapOf(anObject);

const user = shape({
  userName: text,
  userId: text,
  createdAt: text,
  tags,
  groups: texts,
  'loginProfile?': shape({ passwordHash: text, passwordResetRequired: flag, createdAt: text, 'lastUsedAt?': text }),
  accessKeys: listOf(shape({ accessKeyId: text, status: oneOf('Active', 'Inactive'), 'createdAt?': text, 'lastUsedAt?': text })),
  signingCertificates: texts,
  sshPublicKeys: texts,
  serviceSpecificCredentials: texts,
  mfaDevices: texts,
  inlinePolicies: policies,
  attachedPolicies: texts,
});

const role = shape({ name: text, trustPolicy: anObject, tags, attachedPolicies: texts, 'policies?': policies, 'createdAt?': text });

const account = shape({
  id: text,
  name: text,
  email: text,
  status: oneOf('ACTIVE', 'SUSPENDED', 'PENDING_CLOSURE'),
  ouPath: text,
  tags,
  roles: listOf(role),
  'facets?': mapOf(tags),
});

const creation = shape({
  requestId: text,
  accountName: text,
  email: text,
  tags,
  accessRoleName: text,
  state: oneOf('IN_PROGRESS', 'SUCCEEDED', 'FAILED'),
  requestedAt: text,
  'completedAt?': text,
  'accountId?': text,
  'failureReason?': text,
});

const state = shape({
  counters: shape({ account: count, request: count, user: count }),
  usersAccount: shape({
    accountId: text,
    users: listOf(user),
    groups: listOf(shape({ name: text, policies, 'attachedPolicies?': texts })),
    'passwordPolicy?': anObject,
    virtualMfaDevices: texts,
  }),
  organization: shape({
    managementAccountId: text,
    ouPaths: texts,
    accounts: listOf(account),
    creations: listOf(creation),
    closures: listOf(shape({ accountId: text, closedAt: text })),
    'trustedServices?': texts,
  }),
});

/**
 * Why `value` is not a sandbox state this version can use (`state.usersAccount.users[2].tags is
 * not an object`), or undefined when it is one.
 */
export function describeSandboxStateProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'the file does not hold a JSON object';
  if (value.version !== SANDBOX_STATE_VERSION) {
    return `its version is ${JSON.stringify(value.version) ?? 'missing'}, and this version of the tool reads version ${SANDBOX_STATE_VERSION}`;
  }
  return state(value, 'state');
}

export function isSandboxState(value: unknown): value is SandboxState {
  return describeSandboxStateProblem(value) === undefined;
}
