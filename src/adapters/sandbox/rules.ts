/** The AWS limits the sandbox enforces, with the errors an AWS adapter would translate to. */
import { AppError } from '../../core/errors.ts';
import type { PasswordPolicy, Tags } from '../../core/model.ts';

export const MAX_TAGS = 50;
// IAM and Organizations tag alphabet: letters, spaces, numbers and _ . : / = + - @ (aws-facts §1).
const TAG_TEXT = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
const IAM_NAME = /^[\w+=,.@-]+$/;

export function invalidInput(message: string): AppError {
  return new AppError('invalid-input', message);
}

export function noSuchEntity(what: string): AppError {
  return new AppError('not-found', `${what} does not exist.`);
}

export function assertIamName(kind: string, name: string, max: number): void {
  if (name.length < 1 || name.length > max || !IAM_NAME.test(name)) {
    throw invalidInput(`${kind} name "${name}" must be 1-${max} characters of letters, digits and + = , . @ _ -.`);
  }
}

export function assertTag(key: string, value: string): void {
  if (key.length < 1 || key.length > 128 || !TAG_TEXT.test(key)) {
    throw invalidInput(`Tag key "${key}" must be 1-128 characters of letters, digits, spaces and _ . : / = + - @.`);
  }
  if (key.toLowerCase().startsWith('aws:')) throw invalidInput(`Tag key "${key}" uses the reserved prefix aws:.`);
  if (value.length > 256 || !TAG_TEXT.test(value)) {
    throw invalidInput(`Tag value of "${key}" must be at most 256 characters of letters, digits, spaces and _ . : / = + - @.`);
  }
}

/**
 * Merges tags the way AWS does. For IAM, keys are case-insensitive but keep their case: setting
 * `department` replaces `Department` (aws-facts §1). Organizations keys are case-sensitive.
 */
export function mergeTags(current: Record<string, string>, add: Tags, caseInsensitive: boolean): Record<string, string> {
  const next = { ...current };
  for (const [key, value] of Object.entries(add)) {
    assertTag(key, value);
    if (caseInsensitive) {
      for (const existing of Object.keys(next)) if (existing.toLowerCase() === key.toLowerCase()) delete next[existing];
    }
    Object.defineProperty(next, key, { value, enumerable: true, writable: true, configurable: true }); // `__proto__` too
  }
  if (Object.keys(next).length > MAX_TAGS) {
    throw new AppError('limit-exceeded', `At most ${MAX_TAGS} tags are allowed; this would make ${Object.keys(next).length}.`);
  }
  return next;
}

export function removeTags(current: Record<string, string>, keys: readonly string[], caseInsensitive: boolean): Record<string, string> {
  const drop = new Set(keys.map((key) => (caseInsensitive ? key.toLowerCase() : key)));
  return Object.fromEntries(Object.entries(current).filter(([key]) => !drop.has(caseInsensitive ? key.toLowerCase() : key)));
}

/** IAM's default when an account has no password policy: at least 8 characters. */
const DEFAULT_MINIMUM_LENGTH = 8;

export function assertPasswordPolicy(policy: PasswordPolicy): void {
  if (!Number.isInteger(policy.minimumLength) || policy.minimumLength < 6 || policy.minimumLength > 128) {
    throw invalidInput('MinimumPasswordLength must be 6-128.');
  }
  if (policy.maxAgeDays !== undefined && policy.maxAgeDays !== 0 && (policy.maxAgeDays < 1 || policy.maxAgeDays > 1095)) {
    throw invalidInput('MaxPasswordAge must be 1-1095 (or 0 for never).');
  }
  if (policy.reusePrevention !== undefined && (policy.reusePrevention < 1 || policy.reusePrevention > 24)) {
    throw invalidInput('PasswordReusePrevention must be 1-24.');
  }
}

/** CreateLoginProfile's PasswordPolicyViolation. The message never repeats the password. */
export function assertPasswordMeetsPolicy(password: string, policy: PasswordPolicy | undefined): void {
  const problems: string[] = [];
  const minimum = policy?.minimumLength ?? DEFAULT_MINIMUM_LENGTH;
  if (password.length < minimum) problems.push(`at least ${minimum} characters`);
  if (password.length > 128) problems.push('at most 128 characters');
  if (policy?.requireUppercase && !/[A-Z]/.test(password)) problems.push('an upper-case letter');
  if (policy?.requireLowercase && !/[a-z]/.test(password)) problems.push('a lower-case letter');
  if (policy?.requireNumbers && !/[0-9]/.test(password)) problems.push('a number');
  if (policy?.requireSymbols && !/[^A-Za-z0-9]/.test(password)) problems.push('a symbol');
  if (problems.length > 0) {
    throw new AppError('password-policy-violation', `The password does not meet the password policy: it needs ${problems.join(', ')}.`);
  }
}
