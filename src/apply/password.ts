/** Temporary passwords: random, long, and always acceptable to the account password policy. */
import { randomInt } from 'node:crypto';
import type { PasswordPolicy } from '../core/model.ts';

// Look-alikes (0/O, 1/l/I) are left out: people type the password from an email.
const UPPER = 'ABCDEFGHJKLMNPQRSTUVWXYZ';
const LOWER = 'abcdefghijkmnopqrstuvwxyz';
const DIGITS = '23456789';
// IAM's symbol set for password policies, minus characters that mail clients or shells mangle.
const SYMBOLS = '!@#$%^&*()_+-=[]{}';
const ALPHABET = UPPER + LOWER + DIGITS + SYMBOLS;

const MINIMUM_LENGTH = 20;
const MAXIMUM_LENGTH = 128; // IAM's limit for a password.

function pick(chars: string): string {
  return chars.charAt(randomInt(chars.length));
}

/**
 * A password of max(policy.minimumLength, 20) characters (at most 128) with at least one
 * upper-case letter, lower-case letter, digit and symbol, whatever the policy requires, so the
 * same generator satisfies any policy. Uses crypto.randomInt (uniform, no modulo bias).
 */
export function generatePassword(policy: Pick<PasswordPolicy, 'minimumLength'>): string {
  const length = Math.min(MAXIMUM_LENGTH, Math.max(policy.minimumLength, MINIMUM_LENGTH));
  const chars = [pick(UPPER), pick(LOWER), pick(DIGITS), pick(SYMBOLS)];
  while (chars.length < length) chars.push(pick(ALPHABET));
  // Fisher-Yates, so the guaranteed classes are not always at the front.
  for (let i = chars.length - 1; i > 0; i -= 1) {
    const j = randomInt(i + 1);
    const a = chars[i] as string;
    chars[i] = chars[j] as string;
    chars[j] = a;
  }
  return chars.join('');
}
