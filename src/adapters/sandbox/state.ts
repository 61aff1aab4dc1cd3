/**
 * The sandbox's whole world in one JSON file (`<dir>/state.json`): a users account and an
 * Organization with member accounts, close enough to AWS that the plan and apply flow can be seen
 * and tested end to end without an AWS account.
 *
 * Never a password: a login profile keeps a salted scrypt hash (so tests can check the emailed
 * password is the one set) and nothing else.
 */
import { randomBytes, scryptSync, timingSafeEqual } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { AppError } from '../../core/errors.ts';
import type { LiveAccountStatus, PasswordPolicy, PolicyDocument } from '../../core/model.ts';
import { makePrivateDir, PRIVATE_FILE_MODE, secureSandboxDir } from './private-files.ts';
import { describeSandboxStateProblem } from './state-shape.ts';

export const SANDBOX_STATE_VERSION = 1;

export interface SandboxLoginProfile {
  /** `scrypt$<cost N>$<salt hex>$<hash hex>` (written before the cost was recorded: `scrypt$<salt hex>$<hash hex>`, N = 16384). */
  passwordHash: string;
  passwordResetRequired: boolean;
  createdAt: string;
  /** Last console sign-in. The sandbox has no sign-in: set by hand (or by tests) to see the access review. */
  lastUsedAt?: string;
}

export interface SandboxAccessKey {
  accessKeyId: string;
  status: 'Active' | 'Inactive';
  /** Absent in state files written before it was modelled. */
  createdAt?: string;
  /** Last use, set by hand as lastUsedAt of a login profile. */
  lastUsedAt?: string;
}

export interface SandboxUser {
  userName: string;
  /** Unique id (`AIDA…`), what AWS leaves in trust policies once the user is deleted. */
  userId: string;
  createdAt: string;
  tags: Record<string, string>;
  groups: string[];
  loginProfile?: SandboxLoginProfile;
  accessKeys: SandboxAccessKey[];
  signingCertificates: string[];
  sshPublicKeys: string[];
  serviceSpecificCredentials: string[];
  /** Serial numbers of the MFA devices in use (virtual ones are `arn:…:mfa/…`). */
  mfaDevices: string[];
  inlinePolicies: Record<string, PolicyDocument>;
  attachedPolicies: string[];
}

export interface SandboxGroup {
  name: string;
  policies: Record<string, PolicyDocument>;
  /** ARNs of attached managed policies; absent in state files written before they were modelled. */
  attachedPolicies?: string[];
}

export interface SandboxRole {
  name: string;
  /** Absent in state files written before paths were modelled: `/`. */
  path?: string;
  description?: string;
  trustPolicy: PolicyDocument;
  tags: Record<string, string>;
  attachedPolicies: string[];
  /** Inline policies by name; absent in state files written before they were modelled. */
  policies?: Record<string, PolicyDocument>;
  /** ISO 8601; absent in state files written before it was modelled. */
  createdAt?: string;
}

export interface SandboxAccount {
  id: string;
  name: string;
  email: string;
  status: LiveAccountStatus;
  ouPath: string;
  tags: Record<string, string>;
  roles: SandboxRole[];
  /** Account settings (core/facets.ts) by id, `contacts/security`; absent in state files written before they were modelled. */
  facets?: Record<string, Record<string, string>>;
}

export interface SandboxCreation {
  requestId: string;
  accountName: string;
  email: string;
  tags: Record<string, string>;
  accessRoleName: string;
  state: 'IN_PROGRESS' | 'SUCCEEDED' | 'FAILED';
  requestedAt: string;
  completedAt?: string;
  accountId?: string;
  failureReason?: string;
}

export interface SandboxState {
  version: typeof SANDBOX_STATE_VERSION;
  counters: { account: number; request: number; user: number };
  usersAccount: {
    accountId: string;
    users: SandboxUser[];
    groups: SandboxGroup[];
    passwordPolicy?: PasswordPolicy;
    /** Virtual MFA devices of the account; one assigned to a user is also in its `mfaDevices`. */
    virtualMfaDevices: string[];
    /** The account alias (IAM allows one); absent in state files written before it was modelled. */
    aliases?: string[];
  };
  organization: {
    managementAccountId: string;
    /** OU paths; `/` is the root. */
    ouPaths: string[];
    accounts: SandboxAccount[];
    creations: SandboxCreation[];
    closures: { accountId: string; closedAt: string }[];
    /**
     * AWS services with trusted access in the Organization (`account.amazonaws.com`). Absent (state
     * files written before it was modelled, and new ones): every service the project needs has it.
     */
    trustedServices?: string[];
  };
}

export function emptySandboxState(usersAccountId: string, managementAccountId: string): SandboxState {
  return {
    version: SANDBOX_STATE_VERSION,
    counters: { account: 0, request: 0, user: 0 },
    usersAccount: { accountId: usersAccountId, users: [], groups: [], virtualMfaDevices: [] },
    organization: {
      managementAccountId,
      ouPaths: ['/'],
      accounts: [
        {
          id: managementAccountId,
          name: 'management',
          email: 'management@sandbox.invalid',
          status: 'ACTIVE',
          ouPath: '/',
          tags: {},
          roles: [],
        },
      ],
      creations: [],
      closures: [],
    },
  };
}

/**
 * scrypt's cost parameter N for the sandbox's hashes. The sandbox is a local stand-in whose outbox
 * holds the same temporary passwords in plain text, so the hash only keeps them out of state.json;
 * Node's default cost (N = 16384, about 35 ms of CPU a hash) made every sandbox apply of a few
 * users, and the test suite's hundreds, slow for no protection.
 */
const SCRYPT_COST = 1024;

export function hashPassword(password: string): string {
  const salt = randomBytes(16);
  return `scrypt$${SCRYPT_COST}$${salt.toString('hex')}$${scryptSync(password, salt, 32, { N: SCRYPT_COST }).toString('hex')}`;
}

/** True when `password` is the one the login profile was set with (for tests and demos). */
export function passwordMatches(profile: SandboxLoginProfile, password: string): boolean {
  const parts = profile.passwordHash.split('$');
  const [scheme, cost, saltHex, hashHex] = parts.length === 3 ? [parts[0], '16384', parts[1], parts[2]] : parts;
  if (scheme !== 'scrypt' || saltHex === undefined || hashHex === undefined) return false;
  const expected = Buffer.from(hashHex, 'hex');
  if (expected.length === 0) return false;
  try {
    return timingSafeEqual(scryptSync(password, Buffer.from(saltHex, 'hex'), expected.length, { N: Number(cost) }), expected);
  } catch {
    return false; // not a cost scrypt takes: not a hash this code wrote
  }
}

/** Every path and its ancestors, e.g. `/A/B` gives `/A` and `/A/B` (the root is implied). */
export function withAncestors(paths: Iterable<string>): string[] {
  const all = new Set<string>();
  for (const path of paths) {
    const parts = path.split('/').filter((part) => part !== '');
    for (let i = 1; i <= parts.length; i += 1) all.add(`/${parts.slice(0, i).join('/')}`);
  }
  return [...all];
}

// One queue per state file for the whole process: changes run concurrently and several targets may
// open the same directory, but every read-modify-write must see the previous one's result.
const queues = new Map<string, Promise<unknown>>();

/** Reads and atomically rewrites `<dir>/state.json`, one change at a time. */
export class SandboxStore {
  readonly file: string;
  private readonly seed: () => SandboxState;
  private readonly onOpen: ((state: SandboxState) => void) | undefined;
  private opened = false;
  private secured = false;

  /**
   * @param seed the state to start from when the file does not exist yet
   * @param onOpen applied once per store before its first access (e.g. OUs an admin made by hand)
   */
  constructor(dir: string, seed: () => SandboxState, onOpen?: (state: SandboxState) => void) {
    this.file = join(resolve(dir), 'state.json');
    this.seed = seed;
    this.onOpen = onOpen;
  }

  /** A snapshot of the state (a copy: changing it changes nothing). */
  async read(): Promise<SandboxState> {
    return this.update((state) => structuredClone(state));
  }

  /** Runs `mutate` on the current state and saves the result, unless it throws. */
  async update<T>(mutate: (state: SandboxState) => T): Promise<T> {
    const previous = queues.get(this.file) ?? Promise.resolve();
    const next = previous.then(
      () => this.run(mutate),
      () => this.run(mutate),
    );
    queues.set(this.file, next);
    return next;
  }

  private async run<T>(mutate: (state: SandboxState) => T): Promise<T> {
    const state = await this.load();
    const before = JSON.stringify(state, null, 2);
    if (!this.opened) {
      this.onOpen?.(state);
      this.opened = true;
    }
    const result = mutate(state);
    const after = JSON.stringify(state, null, 2);
    if (after !== before) await this.save(after);
    return result;
  }

  private async load(): Promise<SandboxState> {
    if (!this.secured) {
      await secureSandboxDir(dirname(this.file));
      this.secured = true;
    }
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return this.seed();
      throw new AppError('sandbox-unreadable', `Cannot read the sandbox state ${this.file}.`, { cause: error });
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (error) {
      throw new AppError('sandbox-corrupt', `The sandbox state ${this.file} is not valid JSON.`, {
        fault: 'user',
        hint: 'Delete the .sandbox folder to start a fresh sandbox.',
        cause: error,
      });
    }
    const problem = describeSandboxStateProblem(parsed);
    if (problem !== undefined) {
      throw new AppError('sandbox-corrupt', `The sandbox state ${this.file} is not in the expected format: ${problem}.`, {
        fault: 'user',
        hint: 'Delete the .sandbox folder to start a fresh sandbox.',
      });
    }
    return parsed as SandboxState;
  }

  /** Write a temporary file next to the state, then rename: a reader never sees half a file. */
  private async save(text: string): Promise<void> {
    await makePrivateDir(dirname(this.file));
    const tmp = `${this.file}.${randomBytes(6).toString('hex')}.tmp`;
    try {
      await writeFile(tmp, `${text}\n`, { encoding: 'utf8', mode: PRIVATE_FILE_MODE });
      await rename(tmp, this.file);
    } catch (error) {
      await rm(tmp, { force: true });
      throw new AppError('sandbox-unwritable', `Cannot write the sandbox state ${this.file}.`, { cause: error });
    }
  }
}
